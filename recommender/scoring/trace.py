"""The full trace of one scoring: every follow-up question kept or dropped, every rule matched or not,
and why. Pure: it returns data; ``recommender explain`` prints it."""

from __future__ import annotations

from recommender.rulebase.conditions import Condition, Facts
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
    dropped: tuple[tuple[str, str], ...]  # (follow-up question, why it is not asked)
    steps: tuple[Step, ...]
    result: Recommendation


def trace(
    answers: Normal, rules: RuleBase, *, profile: str | None = None, facts: Facts | None = None
) -> Trace:
    scorer = Scorer(rules)
    table = scorer.table
    given = table.encode(answers, facts)
    sig = table.applicable(given)
    result = scorer.recommend(answers, profile=profile, facts=facts, explore=False)

    def explain(cond: Condition, at: int) -> str:
        shown = {
            d.id: frozenset(o for b, o in d.options if b & at) for d in table.dims if at & d.mask
        }
        return cond.explain(lambda c: table.holds(c, at), shown)

    dropped = tuple(
        (q.id, explain(q.ask_when, given))
        for q in rules.questions
        if q.ask_when is not None and table.answered(given, q.id) and not table.answered(sig, q.id)
    )
    fired = set(result.fired)
    steps = tuple(Step(r, r.id in fired, explain(r.when, sig)) for r in rules.rules)
    return Trace(dropped, steps, result)
