"""The profile schema, made from a rule base: every question with its options, so an editor can
complete and check a profile file (``# yaml-language-server: $schema=...``). The shipped
``profile.schema.json`` is this for the shipped rules (a test keeps them equal);
``recommender schema profile --rules DIR`` includes an overlay's questions."""

from __future__ import annotations

import re
from typing import Any

from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.profiles import YES_NO, YES_NO_TEXT
from recommender.schemas import BASE

UNANSWERED = {"enum": [None, ""], "description": "unanswered"}


def profile_schema(rules: RuleBase) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + "profile.schema.json",
        "title": "a recommender profile (recommend --profile, ask --from, batch)",
        "description": (
            "A project's answers: {name: ..., answers: {question: answer}}. Any question may be "
            "left out. A multi answer is a list or text split at , or ;. A yes/no answer is "
            f"{YES_NO_TEXT}. An option marked exclusive stands alone."
        ),
        "type": "object",
        "properties": {
            "name": {
                "type": ["string", "number"],
                "pattern": r"\S",  # for text only: not empty, not all spaces
                "description": "the profile's name in reports (a number is shown as text)",
            },
            "description": {"type": "string"},
            "answers": {
                "type": "object",
                "properties": {q.id: _answer(q) for q in rules.questions},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }


def _answer(q: Question) -> dict[str, Any]:
    """Every form ``normalize_answers`` accepts for ``q``: an option, a list of them (one for a
    single question), text split at , or ; and, for yes/no, booleans and the spellings of
    ``YES_NO`` in any case; null or "" leave it unanswered. An exclusive option stands alone."""
    doc = q.text + (f" {q.help}" if q.help else "")
    if q.ask_when is not None:
        doc += " (a follow-up: ignored unless its condition holds)"
    if q.kind == "yes_no":
        forms: list[dict[str, Any]] = [
            {"type": "boolean"},
            {"type": "string", "pattern": f"^({_any_case('|'.join(YES_NO))})$"},
        ]
        return {"description": doc, "anyOf": [*forms, {"type": "array", "items": {"anyOf": forms},
                                                       "maxItems": 1}, UNANSWERED]}  # fmt: skip
    one = {"oneOf": [_option(q, o.id) for o in q.options]}
    alone = [o.id for o in q.options if o.exclusive]
    rest = [o.id for o in q.options if not o.exclusive]
    if q.kind != "multi":
        listed = {"type": "array", "items": one, "maxItems": 1}
        return {"description": doc, "anyOf": [one, listed, _text([], q.option_ids, 1), UNANSWERED]}
    listed = {
        "type": "array",
        "items": one,
        "allOf": [{"if": {"contains": {"const": o}}, "then": {"maxItems": 1}} for o in alone],
    }
    return {"description": doc, "anyOf": [one, listed, _text(alone, rest, None), UNANSWERED]}


def _text(alone: list[str], rest: tuple[str, ...] | list[str], most: int | None) -> dict[str, Any]:
    """A list as text: at least one , or ;, then options; ``alone`` ones by themselves."""
    sep = r"[\s,;]*"
    forms = [rf"{sep}({_ids(alone)}){sep}"] if alone else []
    if most == 1:
        forms.append(rf"{sep}({_ids(rest)}){sep}")
    else:
        forms.append(rf"{sep}({_ids(rest)})(\s*[,;]{sep}({_ids(rest)}))*{sep}")
    return {"type": "string", "pattern": "^(?=.*[,;])(" + "|".join(forms) + ")$"}


def _ids(ids: Any) -> str:
    return "|".join(re.escape(i) for i in ids)


def _any_case(words: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in words)


def _option(q: Question, option: str) -> dict[str, Any]:
    o = next(o for o in q.options if o.id == option)
    alone = " (stands alone)" if o.exclusive else ""
    return {"const": o.id, "description": o.label + alone}
