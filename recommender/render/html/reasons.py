"""The report's explanations: reasons with their sources, why-not, deal-breakers, what-ifs.

Each function takes the record (``recommend --format json``) and returns Markup, or nothing when
its part of the record is absent or empty; fields added later (issue 12's
``why_not.by_question``, structured what-ifs) are shown when present and the older shapes still
render."""

from __future__ import annotations

from typing import Any, TypeGuard

from recommender.render.html.labels import Names, dicts, mapping, signed, strings
from recommender.render.html.links import linkify
from recommender.render.html.markup import Markup, balanced, el, join
from recommender.render.text import LEAN, LEAN_MARK, as_far, tied
from recommender.rulebase.conditions import PROBE
from recommender.scoring.decide import text_of

MULTI_SIGNS = {"+": "adding", "-": "dropping"}


def listed(items: list[Any], sep: str = ", ", last: str = " and ") -> Markup:
    """Items in a sentence, each in a ``<bdi>``: question texts and option labels can come from
    an overlay, and an override in one (U+202E) reversed the items after it in the line."""
    parts: list[Any] = []
    for i, item in enumerate(items):
        if i:
            parts.append(last if i == len(items) - 1 else sep)
        parts.append(el("bdi", item))
    return join(parts)


def reason_list(reasons: list[dict[str, Any]]) -> Markup:
    """Points, the ``because`` text, the source with its links, and the rule id. Rule text is
    untrusted (overlays): each piece is a ``<bdi>``, so a bidi override in it (U+202E) cannot
    reverse the rule id or the source drawn after it."""
    return el("ul", *(_reason(r) for r in reasons), cls="reasons")


def _reason(r: dict[str, Any]) -> Markup:
    points = r.get("points")
    tone = "pos" if _positive(points) else "neg" if _negative(points) else ""
    return el(
        "li",
        el("span", signed(points), cls=f"pts {tone}".strip()),
        el(
            "span",
            f"{LEAN} " if r.get("lean") is True else "",
            el("bdi", r.get("because", "")),
            " ",
            el("span", r.get("rule", ""), cls="rule-id mono"),
        ),
        el("span", "Source: ", el("bdi", linkify(balanced(str(r.get("source", ""))))), cls="source")
        if r.get("source")
        else None,
        data_rule=r.get("rule"),
    )


def _number(x: Any) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _positive(x: Any) -> bool:
    return isinstance(x, (int, float)) and x > 0


def _negative(x: Any) -> bool:
    return isinstance(x, (int, float)) and x < 0


def why(data: dict[str, Any], names: Names) -> Markup:
    """ "Why X" for the winner, or for each tied framework; the others' reasons folded below."""
    tie, level = strings(data.get("tie")), data.get("confidence")
    leaders = (
        [str(data["winner"])] if data.get("winner") else [f for f in tie if tied(f, tie, level)]
    )
    parts = []
    others = []
    for s in dicts(data.get("ranking")):
        reasons = dicts(s.get("reasons"))
        if s.get("framework") in leaders:
            title = f"Why {names.framework(s.get('framework'))} ({signed(s.get('score'))})"
            parts.append(
                join(
                    [
                        el("h3", title),
                        reason_list(reasons)
                        if reasons
                        else el("p", "No rule gave it points.", cls="muted"),
                    ]
                )
            )
        elif reasons:
            title = f"{names.framework(s.get('framework'))} ({signed(s.get('score'))})"
            # its points stand, but it is out: listed bare, its reasons read as a live contender's
            out = " \u2014 excluded by a deal-breaker" if s.get("excluded") is True else ""
            others.append(join([el("h3", title + out), reason_list(reasons)]))
    if others:
        summary = "The other frameworks' reasons" if leaders else "Each framework's reasons"
        parts.append(el("details", el("summary", summary), *others))
    if not parts:
        return Markup("")
    return el("section", el("h2", "Reasons"), *parts, cls="card", id="reasons")


def why_not(data: dict[str, Any], names: Names) -> Markup:
    """The gap to the runner-up: per question when the record has it, else the rules lost on."""
    w = mapping(data.get("why_not"))
    if not w:
        return Markup("")
    gap = w.get("gap")
    level = as_far([names.framework(f) for f in strings(w.get("level"))])
    behind = (
        f" ({text_of(gap, False)} point{'s' if gap != 1 else ''} behind{level})"
        if _number(gap)
        else ""
    )
    title = f"Why not {names.framework(w.get('framework'))}{behind}"
    if "by_question" in w:
        body = _by_question(w, names, gap, mapping(data.get("answers")))
    else:
        body = _lost_on(w)
    return el("section", el("h2", title), body, cls="card", id="why-not")


def _by_question(w: dict[str, Any], names: Names, gap: Any, answers: dict[str, Any]) -> Markup:
    rows = [
        el(
            "tr",
            el("td", _reads(q, names)),
            el("td", _answers(q, names, answers)),
            el("td", signed(q.get("net")), cls="num"),
            el("td", ", ".join(_rule_ids(q.get("rules"))), cls="mono"),
        )
        for q in dicts(w.get("by_question"))
    ]
    total = el("tr", el("th", "The gap", colspan=2), el("td", signed(gap), cls="num"), el("td"))
    head = el(
        "tr",
        el("th", "question"),
        el("th", "answer"),
        el("th", "net", cls="num"),
        el("th", "rules"),
    )
    note = el(
        "p",
        "What the winner gained over it, question by question; the nets add up to the gap.",
        cls="muted",
    )
    return join([note, el("table", el("thead", head), el("tbody", *rows, total))])


def _inputs(q: dict[str, Any]) -> list[str]:
    """What a net's rules read: its one question, else every input in ``reads`` (several
    questions, probe facts, or none for rules that always fire)."""
    return [str(q["question"])] if q.get("question") else strings(q.get("reads"))


def _reads(q: dict[str, Any], names: Names) -> str:
    return " + ".join(map(names.question, _inputs(q))) or "rules that always fire"


def _answers(q: dict[str, Any], names: Names, answers: dict[str, Any]) -> str:
    """The answers to what a net's rules read; a probe fact's status is in the evidence."""
    parts = []
    for read in _inputs(q):
        value = q.get("answer") if q.get("question") else answers.get(read)
        if read.startswith(PROBE):
            parts.append("this machine's probe")
        else:
            parts.append("unanswered" if value is None else names.answer(read, value))
    return "; ".join(parts) or "-"


def _rule_ids(rules: Any) -> list[str]:
    if not isinstance(rules, list):
        return []
    return [
        str(r.get("rule", "")) + (LEAN_MARK if r.get("lean") is True else "")
        if isinstance(r, dict)
        else str(r)
        for r in rules
    ]


def _lost_on(w: dict[str, Any]) -> Markup:
    lost = dicts(w.get("lost_on"))
    if not lost:
        return el("p", "No single rule separates them.", cls="muted")
    note = el(
        "p",
        "The rules on which it lost the most (points: what the winner gained over it).",
        cls="muted",
    )
    return join([note, reason_list(lost)])


def dealbreakers(data: dict[str, Any], names: Names) -> Markup:
    items = [
        el(
            "li",
            el("b", names.framework(s.get("framework"))),
            ": ",
            el("bdi", b.get("because", "")),
            el(
                "span",
                " Source: ",
                el("bdi", linkify(balanced(str(b.get("source", ""))))),
                cls="source",
            )
            if b.get("source")
            else None,
        )
        for s in dicts(data.get("ranking"))
        for b in dicts(s.get("dealbreakers"))
    ]
    if not items:
        return Markup("")
    return el("section", el("h2", "Deal-breakers"), el("ul", *items), cls="card", id="dealbreakers")


def what_would_change(data: dict[str, Any], names: Names) -> Markup:
    """Grouped by question: each single different answer and the outcome it leads to."""
    groups: dict[str, list[Markup]] = {}
    for c in dicts(data.get("what_would_change")):
        q = c.get("question")
        then = names.outcome(c.get("winner"), c.get("tie"), c.get("undecided"))
        phrase = join([el("bdi", _change(c, names)), " \u2192 ", el("bdi", then)])
        groups.setdefault(str(q), []).append(phrase)
    if not groups and not data.get("open_questions"):
        return Markup("")
    items = [
        el("li", el("b", el("bdi", names.question(q))), ": ", listed(p, "; ", "; "))
        for q, p in groups.items()
    ]
    return el(
        "section",
        el("h2", "What would change this (one answer at a time)"),
        el("ul", *items) if items else el("p", "No single answer changes the winner.", cls="muted"),
        open_questions(data, names),
        cls="card",
        id="what-would-change",
    )


def _change(c: dict[str, Any], names: Names) -> str:
    """Issue 12's ``{change: set|add|remove|clear, answer}``, or "+opt"/"-opt"/"(unanswered)"."""
    q, answer, change = c.get("question"), c.get("answer"), c.get("change")
    if change is not None:
        verb = {"add": "adding", "remove": "dropping", "clear": "leaving it unanswered"}.get(change)
        if change == "clear":
            return "leaving it unanswered"
        label = names.answer(q, answer)
        return f"{verb} {label}" if verb else label
    text = str(answer)
    if text == "(unanswered)":
        return "leaving it unanswered"
    if text[:1] in MULTI_SIGNS and (q, text[1:]) in names.options:
        return f"{MULTI_SIGNS[text[0]]} {names.option(q, text[1:])}"
    return names.option(q, text)


def open_questions(data: dict[str, Any], names: Names) -> Markup:
    qs = [names.question(q) for q in strings(data.get("open_questions"))]
    if not qs:
        return Markup("")
    return el(
        "p",
        "Unanswered questions that could still change the result: ",
        listed(qs),
        ".",
        cls="open-questions",
    )
