"""The report for people: the brief screen by default (:mod:`recommender.render.brief`), or with
``full`` every part: ranking bars, winner and companion, every reason with its source, why not
the runner-up question by question with its own reasons, deal-breakers, what would change this,
and what was ignored. Lines wrap at ``width`` (None: not wrapped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recommender.render.brief import render_brief
from recommender.render.terminal import printable, user_text, wrap
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
from recommender.scoring.result import Reason, Recommendation, WhyNot

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
    out = [f"Profile: {user_text(rec.profile)}" if rec.profile else "Profile: (from --answer)", ""]
    out += _bars(rec)
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


def _bars(rec: Recommendation) -> list[str]:
    scores = [s.score for s in rec.ranking]
    low, high = min(0.0, *scores), max(0.0, *scores)
    span = (high - low) or 1.0
    width = max(len(s.name) for s in rec.ranking)
    lines = []
    for s in rec.ranking:
        filled = round((s.score - low) / span * BAR)
        bar = "█" * filled + "░" * (BAR - filled)
        mark = ""
        if s.excluded:
            mark = "  ✗ excluded (deal-breaker)"
        elif s.framework == rec.winner:
            mark = "  ◀ winner"
        elif tied(s.framework, rec.tie, rec.confidence):
            mark = "  = tied for first"
        lines.append(f"  {s.name:<{width}}  {bar}  {text_of(s.score):>5}{mark}")
    return lines


def _companion(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    out = []
    if rec.companion:
        out += wrap(f"with {companion_line(rec.companion)}", width, "  ", HANG)
    stack = stack_lines(rec.stack)
    if stack:
        out += ["", "Stack:"]
        for line in stack:
            out += wrap(line, width, "  ", "    ")
    if rec.avoid:
        out += ["", f"Avoid for new {name_of(rec.winner, rules)} projects:"]
        for c in rec.avoid:
            out += wrap(f"! {avoid_line(c)}", width, "  ", HANG)
    return out


def _notes(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    out = []
    note = confidence_note(rec, rules)
    if note:
        out += ["", *wrap(note, width, "", "  ")]
    if rec.ignored:
        out += ["", "Ignored (not scored):"]
        for d in rec.ignored:
            out += wrap(ignored_line(d, rules), width, "  ", HANG)
    return out


def _reason(r: Reason, width: int | None, source: bool = True) -> list[str]:
    out = wrap(f"{text_of(r.points):>4}  {reason_text(r)}", width, "  ", HANG)
    return out + (wrap(f"source: {r.source}", width, HANG, HANG) if source else [])


def _reasons(rec: Recommendation, width: int | None) -> list[str]:
    out = []
    for s in rec.ranking:
        title = reasons_title(s, rec)
        if title:
            out += ["", f"{title} ({text_of(s.score)}):"]
            for r in s.reasons:
                out += _reason(r, width)
    return out


def _why_not(rec: Recommendation, w: WhyNot, rules: RuleBase, width: int | None) -> list[str]:
    """Per question, what the winner gained over the runner-up (the nets add up to the gap),
    each with its rules' points on both sides; then the runner-up's own reasons."""
    loser, winner = name_of(w.framework, rules), name_of(rec.winner, rules)
    out = ["", f"Why not {loser} ({behind(w, rules)}): {winner}'s gain, question by question"]
    for n in w.by_question:
        out += wrap(f"{text_of(n.net):>5}  {net_label(n, rec, rules)}", width, " ", HANG)
        for s in n.rules:
            sides = f"{winner} {text_of(s.winner)}, {loser} {text_of(s.runner_up)}"
            out += wrap(f"{s.rule}{rule_mark(s.lean)}: {sides}", width, HANG, HANG + "  ")
    out.append(f" {text_of(w.gap):>5}  in all")
    runner = rec.runner_up
    if runner is not None and runner.reasons:
        out += ["", f"{loser}'s own reasons ({text_of(runner.score)}):"]
        for r in runner.reasons:
            out += _reason(r, width, source=False)
    return out


def _dealbreakers(rec: Recommendation, width: int | None) -> list[str]:
    breakers = [(s, r) for s in rec.ranking for r in s.dealbreakers]
    if not breakers:
        return []
    out = ["", "Deal-breakers:"]
    for s, r in breakers:
        out += wrap(f"✗ {s.name}: {r.because}", width, "  ", HANG)
        out += wrap(f"source: {r.source}", width, HANG, HANG)
    return out


def _what_would_change(rec: Recommendation, rules: RuleBase, width: int | None) -> list[str]:
    groups = grouped_changes(rec)
    out = []
    if groups:
        out += ["", "What would change this (one answer at a time):"]
        for question, changes in groups.items():
            out += wrap(change_line(question, changes, rec, rules), width, "  ", "    ")
    elif rec.ranking:
        none = "no single different answer changes the recommendation"
        out += ["", f"What would change this: {none}."]
    if rec.open_questions:
        text = "Unanswered questions that could still change the result: "
        out += ["", *wrap(text + ", ".join(rec.open_questions), width, "", "  ")]
    return out
