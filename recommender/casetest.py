"""Run the rule base's example cases (``rules/tests/*.yaml``): expected winner, must-not-win, coverage."""
from __future__ import annotations

from dataclasses import dataclass

from recommender.engine import Recommendation, Scorer, rank
from recommender.errors import UserError
from recommender.model import Case, RuleBase
from recommender.profiles import normalize_answers


@dataclass(frozen=True)
class CaseResult:
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
        return self.result.winner or ("tie" if self.result.tie else "none")


def run_case(case: Case, rules: RuleBase, scorer: Scorer) -> CaseResult:
    origin = case.origin
    try:
        answers = normalize_answers(case.answers, rules, origin.file if origin else None, case.answers)
    except UserError as exc:
        return CaseResult(case, None, f"bad answers: {exc.message}")
    result = rank(answers, rules, profile=case.name, scorer=scorer, explore=False)
    got = result.winner or ("tie" if result.tie else "none")
    problems = []
    if got != case.expect_winner:
        problems.append(f"expected {case.expect_winner}, got {got}")
    banned = [f for f in case.must_not_win if f == result.winner or f in result.tie]
    if banned:
        problems.append(f"{', '.join(banned)} must not win")
    return CaseResult(case, result, "; ".join(problems))


def run_cases(rules: RuleBase) -> list[CaseResult]:
    scorer = Scorer(rules)
    return [run_case(case, rules, scorer) for case in rules.cases]


def uncovered_rules(rules: RuleBase, results: list[CaseResult]) -> list[str]:
    """Rules that fire in no test case."""
    fired = {rid for r in results if r.result for rid in r.result.fired}
    return [r.id for r in rules.rules if r.id not in fired]
