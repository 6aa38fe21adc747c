"""The full trace of one scoring: every follow-up question kept or dropped, every rule matched or not, and why.

Pure: it returns data; ``recommender explain`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Rule, RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.engine import Recommendation, Scorer, rank


@dataclass(frozen=True)
class Step:
    rule: Rule
    matched: bool
    why: str  # Condition.explain on the answers the engine scored


@dataclass(frozen=True)
class Trace:
    dropped: tuple[tuple[str, str], ...]  # (follow-up question, why it is not asked)
    steps: tuple[Step, ...]
    result: Recommendation


def trace(
    answers: Normal, rules: RuleBase, *, profile: str | None = None, facts: Facts | None = None
) -> Trace:
    scorer = Scorer(rules)
    applied = scorer.applicable(answers, facts)
    dropped = tuple(
        (q.id, q.ask_when.explain(answers, facts))
        for q in rules.questions
        if q.id in answers and q.id not in applied and q.ask_when is not None
    )
    steps = tuple(
        Step(r, r.when.test(applied, facts), r.when.explain(applied, facts)) for r in rules.rules
    )
    return Trace(
        dropped,
        steps,
        rank(answers, rules, profile=profile, facts=facts, scorer=scorer, explore=False),
    )
