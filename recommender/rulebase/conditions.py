"""The condition language of ``when:``, ``ask_when:`` and ``pick_when:``: YAML compiled to values.

Conditions are plain frozen dataclasses, built from data; nothing here evaluates text as code.

:func:`core` is the one walk over the language: it rewrites every condition into the core forms
``Is``/``All``/``AnyOf``/``Not``/``bool``, reading a probe fact as an answer to the pseudo-question
``probe:<fact>`` whose options are the probe statuses, and ``unanswered: q`` as "q has none of its
options". Every consumer (the scoring table, lint) reads only the core forms, so a new kind of
condition is one class here and one case in :func:`core`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from recommender.errors import UserError, did_you_mean, kind_of
from recommender.values import Value, frozen

Answers = Mapping[str, frozenset[str]]
Facts = Mapping[str, str]
EMPTY: frozenset[str] = frozenset()
PROBE_STATUSES = ("ok", "failed", "unavailable", "skipped", "absent", "crashed", "timeout")
PROBE = "probe:"  # the pseudo-question prefix a probe fact is answered under
KEYWORDS = ("all", "any", "not", "unanswered", "answered", "probe")


@frozen
class Always(Value):
    """Holds for every profile (what a rule with a broken condition falls back to)."""

    def explain(self, holds: Holds, answers: Answers) -> str:
        return "always"


@frozen
class Is(Value):
    """``{question: value}`` or ``{question: [a, b]}``: the answer includes one of ``values``."""

    question: str
    values: frozenset[str]

    def explain(self, holds: Holds, answers: Answers) -> str:
        want = "/".join(sorted(self.values))
        got = answers.get(self.question)
        got_text = "unanswered" if got is None else "/".join(sorted(got)) or "nothing"
        return f"{self.question} is {want} ({_yes(holds(self))}: {got_text})"


@frozen
class Unanswered(Value):
    """``unanswered: q``, or ``answered: q`` when ``negate``."""

    question: str
    negate: bool = False

    def explain(self, holds: Holds, answers: Answers) -> str:
        word = "answered" if self.negate else "unanswered"
        return f"{self.question} is {word} ({_yes(holds(self))})"


@frozen
class ProbeFact(Value):
    """``probe: {"framework.check": status}``: what ``recommender probe`` found on this machine."""

    fact: str
    statuses: frozenset[str]

    def explain(self, holds: Holds, answers: Answers) -> str:
        want = "/".join(sorted(self.statuses))
        got = answers.get(PROBE + self.fact)
        got_text = "not probed" if got is None else "/".join(sorted(got))
        return f"probe {self.fact} is {want} ({_yes(holds(self))}: {got_text})"


@frozen
class All(Value):
    parts: tuple[Condition | bool, ...]  # bool only in the core forms (see core)

    def explain(self, holds: Holds, answers: Answers) -> str:
        return " and ".join(_explain(p, holds, answers) for p in self.parts)


@frozen
class AnyOf(Value):
    parts: tuple[Condition | bool, ...]

    def explain(self, holds: Holds, answers: Answers) -> str:
        return "any of (" + "; ".join(_explain(p, holds, answers) for p in self.parts) + ")"


@frozen
class Not(Value):
    part: Condition | bool

    def explain(self, holds: Holds, answers: Answers) -> str:
        return f"not [{_explain(self.part, holds, answers)}]"


Condition = Always | Is | Unanswered | ProbeFact | All | AnyOf | Not
Core = Is | All | AnyOf | Not | bool
Holds = Callable[[Condition], bool]
CLASSES: dict[str, type] = {
    c.__name__: c for c in (Always, Is, Unanswered, ProbeFact, All, AnyOf, Not)
}


def _explain(part: Condition | bool, holds: Holds, answers: Answers) -> str:
    if isinstance(part, bool):  # a constant of the core forms
        return "always" if part else "never"
    return part.explain(holds, answers)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def core(cond: Condition | bool, options: Mapping[str, frozenset[str]]) -> Core:
    """``cond`` in the core forms (module docstring); ``options`` maps question -> option ids."""
    if isinstance(cond, bool):  # a part already folded to a constant
        return cond
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Is):
        return cond
    if isinstance(cond, Unanswered):
        answered = Is(cond.question, options.get(cond.question, EMPTY))
        return answered if cond.negate else Not(answered)
    if isinstance(cond, ProbeFact):
        return Is(PROBE + cond.fact, cond.statuses)
    if isinstance(cond, Not):
        return Not(core(cond.part, options))
    parts = tuple(core(p, options) for p in cond.parts)
    return All(parts) if isinstance(cond, All) else AnyOf(parts)


def probe_facts_read(cond: Condition | bool | None) -> set[str]:
    """The probe facts a condition reads (each becomes a pseudo-question of the scoring table)."""
    if isinstance(cond, ProbeFact):
        return {cond.fact}
    if isinstance(cond, Not):
        return probe_facts_read(cond.part)
    if isinstance(cond, All | AnyOf):
        return set().union(*(probe_facts_read(p) for p in cond.parts))
    return set()


def as_answers(facts: Facts | None, read: set[str] | frozenset[str]) -> dict[str, frozenset[str]]:
    """Probe facts as answers to their pseudo-questions: a fact not reported reads as ``absent``;
    with no probe at all (``facts`` None) nothing is answered, so no probe condition holds."""
    if facts is None:
        return {}
    return {PROBE + f: frozenset((facts.get(f, "absent"),)) for f in read}


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
        message = "a condition must be a non-empty mapping such as {deployment: mobile}"
        errors.append(UserError(message, file, *pos))
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
        return _compile_unanswered(key, value, options, file, pos, errors)
    if key == "probe":
        return _compile_probe(value, file, pos, errors)
    question = _question(key, options, file, _key_at(raw, key, pos), errors)
    values = value if isinstance(value, list) else [value]
    valid = options.get(question, EMPTY)
    clean = []
    for i, given in enumerate(values):
        v = yes_no(given)
        where = _at(value, i, pos)
        if not isinstance(v, str):
            errors.append(UserError(f"{question}: expected an option id, got {v!r}", file, *where))
        elif question in options and v not in valid:
            hint = unquoted(given) + did_you_mean(v, valid)
            message = f'unknown option {option_named(given, v)} for question "{question}"{hint}'
            errors.append(UserError(message, file, *where))
        else:
            clean.append(v)
    return Is(question, frozenset(clean))


def _compile_unanswered(
    key: str,
    value: Any,
    options: Mapping[str, frozenset[str]],
    file: str,
    pos: tuple[int, int],
    errors: list[UserError],
) -> Condition:
    names = value if isinstance(value, list) else [value]
    conds: list[Condition] = []
    for i, name in enumerate(names):
        where = _at(value, i, pos) if isinstance(value, list) else pos
        if not isinstance(name, str):
            message = f"{key}: expected a question id, got {kind_of(name)}"
            errors.append(UserError(message, file, *where))
            continue
        question = _question(name, options, file, where, errors)
        conds.append(Unanswered(question, negate=key == "answered"))
    if not conds:
        return Always()
    return conds[0] if len(conds) == 1 else All(tuple(conds))


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
        hint = did_you_mean(name, [*options, *KEYWORDS])
        errors.append(UserError(f'unknown question "{name}" in condition{hint}', file, *pos))
    return str(name)


def _compile_probe(
    value: Any, file: str, pos: tuple[int, int], errors: list[UserError]
) -> Condition:
    if not isinstance(value, dict) or not value:
        message = 'probe: expected a mapping such as {"pytorch.gpu": ok}'
        errors.append(UserError(message, file, *pos))
        return Always()
    parts: list[Condition] = []
    for fact, status in value.items():
        statuses = status if isinstance(status, list) else [status]
        bad = [s for s in statuses if not isinstance(s, str) or s not in PROBE_STATUSES]
        if not isinstance(fact, str) or "." not in fact or bad:
            problem = (
                f'unknown probe status "{bad[0]}"{did_you_mean(bad[0], PROBE_STATUSES)}'
                if bad
                else f'probe fact "{fact}" must be "framework.check", e.g. "pytorch.gpu"'
            )
            errors.append(UserError(problem, file, *_at(value, fact, pos)))
            continue
        parts.append(ProbeFact(fact, frozenset(statuses)))
    if not parts:
        return Always()
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def option_named(given: Any, item: str) -> str:
    """How an unknown option is named in a message: as written, but a boolean (YAML's unquoted
    ``on``, JSON's ``true``) as the boolean it was read as, not as the "yes" it stands for: a
    JSON row said 'unknown option "yes"' of a ``true`` nobody wrote as "yes"."""
    return f"{str(given).lower()} (a boolean)" if isinstance(given, bool) else f'"{item}"'


def unquoted(value: Any) -> str:
    """The hint for an option id that YAML read as a boolean: ``os: on`` was refused as the
    option "yes", which the user never wrote."""
    if not isinstance(value, bool):
        return ""
    return (
        " (YAML reads an unquoted yes, no, on, off, true or false as a boolean; quote it if it is "
        "an option id)"
    )


def yes_no(value: Any) -> Any:
    """YAML reads yes/no/true/false as booleans; a yes_no answer is the text "yes" or "no"."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value
