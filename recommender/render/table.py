"""The report for people: the brief screen by default (:mod:`recommender.render.brief`), or with
``full`` every part: ranking bars, winner and companion, every reason with its source, why not
the runner-up question by question with its own reasons, deal-breakers, what would change this,
and what was ignored. Lines wrap at ``width`` (None: not wrapped)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from recommender.render.brief import render_brief
from recommender.render.terminal import cells, cut, printable, user_text, wrap
from recommender.render.text import (
    avoid_line,
    behind,
    change_line,
    companion_line,
    confidence_note,
    grouped_changes,
    headline,
    ignored_line,
    name_of,
    net_label,
    reason_text,
    reasons_title,
    rule_mark,
    stack_lines,
    tied,
)
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import text_of
from recommender.scoring.result import Reason, Recommendation, Standing, WhyNot

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence

BAR = 24
HANG = " " * 8  # under a reason's text


def render_table(
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    *,
    full: bool = True,
    width: int | None = None,
) -> str:
    if not full:
        return render_brief(rec, rules, evidence, width)
    profile = f"Profile: {user_text(rec.profile)}" if rec.profile else "Profile: (from --answer)"
    out = [*wrap(profile, width, "", "  "), ""]
    out += _bars(rec, width)
    out += ["", *wrap(headline(rec, rules), width)]
    out += _companion(rec, rules, width)
    out += _notes(rec, rules, width)
    out += _reasons(rec, width)
    if rec.why_not:
        out += _why_not(rec, rec.why_not, rules, width)
    out += _dealbreakers(rec, width)
    out += _what_would_change(rec, rules, width)
    text = "\n".join(out) + "\n"
    if evidence is not None:
        from recommender.render.evidence import render_evidence

        text += render_evidence(evidence, rules, rec.winner, width)
    return printable(text)


def _bars(rec: Recommendation, width: int | None = None) -> list[str]:
    """A bar per framework, :data:`BAR` cells long, or less where the terminal is narrower (at 40
    columns the lines took 55); the names padded by the cells they take (a CJK name, two each)."""
    scores = [s.score for s in rec.ranking]
    low, high = min(0.0, *scores), max(0.0, *scores)
    span = (high - low) or 1.0
    names = max(cells(s.name) for s in rec.ranking)
    marks = [_mark(s, rec) for s in rec.ranking]
    scored = [f"{text_of(s.score):>5}" for s in rec.ranking]
    # room for the score and the winner's or a tie's mark; a longer one (excluded) may go below
    shorter = [m if not s.excluded else "" for s, m in zip(rec.ranking, marks, strict=True)]
    rest = 2 + names + 2 + 2 + max(cells(t + m) for t, m in zip(scored, shorter, strict=True))
    bar_cells = BAR if width is None else min(BAR, width - rest)
    if bar_cells < 4:  # a bar too short to say anything (20 columns): the names and the scores
        bar_cells = 0
    lines = []
    for s, shown, mark in zip(rec.ranking, scored, marks, strict=True):
        filled = round((s.score - low) / span * bar_cells)
        bar = "█" * filled + "░" * (bar_cells - filled) + "  " * bool(bar_cells)
        pad = " " * (names - cells(s.name))
        line = cut(f"  {s.name}{pad}  {bar}{shown}", width)  # a name wider than the terminal
        if width is not None and cells(line + mark) > width:  # the mark on a line of its own
            under = " " * max(min(names + 4, width - cells(mark.strip())), 2)  # under the bar
            lines += [line, *wrap(mark.strip(), width, under, "  ")]
        else:
            lines.append(line + mark)
    return lines


def _mark(s: Standing, rec: Recommendation) -> str:
    if s.excluded:
        return "  ✗ excluded (deal-breaker)"
    if s.framework == rec.winner:
        return "  ◀ winner"
    if tied(s.framework, rec.tie, rec.confidence):
        return "  = tied for first"
    return ""


def _companion(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    out = []
    if rec.companion:
        out += wrap(f"with {companion_line(rec.companion)}", width, "  ", HANG)
    stack = stack_lines(rec.stack)
    if stack:
        out += ["", *wrap("Stack:", width)]
        for line in stack:
            out += wrap(line, width, "  ", "    ")
    if rec.avoid:
        out += ["", *wrap(f"Avoid for new {name_of(rec.winner, rules)} projects:", width, "", "  ")]
        for c in rec.avoid:
            out += wrap(f"! {avoid_line(c)}", width, "  ", HANG)
    return out


def _notes(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    out = []
    note = confidence_note(rec, rules)
    if note:
        out += ["", *wrap(note, width, "", "  ")]
    if rec.ignored:
        out += ["", *wrap("Ignored (not scored):", width, "", "  ")]
        for d in rec.ignored:
            out += wrap(ignored_line(d, rules), width, "  ", HANG)
    return out


def _reason(r: Reason, width: int | None, source: bool = True, pad: int = 4) -> list[str]:
    hang = " " * (pad + 4)  # under the text, past the points (HANG for the usual "  +2  ")
    out = wrap(f"{text_of(r.points):>{pad}}  {reason_text(r)}", width, "  ", hang)
    return out + (wrap(f"source: {r.source}", width, hang, hang) if source else [])


def _pad(points: Iterable[float], least: int) -> int:
    """The width of a column of points: a fractional one (+0.666667) widens it for the whole
    list, so the texts beside the numbers still start in one column."""
    return max([least, *(len(text_of(p)) for p in points)])


def _reasons(rec: Recommendation, width: int | None) -> list[str]:
    out = []
    for s in rec.ranking:
        title = reasons_title(s, rec)
        if title:
            out += ["", *wrap(f"{title} ({text_of(s.score)}):", width, "", "  ")]
            pad = _pad((r.points for r in s.reasons), 4)
            for r in s.reasons:
                out += _reason(r, width, pad=pad)
    return out


def _why_not(rec: Recommendation, w: WhyNot, rules: RuleBase, width: int | None) -> list[str]:
    """Per question, what the winner gained over the runner-up (the nets add up to the gap),
    each with its rules' points on both sides; then the runner-up's own reasons."""
    loser, winner = name_of(w.framework, rules), name_of(rec.winner, rules)
    title = f"Why not {loser} ({behind(w, rules, rec)}): {winner}'s gain, question by question"
    out = ["", *wrap(title, width, "", "  ")]
    pad = _pad([w.gap, *(n.net for n in w.by_question)], 5)
    hang = " " * (pad + 3)  # under the question, past the net (HANG for the usual "    +2  ")
    for n in w.by_question:
        out += wrap(f"{text_of(n.net):>{pad}}  {net_label(n, rec, rules)}", width, " ", hang)
        for s in n.rules:
            sides = f"{winner} {text_of(s.winner)}, {loser} {text_of(s.runner_up)}"
            out += wrap(f"{s.rule}{rule_mark(s.lean)}: {sides}", width, hang, hang + "  ")
    out.append(f" {text_of(w.gap):>{pad}}  in all")
    runner = rec.runner_up
    if runner is not None and runner.reasons:
        out += ["", *wrap(f"{loser}'s own reasons ({text_of(runner.score)}):", width, "", "  ")]
        pad = _pad((r.points for r in runner.reasons), 4)
        for r in runner.reasons:
            out += _reason(r, width, source=False, pad=pad)
    return out


def _dealbreakers(rec: Recommendation, width: int | None) -> list[str]:
    breakers = [(s, r) for s in rec.ranking for r in s.dealbreakers]
    if not breakers:
        return []
    out = ["", *wrap("Deal-breakers:", width)]
    for s, r in breakers:
        out += wrap(f"✗ {s.name}: {r.because}", width, "  ", HANG)
        out += wrap(f"source: {r.source}", width, HANG, HANG)
    return out


def _what_would_change(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    groups = grouped_changes(rec)
    out = []
    if groups:
        out += ["", *wrap("What would change this (one answer at a time):", width, "", "  ")]
        for question, changes in groups.items():
            out += wrap(change_line(question, changes, rec, rules), width, "  ", "    ")
    elif rec.ranking:
        none = "no single different answer changes the recommendation"
        out += ["", *wrap(f"What would change this: {none}.", width, "", "  ")]
    if rec.open_questions:
        text = "Unanswered questions that could still change the result: "
        out += ["", *wrap(text + ", ".join(rec.open_questions), width, "", "  ")]
    return out
