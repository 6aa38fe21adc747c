"""Batch items as the JSON record (``recommend --format json`` plus ``row``, ``margin``,
``error``) and as one flat row (CSV, Markdown, the table); both read the scoring core's result,
nothing else."""

from __future__ import annotations

import functools
from typing import Any

from recommender.batch.run import Item
from recommender.render.terminal import printable
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import points
from recommender.scoring.result import (
    Net,
    Reason,
    Recommendation,
    batch_record,
    error_record,
    net_dict,
    number,
    reason_dict,
    verdict_dict,
)

TOP_REASONS = 3
VERDICTS = 2048  # verdict dicts remembered: each holds every reason of every framework


class Records:
    """Items to JSON records. Records that share a verdict share its dict (built once), so they
    must be treated as read-only; writers only encode them."""

    def __init__(self, probe: bool = False) -> None:
        self.probe = probe
        self._verdicts: dict[tuple[int, ...], dict[str, Any]] = {}
        self._reasons: dict[tuple[str, float], dict[str, Any]] = {}
        self._nets: dict[tuple[int, tuple[str, str]], tuple[Net, dict[str, Any]]] = {}

    def record(self, item: Item) -> dict[str, Any]:
        if item.result is None:
            return error_record(item.row, item.name, item.error or "")
        record = batch_record(item.row, item.result, self._verdict(item.result))
        if self.probe:
            record["usable_here"] = item.usable
            record["unusable_because"] = list(item.unusable_because)
        return record

    def _verdict(self, rec: Recommendation) -> dict[str, Any]:
        key = rec.outcome.fired
        made = self._verdicts.get(key)
        if made is None:
            if len(self._verdicts) >= VERDICTS:
                self._verdicts.clear()
            made = self._verdicts[key] = verdict_dict(rec, self._reason, self._net)
        return made

    def _net(self, n: Net, ids: tuple[str, str]) -> dict[str, Any]:
        """A why-not net's dict, built once per net the scorer shares (``Scorer._net``); the
        entry keeps the net, so its id is not reused while remembered."""
        key = (id(n), ids)
        found = self._nets.get(key)
        if found is None or found[0] is not n:
            if len(self._nets) >= VERDICTS:
                self._nets.clear()
            found = self._nets[key] = (n, net_dict(n, ids))
        return found[1]

    def _reason(self, r: Reason) -> dict[str, Any]:
        key = (r.rule, r.points)  # a rule's reason, told apart by its points (cheap to hash)
        made = self._reasons.get(key)
        if made is None:
            if len(self._reasons) >= VERDICTS:
                self._reasons.clear()
            made = self._reasons[key] = reason_dict(r)
        return made


def columns(rules: RuleBase) -> list[str]:
    scores = [f"score_{f}" for f in rules.framework_ids]
    return [
        "row",
        "name",
        "winner",
        "tie",
        "confidence",
        *scores,
        "excluded",
        "margin",
        "companion",
        "stack",
        "top_reasons",
        "error",
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula


def neutral(text: str) -> str:
    """User text made inert in a spreadsheet, as OWASP advises for CSV: a cell that would start a
    formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``) gets a leading ``'``. A lone CR
    becomes a newline: the csv module quotes a field for a newline but not for a CR, and an
    unquoted CR splits the row for whoever reads the file. Every other control character shows
    as an escape, as on the terminal (:func:`~recommender.render.terminal.printable`): a NUL
    stops many CSV readers ("line contains NUL"), and an ESC or a bidi override in a name went
    raw into ``batch -f csv`` on a terminal, a command to it (colours, the title, text hidden)."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.isprintable() else printable(text)  # the test in C: 1 us a row less


def flat(item: Item, rules: RuleBase, *, spreadsheet: bool = False) -> list[Any]:
    """One row, in :func:`columns` order: winner, tie and confidence as reported, a score per
    framework, what is excluded, the margin, the companion, the top reasons and the error. Read
    off the outcome alone: no reason is built. ``spreadsheet`` (CSV) neutralises the cells of
    user text, the name, the stack (framework and library names, which an overlay writes) and
    the error; ids cannot start a formula, and numbers stay numbers.

    Its shortcuts (the stack cells remembered per stack, :meth:`Scorer.stack_line`; the top
    reasons by the fired rules' places; the excluded cell per exclusion set) took 10,740
    instructions off a CSV row of bench_batch's shipped mix (2.5%) and 16,713 off one of issue
    9's survey (4.7%) (``benchmarks/instructions.py --rows 500``)."""
    rec = item.result
    text = neutral if spreadsheet else str
    if rec is None:
        blanks = len(rules.framework_ids) + 8  # every column but row, name and error
        return [item.row, text(item.name or ""), *[""] * blanks, text(item.error or "")]
    o = rec.outcome
    scorer = rec.scorer
    winner, tie = scorer.table.reported(o)
    lead = o.order[0] if o.winner or o.tie else None
    reasons = [] if lead is None else scorer.top_reasons(o, lead, TOP_REASONS)
    # the winner's stack as Recommendation.stack has it, its two cells remembered per stack
    companion, line = scorer.stack_line(winner, rec.sig) if winner else ("", "")
    return [
        item.row,
        text(item.name or ""),
        winner or "",
        ";".join(tie),
        rec.confidence,
        *map(_number, o.scores),
        _excluded(rules.framework_ids, o.blocked),
        "" if o.margin is None else _number(o.margin),
        companion,
        text(line),  # framework names are free text
        ";".join(reasons),
        "",
    ]


@functools.lru_cache(maxsize=1 << 8)
def _excluded(ids: tuple[str, ...], blocked: int) -> str:
    """The excluded frameworks' cell, remembered: a batch has a few exclusion sets (see
    :func:`flat` for what its shortcuts saved)."""
    return ";".join(f for k, f in enumerate(ids) if blocked >> k & 1)


@functools.lru_cache(maxsize=1 << 12)
def _number(units: int) -> float | int:
    """Whole millionths as a CSV number, remembered: a batch's rows repeat the same few scores,
    and formatting each again was a fifth of a flat row (``benchmarks/bench_batch.py``)."""
    return number(points(units))


def flat_dict(item: Item, rules: RuleBase) -> dict[str, Any]:
    """:func:`flat` keyed by column name."""
    return dict(zip(columns(rules), flat(item, rules), strict=True))
