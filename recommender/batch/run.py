"""The batch loop: rows in, records out, in input order, in chunks; bad rows become error records.

Every row read becomes exactly one record. A row fails when it could not be read or when
:func:`profiles.normalize_answers` (the one validator of answers) rejects it; its record carries the located
message with the fix. Under ``strict`` the first bad row stops the run with :class:`Stopped`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from recommender.batch.readers import Row, locate
from recommender.errors import UserError
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal, normalize_answers
from recommender.scoring.compiled import CACHE_LIMIT
from recommender.scoring.records import RecordBuilder, error_record

CHUNK = 1024  # rows scored together: enough to amortise numpy; a chunk of rich records is ~10 MB of output


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
    unusable: Counter = field(
        default_factory=Counter
    )  # with --probe: winner -> rows it cannot serve here
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
            if record.get("usable_here") is False:
                self.unusable[record["winner"]] += 1
        elif record["tie"]:
            self.ties += 1
        else:
            self.no_fit += 1


def run_batch(
    rows: Iterable[Row],
    rules: RuleBase,
    writer: Writer,
    *,
    source: str,
    builder: RecordBuilder | None = None,
    strict: bool = False,
    on_error: Callable[[str], None] = lambda message: None,
    tick: Callable[[int], None] = lambda rows: None,
    chunk: int = CHUNK,
) -> Summary:
    """Score every row and hand the records to ``writer`` in input order; return the counts."""
    builder = builder or RecordBuilder(rules)
    normalizer = Normalizer(rules)
    summary = Summary()
    for block in _chunks(iter(rows), chunk):
        records, stop = _score(block, normalizer, builder, source, strict)
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


class Normalizer:
    """``normalize_answers`` remembered per (question, answer): a batch repeats the same answers endlessly.

    Each distinct answer is checked by ``normalize_answers`` itself (the one validator), so results and error
    messages are exactly its own; a bad answer is never remembered and is re-checked with its position.
    """

    SKIP = frozenset()  # an empty answer: the question stays unanswered

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.known: dict[tuple[str, Any], frozenset] = {}

    def __call__(self, raw: Mapping[str, Any], where: Any = None) -> Normal:
        out: Normal = {}
        known = self.known
        for qid, value in raw.items():
            kind = value.__class__
            key = (
                (qid, kind, value)
                if kind in _PLAIN
                else (qid, list, tuple(value))
                if kind is list
                else None
            )
            chosen = known.get(key) if key is not None else None
            if chosen is None:
                chosen = normalize_answers({qid: value}, self.rules, None, where).get(
                    qid, self.SKIP
                )
                if key is not None and len(known) < CACHE_LIMIT:
                    known[key] = chosen
            if chosen:
                out[qid] = chosen
        return out


_PLAIN = (str, bool, type(None))


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while block := list(islice(rows, size)):
        yield block


def _score(
    block: list[Row], normalizer: Normalizer, builder: RecordBuilder, source: str, strict: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """The records of one chunk; under ``strict``, only those before the first bad row, and its message."""
    slots: list[dict[str, Any] | None] = []
    good = []
    stop = None
    for row in block:
        error = row.error
        if error is None:
            try:
                good.append((row.row, row.name, normalizer(row.answers or {}, row.where)))
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
