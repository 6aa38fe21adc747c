"""The report as Markdown, for pasting into an issue, a design doc or a PR: always the whole
report (the brief screen is for terminals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recommender.render.markdown_text import code, fence
from recommender.render.markdown_text import text as cell
from recommender.render.terminal import printable
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
from recommender.scoring.result import Recommendation, WhyNot

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence


def render_markdown(
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    *,
    full: bool = True,
    width: int | None = None,
) -> str:
    out = [f"## {cell(headline(rec, rules))}", ""]
    if rec.profile:
        out += [f"Profile: {code(rec.profile)}", ""]
    out += _ranking(rec)
    stack = stack_lines(rec.stack)
    if stack:
        out += ["", "**Stack:**", ""] + [f"- {cell(line)}" for line in stack]
    note = confidence_note(rec, rules)
    if note:
        out += ["", cell(note)]
    if rec.ignored:
        out += ["", "**Ignored (not scored):**", ""]
        out += [f"- {cell(ignored_line(d, rules))}" for d in rec.ignored]
    out += _companion(rec, rules)
    out += _reasons(rec)
    if rec.why_not:
        out += _why_not(rec, rec.why_not, rules)
    out += _more(rec, rules)
    if evidence is not None:
        out += _evidence(rec, rules, evidence)
    return printable("\n".join(out) + "\n")


def _ranking(rec: Recommendation) -> list[str]:
    """The ranking; frameworks level on score (and exclusion) share a rank: 1, 1, 3."""
    out = ["| rank | framework | score | status |", "| ---: | --- | ---: | --- |"]
    rank, level = 0, None
    for i, s in enumerate(rec.ranking, 1):
        if (s.excluded, s.score) != level:
            rank, level = i, (s.excluded, s.score)
        status = (
            "excluded (deal-breaker)"
            if s.excluded
            else "winner"
            if s.framework == rec.winner
            else "tied"
            if tied(s.framework, rec.tie, rec.confidence)
            else ""
        )
        out.append(f"| {rank} | {cell(s.name)} | {text_of(s.score)} | {status} |")
    return out


def _companion(rec: Recommendation, rules: RuleBase) -> list[str]:
    out = []
    if rec.companion:
        out += ["", f"**Companion library:** {cell(companion_line(rec.companion))}"]
    if rec.avoid:
        out += ["", f"**Avoid for new {cell(name_of(rec.winner, rules))} projects:**", ""]
        out += [f"- {cell(avoid_line(c))}" for c in rec.avoid]
    return out


def _reasons(rec: Recommendation) -> list[str]:
    out = []
    for s in rec.ranking:
        title = reasons_title(s, rec)
        if title:
            out += ["", f"### {cell(title)}", ""]
            out += ["| points | reason | source |", "| ---: | --- | --- |"]
            out += [
                f"| {text_of(r.points)} | {cell(reason_text(r))} | {cell(r.source)} |"
                for r in s.reasons
            ]
    return out


def _why_not(rec: Recommendation, w: WhyNot, rules: RuleBase) -> list[str]:
    """The nets by question (they add up to the gap), then the runner-up's own reasons."""
    loser, winner = name_of(w.framework, rules), name_of(rec.winner, rules)
    out = ["", f"### Why not {cell(loser)} ({cell(behind(w, rules, rec))})", ""]
    out += [f"What {cell(winner)} gained over it, question by question:", ""]
    out += ["| net | question = answer | rules |", "| ---: | --- | --- |"]
    for n in w.by_question:
        shares = ", ".join(
            f"{s.rule}{rule_mark(s.lean)} ({text_of(s.winner)} / {text_of(s.runner_up)})"
            for s in n.rules
        )
        out.append(f"| {text_of(n.net)} | {cell(net_label(n, rec, rules))} | {cell(shares)} |")
    out.append(f"| **{text_of(w.gap)}** | in all | |")
    runner = rec.runner_up
    if runner is not None and runner.reasons:
        out += ["", f"{cell(loser)}'s own reasons ({text_of(runner.score)}):", ""]
        out += [f"- {text_of(r.points)}: {cell(reason_text(r))}" for r in runner.reasons]
    return out


def _more(rec: Recommendation, rules: RuleBase) -> list[str]:
    out = []
    breakers = [(s, r) for s in rec.ranking for r in s.dealbreakers]
    if breakers:
        out += ["", "### Deal-breakers", ""]
        out += [f"- **{cell(s.name)}**: {cell(r.because)} ({cell(r.source)})" for s, r in breakers]
    groups = grouped_changes(rec)
    if groups:
        out += ["", "### What would change this", ""]
        out += [f"- {cell(change_line(q, cs, rec, rules))}" for q, cs in groups.items()]
    elif rec.ranking:  # as the full terminal report says it
        out += ["", "### What would change this", ""]
        out += ["No single different answer changes the recommendation."]
    if rec.open_questions:
        questions = ", ".join(code(q) for q in rec.open_questions)
        out += ["", f"Unanswered questions that could still change the result: {questions}"]
    return out


def _evidence(rec: Recommendation, rules: RuleBase, evidence: Evidence) -> list[str]:
    from recommender.render.evidence import render_evidence

    section = render_evidence(evidence, rules, rec.winner).strip("\n").split("\n", 1)
    body = section[1] if len(section) > 1 else ""
    return ["", "### " + cell(section[0].rstrip(":")), "", *fence(body.split("\n"), "text")]
