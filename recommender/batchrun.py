"""The batch loop: rows in, records out, in input order, in chunks; bad rows become error records.

Every row read becomes exactly one record. A row fails when it could not be read or when
:func:`profiles.normalize_answers` (the one validator of answers) rejects it; its record carries the located
message with the fix. Under ``strict`` the first bad row stops the run with :class:`Stopped`.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from recommender.batchio import Row, locate
from recommender.errors import UserError
from recommender.model import RuleBase
from recommender.profiles import normalize_answers
from recommender.records import RecordBuilder, error_record

CHUNK = 4096  # rows scored together: big enough to amortise numpy, small enough to keep memory flat


class Writer(Protocol):
    summary_inside: bool

    def write(self, records: list[dict[str, Any]]) -> None: ...

    def finish(self, summary: Summary) -> None: ...


class Stopped(Exception):
    """``--strict`` met a bad row; the message names it."""


@dataclass
class Summary:
    rows: int = 0
    failed: int = 0
    winners: Counter = field(default_factory=Counter)  # framework id -> rows it won
    ties: int = 0
    no_fit: int = 0  # every framework excluded by a deal-breaker
    top_rules: list[tuple[str, int]] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return self.rows - self.failed

    def count(self, record: dict[str, Any]) -> None:
        self.rows += 1
        if record["error"] is not None:
            self.failed += 1
        elif record["winner"] is not None:
            self.winners[record["winner"]] += 1
        elif record["tie"]:
            self.ties += 1
        else:
            self.no_fit += 1


def run_batch(rows: Iterable[Row], rules: RuleBase, writer: Writer, *, source: str,
              builder: RecordBuilder | None = None, strict: bool = False,
              on_error: Callable[[str], None] = lambda message: None,
              tick: Callable[[int], None] = lambda rows: None, chunk: int = CHUNK) -> Summary:
    """Score every row and hand the records to ``writer`` in input order; return the counts."""
    builder = builder or RecordBuilder(rules)
    summary = Summary()
    for block in _chunks(iter(rows), chunk):
        records, stop = _score(block, rules, builder, source, strict)
        for record in records:
            summary.count(record)
            if record["error"] is not None:
                on_error(record["error"])
        writer.write(records)
        tick(summary.rows)
        if stop:
            raise Stopped(stop)
    summary.top_rules = builder.top_rules()
    return summary


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while block := list(islice(rows, size)):
        yield block


def _score(block: list[Row], rules: RuleBase, builder: RecordBuilder, source: str,
           strict: bool) -> tuple[list[dict[str, Any]], str | None]:
    """The records of one chunk; under ``strict``, only those before the first bad row, and its message."""
    slots: list[dict[str, Any] | None] = []
    good = []
    stop = None
    for row in block:
        error = row.error
        if error is None:
            try:
                good.append((row.row, row.name, normalize_answers(row.answers or {}, rules, None, row.where)))
            except UserError as exc:
                line, col = (exc.line, exc.col) if exc.line is not None else (row.line, None)
                error = locate(source, row.row, exc.message, line, col)
        if error is not None:
            if strict:
                stop = error
                break
            slots.append(error_record(row.row, row.name, error))
        else:
            slots.append(None)
    scored = iter(builder.records(good))
    return [slot if slot is not None else next(scored) for slot in slots], stop
