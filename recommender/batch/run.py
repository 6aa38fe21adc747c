"""The batch loop: rows in, results out, in input order, in chunks; bad rows become error results.

Every row read becomes exactly one :class:`Item`. A row fails when it could not be read or when
:func:`~recommender.rulebase.profiles.normalize_answers` (the one validator of answers) rejects it;
its item carries the located message with the fix. Under ``strict`` the first bad row stops the run
with :class:`Stopped`. Scoring is the core's: :meth:`~recommender.scoring.result.Scorer.recommend_many`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from recommender.batch.readers import Row, locate
from recommender.errors import UserError
from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal, normalize_answers
from recommender.scoring.result import Recommendation, Scorer
from recommender.scoring.table import Vector

CHUNK = 1024  # rows scored together: enough to amortise numpy; ~10 MB of rich records at a time
KNOWN_ANSWERS = 1 << 16  # distinct (question, answer) pairs remembered by the Normalizer


@dataclass(frozen=True, slots=True)
class Item:
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

    def finish(self, summary: Summary) -> None: ...


class Stopped(Exception):
    """``--strict`` met a bad row; the message names it."""


@dataclass
class Summary:
    rows: int = 0
    failed: int = 0
    winners: Counter[str] = field(default_factory=Counter)  # framework id -> rows it won
    ties: int = 0
    no_fit: int = 0  # every framework excluded by a deal-breaker
    unusable: Counter[str] = field(default_factory=Counter)  # --probe: winner -> rows not served
    fired: Counter[int] = field(default_factory=Counter)  # rule index -> rows it fired in

    @property
    def scored(self) -> int:
        return self.rows - self.failed

    def count(self, item: Item) -> None:
        self.rows += 1
        rec = item.result
        if rec is None:
            self.failed += 1
            return
        self.fired.update(rec.outcome.fired)
        if rec.winner is not None:
            self.winners[rec.winner] += 1
            if item.usable is False:
                self.unusable[rec.winner] += 1
        elif rec.tie:
            self.ties += 1
        else:
            self.no_fit += 1

    def top_rules(self, rules: RuleBase, n: int = 5) -> list[tuple[str, int]]:
        """The rules that fired most, most first (ties in rule order)."""
        top = sorted(self.fired.items(), key=lambda item: (-item[1], item[0]))[:n]
        return [(rules.rules[r].id, count) for r, count in top]


Probe = Callable[[Normal, Recommendation], tuple[bool | None, tuple[str, ...]]]


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
    normalizer = Normalizer(rules)
    summary = Summary()
    for block in _chunks(iter(rows), chunk):
        items, stop = _score(block, normalizer, scorer, vector, facts, usable, source, strict)
        for item in items:
            summary.count(item)
            if item.error is not None:
                on_error(item.error)
        writer.write(items)
        tick(summary.rows)
        if stop:
            raise Stopped(stop)
    return summary


def _vector(scorer: Scorer) -> Vector | None:
    """numpy's path when numpy is importable (it is optional), else the scalar path."""
    try:
        return scorer.table.vector()
    except ImportError:
        return None


class Normalizer:
    """``normalize_answers`` remembered per (question, answer): a batch repeats the same answers.

    Each distinct answer is checked by ``normalize_answers`` itself (the one validator), so results
    and error messages are exactly its own; a bad answer is never remembered.
    """

    SKIP: frozenset[str] = frozenset()  # an empty answer: the question stays unanswered

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.known: dict[tuple[Any, ...], frozenset[str]] = {}

    def __call__(self, raw: Mapping[str, Any], where: Any = None) -> Normal:
        out: Normal = {}
        known = self.known
        for qid, value in raw.items():
            key = (qid, value) if value.__class__ in _PLAIN else _key(qid, value)
            chosen = known.get(key) if key is not None else None
            if chosen is None:
                chosen = normalize_answers({qid: value}, self.rules, None, where).get(
                    qid, self.SKIP
                )
                if key is not None and len(known) < KNOWN_ANSWERS:
                    known[key] = chosen
            if chosen:
                out[qid] = chosen
        return out


_PLAIN = (str, bool, type(None))  # a key of (question, value): "yes" and True normalise alike


def _key(qid: str, value: Any) -> tuple[Any, ...] | None:
    """A hashable key for a list answer of plain items, else None (then it is not remembered)."""
    if value.__class__ is list and all(v.__class__ in _PLAIN for v in value):
        return (qid, list, tuple(value))
    return None


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while block := list(islice(rows, size)):
        yield block


def _score(
    block: list[Row],
    normalizer: Normalizer,
    scorer: Scorer,
    vector: Vector | None,
    facts: Facts | None,
    usable: Probe | None,
    source: str,
    strict: bool,
) -> tuple[list[Item], str | None]:
    """The items of one chunk; under ``strict``, only those before the first bad row, and its
    message."""
    slots: list[Item | None] = []
    good: list[tuple[int, str | None, Normal]] = []
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
            slots.append(Item(row.row, row.name, error=error))
        else:
            slots.append(None)
    results = scorer.recommend_many([(name, answers) for _, name, answers in good], facts, vector)
    scored = iter(
        _item(row, name, rec, answers, usable)
        for (row, name, answers), rec in zip(good, results, strict=True)
    )
    return [slot if slot is not None else next(scored) for slot in slots], stop


def _item(
    row: int, name: str | None, rec: Recommendation, answers: Normal, usable: Probe | None
) -> Item:
    if usable is None:
        return Item(row, name, rec)
    ok, why = usable(answers, rec)
    return Item(row, name, rec, usable=ok, unusable_because=why)
