"""The human-readable report: ranking bars, winner and companion, reasons, deal-breakers, what-ifs."""

from __future__ import annotations

import shutil
import textwrap

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

BAR = 24


def _fmt(points: float) -> str:
    return f"{points:+g}"


def _bars(rec: Recommendation, rules: RuleBase) -> list[str]:
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
        elif s.framework in rec.tie:
            mark = "  = tied for first"
        lines.append(f"  {s.name:<{width}}  {bar}  {_fmt(s.score):>5}{mark}")
    return lines


def render_table(rec: Recommendation, rules: RuleBase, evidence: Evidence | None = None) -> str:
    width = min(shutil.get_terminal_size((100, 24)).columns, 110)
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="        ")
    out = [f"Profile: {rec.profile}" if rec.profile else "Profile: (from --answer)", ""]
    out += _bars(rec, rules)
    out += ["", headline(rec, rules)]
    if rec.companion:
        out += wrap.wrap(f"  with {companion_line(rec.companion)}")
    stack = stack_lines(rec.stack)
    if stack:
        out += ["", "Stack:"]
        for line in stack:
            out += wrap.wrap(f"  {line}")
    if rec.avoid:
        out += ["", f"Avoid for new {name_of(rec.winner, rules)} projects:"]
        for c in rec.avoid:
            out += wrap.wrap(f"  ! {avoid_line(c)}")
    for s in rec.ranking:
        if s.framework in (rec.winner, *rec.tie) and s.reasons:
            out += ["", f"Why {s.name} ({_fmt(s.score)}):"]
            for r in s.reasons:
                out += wrap.wrap(f"  {_fmt(r.points):>4}  {r.because}")
                out += wrap.wrap(f"        source: {r.source}")
    if rec.why_not and rec.why_not.lost_on:
        loser = name_of(rec.why_not.framework, rules)
        out += ["", f"Why not {loser} ({_fmt(-rec.why_not.gap)} behind): it lost most on"]
        for r in rec.why_not.lost_on:
            out += wrap.wrap(f"  {_fmt(r.points):>4}  {r.because}")
    breakers = [(s, r) for s in rec.ranking for r in s.dealbreakers]
    if breakers:
        out += ["", "Deal-breakers:"]
        for s, r in breakers:
            out += wrap.wrap(f"  ✗ {s.name}: {r.because}")
            out += wrap.wrap(f"        source: {r.source}")
    groups = grouped_changes(rec)
    if groups:
        out += ["", "What would change this (one answer at a time):"]
        for question, changes in groups.items():
            out += wrap.wrap(f"  {change_line(question, changes, rec, rules)}")
    elif rec.what_would_change == () and rec.ranking:
        out += ["", "What would change this: no single different answer changes the outcome."]
    if rec.open_questions:
        out += [
            "",
            "Unanswered questions that could still change the result: "
            + ", ".join(rec.open_questions),
        ]
    text = "\n".join(out) + "\n"
    if evidence is not None:
        from recommender.render.evidence import render_evidence

        text += render_evidence(evidence, rules, rec.winner)
    return text
