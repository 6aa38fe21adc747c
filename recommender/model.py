"""The rule base as plain, frozen dataclasses: what the loader builds and the engine reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
TYPE_CHECKING = False  # typing costs ~2 ms of startup; annotations are strings (PEP 563) anyway
if TYPE_CHECKING:
    from typing import Any

from recommender.conditions import Condition


@dataclass(frozen=True)
class Origin:
    """Where something was defined, for messages and ``rules show``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    kind: str  # single | multi | yes_no
    options: tuple[Option, ...]
    ask_when: Condition | None = None
    origin: Origin | None = None
    lint_allow: tuple[str, ...] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        # cached: normalize_answers asks for it once per answer, and batch normalises millions of answers
        return tuple(o.id for o in self.options)

    def label(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.id == option_id), option_id)


@dataclass(frozen=True)
class Companion:
    id: str
    name: str
    status: str  # active | maintenance | inactive
    status_as_of: str
    source: str
    package: str = ""
    note: str = ""
    pick_when: Condition | None = None


@dataclass(frozen=True)
class Fact:
    id: str
    claim: str
    status: str  # current | stale | wrong
    as_of: str
    source: str
    correction: str = ""
    versions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    developed_by: str
    packages: tuple[str, ...] = ()
    table: dict[str, dict[str, str]] = field(default_factory=dict)
    companions: tuple[Companion, ...] = ()
    facts: tuple[Fact, ...] = ()
    origin: Origin | None = None
    lint_allow: tuple[str, ...] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    because: str
    source: str
    score: dict[str, float] = field(default_factory=dict)
    dealbreaker: tuple[str, ...] = ()
    as_of: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    raw_when: Any = None
    origin: Origin | None = None
    lint_allow: tuple[str, ...] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    answers: dict[str, Any]
    expect_winner: str  # a framework id or "tie"
    must_not_win: tuple[str, ...] = ()
    source: str = ""
    origin: Origin | None = None
    probe: dict[str, str] | None = None  # probe facts the case assumes ({"tensorflow.tflite": "ok"})


@dataclass(frozen=True)
class Need:
    """A stated need the probe can verify: when ``when`` holds, ``checks[framework]`` must be ok here."""

    id: str
    when: Condition
    need: str
    checks: dict[str, str]
    source: str
    origin: Origin | None = None


@dataclass(frozen=True)
class RuleBase:
    questions: tuple[Question, ...]
    frameworks: tuple[Framework, ...]
    rules: tuple[Rule, ...]
    cases: tuple[Case, ...] = ()
    files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def framework(self, framework_id: str) -> Framework:
        return self._frameworks[framework_id]

    def rule(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    @property
    def framework_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.frameworks)

    @cached_property
    def _questions(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _frameworks(self) -> dict[str, Framework]:
        return {f.id: f for f in self.frameworks}

    @cached_property
    def _rules(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}
