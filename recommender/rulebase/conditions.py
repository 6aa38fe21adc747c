"""The condition language of ``when:``, ``ask_when:`` and ``pick_when:``: YAML data compiled to objects.

Answers are normalised to ``{question_id: frozenset(option_ids)}`` before any test, so one membership test
serves single, multi and yes/no questions alike. Probe facts are ``{"framework.check": status}``.
Nothing here evaluates text as code.
"""

from __future__ import annotations

from collections.abc import Mapping

from recommender.errors import UserError, did_you_mean

TYPE_CHECKING = False  # typing costs ~2 ms of startup; annotations are strings (PEP 563) anyway
if TYPE_CHECKING:
    from typing import Any

Answers = Mapping[str, frozenset]
Facts = Mapping[str, str]
EMPTY: frozenset = frozenset()
PROBE_STATUSES = ("ok", "failed", "unavailable", "skipped", "absent", "crashed", "timeout")
KEYWORDS = ("all", "any", "not", "unanswered", "answered", "probe")


class Condition:
    """A compiled condition: ``test`` is the fast path, ``explain`` says why it held or not.

    Conditions are small immutable value objects: plain classes with ``__slots__`` rather than dataclasses,
    because every start of ``recommend`` defines them and each dataclass definition costs ~0.4 ms. ``_fields``
    names the values, for equality, ``repr`` and the rule-base cache.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    questions: frozenset[str] = EMPTY

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={v!r}' for n, v in zip(self._fields, self._values()))})"

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        raise NotImplementedError

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        raise NotImplementedError


class Always(Condition):
    __slots__ = _fields = ()

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return True

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        return "always"


class Is(Condition):
    __slots__ = _fields = ("question", "values")
    question: str
    values: frozenset[str]

    @property
    def questions(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset((self.question,))

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return not self.values.isdisjoint(answers.get(self.question, EMPTY))

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        want = "/".join(sorted(self.values))
        got = answers.get(self.question)
        got_text = "unanswered" if got is None else "/".join(sorted(got)) or "nothing"
        return f"{self.question} is {want} ({'yes' if self.test(answers) else 'no'}: {got_text})"


class Unanswered(Condition):
    __slots__ = _fields = ("question", "negate")
    question: str
    negate: bool  # `answered:`

    def __init__(self, question: str, negate: bool = False) -> None:
        super().__init__(question, negate)

    @property
    def questions(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset((self.question,))

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return (self.question in answers) is self.negate

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        word = "answered" if self.negate else "unanswered"
        return f"{self.question} is {word} ({'yes' if self.test(answers) else 'no'})"


class ProbeFact(Condition):
    __slots__ = _fields = ("fact", "statuses")
    fact: str
    statuses: frozenset[str]

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return facts is not None and facts.get(self.fact, "absent") in self.statuses

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        got = "not probed" if facts is None else facts.get(self.fact, "absent")
        want = "/".join(sorted(self.statuses))
        return (
            f"probe {self.fact} is {want} ({'yes' if self.test(answers, facts) else 'no'}: {got})"
        )


class _Parts(Condition):
    """A condition made of others: ``all:`` or ``any:``."""

    __slots__ = _fields = ("parts",)
    parts: tuple[Condition, ...]

    @property
    def questions(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset().union(*(p.questions for p in self.parts))


class All(_Parts):
    __slots__ = ()

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return all(p.test(answers, facts) for p in self.parts)

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        return " and ".join(p.explain(answers, facts) for p in self.parts)


class AnyOf(_Parts):
    __slots__ = ()

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return any(p.test(answers, facts) for p in self.parts)

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        return "any of (" + "; ".join(p.explain(answers, facts) for p in self.parts) + ")"


class Not(Condition):
    __slots__ = _fields = ("part",)
    part: Condition

    @property
    def questions(self) -> frozenset[str]:  # type: ignore[override]
        return self.part.questions

    def test(self, answers: Answers, facts: Facts | None = None) -> bool:
        return not self.part.test(answers, facts)

    def explain(self, answers: Answers, facts: Facts | None = None) -> str:
        return f"not [{self.part.explain(answers, facts)}]"


def compile_condition(
    raw: Any,
    options: Mapping[str, frozenset[str]],
    file: str,
    pos: tuple[int, int],
    errors: list[UserError],
) -> Condition:
    """Compile YAML data to a Condition; reference problems go to ``errors`` with their position.

    ``options`` maps each question id to its valid option ids.
    """
    if not isinstance(raw, dict) or not raw:
        errors.append(
            UserError(
                "a condition must be a non-empty mapping such as {deployment: mobile}", file, *pos
            )
        )
        return Always()
    parts = [_compile_key(key, value, raw, options, file, errors) for key, value in raw.items()]
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _at(container: Any, key: Any, default: tuple[int, int]) -> tuple[int, int]:
    at = getattr(container, "at", None)
    try:
        return at(key) if at else default
    except Exception:
        return default


def _compile_key(
    key: Any,
    value: Any,
    raw: Any,
    options: Mapping[str, frozenset[str]],
    file: str,
    errors: list[UserError],
) -> Condition:
    pos = _at(raw, key, getattr(raw, "pos", (1, 1)))
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            errors.append(UserError(f"{key}: expected a non-empty list of conditions", file, *pos))
            return Always()
        parts = tuple(
            compile_condition(c, options, file, _at(value, i, pos), errors)
            for i, c in enumerate(value)
        )
        return All(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(compile_condition(value, options, file, pos, errors))
    if key in ("unanswered", "answered"):
        names = value if isinstance(value, list) else [value]
        conds = [
            Unanswered(_question(n, options, file, pos, errors), negate=key == "answered")
            for n in names
        ]
        return conds[0] if len(conds) == 1 else All(tuple(conds))
    if key == "probe":
        return _compile_probe(value, file, pos, errors)
    question = _question(key, options, file, _key_at(raw, key, pos), errors)
    values = value if isinstance(value, list) else [value]
    valid = options.get(question, EMPTY)
    clean = []
    for i, v in enumerate(values):
        v = yes_no(v)
        if not isinstance(v, str):
            errors.append(
                UserError(
                    f"{question}: expected an option id, got {v!r}", file, *_at(value, i, pos)
                )
            )
        elif question in options and v not in valid:
            errors.append(
                UserError(
                    f'unknown option "{v}" for question "{question}"{did_you_mean(v, valid)}',
                    file,
                    *_at(value, i, pos),
                )
            )
        else:
            clean.append(v)
    return Is(question, frozenset(clean))


def _key_at(raw: Any, key: Any, default: tuple[int, int]) -> tuple[int, int]:
    key_at = getattr(raw, "key_at", None)
    return key_at(key) if key_at else default


def _question(
    name: Any,
    options: Mapping[str, frozenset[str]],
    file: str,
    pos: tuple[int, int],
    errors: list[UserError],
) -> str:
    if name not in options:
        valid = [*options, *KEYWORDS]
        errors.append(
            UserError(
                f'unknown question "{name}" in condition{did_you_mean(name, valid)}', file, *pos
            )
        )
    return str(name)


def _compile_probe(
    value: Any, file: str, pos: tuple[int, int], errors: list[UserError]
) -> Condition:
    if not isinstance(value, dict) or not value:
        errors.append(
            UserError('probe: expected a mapping such as {"pytorch.gpu": ok}', file, *pos)
        )
        return Always()
    parts = []
    for fact, status in value.items():
        statuses = status if isinstance(status, list) else [status]
        bad = [s for s in statuses if s not in PROBE_STATUSES]
        if not isinstance(fact, str) or "." not in fact or bad:
            problem = (
                f'unknown probe status "{bad[0]}"{did_you_mean(bad[0], PROBE_STATUSES)}'
                if bad
                else f'probe fact "{fact}" must be "framework.check", e.g. "pytorch.gpu"'
            )
            errors.append(UserError(problem, file, *_at(value, fact, pos)))
            continue
        parts.append(ProbeFact(fact, frozenset(statuses)))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def yes_no(value: Any) -> Any:
    """YAML reads yes/no/true/false as booleans; a yes_no answer is the text "yes" or "no"."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value
