"""Inline SVG charts: horizontal bars (scores, winners, deciders) and columns (distributions).

Each chart is a ``<figure>`` with a ``<title>`` and a ``<desc>`` inside the SVG (what a screen
reader announces) and the same numbers as a table in a ``<details>``, the text alternative. Colours
come from CSS classes, so dark mode and print restyle the charts without touching the markup. The
SVG is drawn at its natural size (text at 13px) and only shrinks on narrow screens.
"""

from __future__ import annotations

from collections.abc import Sequence

from recommender.render.html.markup import Markup, el, join
from recommender.scoring.decide import text_of
from recommender.values import Value, frozen

ROW = 30
PAD = 8
VALUE_ROOM = 124  # right of the longest bar, for "+16.5 ◀ winner" (or "−12.5 ✗ excluded")


@frozen
class Bar(Value):
    """One bar: label, value, CSS class (``fw-0``, ``excluded``...), a note after the value."""

    label: str
    value: float
    kind: str = ""
    note: str = ""
    shown: str = ""  # the value as printed; default: the number itself
    tip: str = ""  # a longer label for the tooltip


@frozen
class Frame(Value):
    """A chart's natural width and, for bar charts, the room left of the bars for labels."""

    width: int = 640
    label: int = 190


FRAME = Frame()  # the default margins


def figure(
    chart_id: str, title: str, desc: str, body: Markup, size: tuple[int, int], table: Markup
) -> Markup:
    """The chart in a figure: SVG with title and desc, then the data table as text alternative."""
    width, height = size
    svg = el(
        "svg",
        el("title", title, id=f"{chart_id}-title"),
        el("desc", desc, id=f"{chart_id}-desc"),
        body,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        cls="chart-svg",
    )
    alt = el("details", el("summary", "Chart as text"), table, cls="chart-alt")
    return el("figure", el("figcaption", title), svg, alt, cls="chart", id=chart_id)


def bar_chart(
    chart_id: str, title: str, desc: str, bars: Sequence[Bar], frame: Frame = FRAME
) -> Markup:
    """Horizontal bars from a zero line; negative values extend left of it."""
    height = PAD * 2 + ROW * max(len(bars), 1)
    low = min([0.0, *(b.value for b in bars)])
    span = (max([0.0, *(b.value for b in bars)]) - low) or 1.0
    # room for the longest label ("no recommendation" was cut to "o recommendation"), at most half
    label = min(max([frame.label, *(16 + 8 * len(b.label) for b in bars)]), frame.width // 2)
    room = frame.width - label - VALUE_ROOM
    zero = label + room * (-low / span)
    rows = [_bar_row(i, b, zero, room / span, label) for i, b in enumerate(bars)]
    axis = el(
        "line", x1=f"{zero:.1f}", x2=f"{zero:.1f}", y1=PAD // 2, y2=height - PAD // 2, cls="axis"
    )
    return figure(chart_id, title, desc, join([*rows, axis]), (frame.width, height), _table(bars))


def _bar_row(i: int, b: Bar, zero: float, scale: float, label: int) -> Markup:
    y = PAD + i * ROW
    length = abs(b.value) * scale
    x = zero - length if b.value < 0 else zero
    text_y = y + ROW // 2 + 5
    return el(
        "g",
        el("title", b.tip or b.label),
        el("text", b.label, x=label - 8, y=text_y, text_anchor="end", cls="label"),
        el(
            "rect",
            x=f"{x:.1f}",
            y=y + 4,
            width=f"{max(length, 1.5):.1f}",
            height=ROW - 8,
            rx=3,
            cls=f"bar {b.kind}".strip(),
        ),
        el("text", _value(b), x=f"{max(zero, x + length) + 6:.1f}", y=text_y, cls="value"),
        cls="row",
        data_label=b.label,
        data_value=_number(b.value),
    )


def column_chart(
    chart_id: str, title: str, desc: str, bars: Sequence[Bar], frame: Frame = FRAME
) -> Markup:
    """Vertical columns, one per bucket, labels below; for counts (never negative)."""
    height, base = 200, 170
    top = max([1.0, *(b.value for b in bars)])
    step = (frame.width - 2 * PAD) / max(len(bars), 1)
    cols = [
        _column(b, PAD + i * step, step, (base - 24) * b.value / top, base)
        for i, b in enumerate(bars)
    ]
    axis = el("line", x1=PAD, x2=frame.width - PAD, y1=base, y2=base, cls="axis")
    return figure(chart_id, title, desc, join([*cols, axis]), (frame.width, height), _table(bars))


def _column(b: Bar, x: float, step: float, h: float, base: int) -> Markup:
    middle = f"{x + step / 2:.1f}"
    return el(
        "g",
        el("title", b.tip or b.label),
        el(
            "rect",
            x=f"{x + step * 0.15:.1f}",
            y=f"{base - h:.1f}",
            width=f"{step * 0.7:.1f}",
            height=f"{max(h, 1.0):.1f}",
            rx=3,
            cls=f"bar {b.kind}".strip(),
        ),
        el("text", _value(b), x=middle, y=f"{base - h - 6:.1f}", text_anchor="middle", cls="value"),
        el("text", b.label, x=middle, y=base + 20, text_anchor="middle", cls="label"),
        cls="col",
        data_label=b.label,
        data_value=_number(b.value),
    )


def _table(bars: Sequence[Bar]) -> Markup:
    rows = [el("tr", el("th", b.tip or b.label, scope="row"), el("td", _value(b))) for b in bars]
    return el("table", el("tbody", *rows), cls="alt-table")


def _value(b: Bar) -> str:
    shown = b.shown or (f"{int(b.value):,}" if float(b.value).is_integer() else _number(b.value))
    return f"{shown}{' ' + b.note if b.note else ''}"


def _number(value: float) -> str:
    return text_of(value, sign=False)
