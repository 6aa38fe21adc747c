"""The full trace of one scoring: every rule matched or not, and why. Pure: it returns data;
``recommender explain`` prints it."""

from __future__ import annotations

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Rule, RuleBase
from recommender.scoring.result import Recommendation, Scorer
from recommender.scoring.table import Normal
from recommender.values import Value, frozen


@frozen
class Step(Value):
    rule: Rule
    matched: bool
    why: str  # the condition explained on the answers the engine scored


@frozen
class Trace(Value):
    """Every rule, matched or not and why; the result holds the rest (answers ignored with why,
    scores, confidence)."""

    steps: tuple[Step, ...]
    result: Recommendation


def trace(
    answers: Normal, rules: RuleBase, *, profile: str | None = None, facts: Facts | None = None
) -> Trace:
    scorer = Scorer(rules)
    result = scorer.recommend(answers, profile=profile, facts=facts, explore=False)
    fired = set(result.fired)
    steps = tuple(
        Step(r, r.id in fired, scorer.table.explain(r.when, result.sig)) for r in rules.rules
    )
    return Trace(steps, result)
