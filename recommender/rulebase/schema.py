"""The shapes of every YAML file, declared as data, and the one validator that checks them.

A shape is a dict of field name -> :class:`Field`. :func:`check` walks a loaded document against a
shape and returns every problem it finds (it does not stop at the first), each located at
``file:line:col``. Cross-references (a rule naming a question that does not exist) are checked
later, by the rule base.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from recommender.errors import UserError, did_you_mean, kind_of
from recommender.rulebase.conditions import PROBE_STATUSES
from recommender.rulebase.yamlio import NO_DOCUMENT, Map, Seq
from recommender.scoring.decide import DECIMALS, SCALE
from recommender.values import Value, frozen

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

Checker = Callable[[Any], "str | None"]


@frozen
class MappingOf(Value):
    """A mapping of id -> value (``score: {tensorflow: 4}``); each bad entry is reported at its own
    position. ``values`` checks each value."""

    values: Checker


@frozen
class Field(Value):
    """One key of a shape. ``kind``: a value checker, a MappingOf, or a nested shape (a dict of
    Fields); ``required``: the key must be there; ``many``: a list of ``kind``."""

    kind: Any
    required: bool = False
    many: bool = False


def text(value: Any) -> str | None:
    """Non-empty text. A value YAML 1.1 read as something else (``label: Yes`` is true, ``1.0``
    a number, ``2024-01-01`` a date) is named, with the fix: it said only "expected non-empty
    text", of a label that was not empty."""
    if isinstance(value, str):
        return None if value.strip() else "expected non-empty text"
    if value is None or isinstance(value, dict | list):
        return f"expected non-empty text, got {kind_of(value)}"
    return f"expected non-empty text, got {kind_of(value)} (quote it to make it text)"


def profile_name(value: Any) -> str | None:
    """A profile's name: text, or a number (``name: 7``, as a spreadsheet's id column gives it),
    which is shown as text; batch reads names the same way, with the same message."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return None
    if isinstance(value, str) and value.strip():
        return None
    hint = " (quote it to make it text)" if isinstance(value, bool) else ""
    return f"expected non-empty text or a number, got {kind_of(value)}{hint}"


def ident(value: Any) -> str | None:
    if not isinstance(value, str) or not ID_RE.match(value):
        return f"expected an id of lower-case letters, digits, '_', '-' or '.', got {value!r}"
    return None


MAX_POINTS = 1000  # a rule's points per framework; far beyond any sensible weight


def number(value: Any) -> str | None:
    """A finite number: YAML's .nan and .inf are numbers to Python, not to a score."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    return None if ok else f"expected a number, got {type(value).__name__} {value!r}"


def points(value: Any) -> str | None:
    """A score: a finite number within +-MAX_POINTS, with no more decimals than the tie tolerance
    keeps (:mod:`recommender.scoring.decide`)."""
    problem = number(value)
    if problem:
        return problem
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_POINTS:
        return f"expected points between -{MAX_POINTS} and {MAX_POINTS}, got {value!r}"
    slack = 1e-6 * max(1.0, abs(value))  # for the float's binary value, not a tolerance of points
    if abs(round(value * SCALE) - value * SCALE) > slack:
        return f"points are kept to {DECIMALS} decimals; got {value!r}"
    return None


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {value!r}"


def anything(value: Any) -> str | None:
    return None


def answers(value: Any) -> str | None:
    """A profile's answers: a mapping of question: answer, or nothing at all."""
    if value is None or isinstance(value, dict):
        return None
    return f"expected a mapping of question: answer, got {kind_name(value)}"


def date_text(value: Any) -> str | None:
    """Dates are kept as text ("2024-09", "2021"); YAML turns 2024-09-04 into a date, which is
    fine too."""
    import datetime

    if isinstance(value, (datetime.date, int)) or (isinstance(value, str) and value.strip()):
        return None
    return f'expected a date such as "2024-09", got {value!r}'


PACKAGE_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")  # PEP 508 names


def package_name(value: Any) -> str | None:
    if isinstance(value, str) and PACKAGE_RE.match(value):
        return None
    return f"expected a package name such as tensorflow-metal (PEP 508), got {value!r}"


def choice(*values: str) -> Checker:
    def check(value: Any) -> str | None:
        if value in values:
            return None
        return f"unknown value {value!r}{did_you_mean(value, values)}"

    return check


def mapping_of(values: Checker) -> MappingOf:
    return MappingOf(values)


def condition(value: Any) -> str | None:
    return (
        None
        if isinstance(value, dict)
        else "expected a condition mapping such as {deployment: mobile}"
    )


LINT_CHECKS = (
    "never-wins",
    "never-true",
    "dead",
    "no-effect",
    "opposing",
)  # what `lint: allow` may name
LINT = {
    "allow": Field(choice(*LINT_CHECKS), required=True, many=True),
    "reason": Field(text, required=True),
}
OPTION = {
    "id": Field(ident, required=True),
    "label": Field(text, required=True),
    "help": Field(text),
    "exclusive": Field(boolean),  # a multi question's option that stands alone ("none")
}
QUESTION = {
    "id": Field(ident, required=True),
    "text": Field(text),
    "help": Field(text),
    "kind": Field(choice("single", "multi", "yes_no")),
    "options": Field(OPTION, many=True),
    "ask_when": Field(condition),
    "source": Field(text),
    "extend": Field(boolean),  # overlay: add options to a question defined elsewhere
    "override": Field(boolean),  # overlay: replace a question defined elsewhere
    "lint": Field(LINT),  # acknowledge a known lint warning, with the reason
}
TABLE_CELL = {
    "seed": Field(text, required=True),
    "now": Field(text, required=True),
    "source": Field(text),
}
PACKAGE_STATUSES = ("active", "maintenance", "inactive")
COMPANION = {
    "id": Field(ident, required=True),
    "name": Field(text, required=True),
    "package": Field(text),
    "status": Field(choice(*PACKAGE_STATUSES), required=True),
    "status_as_of": Field(date_text, required=True),
    "pick_when": Field(condition),
    "note": Field(text),
    "source": Field(text, required=True),
}
FACT = {
    "id": Field(ident, required=True),
    "claim": Field(text, required=True),
    "status": Field(choice("current", "stale", "wrong"), required=True),
    "as_of": Field(date_text, required=True),
    "correction": Field(text),
    "source": Field(text, required=True),
    "versions": Field(mapping_of(text)),
    "packages": Field(package_name, many=True),  # what `rules freshness` checks the claim against
}
FRAMEWORK = {
    "id": Field(ident, required=True),
    "name": Field(text, required=True),
    "developed_by": Field(text, required=True),
    "packages": Field(text, many=True),
    "table": Field(
        {
            k: Field(TABLE_CELL)
            for k in ("developed_by", "target_audience", "api_level", "development_stage")
        }
    ),
    "companions": Field(COMPANION, many=True),
    "facts": Field(FACT, many=True),
    "override": Field(boolean),
    "lint": Field(LINT),  # acknowledge a known lint warning, with the reason
}
RULE = {
    "id": Field(ident, required=True),
    "when": Field(condition, required=True),
    "score": Field(mapping_of(points)),
    "dealbreaker": Field(ident, many=True),
    "because": Field(text, required=True),
    "source": Field(text, required=True),
    "as_of": Field(date_text),
    "versions": Field(mapping_of(text)),
    "packages": Field(package_name, many=True),  # what `rules freshness` checks the rule against
    "note": Field(text),
    "lean": Field(boolean),  # the default lean: it breaks ties and is not evidence (`confidence`)
    "override": Field(boolean),
    "lint": Field(LINT),  # acknowledge a known lint warning, with the reason
}
CASE = {
    "name": Field(text, required=True),
    "answers": Field(answers, required=True),
    "expect_winner": Field(ident, required=True),
    "must_not_win": Field(ident, many=True),
    "source": Field(text),
    "probe": Field(mapping_of(choice(*PROBE_STATUSES))),
}
RESUME = {  # what `ask` keeps on Ctrl-C: a profile plus the questions already put (even if skipped)
    "name": Field(text),
    "answers": Field(answers),
    "asked": Field(ident, many=True),
}
NEED = {
    "id": Field(ident, required=True),
    "when": Field(condition, required=True),
    "need": Field(text, required=True),  # what the user needs, as the evidence table names it
    "checks": Field(mapping_of(ident), required=True),  # framework -> probe check that verifies it
    "source": Field(text, required=True),
}
PACKAGE = {  # a dated claim about a package nothing else names: a runtime, a plugin, a converter
    "package": Field(package_name, required=True),
    "status": Field(choice(*PACKAGE_STATUSES), required=True),
    "as_of": Field(date_text, required=True),
    "claim": Field(text, required=True),
    "source": Field(text, required=True),
    "override": Field(boolean),
}
SUPPORT = ("supported", "limited", "experimental", "unsupported", "deprecated")
ROUTE = {  # one way to run a framework's model on a deployment target
    "runtime": Field(text, required=True),
    "path": Field(text, required=True),  # the export steps, e.g. "torch.export → ExecuTorch .pte"
    "support": Field(choice(*SUPPORT), required=True),
    "source": Field(text, required=True),
    "as_of": Field(date_text, required=True),
    "note": Field(text),
    "packages": Field(package_name, many=True),
}
DEPLOY = {  # framework x deployment target -> routes, the first one recommended
    "framework": Field(ident, required=True),
    "target": Field(ident, required=True),  # an option of the `deployment` question
    "when": Field(condition),  # narrows the entry (e.g. {edge_target: microcontroller})
    "routes": Field(ROUTE, required=True, many=True),
}
HARDWARE = {  # framework x training hardware -> how it runs there
    "framework": Field(ident, required=True),
    "answer": Field(ident, required=True),  # an option of the `hardware` question
    "when": Field(condition),
    "route": Field(text, required=True),
    "support": Field(choice(*SUPPORT), required=True),
    "source": Field(text, required=True),
    "as_of": Field(date_text, required=True),
    "note": Field(text),
    "packages": Field(package_name, many=True),
}
RULE_FILE = {
    "questions": Field(QUESTION, many=True),
    "frameworks": Field(FRAMEWORK, many=True),
    "rules": Field(RULE, many=True),
    "disable": Field(ident, many=True),  # overlay: rule ids switched off
    "cases": Field(CASE, many=True),
    "needs": Field(NEED, many=True),  # stated needs the probe can verify (`--probe`)
    "packages": Field(PACKAGE, many=True),  # package claims `rules freshness` checks
    "deploy": Field(DEPLOY, many=True),  # the stack: runtimes and export paths per target
    "hardware": Field(HARDWARE, many=True),  # the stack: training routes per accelerator
}
PROFILE = {
    "name": Field(profile_name),
    "answers": Field(anything),  # load_profile says what is wrong with answers that are no mapping
    "description": Field(text),
}


def kind_name(value: Any) -> str:
    """What a YAML value is, in the words a user would use."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "nothing"
    if isinstance(value, bool):  # before int: a bool is one
        return "a boolean"
    return "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"


def document(doc: Any, empty: str = "an empty file") -> str:
    """What a YAML or JSON document that is not a mapping holds, for the message that refuses
    it: ``empty`` when there is no document at all (:data:`~yamlio.NO_DOCUMENT`), ``null`` for
    a null one."""
    if doc is NO_DOCUMENT:
        return empty
    return "null" if doc is None else kind_of(doc)


def check(doc: Any, shape: dict[str, Field], file: str, what: str) -> list[UserError]:
    """Every schema problem in ``doc`` against ``shape``; an empty list when it fits."""
    errors: list[UserError] = []
    if not isinstance(doc, dict):
        return [
            UserError(
                f"the top level must be a mapping with {_keys(shape)}; got {document(doc)}",
                file,
                *getattr(doc, "pos", (1, 1)),
            )
        ]
    _check_map(doc, shape, file, what, errors)
    return errors


def _keys(shape: dict[str, Field]) -> str:
    return ", ".join(f"{k}:" for k in shape)


def _check_map(
    doc: dict[Any, Any], shape: dict[str, Field], file: str, what: str, errors: list[UserError]
) -> None:
    pos = getattr(doc, "pos", (None, None))
    for key in doc:
        if key not in shape:
            line, col = doc.key_at(key) if isinstance(doc, Map) else pos
            errors.append(
                UserError(
                    f'unknown key "{key}" in {what}{did_you_mean(key, shape)}', file, line, col
                )
            )
    for key, field in shape.items():
        if key not in doc:
            if field.required:
                errors.append(UserError(f'{what} is missing "{key}"', file, *pos))
            continue
        where = doc.at(key) if isinstance(doc, Map) else pos
        _check_value(doc[key], field, file, f"{what} {key}", where, errors)


def _check_value(
    value: Any, field: Field, file: str, what: str, where: tuple, errors: list[UserError]
) -> None:
    if field.many:
        if not isinstance(value, list):
            problem = f"{what}: expected a list, got {kind_name(value)}"
            errors.append(UserError(problem, file, *where))
            return
        for i, item in enumerate(value):
            item_where = value.at(i) if isinstance(value, Seq) else where
            _check_one(item, field.kind, file, f"{what}[{i + 1}]", item_where, errors)
    else:
        _check_one(value, field.kind, file, what, where, errors)


def _check_one(
    value: Any, kind: Any, file: str, what: str, where: tuple, errors: list[UserError]
) -> None:
    if isinstance(kind, dict):
        if not isinstance(value, dict):
            errors.append(
                UserError(f"{what}: expected a mapping, got {kind_name(value)}", file, *where)
            )
            return
        base = what.rsplit(" ", 1)[-1].split("[")[0]
        singular = base[:-1] if base.endswith("s") else base
        label = f'{singular} "{value["id"]}"' if isinstance(value.get("id"), str) else what
        _check_map(value, kind, file, label, errors)
        return
    if isinstance(kind, MappingOf):
        if not isinstance(value, dict):
            errors.append(
                UserError(f"{what}: expected a mapping, got {kind_name(value)}", file, *where)
            )
            return
        for key, item in value.items():
            key_problem, item_problem = ident(key), kind.values(item)
            at = (
                value.key_at(key)
                if key_problem and isinstance(value, Map)
                else (value.at(key) if isinstance(value, Map) else where)
            )
            if key_problem or item_problem:
                errors.append(UserError(f"{what}: {key}: {key_problem or item_problem}", file, *at))
        return
    problem = kind(value)
    if problem:
        errors.append(UserError(f"{what}: {problem}", file, *where))
