"""The rule base as plain, frozen dataclasses: what the loader builds and the engine reads."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property

from recommender.rulebase.conditions import Condition

TYPE_CHECKING = False  # typing costs ~2 ms of startup; annotations are strings (PEP 563) anyway
if TYPE_CHECKING:
    from typing import Any


class Record:
    """Equality, hashing and repr for the frozen dataclasses below, written once.

    ``record`` is ``dataclass(frozen=True)`` with these three inherited instead of generated: a generated method
    is compiled with ``exec`` when the class is defined, which made importing this package ~4 ms slower.
    """

    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other._values() == self._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))  # type: ignore[arg-type]
        return f"{self.__class__.__name__}({inner})"


def record(cls: type) -> type:
    """A frozen dataclass whose ``__eq__``, ``__hash__`` and ``__repr__`` come from :class:`Record`."""
    return dataclass(frozen=True, eq=False, repr=False)(cls)


@record
class Origin(Record):
    """Where something was defined, for messages and ``rules show``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@record
class Option(Record):
    """One answer a question offers."""

    id: str
    label: str
    help: str = ""


@record
class Question(Record):
    """A question of the questionnaire; ``ask_when`` makes it a follow-up."""

    id: str
    text: str
    help: str
    kind: str  # single | multi | yes_no
    options: tuple[Option, ...]
    ask_when: Condition | None = None
    origin: Origin | None = None
    lint_allow: tuple[
        str, ...
    ] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        # cached: normalize_answers asks for it once per answer, and batch normalises millions of answers
        return tuple(o.id for o in self.options)

    def label(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.id == option_id), option_id)


@record
class Companion(Record):
    """A high-level library that goes with a framework, with its dated status."""

    id: str
    name: str
    status: str  # active | maintenance | inactive
    status_as_of: str
    source: str
    package: str = ""
    note: str = ""
    pick_when: Condition | None = None
    origin: Origin | None = None


@record
class Fact(Record):
    """A dated, cited claim about a framework; stale or wrong ones carry the correction."""

    id: str
    claim: str
    status: str  # current | stale | wrong
    as_of: str
    source: str
    correction: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    packages: tuple[str, ...] = ()  # the packages the claim is about (`rules freshness`)
    origin: Origin | None = None


@record
class Framework(Record):
    """A candidate: the comparison table, companion libraries and facts."""

    id: str
    name: str
    developed_by: str
    packages: tuple[str, ...] = ()
    table: dict[str, dict[str, str]] = field(default_factory=dict)
    companions: tuple[Companion, ...] = ()
    facts: tuple[Fact, ...] = ()
    origin: Origin | None = None
    lint_allow: tuple[
        str, ...
    ] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""


@record
class Rule(Record):
    """A scoring rule or deal-breaker: when ``when`` holds, add ``score`` / exclude ``dealbreaker``."""

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
    lint_allow: tuple[
        str, ...
    ] = ()  # lint checks acknowledged in the rule file (`lint: {allow: [...]}`)
    lint_reason: str = ""
    packages: tuple[str, ...] = ()  # the packages the rule's claim is about (`rules freshness`)


@record
class Case(Record):
    """An example profile with the expected winner (``rules/tests``)."""

    name: str
    answers: dict[str, Any]
    expect_winner: str  # a framework id or "tie"
    must_not_win: tuple[str, ...] = ()
    source: str = ""
    origin: Origin | None = None
    probe: dict[str, str] | None = (
        None  # probe facts the case assumes ({"tensorflow.tflite": "ok"})
    )


@record
class Need(Record):
    """A stated need the probe can verify: when ``when`` holds, ``checks[framework]`` must be ok here."""

    id: str
    when: Condition
    need: str
    checks: dict[str, str]
    source: str
    origin: Origin | None = None


@record
class PackageClaim(Record):
    """A dated claim about a package no framework or companion names (a runtime, a plugin)."""

    package: str
    status: str  # active | maintenance | inactive
    as_of: str
    claim: str
    source: str
    origin: Origin | None = None


@record
class RuleBase(Record):
    """Everything loaded from the rule files, validated; look-ups by id are cached."""

    questions: tuple[Question, ...]
    frameworks: tuple[Framework, ...]
    rules: tuple[Rule, ...]
    cases: tuple[Case, ...] = ()
    files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    packages: tuple[PackageClaim, ...] = ()

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
