"""Project profiles: read a profile file, and turn raw answers into the engine's normal form.

The normal form is ``{question_id: frozenset(option_ids)}``; an unanswered question is simply absent.
Every front end (recommend, batch, ask, rules test) goes through :func:`normalize_answers`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from recommender.errors import UserError, did_you_mean
from recommender.rulebase import schema
from recommender.rulebase.conditions import yes_no
from recommender.rulebase.model import RuleBase
from recommender.rulebase.yamlio import load_yaml, read_text
from recommender.values import Value, frozen

Normal = dict[str, frozenset]


@frozen
class Profile(Value):
    """A profile file: its name and its answers in normal form."""

    name: str | None
    answers: Normal


def normalize_answers(
    raw: Mapping[str, Any], rules: RuleBase, file: str | None = None, where: Any = None
) -> Normal:
    """Check raw answers against the questions; raise UserError naming the question, option and fix."""
    questions = {q.id: q for q in rules.questions}
    out: Normal = {}
    for qid, value in raw.items():
        pos = where.at(qid) if hasattr(where, "at") else (None, None)
        if qid not in questions:
            raise UserError(f'unknown question "{qid}"{did_you_mean(qid, questions)}', file, *pos)
        q = questions[qid]
        value = yes_no(value)
        if value is None or value == "" or value == []:
            continue
        if q.kind == "multi":
            items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        elif isinstance(value, (list, tuple, set, frozenset)) and len(value) != 1:
            raise UserError(
                f'question "{qid}" takes one answer, got a list {value!r}; valid values: '
                f"{', '.join(q.option_ids)}",
                file,
                *pos,
            )
        else:
            items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        chosen = []
        for item in items:
            item = yes_no(item)
            if not isinstance(item, str):
                raise UserError(
                    f'question "{qid}": expected one of {", ".join(q.option_ids)}, '
                    f"got {type(item).__name__} {item!r}",
                    file,
                    *pos,
                )
            if item not in q.option_ids:
                raise UserError(
                    f'unknown option "{item}" for question "{qid}"{did_you_mean(item, q.option_ids)}',
                    file,
                    *pos,
                )
            chosen.append(item)
        out[qid] = frozenset(chosen)
    return out


def denormalize(answers: Mapping[str, frozenset], rules: RuleBase) -> dict[str, Any]:
    """The normal form back to what a profile file holds: text, or a list for multi questions."""
    out: dict[str, Any] = {}
    for q in rules.questions:
        if q.id in answers:
            chosen = [o for o in q.option_ids if o in answers[q.id]]
            out[q.id] = chosen if q.kind == "multi" else chosen[0]
    return out


def profile_yaml(
    name: str | None, answers: Mapping[str, frozenset], rules: RuleBase, header: str = ""
) -> str:
    """A profile file's text, ``{name: ..., answers: {...}}``, as ``recommend --profile`` reads it."""
    doc: dict[str, Any] = {"name": name} if name else {}
    doc["answers"] = denormalize(answers, rules)
    return header + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def parse_answer_flags(flags: Iterable[str], rules: RuleBase) -> dict[str, Any]:
    """``--answer question=value`` (a multi answer may be ``a,b`` or given twice)."""
    questions = {q.id: q for q in rules.questions}
    raw: dict[str, Any] = {}
    for flag in flags:
        qid, sep, value = flag.partition("=")
        qid, value = qid.strip(), value.strip()
        if not sep or not qid:
            raise UserError(
                f'--answer "{flag}": expected QUESTION=VALUE, e.g. --answer deployment=mobile'
            )
        q = questions.get(qid)
        if q is not None and q.kind == "multi":
            raw.setdefault(qid, []).extend(v for v in (s.strip() for s in value.split(",")) if v)
        else:
            raw[qid] = value
    return raw


def read_profile_file(path: str) -> Any:
    """The profile document from YAML or JSON; mappings carry positions for error messages."""
    text = read_text(path)
    if not text.strip():
        raise UserError(
            "the profile is empty; expected {name: ..., answers: {question: value}}", path, 1, 1
        )
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"invalid JSON: {exc.msg}", path, exc.lineno, exc.colno) from None
        try:  # JSON is YAML: reading it again through the YAML loader gives line numbers
            return load_yaml(path, text)
        except UserError:
            return doc
    return load_yaml(path, text)


def load_profile(path: str, rules: RuleBase) -> Profile:
    """Read ``{name: ..., answers: {...}}`` from YAML or JSON and check every answer."""
    doc = read_profile_file(path)
    problems = schema.check(doc, schema.PROFILE, path, "profile")
    if problems:
        raise problems[0]
    answers = doc.get("answers") or {}
    if not isinstance(answers, dict):
        pos = doc.at("answers") if hasattr(doc, "at") else (None, None)
        raise UserError(
            f"answers: expected a mapping of question: value, got {schema.kind_name(answers)}",
            path,
            *pos,
        )
    name = doc.get("name")
    return Profile(
        str(name) if name is not None else Path(path).stem,
        normalize_answers(answers, rules, path, answers),
    )
