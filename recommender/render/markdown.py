"""The report as Markdown, for pasting into an issue, a design doc or a PR."""

from __future__ import annotations

from recommender.render.text import (
    avoid_line,
    change_line,
    companion_line,
    grouped_changes,
    headline,
    name_of,
    stack_lines,
)
from recommender.rulebase.model import RuleBase
from recommender.scoring.evidence import Evidence
from recommender.scoring.result import Recommendation


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(rec: Recommendation, rules: RuleBase, evidence: Evidence | None = None) -> str:
    out = [f"## {headline(rec, rules)}", ""]
    if rec.profile:
        out += [f"Profile: `{rec.profile}`", ""]
    out += ["| rank | framework | score | status |", "| ---: | --- | ---: | --- |"]
    for i, s in enumerate(rec.ranking, 1):
        status = (
            "excluded (deal-breaker)"
            if s.excluded
            else "winner"
            if s.framework == rec.winner
            else "tied"
            if s.framework in rec.tie
            else ""
        )
        out.append(f"| {i} | {s.name} | {s.score:+g} | {status} |")
    if rec.companion:
        out += ["", f"**Companion library:** {_cell(companion_line(rec.companion))}"]
    stack = stack_lines(rec.stack)
    if stack:
        out += ["", "**Stack:**", ""] + [f"- {_cell(line)}" for line in stack]
    if rec.avoid:
        out += ["", f"**Avoid for new {name_of(rec.winner, rules)} projects:**", ""]
        out += [f"- {_cell(avoid_line(c))}" for c in rec.avoid]
    for s in rec.ranking:
        if s.framework in (rec.winner, *rec.tie) and s.reasons:
            out += [
                "",
                f"### Why {s.name}",
                "",
                "| points | reason | source |",
                "| ---: | --- | --- |",
            ]
            out += [
                f"| {r.points:+g} | {_cell(r.because)} | {_cell(r.source)} |" for r in s.reasons
            ]
    if rec.why_not and rec.why_not.lost_on:
        out += [
            "",
            f"### Why not {name_of(rec.why_not.framework, rules)} ({-rec.why_not.gap:+g})",
            "",
        ]
        out += [f"- {r.points:+g}: {_cell(r.because)}" for r in rec.why_not.lost_on]
    breakers = [(s, r) for s in rec.ranking for r in s.dealbreakers]
    if breakers:
        out += ["", "### Deal-breakers", ""]
        out += [f"- **{s.name}**: {_cell(r.because)} ({_cell(r.source)})" for s, r in breakers]
    groups = grouped_changes(rec)
    if groups:
        out += ["", "### What would change this", ""]
        out += [f"- {_cell(change_line(q, cs, rec, rules))}" for q, cs in groups.items()]
    if rec.open_questions:
        out += [
            "",
            "Unanswered questions that could still change the result: "
            + ", ".join(f"`{q}`" for q in rec.open_questions),
        ]
    if evidence is not None:
        from recommender.render.evidence import render_evidence

        section = render_evidence(evidence, rules, rec.winner).strip("\n").split("\n", 1)
        out += [
            "",
            "### " + section[0].rstrip(":"),
            "",
            "```text",
            section[1] if len(section) > 1 else "",
            "```",
        ]
    return "\n".join(out) + "\n"
