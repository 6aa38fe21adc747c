"""Run the rule base's example cases (``rules/tests/*.yaml``): expected winner, must-not-win, coverage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recommender.errors import UserError
from recommender.rulebase.model import Case, Rule, RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.engine import Recommendation, Scorer, rank


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
        answers = normalize_answers(
            case.answers, rules, origin.file if origin else None, case.answers
        )
    except UserError as exc:
        return CaseResult(case, None, f"bad answers: {exc.message}")
    result = rank(answers, rules, profile=case.name, facts=case.probe, scorer=scorer, explore=False)
    got = result.winner or ("tie" if result.tie else "none")
    problems = []
    if got != case.expect_winner:
        problems.append(f"expected {case.expect_winner}, got {got}")
    banned = [f for f in case.must_not_win if f == result.winner or f in result.tie]
    if banned:
        problems.append(f"{', '.join(banned)} must not win")
    return CaseResult(case, result, "; ".join(problems))


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
    """Expected against got, the scores, and the rules that put the winner ahead of the expected framework."""
    lines = [f"FAIL {r.case.origin}: {r.case.name}: {r.problem}"]
    if r.result is None:
        return lines
    answers = ", ".join(
        f"{q}={'+'.join(v) if isinstance(v, list) else v}" for q, v in r.result.answers.items()
    )
    lines += [
        f"  answers:  {answers or '(none)'}",
        f"  expected: {r.case.expect_winner}",
        f"  got:      {r.got}" + (f" ({', '.join(r.result.tie)})" if r.result.tie else ""),
        "  scores:   "
        + ", ".join(
            f"{s.framework} {s.score:+g}" + (" (excluded)" if s.excluded else "")
            for s in r.result.ranking
        ),
    ]
    fired = [rules.rule(rid) for rid in r.result.fired]
    expected = r.case.expect_winner
    for top in [r.result.winner] if r.result.winner else list(r.result.tie):
        if top is None or top == expected:
            continue
        if expected in rules.framework_ids:
            gains = sorted(
                ((x.score.get(top, 0.0) - x.score.get(expected, 0.0), x.id) for x in fired),
                reverse=True,
            )
            decided = ", ".join(f"{rid} {gap:+g}" for gap, rid in gains if gap > 0) or "no rule"
            breakers = [x.id for x in fired if expected in x.dealbreaker]
            lines.append(
                f"  decided by ({top} over {expected}): {decided}"
                + (f"; {expected} excluded by {', '.join(breakers)}" if breakers else "")
            )
    if expected == "tie" and r.result.winner:
        ranking = [s for s in r.result.ranking if not s.excluded]
        if len(ranking) > 1:
            first, second = ranking[0].framework, ranking[1].framework
            gains = sorted(
                ((x.score.get(first, 0.0) - x.score.get(second, 0.0), x.id) for x in fired),
                reverse=True,
            )
            lines.append(
                f"  decided by ({first} over {second}): "
                + (", ".join(f"{rid} {gap:+g}" for gap, rid in gains if gap > 0) or "no rule")
            )
    return lines
