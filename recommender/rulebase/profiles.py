"""Project profiles: read a profile file, and turn raw answers into the engine's normal form.

The normal form is ``{question_id: frozenset(option_ids)}``; an unanswered question is absent.
Every front end (recommend, batch, ask, rules test) goes through :func:`normalize_answers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from recommender.errors import UserError, did_you_mean
from recommender.fileio import STDIN, JsonProblem, loads_json, read_text, shown_name
from recommender.rulebase import schema
from recommender.rulebase.conditions import option_named, unquoted, yes_no
from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.yamlio import load_yaml
from recommender.values import Value, frozen

Normal = dict[str, frozenset]


@frozen
class Profile(Value):
    """A profile file: its name and its answers in normal form."""

    name: str | None
    answers: Normal


SEPARATORS = re.compile(r"[,;]")  # a multi answer as text: "a,b" (command line) or "a;b" (CSV)
# A yes/no answer's spellings, in any case: those YAML reads as booleans, so that --answer, CSV and
# JSON text take what a YAML profile takes unquoted (``on`` was a yes there, and refused as text).
YES_NO = {"yes": "yes", "true": "yes", "on": "yes", "no": "no", "false": "no", "off": "no"}
YES_NO_TEXT = "yes, no, true, false, on or off, in any case"


def normalize_answers(
    raw: Mapping[str, Any], rules: RuleBase, file: str | None = None, where: Any = None
) -> Normal:
    """Check raw answers against the questions; raise UserError naming the question, option and fix.

    One syntax everywhere: a multi answer is a list or text split at ``,`` or ``;`` (option ids
    hold neither), a yes/no answer is one of ``YES_NO`` or a YAML boolean, and an
    option marked ``exclusive`` ("none") stands alone.
    """
    questions = rules.question_by_id
    out: Normal = {}
    for qid, value in raw.items():
        q = questions.get(qid)
        if q is None:
            message = f'unknown question "{qid}"{did_you_mean(qid, questions)}'
            raise _located(message, file, where, qid)
        try:
            chosen = _chosen(q, value, _texts(value, where, qid))
        except _BadItem as exc:  # at the item, where the list knows it (a YAML list does)
            spot = value if hasattr(value, "at") else where
            raise _located(str(exc), file, spot, exc.index if spot is value else qid) from None
        except ValueError as exc:
            raise _located(str(exc), file, where, qid) from None
        if chosen:
            out[qid] = chosen
    return out


def _located(message: str, file: str | None, where: Any, key: Any) -> UserError:
    """``message`` at the line and column of the answer (or list item) at ``key``, where
    ``where`` knows them; asked only for a message (a batch's JSONL row finds them by reading
    its line again). A CSV row's answer is named by its cell too ("column 3: ..."), which a
    spreadsheet shows where a line and column of the file mean nothing."""
    line, col = where.at(key) if hasattr(where, "at") else (None, None)
    cell = where.cell(key) if hasattr(where, "cell") else None
    return UserError(f"{cell}: {message}" if cell else message, file, line, col)


def _texts(value: Any, where: Any, qid: str) -> list[str | None]:
    """Each item of an answer as the user wrote it, where YAML read it as something else
    (``0x1F`` as 31, ``on`` as True: :meth:`~recommender.rulebase.yamlio.Map.written`), for a
    message to quote; None for an item that shows as written, or whose text is not known."""
    if isinstance(value, list):
        written = getattr(value, "written", None)
        return [written(i) if written else None for i in range(len(value))]
    written = getattr(where, "written", None)
    return [written(qid) if written else None]


def _chosen(q: Question, value: Any, texts: list[str | None]) -> frozenset[str]:
    """The option ids of one raw answer (empty when unanswered); ValueError says what is wrong,
    quoting an item as written where ``texts`` has its text."""
    items = _items(q, value)  # each item is read as yes/no where it is checked (_option_id)
    if q.kind != "multi" and len(items) > 1:
        got = f"several: {value!r}" if isinstance(value, str) else f"a list {_listed(value, texts)}"
        raise ValueError(
            f'question "{q.id}" takes one answer, got {got}; valid values: '
            f"{', '.join(q.option_ids)}"
        )
    if isinstance(value, str):  # split at "," or ";": each item is text, and shows as written
        texts = []
    chosen = frozenset(_item_id(q, value, item, n, _nth(texts, n)) for n, item in enumerate(items))
    _alone(q, chosen)
    return chosen


class _BadItem(ValueError):
    """An item of a list answer that names no option, and which one: the message is located at
    the item (a YAML list knows where each stands), not at the list, which a block list
    begins lines above it."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def _item_id(q: Question, value: Any, item: Any, n: int, text: str | None) -> str:
    try:
        return _option_id(q, item, text)
    except ValueError as exc:
        if isinstance(value, list):
            raise _BadItem(str(exc), n) from None
        raise


def _nth(texts: list[str | None], n: int) -> str | None:
    return texts[n] if n < len(texts) else None


def _listed(value: Any, texts: list[str | None]) -> str:
    """A list answer as a message shows it: ``['a', 0x1F]``, each item as written."""
    shown = [_nth(texts, n) or repr(item) for n, item in enumerate(value)]
    return f"[{', '.join(shown)}]"


def _items(q: Question, value: Any) -> list[Any]:
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if isinstance(value, str) and SEPARATORS.search(value):
        return [p.strip() for p in SEPARATORS.split(value) if p.strip()]
    return [value]


def _option_id(q: Question, given: Any, text: str | None = None) -> str:
    """The option id ``given`` names; ValueError quotes it as the user wrote it (``text``)."""
    item = yes_no(given)
    if not isinstance(item, str):
        raise ValueError(
            f'question "{q.id}": expected one of {", ".join(q.option_ids)}, got {_got(item, text)}'
        )
    if q.kind == "yes_no":
        item = YES_NO.get(item.strip().lower(), item)
    if item not in q.option_ids:
        # a boolean as YAML's text for it, "on (a boolean)": option_named says "true" of any
        named = option_named(given, item) if text is None else f"{text} (a boolean)"
        raise ValueError(
            f'unknown option {named} for question "{q.id}"{unquoted(given)}'
            f"{did_you_mean(item, q.option_ids)}"
        )
    return item


def _got(item: Any, text: str | None) -> str:
    """What an answer that is no option id is, and its value as written: ``int 0x1F``, not the
    31 YAML read it as; ``null ~``; a date as written (or ISO), not Python's repr."""
    if item is None:  # not "NoneType None"
        return "null" if text in (None, "null") else f"null {text}"
    # a nested list or mapping is named as one (not by the YAML loader's class, "Seq")
    what = schema.kind_name(item) if isinstance(item, dict | list) else type(item).__name__
    if text is not None:
        return f"{what} {text}"
    return f"{what} {item.isoformat() if isinstance(item, date) else repr(item)}"


def _alone(q: Question, chosen: frozenset[str]) -> None:
    """An exclusive option ("none", "None of them yet") cannot be combined with another."""
    if len(chosen) < 2:
        return
    for o in q.options:
        if o.exclusive and o.id in chosen:
            others = ", ".join(i for i in q.option_ids if i in chosen and i != o.id)
            raise ValueError(
                f'question "{q.id}": "{o.id}" ({o.label}) cannot be combined with other options; '
                f"got {o.id} with {others}"
            )


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
    """A profile file's text, ``{name: ..., answers: {...}}``, as ``recommend --profile`` reads
    it."""
    doc: dict[str, Any] = {"name": name} if name else {}
    doc["answers"] = denormalize(answers, rules)
    return header + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def parse_answer_flags(flags: Iterable[str], rules: RuleBase) -> dict[str, Any]:
    """``--answer question=value``; a multi answer may be ``a,b`` (or ``a;b``) or given twice.
    A single answer given twice with two values is refused: which one was meant is a guess."""
    raw: dict[str, Any] = {}
    for flag in flags:
        qid, sep, value = flag.partition("=")
        qid, value = qid.strip(), value.strip()
        if not sep or not qid:
            raise UserError(
                f'--answer "{flag}": expected QUESTION=VALUE, e.g. --answer deployment=mobile'
            )
        q = rules.question_by_id.get(qid)
        if q is not None and q.kind == "multi" and qid in raw and value:
            raw[qid] = f"{raw[qid]},{value}" if raw[qid] else value
        elif (
            q is not None
            and q.kind != "multi"
            and qid in raw
            and _differ(qid, raw[qid], value, rules)
        ):
            raise UserError(
                f'--answer "{flag}": {qid} is already answered "{raw[qid]}" by an earlier '
                f"--answer, and takes one answer; give it once"
            )
        else:
            raw[qid] = value
    return raw


def _differ(qid: str, before: str, now: str, rules: RuleBase) -> bool:
    """Whether two answers to one question mean different things (``yes`` and ``True`` do not)."""
    return normalize_answers({qid: before}, rules, "--answer") != normalize_answers(
        {qid: now}, rules, "--answer"
    )


def read_profile_file(path: str) -> Any:
    """The profile document from YAML or JSON (``-``: standard input, read as YAML, which JSON
    also is); mappings carry positions for error messages. A ``.json`` file is held to JSON's
    rules first: no repeated key, NaN or huge number."""
    name = shown_name(path)
    text = read_text(path, pipe=True)  # a file, or <(cmd)
    if not text.strip():
        raise UserError(
            "the profile is empty; expected {name: ..., answers: {question: value}}", name, 1, 1
        )
    if path.endswith(".json"):
        return _json_profile(path, text)
    return load_yaml(name, text)


def _json_profile(path: str, text: str) -> Any:
    try:
        doc = loads_json(text)
    except JsonProblem as exc:
        if exc.line is None:  # a repeated key has no position in json: YAML's reader has one
            _located_by_yaml(path, text, exc.message)
        raise UserError(exc.message, path, exc.line, exc.col) from None
    try:  # JSON is YAML: reading it again through the YAML loader gives line numbers
        return load_yaml(path, text)
    except UserError:  # JSON that YAML 1.1 reads differently; already checked as JSON
        return doc


def _located_by_yaml(path: str, text: str, problem: str) -> None:
    """Raise YAML's error for ``problem`` when YAML finds the same one: it knows the line."""
    try:
        load_yaml(path, text)
    except UserError as exc:
        if exc.message.split()[:2] == problem.split()[:2]:
            raise


def load_profile(path: str, rules: RuleBase) -> Profile:
    """Read ``{name: ..., answers: {...}}`` from YAML or JSON and check every answer."""
    try:
        doc = read_profile_file(path)
    except UserError as exc:
        raise _many(exc, path) from None
    path = shown_name(path)
    _no_stray_answers(doc, rules, path)
    problems = schema.check(doc, schema.PROFILE, path, "profile")
    if problems:
        raise _many(problems[0], path, isinstance(doc, list))
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
        str(name) if name is not None else _name_of_file(path),
        normalize_answers(answers, rules, path, answers),
    )


BATCH_FILES = (".csv", ".jsonl", ".ndjson")  # files of many profiles, which batch reads


def _many(error: UserError, path: str, many: bool = False) -> UserError:
    """``error``, with the fix when the file is one of many profiles (a list, a CSV, JSON Lines)
    given as one: ``--profile team.csv`` said only "the top level must be a mapping", and a
    JSONL file "did not find expected <document start>"."""
    if error.line is None or not (many or path.lower().endswith(BATCH_FILES)):
        return error  # not read as a profile at all (a link loop, over the size limit)
    command = "recommender batch" + ("" if path in ("-", STDIN) else f" {path}")
    message = f"{error.message}; a file of many profiles is scored by `{command}`"
    return UserError(message, error.file, error.line, error.col)


def _no_stray_answers(doc: Any, rules: RuleBase, path: str) -> None:
    """An answer written beside ``answers:`` (the flat shape a batch row may take) is named with
    the fix; it was only "unknown key" with the profile's three keys as the choice."""
    if not isinstance(doc, dict):
        return
    for key in doc:
        if key not in schema.PROFILE and key in rules.question_by_id:
            pos = doc.key_at(key) if hasattr(doc, "key_at") else (None, None)
            raise UserError(
                f'"{key}" is a question: a profile gives its answers under answers:, as '
                f"answers: {{{key}: ...}}",
                path,
                *pos,
            )


NAMELESS = ("/dev/fd/", "/dev/stdin", "/proc/self/fd/")  # a pipe's path, as <(cmd) gives one


def _name_of_file(path: str) -> str | None:
    """A profile without a name is named by its file (``team-a.yaml``: "team-a"); stdin and a
    pipe (``/dev/fd/63``) have no name to give."""
    return None if path == STDIN or path.startswith(NAMELESS) else Path(path).stem
