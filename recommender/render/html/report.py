"""``recommend --format html``: one self-contained page for one recommendation.

:func:`report_page` is a pure function of two JSON values, both inlined in the page: the record
exactly as ``recommend --format json`` prints it (``script#report-data``) and the exported rule
base (``script#rules-data``, see :mod:`export`) that the in-page what-if scores with. Fields the
record may gain (``confidence``, ``stack``, a per-question ``why_not``) are shown when present;
a missing one drops its part."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from recommender import __version__
from recommender.render.html import reasons
from recommender.render.html.evidence import evidence as evidence_section
from recommender.render.html.labels import (
    Names,
    and_list,
    dicts,
    label_of,
    mapping,
    route_label,
    signed,
    strings,
)
from recommender.render.html.markup import Markup, el, isolated, join, json_script
from recommender.render.html.page import TAIL, head, script, script_text
from recommender.render.html.svg import Bar, Frame, bar_chart
from recommender.render.text import UNDECIDED, confidence_note, tie_tail, tied
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import text_of
from recommender.scoring.export import export_rules
from recommender.scoring.result import Recommendation

if TYPE_CHECKING:
    from collections.abc import Mapping

    from recommender.scoring.evidence import Evidence

SCRIPTS = ("dom.js", "scorer.js", "report.js")
CONFIDENCE = {
    "clear": "a clear call",
    "close": "a close call: tied, or a rival level without the lean or one answer away",
    "none": "no real preference: your answers do not separate the frameworks",
}

# "clear" of "every framework is excluded" (scoring.confidence): "a clear call" read as a win
NONE_FITS = "not a call on points: every framework is excluded by a deal-breaker"


def _none_fits(data: dict[str, Any], level: str) -> bool:
    return level == "clear" and not data.get("winner") and not strings(data.get("tie"))


def render_html(
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    facts: Mapping[str, str] | None = None,
    *,
    full: bool = True,
    width: int | None = None,
) -> str:
    """The page for ``rec``; ``facts`` (``--probe``) fold the probe tests of the what-if's rules.
    (``full`` and ``width`` are the terminal's: a page is always whole.)"""
    data = rec.to_dict()
    if evidence is not None:
        data["evidence"] = evidence.to_dict()
    tail = tie_tail(rec) if rec.tie else ""
    note = confidence_note(rec, isolated_words(rules))
    return report_page(data, export_rules(rules, facts), note, tail)


def isolated_words(rules: RuleBase) -> RuleBase:
    """``rules`` with every framework name and option label :func:`isolated`, for the sentences
    the page shares with the other formats (:func:`~recommender.render.text.confidence_note`):
    there an overlay's name with an override reversed the rest of the note. Only the words
    change; the terminal and Markdown show the same controls as escapes instead."""
    return replace(
        rules,
        frameworks=tuple(replace(f, name=isolated(f.name)) for f in rules.frameworks),
        questions=tuple(
            replace(q, options=tuple(replace(o, label=isolated(o.label)) for o in q.options))
            for q in rules.questions
        ),
    )


def report_page(data: dict[str, Any], model: dict[str, Any], note: str = "", tie: str = "") -> str:
    """The whole page from the record and the exported rules; ``note`` is what the other
    formats say of the confidence (:func:`~recommender.render.text.confidence_note`): which
    answers make the call close, or would decide it; ``tie``, what they say of a tie after the
    names (:func:`~recommender.render.text.tie_tail`: a tie the lean makes says so)."""
    names = Names.of(model)
    code = script_text(*SCRIPTS)
    title = f"recommender: {_verdict(data, names)}"
    if _name(data):  # isolated in the tab's title too (right-to-left, or with a bidi control)
        title += f" for {isolated(str(_name(data)))}"
    return join(
        [
            head(title, [code]),
            _body(data, names, note, tie),
            json_script("report-data", data),
            json_script("rules-data", model),
            script(code),
            TAIL,
        ]
    )


def _body(data: dict[str, Any], names: Names, note: str = "", tie: str = "") -> Markup:
    return join(
        [
            _header(data, names, note, tie),
            el("div", _scores(data, names), _companion(data, names), cls="grid"),
            reasons.why(data, names),
            reasons.why_not(data, names),
            reasons.dealbreakers(data, names),
            reasons.what_would_change(data, names),
            evidence_section(data, names),
            _answers(data, names),
            _whatif(),
            _footer(),
        ]
    )


def _name(data: dict[str, Any]) -> Any:
    """The profile's name (``profile`` in records before schema_version 1)."""
    return data.get("name", data.get("profile"))


def _verdict(data: dict[str, Any], names: Names) -> str:
    if data.get("winner"):
        return names.framework(data["winner"])
    if data.get("confidence") == "none":
        return "no recommendation yet"
    if strings(data.get("tie")):
        return "tie between " + " and ".join(names.framework(f) for f in strings(data["tie"]))
    if data.get("confidence") == "none":
        return "no recommendation yet"
    return "no framework fits"


def _header(data: dict[str, Any], names: Names, note: str = "", tie: str = "") -> Markup:
    profile = _name(data)
    return el(
        "header",
        el(
            "p",
            "Framework recommendation",
            join([" \u00b7 ", el("bdi", profile, id="profile-name")]) if profile else None,
            cls="kicker",
        ),
        el(
            "h1",
            _headline(data, names, tie),
            cls="headline",
            id="headline",
            data_winner=str(data.get("winner") or ""),
            data_tie=" ".join(strings(data.get("tie"))),
        ),
        _stack(data, names),
        _confidence(data, names),
        el("p", note, cls="confidence-note", id="confidence-note") if note else None,
        cls="top",
    )


def _headline(data: dict[str, Any], names: Names, tail: str = "") -> Markup:
    winner = data.get("winner")
    if winner:
        companion = mapping(data.get("companion"))
        with_ = (
            el("span", f" with {label_of(companion)}", cls="with")
            if companion.get("name")
            else None
        )
        return join(["Recommended: ", names.framework(winner), with_])
    tie = strings(data.get("tie"))
    if tie and data.get("confidence") != "none":
        return join(
            [
                "Tie: ",
                " and ".join(names.framework(f) for f in tie),
                el("span", _tie_words(tail), cls="with"),
            ]
        )
    if data.get("confidence") == "none":
        return join(
            ["No recommendation yet", el("span", " \u2014 answer more questions", cls="with")]
        )
    return join(
        ["No framework fits", el("span", " \u2014 every one hits a deal-breaker", cls="with")]
    )


def _tie_words(tail: str) -> str:
    """After a tie's names: the other formats' words (:func:`~recommender.render.text.tie_tail`),
    a dash for their colon."""
    words = tail.removeprefix(": ").strip() or "the rules cannot separate them"
    return f" \u2014 {words}"


def _stack(data: dict[str, Any], names: Names) -> Markup:
    """Issue 11's ``stack``: framework, companion, deployment runtimes and hardware, as chips."""
    stack = mapping(data.get("stack"))
    if not stack:
        return Markup("")
    chips = [names.framework(stack["framework"])] if stack.get("framework") else []
    chips += [label_of(stack.get("companion"))] if stack.get("companion") else []
    deploy = stack.get("deploy")
    chips += [route_label(d) for d in (deploy if isinstance(deploy, list) else [])]
    chips += [f"on {route_label(stack['hardware'])}"] if stack.get("hardware") else []
    return el("ul", *(el("li", c) for c in chips if c), cls="stack", id="stack", aria_label="stack")


def _confidence(data: dict[str, Any], names: Names) -> Markup:
    """The record's ``confidence`` when it has one, and the margin over the runner-up."""
    parts: list[Any] = []
    level = data.get("confidence")
    if isinstance(level, str):
        parts += [
            "Confidence: ",
            el("span", level, cls=f"badge {level}", id="confidence"),
            " ",
            NONE_FITS if _none_fits(data, level) else CONFIDENCE.get(level, ""),
        ]
    w = mapping(data.get("why_not"))
    gap = w.get("gap")
    if isinstance(gap, (int, float)) and data.get("winner"):
        sep = ". " if parts else ""
        parts += [
            sep,
            f"Margin: {text_of(gap, False)} point{'s' if gap != 1 else ''} over ",
            and_list([names.framework(f) for f in [w.get("framework"), *strings(w.get("level"))]]),
            ".",
        ]
    return el("p", *parts, cls="confidence") if parts else Markup("")


def _scores(data: dict[str, Any], names: Names) -> Markup:
    bars = [_bar(s, data, names) for s in dicts(data.get("ranking"))]
    if not bars:
        return Markup("")
    desc = "; ".join(f"{b.label} {b.shown}{' ' + b.note if b.note else ''}" for b in bars)
    chart = bar_chart("score-chart", "Score per framework", desc, bars, Frame(440, 100))
    return el("section", chart, cls="card", id="scores")


def _bar(s: dict[str, Any], data: dict[str, Any], names: Names) -> Bar:
    fid = s.get("framework")
    score = s.get("score")
    value = float(score) if isinstance(score, (int, float)) else 0.0
    note = (
        "excluded"
        if s.get("excluded")
        else "\u25c0 winner"
        if fid == data.get("winner")
        else ("tied" if tied(fid, strings(data.get("tie")), data.get("confidence")) else "")
    )
    kind = "excluded" if s.get("excluded") else f"fw-{names.index(fid)}"
    return Bar(names.framework(fid), value, kind, note, signed(score))


def _companion(data: dict[str, Any], names: Names) -> Markup:
    c = mapping(data.get("companion"))
    avoid = dicts(data.get("avoid"))
    if not c and not avoid:
        return Markup("")
    parts: list[Any] = [el("h2", "Companion library")]
    if c:
        pkg = el("code", f"pip install {c['package']}") if c.get("package") else None
        parts += [
            el("p", el("b", label_of(c))),
            el("p", pkg) if pkg else None,
            el(
                "p",
                f"{c.get('status', '')} as of {c.get('status_as_of', '?')}. {c.get('note') or ''}",
                cls="muted",
            ),
        ]
    if avoid:
        parts += [
            el("h3", f"Avoid for new {names.framework(data.get('winner'))} projects"),
            el(
                "ul",
                *(
                    el(
                        "li",
                        el("b", label_of(a.get("name", ""))),
                        f": {a.get('status', '')} as of "
                        f"{a.get('status_as_of', '?')}. {a.get('note') or ''}",
                    )
                    for a in avoid
                ),
            ),
        ]
    return el("section", *parts, cls="card", id="companion")


def _answers(data: dict[str, Any], names: Names) -> Markup:
    answers = mapping(data.get("answers"))
    rows = [
        el("tr", el("th", names.question(q), scope="row"), el("td", names.answer(q, v)))
        for q, v in answers.items()
    ]
    ignored = [
        names.question(d.get("question")) + (f" ({d['why']})" if d.get("why") else "")
        for d in dicts(data.get("ignored"))
    ]
    raw = data.get("ignored")
    ignored += [
        names.question(q) for q in (raw if isinstance(raw, list) else []) if isinstance(q, str)
    ]
    listed = reasons.listed(ignored, "; ", "; ")
    note = el("p", "Not asked, so ignored: ", listed, cls="muted") if ignored else None
    body = el("table", el("tbody", *rows)) if rows else el("p", "No answers given.", cls="muted")
    return el("section", el("h2", "Your answers"), body, note, cls="card", id="answers")


def _whatif() -> Markup:
    return el(
        "section",
        el("h2", "What if? Change any answer"),
        el(
            "p",
            "The ranking below is recomputed in this page from the rules inlined in it, the same "
            "way ",
            el("code", "recommender recommend"),
            " scores.",
            cls="muted",
        ),
        el("noscript", el("p", "The what-if needs JavaScript.")),
        el("form", id="whatif-form", aria_label="answers"),
        el(
            "div",
            el("p", id="whatif-winner", aria_live="polite", data_undecided=UNDECIDED),
            el("ol", id="whatif-ranking", cls="ranking"),
            el("div", id="whatif-reasons"),
            id="whatif-result",
        ),
        el("p", el("button", "Back to the report's answers", type="button", id="whatif-reset")),
        cls="card no-print",
        id="whatif",
    )


def _footer() -> Markup:
    return el(
        "footer",
        f"Made by recommender {__version__}. The record is in script#report-data (the "
        "recommend --format json output); the rules the what-if uses are in script#rules-data.",
    )
