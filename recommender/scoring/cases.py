"""Run the rule base's example cases (``rules/tests/*.yaml``): expected winner, must-not-win,
coverage.

A case checks the decision on points (:class:`~recommender.scoring.table.Outcome`), the default
lean included: the rule base's arithmetic, before the report names no winner for a profile that
only the lean separates (``confidence: none``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from recommender.errors import UserError
from recommender.rulebase.model import Case, Rule, RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.decide import text_of
from recommender.scoring.result import Recommendation, Scorer
from recommender.values import Value, frozen


@frozen
class CaseResult(Value):
    case: Case
    result: Recommendation | None
    problem: str = ""  # empty when the case passed

    @property
    def passed(self) -> bool:
        return not self.problem

    @property
    def got(self) -> str:
        if self.result is None:
            return "error"
        return _got(self.result)


def run_case(case: Case, rules: RuleBase, scorer: Scorer) -> CaseResult:
    origin = case.origin
    try:
        answers = normalize_answers(
            case.answers, rules, origin.file if origin else None, case.answers
        )
    except UserError as exc:
        return CaseResult(case, None, f"bad answers: {exc.message}")
    result = scorer.recommend(answers, profile=case.name, facts=case.probe, explore=False)
    got = _got(result)
    problems = []
    if got != case.expect_winner:
        problems.append(f"expected {case.expect_winner}, got {got}")
    o = result.outcome
    banned = [f for f in case.must_not_win if f == o.winner or f in o.tie]
    if banned:
        problems.append(f"{', '.join(banned)} must not win")
    return CaseResult(case, result, "; ".join(problems))


def _got(result: Recommendation) -> str:
    """The decision on points: a framework id, "tie", or "none" (every framework excluded)."""
    o = result.outcome
    return o.winner or ("tie" if o.tie else "none")


def run_cases(rules: RuleBase, cases: Sequence[Case] | None = None) -> list[CaseResult]:
    scorer = Scorer(rules)
    return [run_case(case, rules, scorer) for case in (rules.cases if cases is None else cases)]


def uncovered_rules(rules: Iterable[Rule] | RuleBase, results: list[CaseResult]) -> list[str]:
    """Rules that fire in no test case."""
    fired = {rid for r in results if r.result for rid in r.result.fired}
    return [
        r.id for r in (rules.rules if isinstance(rules, RuleBase) else rules) if r.id not in fired
    ]


def failure_diff(r: CaseResult, rules: RuleBase) -> list[str]:
    """Expected against got, the scores, and the rules that put the winner ahead of the expected
    framework."""
    lines = [f"FAIL {r.case.origin}: {r.case.name}: {r.problem}"]
    if r.result is None:
        return lines
    answers = ", ".join(
        f"{q}={'+'.join(v) if isinstance(v, list) else v}" for q, v in r.result.answers.items()
    )
    lines += [
        f"  answers:  {answers or '(none)'}",
        f"  expected: {r.case.expect_winner}",
        f"  got:      {r.got}"
        + (f" ({', '.join(r.result.outcome.tie)})" if r.result.outcome.tie else ""),
        "  scores:   "
        + ", ".join(
            f"{s.framework} {text_of(s.score)}" + (" (excluded)" if s.excluded else "")
            for s in r.result.ranking
        ),
    ]
    scorer = Scorer(rules)
    ids = rules.framework_ids
    fired_ids = set(r.result.fired)
    fired = [i for i, rid in enumerate(scorer.table.rule_ids) if rid in fired_ids]
    expected = r.case.expect_winner
    tie = r.result.outcome.tie
    if expected in tie:  # level on points: what put each ahead of the other, cancelling out
        for other in (f for f in tie if f != expected):
            mine, theirs = (
                _gains(scorer, fired, expected, other),
                _gains(scorer, fired, other, expected),
            )
            level = (
                f"{mine} for {expected}; {theirs} for {other}"
                if mine or theirs
                else "no fired rule gives either more points than the other"
            )
            lines.append(f"  level ({expected} and {other}): {level}")
        return lines
    pairs = [
        (top, expected)
        for top in ([r.result.outcome.winner] if r.result.outcome.winner else tie)
        if top is not None and top != expected and expected in ids
    ]
    contenders = [s.framework for s in r.result.ranking if not s.excluded]
    if expected == "tie" and r.result.outcome.winner and len(contenders) > 1:
        pairs.append((contenders[0], contenders[1]))
    for top, other in pairs:
        decided = _gains(scorer, fired, top, other) or "no rule"
        # the other side too, so that the points shown add up to the lead
        against = _gains(scorer, fired, other, top, sign=-1)
        decided += f"; against: {against}" if against else ""
        breakers = [rid for rid in r.result.fired if other in rules.rule(rid).dealbreaker]
        excluded = f"; {other} excluded by {', '.join(breakers)}" if breakers else ""
        lines.append(f"  decided by ({top} over {other}): {decided}{excluded}")
    return lines


def _gains(scorer: Scorer, fired: list[int], a: str, b: str, sign: int = 1) -> str:
    """The fired rules that gave ``a`` more points than ``b``, each with its net gain (times
    ``sign``: -1 shows them as what they took from ``b``'s lead)."""
    ids = scorer.table.ids
    gains = scorer.gains(fired, ids.index(a), ids.index(b))
    return ", ".join(f"{g.rule} {text_of(sign * g.points)}" for g in gains)
