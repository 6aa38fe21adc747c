"""The batch loop: rows in, results out, in input order, in chunks; bad rows become error results.

Every row read becomes exactly one :class:`Item`. A row fails when it could not be read or when
:func:`~recommender.rulebase.profiles.normalize_answers` (the one validator of answers) rejects it;
its item carries the located message with the fix. Under ``strict`` the first bad row stops the run
with :class:`Stopped`. Scoring is the core's:
:meth:`~recommender.scoring.result.Scorer.recommend_many`.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, Protocol

from recommender.batch.readers import Row, locate
from recommender.errors import UserError
from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import Recommendation, Scorer
from recommender.scoring.table import Table, Vector
from recommender.values import Value, frozen

CHUNK = 1024  # rows scored together: enough to amortise numpy; ~10 MB of rich records at a time
KNOWN_ANSWERS = 1 << 16  # distinct (question, answer) pairs remembered by the Normalizer


@frozen
class Item(Value):
    """One input row's outcome: its recommendation, or the error that kept it from being scored."""

    row: int
    name: str | None
    result: Recommendation | None = None
    error: str | None = None
    usable: bool | None = None  # with --probe: whether the winner can serve this row here
    unusable_because: tuple[str, ...] = ()


class Writer(Protocol):
    summary_inside: bool

    def write(self, items: list[Item]) -> None: ...

    def finish(self, summary: Summary) -> str | None:
        """Write what follows the records; a note for the user when something is left out."""


class Stopped(Exception):
    """``--strict`` met a bad row; the message names it."""


@dataclass
class Summary:
    rows: int = 0
    failed: int = 0
    winners: Counter[str] = field(default_factory=Counter)  # framework id -> rows it won
    ties: int = 0
    no_fit: int = 0  # every framework excluded by a deal-breaker
    levels: Counter[str] = field(default_factory=Counter)  # confidence -> rows
    unusable: Counter[str] = field(default_factory=Counter)  # --probe: winner -> rows not served
    fired: Counter[int] = field(default_factory=Counter)  # rule index -> rows it fired in

    @property
    def scored(self) -> int:
        return self.rows - self.failed

    def count(self, items: list[Item]) -> None:
        """Add a chunk's items."""
        self.rows += len(items)
        scored = [item.result for item in items if item.result is not None]
        self.failed += len(items) - len(scored)
        levels = [rec.confidence for rec in scored]
        reported = [rec.table.reported(rec.outcome) for rec in scored]  # (winner, tie), once
        self.fired.update(chain.from_iterable(rec.outcome.fired for rec in scored))
        self.levels.update(levels)
        self.winners.update(winner for winner, _ in reported if winner)
        self.unusable.update(
            item.result.winner
            for item in items
            if item.usable is False and item.result and item.result.winner
        )
        self.ties += sum(
            1 for (_, tie), level in zip(reported, levels, strict=True) if tie and level != "none"
        )
        self.no_fit += sum(1 for rec in scored if not rec.outcome.winner and not rec.outcome.tie)

    def top_rules(self, rules: RuleBase, n: int = 5) -> list[tuple[str, int]]:
        """The rules that fired most, most first (ties in rule order)."""
        top = sorted(self.fired.items(), key=lambda item: (-item[1], item[0]))[:n]
        return [(rules.rules[r].id, count) for r, count in top]


Probe = Callable[[Recommendation], tuple[bool | None, tuple[str, ...]]]


def run_batch(
    rows: Iterable[Row],
    rules: RuleBase,
    writer: Writer,
    *,
    source: str,
    facts: Facts | None = None,
    usable: Probe | None = None,
    strict: bool = False,
    on_error: Callable[[str], None] = lambda message: None,
    tick: Callable[[int], None] = lambda rows: None,
    chunk: int = CHUNK,
) -> Summary:
    """Score every row and hand the items to ``writer`` in input order; return the counts.

    ``facts`` are this machine's probe facts (``--probe``) and ``usable`` marks each winner usable
    here or not.
    """
    scorer = Scorer(rules)
    vector = _vector(scorer)
    encoder = Encoder(rules, scorer.table, facts)
    summary = Summary()
    with _young_collections_less_often():
        for block in _chunks(iter(rows), chunk):
            items, stop = _score(block, encoder, scorer, vector, usable, source, strict)
            summary.count(items)
            for item in items:
                if item.error is not None:
                    on_error(item.error)
            writer.write(items)
            tick(summary.rows)
            if stop:
                raise Stopped(stop)
    return summary


@contextlib.contextmanager
def _young_collections_less_often() -> Iterator[None]:
    """Batch makes ~15 short-lived containers per row and no cycles; at the collector's default
    threshold (700) it walked the young generation every ~50 rows, 15% of a CSV batch's CPU
    (``benchmarks/bench_batch.py``). Every 50,000 allocations keeps memory flat all the same."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _vector(scorer: Scorer) -> Vector | None:
    """numpy's path when numpy is importable (it is optional), else the scalar path."""
    try:
        return scorer.table.vector()
    except ImportError:
        return None


class Encoder:
    """Raw answers to a signature, each distinct (question, answer) checked once: a batch repeats
    the same answers endlessly.

    Each distinct answer is checked by ``normalize_answers`` (the one validator) and encoded by the
    scoring table, so results and error messages are exactly theirs; a bad answer is never
    remembered. ``facts`` (``--probe``) are encoded once and go into every signature.
    """

    def __init__(self, rules: RuleBase, table: Table, facts: Facts | None = None) -> None:
        self.rules, self.table = rules, table
        self.facts = table.encode({}, facts)
        self.known: dict[tuple[Any, ...], int] = {}

    def __call__(self, raw: Mapping[str, Any], where: Any = None) -> int:
        sig = self.facts
        known = self.known
        for qid, value in raw.items():
            key = (qid, value) if value.__class__ in _PLAIN else _key(qid, value)
            bits = known.get(key) if key is not None else None
            if bits is None:
                bits = self.table.encode(normalize_answers({qid: value}, self.rules, None, where))
                if key is not None and len(known) < KNOWN_ANSWERS:
                    known[key] = bits
            sig |= bits
        return sig


_PLAIN = (str, bool, type(None))  # a key of (question, value): "yes" and True normalise alike


def _key(qid: str, value: Any) -> tuple[Any, ...] | None:
    """A hashable key for a list answer, else None (then it is not remembered). The item types
    are part of the key, since ``True == 1`` but only ``True`` is an answer."""
    if value.__class__ is not list:
        return None
    key = (qid, tuple(value), tuple(map(type, value)))
    try:
        hash(key)
    except TypeError:  # an unhashable item: normalize_answers will say what is wrong
        return None
    return key


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    """Blocks of ``size`` rows. An input refused partway (binary data in a line stream, a line
    with no end, a document cut short or followed by a second one) ends after a last block of
    the rows read before it, so every one of those is scored and written too, in every format:
    up to a block of them were lost, and a document's first 1,024 rows went out or not by
    their count."""
    while True:
        block: list[Row] = []
        try:
            block.extend(islice(rows, size))  # on an error, the rows read so far stay in block
        except UserError:
            if block:
                yield block
            raise
        if not block:
            return
        yield block


def _score(
    block: list[Row],
    encoder: Encoder,
    scorer: Scorer,
    vector: Vector | None,
    usable: Probe | None,
    source: str,
    strict: bool,
) -> tuple[list[Item], str | None]:
    """The items of one chunk; under ``strict``, only those before the first bad row, and its
    message."""
    slots: list[Item | None] = []
    good: list[tuple[int, str | None, int]] = []
    stop = None
    for row in block:
        error = row.error
        if error is None:
            try:
                good.append((row.row, row.name, encoder(row.answers or {}, row.where)))
            except UserError as exc:
                line, col = (exc.line, exc.col) if exc.line is not None else (row.line, None)
                error = locate(source, row.row, exc.message, line, col)
        if error is not None:
            if strict:
                stop = error
                break
            slots.append(Item(row.row, row.name, error=error))
        else:
            slots.append(None)
    results = scorer.recommend_signatures([(name, sig) for _, name, sig in good], vector)
    pairs = zip(good, results, strict=True)
    if usable is None:
        scored = iter([Item(row, name, rec) for (row, name, _), rec in pairs])
    else:
        scored = iter([_probed(row, name, rec, usable) for (row, name, _), rec in pairs])
    return [slot if slot is not None else next(scored) for slot in slots], stop


def _probed(row: int, name: str | None, rec: Recommendation, usable: Probe) -> Item:
    ok, why = usable(rec)
    return Item(row, name, rec, usable=ok, unusable_because=why)
