"""Wording shared by the table and markdown renderers, so both say the same thing."""

from __future__ import annotations

from recommender.rulebase.model import Companion, RuleBase
from recommender.scoring.result import Change, Recommendation
from recommender.scoring.stack import Stack


def name_of(framework: str | None, rules: RuleBase) -> str:
    return "no framework" if framework is None else rules.framework(framework).name


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def outcome(winner: str | None, tie: tuple[str, ...], rules: RuleBase) -> str:
    if winner:
        return name_of(winner, rules)
    if tie:
        return "a tie between " + and_list([name_of(f, rules) for f in tie])
    return "nothing (every framework is excluded)"


def headline(rec: Recommendation, rules: RuleBase) -> str:
    if rec.winner:
        return f"Recommended: {name_of(rec.winner, rules)}"
    if rec.tie:
        names = and_list([name_of(f, rules) for f in rec.tie])
        return f"Tie between {names}: the rules cannot separate them. Answering more questions may."
    return "No framework fits: every candidate hits a deal-breaker."


def stack_lines(stack: Stack | None) -> list[str]:
    """The stack, one line per deployment target and one for the training hardware."""
    if stack is None:
        return []
    out = []
    for d in stack.deploy:
        if d.route is None:
            out.append(f"{d.target}: no route known for this framework")
            continue
        r = d.route
        also = f"; also {', '.join(a.runtime for a in d.alternatives)}" if d.alternatives else ""
        out.append(f"{d.target}: {r.runtime} ({r.support}): {r.path}{also}")
    if stack.hardware is not None:
        answer, route = stack.hardware
        out.append(
            f"training on {answer}: "
            + (f"{route.route} ({route.support})" if route else "no route known")
        )
    return out


def companion_line(c: Companion) -> str:
    pkg = f" (pip install {c.package})" if c.package else ""
    note = f". {c.note}" if c.note else ""
    return f"{c.name}{pkg}: {c.status} as of {c.status_as_of}{note}"


def avoid_line(c: Companion) -> str:
    return f"{c.name}: {c.status} as of {c.status_as_of}. {c.note}".rstrip()


def change_line(question: str, changes: list[Change], rec: Recommendation, rules: RuleBase) -> str:
    q = rules.question(question)
    parts = []
    for c in changes:
        if c.answer.startswith(("+", "-")) and q.kind == "multi":
            verb = "adding" if c.answer[0] == "+" else "dropping"
            answer = f"{verb} {q.label(c.answer[1:])}"
        elif c.answer == "(unanswered)":
            answer = "leaving it unanswered"
        else:
            answer = q.label(c.answer)
        parts.append(f"{answer} → {outcome(c.winner, c.tie, rules)}")
    return f"{question}: " + "; ".join(parts)


def grouped_changes(rec: Recommendation) -> dict[str, list[Change]]:
    groups: dict[str, list[Change]] = {}
    for c in rec.what_would_change:
        groups.setdefault(c.question, []).append(c)
    return groups
