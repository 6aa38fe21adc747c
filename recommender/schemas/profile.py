"""The profile schema, made from a rule base: every question with its options, so an editor can
complete and check a profile file (``# yaml-language-server: $schema=...``). The shipped
``profile.schema.json`` is this for the shipped rules (a test keeps them equal);
``recommender schema profile --rules DIR`` includes an overlay's questions."""

from __future__ import annotations

import re
from typing import Any

from recommender.rulebase.model import Question, RuleBase
from recommender.schemas import BASE

YES_NO = ["yes", "no", "true", "false", "Yes", "No", "True", "False"]


def profile_schema(rules: RuleBase) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + "profile.schema.json",
        "title": "a recommender profile (recommend --profile, ask --from, batch)",
        "description": (
            "A project's answers: {name: ..., answers: {question: answer}}. Any question may be "
            "left out. A multi answer is a list or text split at , or ;. A yes/no answer is "
            "yes, no, true or false (any case). An option marked exclusive stands alone."
        ),
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "the profile's name in reports"},
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
    doc = q.text + (f" {q.help}" if q.help else "")
    if q.ask_when is not None:
        doc += " (a follow-up: ignored unless its condition holds)"
    if q.kind == "yes_no":
        return {"description": doc, "anyOf": [{"enum": YES_NO}, {"type": "boolean"}, _null()]}
    one = {"description": doc, "oneOf": [_option(q, o.id) for o in q.options]}
    if q.kind != "multi":
        return {"description": doc, "anyOf": [one, _null()]}
    ids = "|".join(re.escape(o.id) for o in q.options)
    listed = {
        "type": "array",
        "items": one,
        "uniqueItems": True,
        "allOf": [
            {"if": {"contains": {"const": o.id}}, "then": {"maxItems": 1}}
            for o in q.options
            if o.exclusive
        ],
    }
    text = {"type": "string", "pattern": rf"^\s*({ids})(\s*[,;]\s*({ids}))*\s*$"}
    return {"description": doc, "anyOf": [listed, one, text, _null()]}


def _option(q: Question, option: str) -> dict[str, Any]:
    o = next(o for o in q.options if o.id == option)
    alone = " (stands alone)" if o.exclusive else ""
    return {"const": o.id, "description": o.label + alone}


def _null() -> dict[str, Any]:
    return {"type": "null", "description": "unanswered"}
