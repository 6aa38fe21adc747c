"""Batch input: read profiles from YAML, JSON, JSONL or CSV as a stream of :class:`Row`.

Each reader is listed in :data:`READERS` and gives an iterator of rows. A row that cannot be read
becomes a Row with ``error`` set (the batch goes on); an input that is unusable as a whole (one
that holds no profile too, in every format) raises UserError (exit 2), and so does one refused
partway, after the rows before the fault (``batch.run`` scores and writes those).
Every read is bounded (:mod:`recommender.fileio`): JSONL and CSV are read a line at a time, each
line at most :data:`~recommender.fileio.MAX_LINE` bytes; a YAML or JSON document is at most
:data:`~recommender.fileio.MAX_DOCUMENT` bytes and is turned into rows one profile at a time, so
memory holds one profile, not the document.

Rows are numbered 1, 2, ... in input order. Blank lines in JSONL and CSV are not rows (a trailing
newline or a spacer line is not a profile); messages still name the physical line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from itertools import chain
from pathlib import PurePath
from typing import Any, BinaryIO

from recommender.errors import UserError, did_you_mean, kind_of, shorten
from recommender.fileio import (
    CUT_SHORT,
    JSON_PROBLEMS,
    MAX_DEPTH,
    MAX_DOCUMENT,
    MAX_LINE,
    TOO_DEEP,
    JsonProblem,
    depth,
    json_decoder,
    json_error,
    keep_duplicates,
    lines,
    loads_json,
    not_utf8,
    open_input,
    problem_at,
)
from recommender.rulebase import schema
from recommender.rulebase.yamlio import Item, ItemStream, Map, load_yaml
from recommender.values import Value, frozen

PROFILE_KEYS = ("name", "answers", "description")
SHAPE = "a mapping of question: answer, or {name: ..., answers: {question: answer}}"
TOO_BIG = "use JSONL or CSV, which have no size limit"
FIELD_LIMIT = MAX_LINE  # characters in one CSV field, as the csv module counts them
FIRST_BLOCK = 64 << 10  # bytes of a JSONL or CSV input looked at before its first row is given
NOT_TEXT = 100  # the score of lines not text past which the rest of an input is not read
TEXT_CREDIT = 10  # what a line of text takes off that score: a few bad rows in text never add up
SAVE_AS_TEXT = "give the profiles as text saved as UTF-8"
DECOMPRESS = "decompress it first (gzip -dc FILE | recommender batch - --input-format FORMAT)"
SIGNATURES = (  # how binary files begin, to name what was given instead of text
    (codecs.BOM_UTF16_LE, "UTF-16 text; save it as UTF-8"),
    (codecs.BOM_UTF16_BE, "UTF-16 text; save it as UTF-8"),
    (b"\x1f\x8b", f"gzip-compressed data; {DECOMPRESS}"),
    (b"\xfd7zXZ\x00", f"xz-compressed data; {DECOMPRESS.replace('gzip', 'xz')}"),
    (b"\x28\xb5\x2f\xfd", f"zstd-compressed data; {DECOMPRESS.replace('gzip', 'zstd')}"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one); save the sheet as CSV UTF-8"),
    (b"\x89PNG", f"a PNG image; {SAVE_AS_TEXT}"),
    (b"%PDF-", f"a PDF document; {SAVE_AS_TEXT}"),
)


@frozen
class Row(Value):
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
        self.head = b""  # the first two bytes, once read: a UTF-16 byte-order mark is refused

    def lines(self) -> Iterator[bytes | int]:
        """Each line; a line over MAX_LINE bytes comes as its length (an int), never held.

        Binary data is refused, not read as rows: ``batch - < /dev/urandom`` ran for ever, an
        error record a line, and a PNG or a gzip of a JSONL gave a screen of them. The first
        :data:`FIRST_BLOCK` bytes are looked at before the first line is given (refused: a NUL
        byte, which text never holds, or mostly lines that do not decode, as git and grep tell
        binary); further on, lines that are not text score a point each and lines of text take
        :data:`TEXT_CREDIT` off, and at :data:`NOT_TEXT` the rest is not read (text with binary
        appended, an endless pipe of it). One bad row in text stays one error record."""
        read = lines(self.stream, MAX_LINE, self.name)
        head: list[bytes | int] = []
        size = 0
        endless = None  # a line with no end inside the first block: the lines before it are rows
        try:
            for line in read:
                head.append(line)
                size += line if isinstance(line, int) else len(line)
                if size >= FIRST_BLOCK:
                    break
        except UserError as exc:
            endless = exc
        _refuse_binary(head, self.name)
        _refuse_lone_cr(head, self.name)
        # from the first line: binary data after a text head counts from its start; a text line
        # costs two C scans (NUL, isascii), under 1% of a row's scoring
        score = 0
        for number, line in enumerate(chain(head, read), 1):
            if isinstance(line, int):
                self.bytes_read += line
                yield line
                continue
            self.bytes_read += len(line)
            if _not_text(line):
                score += 1
                if score >= NOT_TEXT:
                    raise UserError(_BINARY_FROM_HERE, self.name, number)
            elif score:
                score = max(0, score - TEXT_CREDIT)
            yield line
        if endless is not None:
            raise endless

    def read(self, size: int = -1) -> bytes:
        """A piece of a whole document (YAML's parser pulls these); past MAX_DOCUMENT, refused."""
        want = MAX_DOCUMENT + 1 - self.bytes_read
        data = self.stream.read(want if size < 0 else min(size, want))
        if self.bytes_read < 2:
            self._check_head(data)
        self.bytes_read += len(data)
        if self.bytes_read > MAX_DOCUMENT:
            raise self.too_big()
        return data

    def _check_head(self, data: bytes) -> None:
        """YAML's parser would read UTF-16 by its byte-order mark, which ``recommend`` and every
        other input refuse: not UTF-8, said the same way."""
        self.head = (self.head + data)[:2]
        if self.head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise UserError(not_utf8(0), self.name)

    def read_all(self) -> bytes:
        """The whole document. One whose first 64 KiB are binary data is refused there, as a
        JSONL or CSV input is, not read on to the size limit: ``batch - --input-format json <
        /dev/urandom`` said "over the 64 MiB limit; use JSONL or CSV"."""
        if self.size and self.size > MAX_DOCUMENT:
            raise self.too_big()
        first = self.read(FIRST_BLOCK)
        cut = len(first) == FIRST_BLOCK and not first.endswith(b"\n")
        _refuse_binary(list(io.BytesIO(first).readlines()), self.name, cut)
        return first + self.read()

    def too_big(self) -> UserError:
        size = f"is {self.size:,} bytes, " if self.size and self.size > MAX_DOCUMENT else ""
        return UserError(
            f"{size}over the {MAX_DOCUMENT >> 20} MiB limit for a YAML or JSON document; "
            + TOO_BIG,
            self.name,
        )


_BINARY_FROM_HERE = (
    "is not UTF-8 text from about here on (NUL bytes, bytes that do not decode: binary data), "
    f"so the rest is not read; {SAVE_AS_TEXT}"
)


def _not_text(line: bytes, cut: bool = False) -> bool:
    """Whether a line holds a NUL byte or does not decode as UTF-8 (ASCII is not decoded);
    ``cut``: the line was cut short, maybe inside a character, which is not held against it."""
    return b"\0" in line or not line.isascii() and _undecodable(line, cut)


def _undecodable(line: bytes, cut: bool = False) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(line, final=not cut)
    except UnicodeDecodeError:
        return True
    return False


def _refuse_binary(head: list[bytes | int], name: str, cut: bool = False) -> None:
    """UserError when the first lines of an input are binary data (most of them hold a NUL byte
    or do not decode), naming what it is when its first bytes tell (a gzip, a zip, UTF-16) and
    the first line that is not text. ``cut``: the last line is cut short (a document's first
    block). One stray NUL in a text file is not binary data: a single row with one refused the
    whole batch, every good row lost, where any other bad row is an error record. A file that
    begins as a binary kind does (a PDF, a zip) is refused when any of its lines is not text: a
    PDF's first lines are mostly text, and it became a thousand error records. (Not by a
    two-byte mark: a bad first row may begin with ``\xff\xfe`` by chance, and a UTF-16 or gzip
    file is mostly bad lines anyway.)"""
    text = [(n, line) for n, line in enumerate(head, 1) if isinstance(line, bytes) and line.strip()]
    last = len(head) if cut else 0
    bad = [(n, line) for n, line in text if _not_text(line, n == last)]
    first = head[0] if head and isinstance(head[0], bytes) else b""
    what = next((why for sign, why in SIGNATURES if first.startswith(sign)), None)
    kind = any(first.startswith(sign) for sign, _ in SIGNATURES if len(sign) >= 4)
    if not bad or not kind and len(bad) * 2 <= len(text):  # a few bad rows: error records
        return
    nul = next(((n, line) for n, line in bad if b"\0" in line), None)
    n, line = nul or bad[0]
    if what is not None:  # a file of that kind from its first byte
        n = 1
    elif nul is not None:
        what = f"it holds a NUL byte, as binary files do; {SAVE_AS_TEXT}"
    else:
        what = f"most of its first lines do not decode; {SAVE_AS_TEXT}"
    raise UserError(f"is not UTF-8 text (line {n}): {what}", name)


def _refuse_lone_cr(head: list[bytes | int], name: str) -> None:
    """UserError for a file whose lines end with CR alone (classic Mac OS, some exports): it
    reads as one line, which was one error record ("invalid JSON: Extra data", a CSV header
    "with a CR inside an unquoted field; remove the CR") and every profile lost."""
    first = head[0] if len(head) == 1 else b""
    pieces = first.split(b"\r") if isinstance(first, bytes) else []
    if sum(1 for piece in pieces if piece.strip()) > 1:  # two rows or more, CR between them
        raise UserError(
            "its lines end with CR alone (classic Mac OS line endings), so it reads as one line; "
            "save it with LF or CRLF line endings",
            name,
        )


def open_source(path: str, stdin: BinaryIO | None = None) -> Source:
    """``path`` opened for reading, or ``stdin`` for ``-``. A missing or unreadable file, or one
    that is neither a regular file nor a pipe with a writer (``<(cmd)``), is a UserError
    (:func:`~recommender.fileio.open_input`)."""
    if path == "-":
        return Source(stdin, "<stdin>")  # type: ignore[arg-type]
    stream = open_input(path, pipe=True)
    size = os.fstat(stream.fileno()).st_size
    return Source(stream, path, size or None)


def locate(
    source: str, row: int, message: str, line: int | None = None, col: int | None = None
) -> str:
    where = ":".join(str(p) for p in (source, line, col) if p is not None)
    return f"{where}: row {row}: {shorten(message)}"


_JSONL = json_decoder(keep_duplicates)  # a repeated key is the row's error, not the file's


def profile_of(
    item: Any, default_name: str | None = None
) -> tuple[str | None, Mapping[str, Any], Any]:
    """(name, raw answers, where) from a profile in either shape; ValueError says what is wrong.

    ``where`` is the mapping that holds the answers' positions (the item itself in the flat
    shape).
    """
    if not isinstance(item, dict):
        raise ValueError(f"expected {SHAPE}, got {kind_of(item)}")
    if getattr(item, "duplicate", None):
        raise ValueError(f'duplicate key "{item.duplicate}"')  # type: ignore[attr-defined]
    # checked as recommend checks it, in either shape; the flat one took it for a question
    problem = schema.text(item["description"]) if "description" in item else None
    if problem is not None:
        raise ValueError(f"description: {problem}")
    if "answers" in item:
        extra = [k for k in item if k not in PROFILE_KEYS]
        if extra:
            raise ValueError(
                f'unknown key "{extra[0]}" beside "answers"{did_you_mean(extra[0], PROFILE_KEYS)}'
            )
        answers = item["answers"] if item["answers"] is not None else {}
        if not isinstance(answers, dict):
            raise ValueError(
                f"answers: expected a mapping of question: answer, got {kind_of(answers)}"
            )
        if getattr(answers, "duplicate", None):
            raise ValueError(f'duplicate key "{answers.duplicate}"')  # type: ignore[attr-defined]
        return _name(item, default_name), answers, answers
    name = _name(item, default_name)
    item.pop("name", None)  # the flat shape: the rest but a description are the answers
    item.pop("description", None)
    return name, item, item


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def written_name(profile: Any, text: str | bytes) -> Any:
    """``profile``, decoded from the JSON ``text``, with a number that names it as written
    (``1.50``, not Python's ``1.5``), as ``recommend --profile`` names it: JSON is YAML, and
    the YAML loader keeps a name's text (:mod:`~recommender.rulebase.yamlio`). Read again only
    when the name is a number; JSON that YAML reads otherwise keeps Python's text, as in
    ``recommend``."""
    if not (isinstance(profile, dict) and _number(profile.get("name"))):
        return profile
    try:
        doc = load_yaml("", text if isinstance(text, str) else text.decode("utf-8-sig"))
    except (UserError, UnicodeDecodeError):
        return profile
    name = doc.get("name") if isinstance(doc, dict) else None
    if isinstance(name, str):
        profile["name"] = name
    return profile


def _name(item: dict[str, Any], default: str | None) -> str | None:
    """The profile's name, read as ``recommend --profile`` reads it (:func:`schema.profile_name`):
    text or a finite number; a name given as null, "" or a boolean is refused by both."""
    if "name" not in item:
        return default
    value = item["name"]
    problem = schema.profile_name(value)
    if problem is not None:
        raise ValueError(f"name: {problem}")
    return value if isinstance(value, str) else str(value)


def _document_rows(
    kind: str, items: Iterator[Item], value: Any, source: Source, questions: Mapping[str, str]
) -> Iterator[Row]:
    """Rows from a whole document: a list of profiles, a mapping of name: answers, or one
    profile."""
    if kind == "sequence":
        return at_least_one(_item_rows(items, source), _holds_none("an empty list"), source.name)
    if kind == "mapping":
        rows = _mapping_rows(items, source, questions)
        return at_least_one(rows, _holds_none("an empty mapping"), source.name)
    raise UserError(
        "expected a list of profiles or a mapping of name: answers, got "
        f"{schema.document(value, 'an empty document')}",
        source.name,
    )


def _item_rows(items: Iterator[Item], source: Source, first: int = 1) -> Iterator[Row]:
    for n, item in enumerate(items, first):
        default = None if item.key is None else str(item.key)
        if item.error is not None:
            yield Row(n, default, error=_row_error(source.name, n, item.error))
            continue
        try:
            name, answers, where = profile_of(item.value, default)
        except ValueError as exc:
            yield Row(n, default, error=locate(source.name, n, str(exc), item.pos[0]))
            continue
        spot = item.where if item.where is not None else where  # a JSON item's, else YAML's
        yield Row(n, name, answers, where=spot, line=item.pos[0])


def _row_error(source: str, n: int, message: str) -> str:
    """``file:line:col: problem`` as ``file:line:col: row n: problem``."""
    where, sep, problem = message.partition(": ")
    return f"{where}: row {n}: {problem}" if sep and where.startswith(source) else message


def _mapping_rows(
    items: Iterator[Item], source: Source, questions: Mapping[str, str]
) -> Iterator[Row]:
    """A top-level mapping is one profile when its keys are a profile's (name, answers,
    description) and include ``answers``, or when they are ``name``, ``description`` and
    questions, none holding a mapping (the flat shape, as a JSONL line has it: a profile of a
    mapping of names is a mapping, an answer never is); else each key names a profile. The
    first keys are held until that is clear (a flat profile has a key per question at most), so
    a mapping of a million names still streams."""
    head: list[Item] = []
    most = len(PROFILE_KEYS) + len(questions)
    for item in items:
        head.append(item)
        if item.key not in PROFILE_KEYS and not (_flat(item, questions) and len(head) <= most):
            break
    keys = [item.key for item in head]
    if "answers" not in keys and _flat_profile(head, questions, len(head) <= most):
        yield _profile_row(head, source)
        return
    if "answers" not in keys:
        yield from _item_rows(_chain(head, items), source)
        return
    if head[-1].key in PROFILE_KEYS:
        yield _profile_row(head, source)
        return
    for _ in items:  # a profile with an unknown key: one row; the rest is read and dropped
        pass
    extra = str(head[-1].key)
    message = f'unknown key "{extra}" beside "answers"{did_you_mean(extra, PROFILE_KEYS)}'
    yield Row(1, None, error=locate(source.name, 1, message, head[0].pos[0]))


def _flat(item: Item, questions: Mapping[str, str]) -> bool:
    """Whether ``item`` may be an answer of a flat profile: a question, not holding a mapping."""
    return item.key in questions and not isinstance(item.value, dict)


def _flat_profile(head: list[Item], questions: Mapping[str, str], whole: bool) -> bool:
    """Whether ``head``, the whole mapping, is one flat profile: a question among its keys, and
    every key a question or a profile key (none of them ``answers``)."""
    return (
        whole
        and any(item.key in questions for item in head)
        and all(item.key in PROFILE_KEYS or _flat(item, questions) for item in head)
    )


def _chain(head: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from head
    yield from rest


def _profile_row(head: list[Item], source: Source) -> Row:
    """One ``{name: ..., answers: {...}}`` document as its one row."""
    line = head[0].pos[0]
    bad = next((item.error for item in head if item.error), None)
    if bad is not None:
        return Row(1, None, error=_row_error(source.name, 1, bad))
    try:
        name, answers, where = profile_of({item.key: item.value for item in head})
    except ValueError as exc:
        return Row(1, None, error=locate(source.name, 1, str(exc), line))
    return Row(1, name, answers, where=_spots(head, where), line=line)


def _spots(head: list[Item], where: Any) -> Any:
    """What locates the answers of a one-profile document: the answers' own (a YAML mapping, a
    JSON profile's :class:`JsonSpot`), or in the flat shape each item's position (the mapping
    :func:`profile_of` builds of the items knows none)."""
    items = {item.key: item for item in head}
    if "answers" in items:
        spot = items["answers"].where
        return spot if spot is not None else where
    spots = Map()
    spots.pos, spots.value_pos = head[0].pos, {key: item.pos for key, item in items.items()}
    return spots


def read_yaml(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """A YAML document, one top-level item at a time."""
    if source.size and source.size > MAX_DOCUMENT:
        raise source.too_big()
    stream = ItemStream(source, source.name)  # type: ignore[arg-type]
    yield from _document_rows(stream.kind, stream.items(), stream.value, source, questions)


def read_json(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """A JSON document, read whole (within MAX_DOCUMENT) but decoded one profile at a time."""
    data = source.read_all()
    if not data.removeprefix(codecs.BOM_UTF8).strip():  # a BOM alone, as an editor saves empty
        raise UserError(
            "the input is empty; expected a list of profiles or a mapping of name: answers",
            source.name,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(not_utf8(exc.start), source.name) from None
    del data
    doc = JsonItems(text, source.name)
    yield from _document_rows(doc.kind, doc.items(), doc.value, source, questions)


_SPACE = re.compile(r"[ \t\n\r]*")


def _past_space(text: str, at: int) -> int:
    """The first place at or after ``at`` that is not JSON white space."""
    found = _SPACE.match(text, at)  # it always matches (it may match nothing)
    return found.end() if found else at


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s,\]}]+')
# json's own string decoder (C), which typeshed does not declare
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonItems:
    """A JSON document's top-level items, decoded one at a time from its text: a list's items, or
    a mapping's name: value pairs. A bad item (a bound, a repeated name) is an Item with
    ``error``; a syntax error ends the document (UserError)."""

    def __init__(self, text: str, name: str) -> None:
        self.text, self.name = text, name
        self.at = _past_space(text, 0)
        self.line, self.line_at, self.line_start = 1, 0, 0
        opener = text[self.at : self.at + 1]
        self.kind = {"[": "sequence", "{": "mapping"}.get(opener, "other")
        self.value: Any = None
        if self.kind == "other":
            try:
                self.value = loads_json(text)
            except JsonProblem as exc:
                raise UserError(exc.message, name, exc.line, exc.col) from None
        else:
            self.at += 1

    def items(self) -> Iterator[Item]:
        close = "]" if self.kind == "sequence" else "}"
        seen: dict[str, tuple[int, int]] = {}
        self._space()
        while not self.text.startswith(close, self.at):
            yield self._pair(seen) if self.kind == "mapping" else self._value(None)
            self._space()
            if self.text.startswith(close, self.at):
                break
            self._expect(",")
            self._space()
            if self.text.startswith(close, self.at):  # json.loads refuses it too, as recommend does
                self._fail(f"a comma before the closing '{close}'; remove the comma")
        self.at += 1
        self._space()
        if self.at < len(self.text):
            self._fail("Extra data")

    def _pair(self, seen: dict[str, tuple[int, int]]) -> Item:
        pos = self._pos()
        if not self.text.startswith('"', self.at):
            self._fail("Expecting property name enclosed in double quotes")
        try:
            key, self.at = _scanstring(self.text, self.at + 1)
        except json.JSONDecodeError as exc:
            raise UserError(json_error(exc), self.name, exc.lineno, exc.colno) from None
        self._space()
        self._expect(":")
        self._space()
        item = self._value(key)
        if key in seen:
            line, col = seen[key]
            message = f'duplicate name "{key}" (first given at line {line}:{col})'
            return Item(key, None, pos, f"{self.name}:{pos[0]}:{pos[1]}: {message}")
        seen[key] = pos
        return item

    def _value(self, key: str | None) -> Item:
        pos, start = self._pos(), self.at
        try:
            value, self.at = _JSONL.raw_decode(self.text, self.at)
        except json.JSONDecodeError as exc:
            raise UserError(json_error(exc), self.name, exc.lineno, exc.colno) from None
        except JsonProblem as exc:
            return self._refused(key, pos, start, exc)
        except RecursionError:
            return self._refused(key, pos, start, JsonProblem(TOO_DEEP))
        opened = self.text.count("[", start, self.at) + self.text.count("{", start, self.at)
        if opened > MAX_DEPTH and depth(value) > MAX_DEPTH:
            return self._refused(key, pos, start, JsonProblem(TOO_DEEP))
        if key == "name" and _number(value):  # one profile's name: the number as written
            return Item(key, self.text[start : self.at], pos)
        spot = JsonSpot(self.text, isinstance(value, dict) and "answers" in value, start, *pos)
        return Item(key, written_name(value, self.text[start : self.at]), pos, where=spot)

    def _refused(
        self, key: str | None, pos: tuple[int, int], start: int, problem: JsonProblem
    ) -> Item:
        """The item at ``start``, refused: located where the number or the nesting refused is
        (looked for in the item alone: a document of many bad items is read once), and passed
        over."""
        end = self._skip(start)
        at = problem_at(self.text, problem, _JSONL, start, end)
        if at >= 0:
            self.at = at
            pos = self._pos()
        self.at = end
        return Item(key, None, pos, f"{self.name}:{pos[0]}:{pos[1]}: {problem.message}")

    def _skip(self, start: int) -> int:
        """The end of the value at ``start``, found by brackets and strings alone."""
        if self.text[start] not in "[{":
            found = _SCALAR.match(self.text, start)
            return found.end() if found else start + 1
        level = 0
        for token in _TOKEN.finditer(self.text, start):
            mark = token.group()
            level += mark in "[{"
            level -= mark in "]}"
            if level == 0:
                return token.end()
        self.at = len(self.text)
        self._fail(CUT_SHORT)
        raise AssertionError("unreachable")

    def _space(self) -> None:
        self.at = _past_space(self.text, self.at)

    def _expect(self, mark: str) -> None:
        if not self.text.startswith(mark, self.at):
            if self.at >= len(self.text):
                self._fail(CUT_SHORT)
            self._fail(f"Expecting '{mark}' delimiter")  # json's words: JSON_PROBLEMS has them
        self.at += 1

    def _pos(self) -> tuple[int, int]:
        """Line and column of the reading point, counted on from the last one asked for (never
        from the start: a one-line document of a million profiles would take quadratic time)."""
        newlines = self.text.count("\n", self.line_at, self.at)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.line_at, self.at) + 1
        self.line_at = self.at
        return self.line, self.at - self.line_start + 1

    def _fail(self, message: str) -> None:
        """UserError at the reading point; json's own words said with the fix, as every other
        JSON error is (:data:`JSON_PROBLEMS`): a batch document said "Expecting ',' or ']'
        delimiter" where the same slip in a JSONL row or a profile named the fix."""
        line, col = self._pos()
        raise UserError(
            f"invalid JSON: {JSON_PROBLEMS.get(message, message)}", self.name, line, col
        )


def read_jsonl(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped and are not rows."""
    n = 0
    for line_no, line in enumerate(source.lines(), 1):
        if isinstance(line, int):
            n += 1
            yield Row(n, None, error=locate(source.name, n, _too_long(line), line_no))
            continue
        if line_no == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        n += 1
        try:
            profile = loads_json(line, _JSONL)
            nested = isinstance(profile, dict) and "answers" in profile
            name, answers, _ = profile_of(written_name(profile, line))
        except JsonProblem as exc:
            col = exc.col if exc.line == 1 else None if exc.col is None else len(line.rstrip()) + 1
            yield Row(n, None, error=locate(source.name, n, exc.message, line_no, col))
        except ValueError as exc:
            yield Row(n, None, error=locate(source.name, n, str(exc), line_no))
        else:
            where = JsonSpot(line, nested, line=line_no) if len(line) <= LOCATED_LINE else None
            yield Row(n, name, answers, where=where, line=line_no)


# The longest JSONL line whose answers a message can locate by column (a longer one names its
# line alone): a row keeps its line until it is scored, and a block is CHUNK rows of up to a MiB.
LOCATED_LINE = 16 << 10


@frozen
class JsonSpot(Value):
    """Where each answer of a JSON profile stands, as a YAML mapping knows it (``at(question)``:
    the line and column of its value), for a bad answer's message. json gives its hooks no
    positions, so the profile's text is read again, only when a message asks: a good row pays
    nothing but this object and a reference to the text (a JSONL line, or the JSON document
    already in memory). The profile begins at ``start``, on line ``line`` at column ``col``."""

    data: str | bytes
    nested: bool
    start: int = 0
    line: int = 1
    col: int = 1

    def at(self, key: str) -> tuple[int, int | None]:
        text = self.data
        if isinstance(text, bytes):  # a JSONL line: it decoded once already
            text = text.decode("utf-8").removeprefix("\ufeff")
        try:
            at = value_at(text, ("answers", key) if self.nested else (key,), self.start)
        except (ValueError, IndexError):  # not where it was looked for: the line alone, then
            at = -1
        if at < 0:
            return self.line, None
        newlines = text.count("\n", self.start, at)
        if not newlines:
            return self.line, self.col + at - self.start
        return self.line + newlines, at - text.rfind("\n", self.start, at)


def value_at(text: str, path: tuple[str, ...], at: int = 0) -> int:
    """Where in ``text`` (JSON that decodes) the value at ``path`` (keys of nested objects)
    begins, or -1: the first of a repeated key, as the rows refuse those anyway."""
    at = _past_space(text, at)
    if not path or not text.startswith("{", at):
        return at if not path else -1
    at = _past_space(text, at + 1)
    while text.startswith('"', at):
        key, at = _scanstring(text, at + 1)
        at = _past_space(text, text.index(":", at) + 1)
        if key == path[0]:
            return value_at(text, path[1:], at)
        at = _past_space(text, _JSONL.raw_decode(text, at)[1])
        at = _past_space(text, at + 1)  # past "," or "}"
    return -1


def read_jsonl_input(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """:func:`read_jsonl`, with an input that holds no profile (0 bytes, blank lines only, an
    empty pipe) refused as a whole (:func:`at_least_one`)."""
    return at_least_one(read_jsonl(source, questions), EMPTY_JSONL, source.name)


EMPTY_JSONL = (
    "the input is empty; expected one profile per line, each a JSON object such as "
    '{"name": ..., "answers": {...}}'
)


def at_least_one(rows: Iterator[Row], problem: str, name: str) -> Iterator[Row]:
    """``rows``, or UserError(``problem``) when there is none, in every input format: a run of
    0 rows that exits 0 hid a wrong file, a producer that failed (an empty pipe, a CSV writer
    that wrote its header and died) or a filter that let nothing through, and a header-only
    CSV or ``[]`` exited 0 where an empty JSONL was refused. The first row is read now; the
    rest are chained, not re-yielded, so no frame is added per row."""
    first = next(rows, None)
    if first is None:
        raise UserError(problem, name)
    return chain((first,), rows)


def _holds_none(what: str, fix: str = "put one profile or more in it") -> str:
    return f"the input holds no profile ({what}); {fix}"


def _too_long(length: int) -> str:
    return (
        f"the line is {length:,} bytes, over the {MAX_LINE >> 20} MiB limit for one profile; "
        "split it"
    )


def read_csv(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """:func:`csv_rows`; a header with no row under it is refused (:func:`at_least_one`)."""
    problem = _holds_none("a header and no row under it", "add a row per profile")
    return at_least_one(csv_rows(source, questions), problem, source.name)


def csv_rows(source: Source, questions: Mapping[str, str]) -> Iterator[Row]:
    """A header with a column per question (and optionally ``name``); multi answers as ``a;b``.

    A line that is not UTF-8 or is over MAX_LINE, and a row the csv module cannot read (a bare
    CR, a field over :data:`FIELD_LIMIT`), are error rows; the rows after them are still read.
    """
    csv.field_size_limit(FIELD_LIMIT)
    bad: deque[tuple[int, str]] = deque()
    feed = _Lines(source, bad)
    # strict: a quote never closed (a file cut short) or text after a closing quote is a bad
    # row; else the csv module takes the rest of the file as the field, or glues the text on
    reader = csv.reader(feed, strict=True)
    header = _check_header(_header(reader, source.name), questions, source.name, bad)
    feed.record_ended()
    n, last = 0, feed.line
    while True:
        over = False
        try:
            cells: list[str] | None = next(reader)
            problem = None
        except StopIteration:
            return
        except csv.Error as exc:
            cells, problem, over = None, _csv_problem(exc), _over_limit(exc)
            if over:
                feed.skip_record()  # else the csv module goes on inside the quoted field
        feed.record_ended()
        first, last = last + 1, feed.line
        noted = _passed(bad, last)  # popped in any case: the record's lines are behind us
        problem = problem if over else noted or problem
        if cells is not None and _blank(cells) and problem is None:
            continue
        n += 1
        if problem is None and cells is not None and len(cells) != len(header):
            problem = _miscounted(len(cells), len(header))
        if problem is not None or cells is None:
            unread = first <= feed.unread <= last  # a placeholder's cells hold no name
            name = None if unread else _name_cell(header, cells)
            yield Row(n, name, error=locate(source.name, n, problem or "not valid CSV", first))
            continue
        row = dict(zip(header, cells, strict=True))
        name = row.pop("name", "").strip() or None
        answers = {q: _cell(v) for q, v in row.items() if v.strip()}
        yield Row(n, name, answers, line=first)


class _Lines:
    """The lines of a CSV as text for the csv module, counted, with the ``"`` of the record
    being read. A line that cannot be read is noted in ``bad`` and stands as a one-cell
    placeholder, so its row is reported rather than skipped.

    The csv module reads a line at a time and no further than its record, so after each record
    :attr:`line` is its last line. After a field over the limit the module would start afresh
    on the next line, inside the quoted field; :meth:`skip_record` passes over the rest of that
    record first, a line at a time, never holding it.
    """

    def __init__(self, source: Source, bad: deque[tuple[int, str]]) -> None:
        self.line, self.quotes = 0, 0
        self.unread = 0  # the last line that stands as a placeholder
        self.text = self._text(source, bad)

    def __iter__(self) -> Iterator[str]:
        return self.text

    def _text(self, source: Source, bad: deque[tuple[int, str]]) -> Iterator[str]:
        for n, line in enumerate(source.lines(), 1):
            self.line = n
            if isinstance(line, int):
                bad.append((n, _too_long(line)))
                self.unread = n
                yield "-\n"
                continue
            try:
                text = line.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                bad.append((n, not_utf8(exc.start)))
                text = line.decode("utf-8", "replace")
            self.quotes += text.count('"')
            yield text

    def record_ended(self) -> None:
        self.quotes = 0

    def skip_record(self) -> None:
        """Read to the end of the record: RFC 4180's newline after an even count of ``"``
        (a doubled ``""`` inside a quoted field counts twice, so the rule holds)."""
        while self.quotes % 2 and next(self.text, None) is not None:
            pass


def _miscounted(cells: int, columns: int) -> str:
    """A row with a cell too many or too few, and the likely fix."""
    fix = (
        'quote a cell that holds a comma ("a,b"), or write a multi answer as a;b'
        if cells > columns
        else "leave a question unanswered with an empty cell (x,,), not no cell"
    )
    return f"the row has {cells:,} cell{'s' * (cells != 1)}, the header has {columns:,}; {fix}"


def _name_cell(header: list[str], cells: list[str] | None) -> str | None:
    """The name of a row that cannot be scored, where its cells hold one: it tells the row."""
    at = header.index("name") if "name" in header else len(cells or ())
    return cells[at].strip() or None if cells is not None and at < len(cells) else None


def _blank(cells: list[str]) -> bool:
    return not cells or len(cells) == 1 and not cells[0].strip()


def _header(reader: Any, file: str) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        raise UserError(f"the header row: {_csv_problem(exc)}", file, 1) from None


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "new-line character" in text:
        return "a carriage return (CR) inside an unquoted field; quote the field or remove the CR"
    if "end of data" in text:
        return 'the file ends inside a quoted field; close its " (a file cut short?)'
    if "expected after" in text:
        return 'text after the closing " of a field; quote the whole field, a " in it as ""'
    if _over_limit(exc):
        mib, rest = divmod(FIELD_LIMIT, 1 << 20)
        size = f"{mib} MiB" if mib and not rest else f"{FIELD_LIMIT:,}-character"
        return f"a field over the {size} limit (its whole record is skipped); shorten the field"
    return f"not valid CSV: {text}"


def _over_limit(exc: csv.Error) -> bool:
    return "field limit" in str(exc)


def _passed(bad: deque[tuple[int, str]], last: int) -> str | None:
    """The first problem noted on a line up to ``last``; those lines are then forgotten."""
    problem = None
    while bad and bad[0][0] <= last:
        noted = bad.popleft()[1]  # popped whether or not it is the first: else a loop forever
        problem = problem or noted
    return problem


def _cell(text: str) -> Any:
    text = text.strip()
    return [p.strip() for p in text.split(";") if p.strip()] if ";" in text else text


def _check_header(
    header: list[str] | None,
    questions: Mapping[str, str],
    file: str,
    bad: deque[tuple[int, str]],
) -> list[str]:
    if bad and bad[0][0] == 1:
        problem = bad[0][1]
        message = f"the header is {problem}" if problem.startswith("not") else problem
        raise UserError(message, file, 1)
    if not header or not any(h.strip() for h in header):
        raise UserError(
            "the CSV has no header row; expected a column per question (and optionally name)",
            file,
            1,
        )
    # a byte-order mark left after the one decoding drops (saved twice over): never a name
    header = [h.strip().lstrip("\ufeff") if col == 0 else h.strip() for col, h in enumerate(header)]
    seen: set[str] = set()
    for col, h in enumerate(header, 1):
        if not h:
            raise UserError(f"header column {col} is empty; name the question it answers", file, 1)
        if h in seen:
            raise UserError(f'header column {col}: "{h}" appears twice', file, 1)
        if h != "name" and h not in questions:
            raise UserError(f"header column {col}: {_unknown_column(h, questions)}", file, 1)
        seen.add(h)
    return header


def _unknown_column(h: str, questions: Mapping[str, str]) -> str:
    """Why a header cell names no column, with the fix: a file saved with ';' or tabs between
    its columns (Excel does so in many locales) has one column whose name holds them all."""
    if h.lower().startswith("sep="):  # Excel's hint line, "sep=,", above the real header
        return (
            f'"{h}" is the separator hint Excel writes above the header, not a column; delete '
            "that first line"
        )
    sep = next((c for c in ";\t|" if c in h), None)
    if sep is not None:
        shown = "tabs" if sep == "\t" else f"'{sep}'"
        return (
            f'"{h}" holds {shown}: the columns must be separated by commas; save the file as '
            "comma-separated CSV"
        )
    return f'unknown question "{h}"{did_you_mean(h, [*questions, "name"])}'


Reader = Callable[[Source, Mapping[str, str]], Iterator[Row]]

READERS: dict[str, Reader] = {
    "yaml": read_yaml,
    "json": read_json,
    "jsonl": read_jsonl_input,
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
