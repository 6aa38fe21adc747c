"""A reference scorer for the tests: the rule format's meaning, written as plainly as possible.

It reads the condition values directly on answer dicts and sums points as exact fractions, knowing
nothing of signatures, masks, units or memos, so the scoring core can be checked against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from recommender.rulebase.conditions import (
    All,
    Always,
    AnyOf,
    Condition,
    Is,
    Not,
    ProbeFact,
    Unanswered,
)
from recommender.rulebase.model import RuleBase

Answers = Mapping[str, frozenset[str]]


def holds(cond: Condition | bool, answers: Answers, facts: Mapping[str, str] | None) -> bool:
    if isinstance(cond, bool):
        return cond
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Is):
        return bool(cond.values & answers.get(cond.question, frozenset()))
    if isinstance(cond, Unanswered):
        return (cond.question in answers) is cond.negate
    if isinstance(cond, ProbeFact):
        return facts is not None and facts.get(cond.fact, "absent") in cond.statuses
    if isinstance(cond, All):
        return all(holds(p, answers, facts) for p in cond.parts)
    if isinstance(cond, AnyOf):
        return any(holds(p, answers, facts) for p in cond.parts)
    assert isinstance(cond, Not)
    return not holds(cond.part, answers, facts)


def applicable(rules: RuleBase, answers: Answers, facts: Mapping[str, str] | None) -> dict:
    """Follow-up answers whose ask_when fails are dropped, in question order."""
    out = dict(answers)
    for q in rules.questions:
        if q.ask_when is not None and q.id in out and not holds(q.ask_when, out, facts):
            del out[q.id]
    return out


@dataclass(frozen=True)
class Result:
    winner: str | None
    tie: tuple[str, ...]
    scores: dict[str, Fraction]
    excluded: frozenset[str]
    fired: tuple[str, ...]
    real: dict[str, Fraction]  # the scores without the points of rules marked `lean: true`

    @property
    def lean_only(self) -> bool:
        """Nothing but the lean separates the frameworks."""
        return len(self.real) > 1 and not self.excluded and len(set(self.real.values())) == 1

    @property
    def reported(self) -> tuple[str | None, tuple[str, ...]]:
        """(winner, tie) as the report states it: no winner when only the lean separates them."""
        return (None, tuple(self.scores)) if self.lean_only else (self.winner, self.tie)


def score(rules: RuleBase, answers: Answers, facts: Mapping[str, str] | None = None) -> Result:
    kept = applicable(rules, answers, facts)
    fired = [r for r in rules.rules if holds(r.when, kept, facts)]
    scores = _sums(rules, fired)
    real = _sums(rules, [r for r in fired if not r.lean])
    excluded = frozenset(f for r in fired for f in r.dealbreaker)
    open_ = [f for f in rules.framework_ids if f not in excluded]
    best = max((scores[f] for f in open_), default=None)
    top = tuple(f for f in open_ if scores[f] == best)
    winner, tie = (top[0], ()) if len(top) == 1 else (None, top)
    return Result(winner, tie, scores, excluded, tuple(r.id for r in fired), real)


def _sums(rules: RuleBase, fired: list) -> dict[str, Fraction]:
    return {
        f: sum((Fraction(str(r.score.get(f, 0))) for r in fired), Fraction(0))
        for f in rules.framework_ids
    }


def reasons(rules: RuleBase, result: Result, framework: str) -> list[str]:
    """The fired rules that give ``framework`` points (or take them), most points first, ties in
    rule order: a framework's reasons as the report lists them."""
    order = {r.id: i for i, r in enumerate(rules.rules)}
    points = {rid: Fraction(str(rules.rule_by_id[rid].score.get(framework, 0))) for rid in order}
    giving = [rid for rid in result.fired if points[rid]]
    return sorted(giving, key=lambda rid: (-points[rid], order[rid]))
