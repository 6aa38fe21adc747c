"""The rule base as plain, frozen dataclasses: what the loader builds and the engine reads."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from recommender.rulebase.conditions import Condition
from recommender.values import Value, frozen


@frozen
class Origin(Value):
    """Where something was defined, for messages and ``rules show``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@frozen
class Option(Value):
    """One answer a question offers."""

    id: str
    label: str
    help: str = ""
    exclusive: bool = False  # cannot be combined with another option ("none" of a multi question)


@frozen
class Question(Value):
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
    raw_ask_when: Any = None  # ask_when as written, for people (``recommender questions``)

    option_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # kept: normalize_answers asks for it once per answer, and batch normalises millions
        object.__setattr__(self, "option_ids", tuple(o.id for o in self.options))

    def label(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.id == option_id), option_id)


@frozen
class Companion(Value):
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


@frozen
class Fact(Value):
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


@frozen
class Framework(Value):
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


@frozen
class Rule(Value):
    """A scoring rule or deal-breaker: if ``when`` holds, add ``score``, exclude ``dealbreaker``."""

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
    lean: bool = False  # the default lean: breaks exact ties, is not a reason (`confidence`)


@frozen
class Case(Value):
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


@frozen
class Need(Value):
    """A need the probe can verify: when ``when`` holds, ``checks[framework]`` must be ok here."""

    id: str
    when: Condition
    need: str
    checks: dict[str, str]
    source: str
    origin: Origin | None = None


@frozen
class PackageClaim(Value):
    """A dated claim about a package no framework or companion names (a runtime, a plugin)."""

    package: str
    status: str  # active | maintenance | inactive
    as_of: str
    claim: str
    source: str
    origin: Origin | None = None


@frozen
class Route(Value):
    """One way to run a framework's model on a deployment target, with its support level."""

    runtime: str
    path: str
    support: str  # supported | limited | experimental | unsupported | deprecated
    source: str
    as_of: str
    note: str = ""
    packages: tuple[str, ...] = ()


@frozen
class DeployRoutes(Value):
    """Framework x deployment target: the routes, the first one recommended; ``when`` narrows."""

    framework: str
    target: str
    routes: tuple[Route, ...]
    when: Condition | None = None
    origin: Origin | None = None


@frozen
class HardwareRoute(Value):
    """Framework x training hardware: how it runs there, and how well."""

    framework: str
    answer: str
    route: str
    support: str
    source: str
    as_of: str
    note: str = ""
    packages: tuple[str, ...] = ()
    when: Condition | None = None
    origin: Origin | None = None


@frozen
class RuleBase(Value):
    """Everything loaded from the rule files, validated; look-ups by id are cached."""

    questions: tuple[Question, ...]
    frameworks: tuple[Framework, ...]
    rules: tuple[Rule, ...]
    cases: tuple[Case, ...] = ()
    files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    packages: tuple[PackageClaim, ...] = ()
    deploy: tuple[DeployRoutes, ...] = ()  # later files first, so an overlay's entries win
    hardware: tuple[HardwareRoute, ...] = ()

    # look-ups by id, derived from the tuples above
    question_by_id: dict[str, Question] = field(init=False, repr=False, compare=False)
    framework_by_id: dict[str, Framework] = field(init=False, repr=False, compare=False)
    rule_by_id: dict[str, Rule] = field(init=False, repr=False, compare=False)
    framework_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "question_by_id", {q.id: q for q in self.questions})
        object.__setattr__(self, "framework_by_id", {f.id: f for f in self.frameworks})
        object.__setattr__(self, "rule_by_id", {r.id: r for r in self.rules})
        object.__setattr__(self, "framework_ids", tuple(f.id for f in self.frameworks))

    def question(self, question_id: str) -> Question:
        return self.question_by_id[question_id]

    def framework(self, framework_id: str) -> Framework:
        return self.framework_by_id[framework_id]

    def rule(self, rule_id: str) -> Rule:
        return self.rule_by_id[rule_id]
