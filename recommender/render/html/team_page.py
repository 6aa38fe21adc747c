"""The visible part of the team page: the counts, the charts and the table's frame.

Everything is drawn from a :class:`tally.Tally` (and the batch's :class:`Summary` for the rules
that fired most); the table's rows are filled in by ``assets/team.js`` from the compact rows."""

from __future__ import annotations

from typing import Any

from recommender.batch.run import Summary
from recommender.render.html.labels import Names, and_list
from recommender.render.html.markup import Markup, el, join
from recommender.render.html.svg import Bar, Frame, bar_chart, column_chart
from recommender.render.html.tally import BUCKETS, OVER, UNDECIDED, Tally

DECIDING_SHOWN = 8
CONFIDENCE_ORDER = ("clear", "close", "none")
# outcomes that are not a framework, as the charts and filters name them
LABELS = (
    ("tie", "tie"),
    (UNDECIDED, "no recommendation"),
    ("none", "none fits"),
    ("error", "error"),
)
KINDS = tuple(kind for kind, _ in LABELS)
CHART = Frame(460, 130)
MAX_SEARCH = 200  # characters of the name search; a longer one in the URL is dropped


def body(
    tally: Tally,
    summary: Summary,
    names: Names,
    top_rules: list[tuple[str, int]],
    left_out: str | None = None,
) -> Markup:
    """The page; ``left_out`` says why the records are not in it (they are, when None)."""
    records = (
        "Every record is in script#records at the end of this file, as batch --format json writes "
        "it but for each long text it repeats (a reason's because and source, a note, a why): "
        "that is a number, its place in the list in script#texts. The table reads the compact "
        "copy in script#rows-data."
        if left_out is None
        else f"Note: {left_out}."
    )
    notice = [] if left_out is None else [el("p", f"Note: {left_out}.", cls="notice", role="note")]
    return join(
        [
            _header(tally, names),
            *notice,
            _stats(tally),
            el("div", _winners(tally, names), _margins(tally), cls="grid"),
            el(
                "div",
                _confidence(tally),
                _deciding(tally, names),
                _top_rules(top_rules),
                cls="grid",
            ),
            _table(names, tally),
            el("footer", f"Made by recommender. {records}", id="records-note"),
        ]
    )


def _header(tally: Tally, names: Names) -> Markup:
    return el(
        "header",
        el("p", "Team report", cls="kicker"),
        el("h1", f"Which framework fits which team: {_count(tally.rows, 'profile')}"),
        el("p", _lede(tally, names), cls="lede", id="lede"),
        cls="top",
    )


def _lede(tally: Tally, names: Names) -> str:
    """The most common winner; every framework level with it (not the first one counted); or,
    when no scored row has a single winner, what the scored rows came to instead (saying "no
    profile could be scored" of scored ties contradicted the counts below it)."""
    scored = tally.rows - tally.outcomes["error"]
    if scored == 0:
        return "No profile could be scored."
    wins = {f: n for f, n in tally.outcomes.items() if f not in KINDS and n}
    if not wins:
        kinds = [
            _count(tally.outcomes[kind], one, many)
            for kind, one, many in (
                ("tie", "tie", "ties"),
                (UNDECIDED, "with no recommendation", "with no recommendation"),
                ("none", "where no framework fits", "where no framework fits"),
            )
            if tally.outcomes[kind]
        ]
        within = _count(scored, "scored profile")
        return f"No framework wins outright in {within}: {and_list(kinds)}."
    best = max(wins.values())
    leads = [names.framework(f) for f, _ in _by_count(tally, names) if wins.get(f) == best]
    share = f"{best:,} of {_count(scored, 'scored profile')} ({100 * best / scored:.0f}%)"
    if len(leads) == 1:
        return f"{leads[0]} fits {share}."
    return f"{and_list(leads)} each fit {share}."


def _count(n: int, one: str, many: str | None = None) -> str:
    """``1 profile``, ``2 profiles``: ``many`` is ``one`` + "s" unless given."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _stats(tally: Tally) -> Markup:
    items = [
        ("profiles", tally.rows),
        ("scored", tally.rows - tally.outcomes["error"]),
        ("ties", tally.outcomes["tie"]),
        (
            "close calls (tied, or a rival level without the lean or one answer away)",
            tally.confidence["close"],
        ),
        ("narrow margins (\u2264 1 point, or a tie)", tally.close),
        ("failed rows", tally.outcomes["error"]),
    ]
    return el(
        "ul",
        *(el("li", el("b", f"{n:,}"), label, data_stat=label.split()[0]) for label, n in items),
        cls="stats",
        id="stats",
    )


def _winners(tally: Tally, names: Names) -> Markup:
    bars = [Bar(names.framework(f), n, f"fw-{names.index(f)}") for f, n in _by_count(tally, names)]
    for kind, label in LABELS:
        if tally.outcomes[kind]:
            bars.append(Bar(label, tally.outcomes[kind], kind))
    desc = "; ".join(f"{b.label}: {b.value:,.0f} rows" for b in bars) or "no rows"
    return el("section", bar_chart("winners-chart", "Winners", desc, bars, CHART), cls="card")


def _by_count(tally: Tally, names: Names) -> list[tuple[str, int]]:
    found = [(f, tally.outcomes[f]) for f in names.frameworks if tally.outcomes[f]]
    found += [
        (f, n) for f, n in tally.outcomes.items() if f not in names.frameworks and f not in KINDS
    ]
    return sorted(found, key=lambda x: -x[1])


def _margins(tally: Tally) -> Markup:
    labels = ["tie", *(label for _, label in BUCKETS), OVER]
    bars = [
        Bar(label, tally.margins[label], "tie" if label == "tie" else "fw-2") for label in labels
    ]
    desc = "Winning margin in points (winner minus runner-up): " + "; ".join(
        f"{b.label}: {b.value:,.0f} rows" for b in bars
    )
    chart = column_chart(
        "margin-chart", "How close the calls are (margin, points)", desc, bars, Frame(460)
    )
    return el("section", chart, cls="card")


def _confidence(tally: Tally) -> Markup:
    if not tally.confidence:
        return Markup("")
    levels = [c for c in CONFIDENCE_ORDER if c in tally.confidence]
    levels += sorted(c for c in tally.confidence if c not in CONFIDENCE_ORDER)
    bars = [Bar(c, tally.confidence[c], c) for c in levels]
    desc = "; ".join(f"{b.label}: {b.value:,.0f} rows" for b in bars)
    return el("section", bar_chart("confidence-chart", "Confidence", desc, bars, CHART), cls="card")


def _deciding(tally: Tally, names: Names) -> Markup:
    top = tally.deciding.most_common(DECIDING_SHOWN)
    if not top:
        return Markup("")
    bars = [Bar(q, n, "fw-3", tip=_deciding_tip(tally, q, names)) for q, n in top]
    desc = "Rows whose winner gained points over the runner-up through this question: " + "; ".join(
        f"{q} {n}" for q, n in top
    )
    chart = bar_chart("deciding-chart", "Which answers decide most", desc, bars, CHART)
    return el(
        "section",
        chart,
        el(
            "p",
            "Rows where the question's answer gave the winner points over "
            "the runner-up; hover a bar for the most common deciding answer.",
            cls="muted",
        ),
        cls="card",
    )


def _deciding_tip(tally: Tally, question: str, names: Names) -> str:
    answer, n = tally.deciding_answers[question].most_common(1)[0]
    said = names.answer(question, list(answer)) if answer else "unanswered"
    return f"{names.question(question)} \u2014 most often: {said} ({n:,} rows)"


def _top_rules(top_rules: list[tuple[str, int]]) -> Markup:
    if not top_rules:
        return Markup("")
    items = [el("li", el("code", rule), f" \u2014 {n:,} rows") for rule, n in top_rules]
    return el("section", el("h2", "Rules that fired most"), el("ol", *items), cls="card")


def _table(names: Names, tally: Tally) -> Markup:
    return el(
        "section",
        el("h2", "Every profile"),
        _filters(names, tally),
        el("p", id="table-status", aria_live="polite", cls="muted"),
        el(
            "div",
            el("table", el("thead", _head(names, bool(tally.confidence))), el("tbody"), id="rows"),
            cls="table-wrap",
        ),
        el(
            "div",
            el("button", "\u2190 previous", type="button", data_page="prev"),
            el("span", id="page-label"),
            el("button", "next \u2192", type="button", data_page="next"),
            cls="pager",
        ),
        el("noscript", el("p", "The table needs JavaScript; the records are in script#records.")),
        cls="card",
        id="table",
    )


def _filters(names: Names, tally: Tally) -> Markup:
    winners: list[tuple[str, str]] = [
        ("", "all"),
        *names.frameworks.items(),
        *LABELS[:-1],
        ("error", "errors"),
    ]
    controls: list[Any] = [
        _select("winner", "Winner", winners),
        el(
            "label",
            "Profile name contains",
            el(
                "input",
                type="search",
                name="q",
                data_filter="q",
                autocomplete="off",
                maxlength=str(MAX_SEARCH),
            ),
        ),
        _select("close", "Margin", [("", "any"), ("1", "narrow (\u2264 1 point, or a tie)")]),
    ]
    if tally.confidence:
        levels = [(c, c) for c in (*CONFIDENCE_ORDER, *tally.confidence) if c in tally.confidence]
        controls.append(_select("confidence", "Confidence", [("", "any"), *dict(levels).items()]))
    return el("form", *controls, cls="filters", id="filters", aria_label="filters")


def _select(key: str, label: str, options: list[tuple[str, str]]) -> Markup:
    return el(
        "label",
        label,
        el(
            "select",
            *(el("option", text, value=value) for value, text in options),
            name=key,
            data_filter=key,
        ),
    )


def _head(names: Names, confidence: bool) -> Markup:
    cols = [
        ("row", "row", True),
        ("profile", "profile", False),
        ("winner", "winner", False),
        ("stack", "stack", False),
        ("margin", "margin", True),
    ]
    if confidence:
        cols.append(("confidence", "confidence", False))
    cells = [
        el("th", el("button", label, type="button", data_sort=key), cls="num" if num else None)
        for key, label, num in cols
    ]
    cells += [
        el("th", el("button", name, type="button", data_sort=f"score:{fid}"), cls="num")
        for fid, name in names.frameworks.items()
    ]
    cells.append(el("th", "notes"))
    return el("tr", *cells)
