"""Batch input: read profiles from YAML, JSON, JSONL or CSV as a stream of :class:`Row`.

Each reader is a generator listed in :data:`READERS`. A row that cannot be read becomes a Row with ``error`` set
(the batch goes on); an input that is unusable as a whole raises UserError (exit 2). JSONL and CSV are streamed
line by line; YAML and JSON are documents and are read whole (up to :data:`MAX_DOCUMENT` bytes).

Rows are numbered 1, 2, ... in input order. Blank lines in JSONL and CSV are not rows (a trailing newline or a
spacer line is not a profile); messages still name the physical line.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import PurePath
from typing import Any, BinaryIO, NamedTuple

from recommender.errors import UserError, did_you_mean
from recommender.rulebase.yamlio import load_yaml

MAX_DOCUMENT = (
    64 << 20
)  # YAML/JSON are parsed whole; bigger batches belong in JSONL or CSV, which stream
PROFILE_KEYS = ("name", "answers", "description")
SHAPE = "a mapping of question: answer, or {name: ..., answers: {question: answer}}"


class Row(NamedTuple):
    """One input profile: its raw answers, or why it could not be read (a full one-line message)."""

    row: int
    name: str | None
    answers: Mapping[str, Any] | None = None
    error: str | None = None
    where: Any = None  # a yamlio.Map that knows the line of each answer
    line: int | None = None


class Source:
    """The input as bytes, with a running count of what was read (for the progress bar)."""

    def __init__(self, stream: BinaryIO, name: str, size: int | None = None) -> None:
        self.stream, self.name, self.size = stream, name, size
        self.bytes_read = 0

    def lines(self) -> Iterator[bytes]:
        for line in self.stream:
            self.bytes_read += len(line)
            yield line

    def read_all(self) -> bytes:
        data = self.stream.read(MAX_DOCUMENT + 1)
        self.bytes_read = len(data)
        if len(data) > MAX_DOCUMENT:
            raise UserError(
                f"over the {MAX_DOCUMENT:,}-byte limit for a whole YAML/JSON document; "
                "use JSONL or CSV, which are streamed",
                self.name,
            )
        return data


def open_source(path: str, stdin: BinaryIO | None = None) -> Source:
    """``path`` opened for reading, or ``stdin`` for ``-``; a missing or unreadable file is a UserError."""
    if path == "-":
        return Source(stdin, "<stdin>")  # type: ignore[arg-type]
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed by the command
    except FileNotFoundError:
        raise UserError("no such file", path) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a file of profiles", path) from None
    except OSError as exc:
        raise UserError(exc.strerror or str(exc), path) from None
    stat = os.fstat(stream.fileno())
    return Source(stream, path, stat.st_size if stat.st_size else None)


def locate(
    source: str, row: int, message: str, line: int | None = None, col: int | None = None
) -> str:
    where = ":".join(str(p) for p in (source, line, col) if p is not None)
    return f"{where}: row {row}: {message}"


class _JsonObject(dict):
    duplicate: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects as dicts that remember a duplicate key (the json module keeps the last one silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        out = _JsonObject(out)
        seen: set[str] = set()
        out.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return out


_decode = json.JSONDecoder(object_pairs_hook=_pairs).decode


def profile_of(
    item: Any, default_name: str | None = None
) -> tuple[str | None, Mapping[str, Any], Any]:
    """(name, raw answers, where) from a profile in either shape; ValueError says what is wrong with it.

    ``where`` is the mapping that holds the answers' positions (the item itself in the flat shape).
    """
    if not isinstance(item, dict):
        raise ValueError(f"expected {SHAPE}, got {_kind(item)}")
    if getattr(item, "duplicate", None):
        raise ValueError(f'duplicate key "{item.duplicate}"')  # type: ignore[attr-defined]
    if "answers" in item:
        extra = [k for k in item if k not in PROFILE_KEYS]
        if extra:
            raise ValueError(
                f'unknown key "{extra[0]}" beside "answers"{did_you_mean(extra[0], PROFILE_KEYS)}'
            )
        answers = item["answers"] if item["answers"] is not None else {}
        if not isinstance(answers, dict):
            raise ValueError(
                f"answers: expected a mapping of question: answer, got {_kind(answers)}"
            )
        if getattr(answers, "duplicate", None):
            raise ValueError(f'duplicate key "{answers.duplicate}"')  # type: ignore[attr-defined]
        return _name(item.get("name", default_name)), answers, answers
    name = _name(item.pop("name", default_name))  # the flat shape: the rest are the answers
    return name, item, item


def _name(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"name: expected text, got {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _document_rows(doc: Any, source: Source, what: str) -> Iterator[Row]:
    """Rows from a whole document: a list of profiles, a mapping of name: answers, or one profile."""
    if isinstance(doc, dict) and "answers" in doc:
        items: list[tuple[Any, str | None]] = [(doc, None)]
    elif isinstance(doc, dict):
        items = [(answers, str(name)) for name, answers in doc.items()]
    elif isinstance(doc, list):
        items = [(item, None) for item in doc]
    else:
        raise UserError(
            f"expected a list of profiles or a mapping of name: answers, got "
            f"{'an empty document' if doc is None else _kind(doc)}",
            source.name,
        )
    for n, (item, default) in enumerate(items, 1):
        line = getattr(item, "pos", (None,))[0] if what == "yaml" else None
        try:
            name, answers, where = profile_of(item, default)
        except ValueError as exc:
            yield Row(n, default, error=locate(source.name, n, str(exc), line))
            continue
        yield Row(n, name, answers, where=where, line=line)


def read_yaml(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    data = source.read_all()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", source.name) from None
    yield from _document_rows(load_yaml(source.name, text, max_bytes=MAX_DOCUMENT), source, "yaml")


def read_json(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    data = source.read_all()
    if not data.strip():
        raise UserError(
            "the input is empty; expected a list of profiles or a mapping of name: answers",
            source.name,
        )
    try:
        doc = json.loads(data, object_pairs_hook=_pairs)
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start})", source.name) from None
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON: {exc.msg}", source.name, exc.lineno, exc.colno) from None
    yield from _document_rows(doc, source, "json")


def read_jsonl(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped and are not rows."""
    n = 0
    for line_no, line in enumerate(source.lines(), 1):
        if line_no == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        n += 1
        try:
            name, answers, _ = profile_of(_decode(line.decode("utf-8")))
        except UnicodeDecodeError as exc:
            yield Row(
                n, None, error=locate(source.name, n, f"not UTF-8 text (byte {exc.start})", line_no)
            )
        except json.JSONDecodeError as exc:
            col = (
                exc.colno if exc.lineno == 1 else len(line.rstrip()) + 1
            )  # past the end, not on the newline
            yield Row(
                n, None, error=locate(source.name, n, f"invalid JSON: {exc.msg}", line_no, col)
            )
        except ValueError as exc:
            yield Row(n, None, error=locate(source.name, n, str(exc), line_no))
        else:
            yield Row(n, name, answers, line=line_no)


def read_csv(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """A header with a column per question (and optionally ``name``); multi answers as ``a;b``."""
    bad_lines: set[int] = set()
    reader = csv.reader(_text_lines(source, bad_lines))
    header = next(reader, None)
    header = _check_header(header, questions, source.name, bad_lines)
    n, last = 0, reader.line_num
    for cells in reader:
        first, last = last + 1, reader.line_num
        if not cells or not any(c.strip() for c in cells) and len(cells) == 1:
            continue
        n += 1
        if any(first <= b <= last for b in bad_lines):
            yield Row(n, None, error=locate(source.name, n, "not UTF-8 text", first))
        elif len(cells) != len(header):
            yield Row(
                n,
                None,
                error=locate(
                    source.name,
                    n,
                    f"the row has {len(cells)} cells, the header has {len(header)}",
                    first,
                ),
            )
        else:
            row = dict(zip(header, cells))
            name = row.pop("name", "").strip() or None
            answers = {q: _cell(v) for q, v in row.items() if v.strip()}
            yield Row(n, name, answers, line=first)


def _cell(text: str) -> Any:
    text = text.strip()
    return [p.strip() for p in text.split(";") if p.strip()] if ";" in text else text


def _text_lines(source: Source, bad_lines: set[int]) -> Iterator[str]:
    for n, line in enumerate(source.lines(), 1):
        try:
            yield line.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            bad_lines.add(n)
            yield line.decode("utf-8", "replace")


def _check_header(
    header: list[str] | None, questions: Mapping[str, str], file: str, bad_lines: set[int]
) -> list[str]:
    if not header or not any(h.strip() for h in header):
        raise UserError(
            "the CSV has no header row; expected a column per question (and optionally name)",
            file,
            1,
        )
    if 1 in bad_lines:
        raise UserError("the header is not UTF-8 text", file, 1)
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for col, h in enumerate(header, 1):
        if not h:
            raise UserError(f"header column {col} is empty; name the question it answers", file, 1)
        if h in seen:
            raise UserError(f'header column {col}: "{h}" appears twice', file, 1)
        if h != "name" and h not in questions:
            raise UserError(
                f'header column {col}: unknown question "{h}"{did_you_mean(h, questions)}', file, 1
            )
        seen.add(h)
    return header


Reader = Callable[[Source, Mapping[str, str]], Iterator[Row]]

READERS: dict[str, Reader] = {
    "yaml": read_yaml,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
}

EXTENSIONS: dict[str, str] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}


def input_format(path: str, explicit: str | None) -> str:
    """The reader for ``path``: ``--input-format`` if given, else the file extension."""
    if explicit:
        return explicit
    if path == "-":
        raise UserError(f"reading profiles from stdin needs --input-format ({', '.join(READERS)})")
    suffix = PurePath(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UserError(
            f'cannot tell the input format from "{suffix or "no extension"}"; '
            f"use --input-format ({', '.join(READERS)}); known extensions: {', '.join(EXTENSIONS)}",
            path,
        )
    return EXTENSIONS[suffix]
