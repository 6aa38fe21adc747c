"""What lint found: the findings, and the report every check reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from recommender.lint.exact import ExactTotals
from recommender.lint.score import Totals
from recommender.lint.space import AnswerSpace
from recommender.rulebase.model import Origin, RuleBase
from recommender.values import Value, frozen


@frozen
class Finding(Value):
    check: str
    level: str  # "warning", or "info"
    message: str
    origin: Origin | None = None
    subjects: tuple[str, ...] = ()  # rule, framework or question ids, for `lint: {allow: [...]}`
    allowed: str = ""  # the reason given in the rule files, when acknowledged

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        note = f" (allowed: {self.allowed})" if self.allowed else ""
        return f"{where}[{self.level}] {self.message}{note} ({self.check})"


@dataclass
class LintReport:
    rules: RuleBase
    space: AnswerSpace
    totals: Totals | ExactTotals
    scored: int  # distinct profiles scored (exact: partial profiles enumerated, over all parts)
    exhaustive: bool
    seed: int
    no_effect: list[str]  # dimensions whose answer never changed an outcome
    seconds: float = 0.0
    method: str = "enumerate"  # "exact", "enumerate" (every distinct profile) or "sample"
    fallback: str = ""  # why the exact method did not run, when it was asked for
    findings: list[Finding] = field(default_factory=list)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]
