"""Batch items as the JSON record (``recommend --format json`` plus ``row``, ``margin``, ``error``)
and as one flat row (CSV, Markdown, the table); both read the scoring core's result, nothing else."""

from __future__ import annotations

from typing import Any

from recommender.batch.run import Item
from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Verdict, batch_record, error_record, number, verdict_dict

TOP_REASONS = 3
VERDICTS = 2048  # verdict dicts remembered: each holds every reason of every framework


class Records:
    """Items to JSON records. Records that share a verdict share its dict (built once), so they
    must be treated as read-only; writers only encode them."""

    def __init__(self, probe: bool = False) -> None:
        self.probe = probe
        self._verdicts: dict[int, tuple[Verdict, dict[str, Any]]] = {}

    def record(self, item: Item) -> dict[str, Any]:
        if item.result is None:
            return error_record(item.row, item.name, item.error or "")
        record = batch_record(item.row, item.result, self._verdict(item.result.verdict))
        if self.probe:
            record["usable_here"] = item.usable
            record["unusable_because"] = list(item.unusable_because)
        return record

    def _verdict(self, v: Verdict) -> dict[str, Any]:
        hit = self._verdicts.get(id(v))
        if hit is not None and hit[0] is v:
            return hit[1]
        if len(self._verdicts) >= VERDICTS:
            self._verdicts.clear()
        made = verdict_dict(v)
        self._verdicts[id(v)] = (v, made)
        return made


def columns(rules: RuleBase) -> list[str]:
    scores = [f"score_{f}" for f in rules.framework_ids]
    return [
        "row",
        "name",
        "winner",
        "tie",
        *scores,
        "excluded",
        "margin",
        "companion",
        "top_reasons",
        "error",
    ]


def flat(item: Item, rules: RuleBase) -> dict[str, Any]:
    """One row: winner, tie, a score per framework, margin, companion, top reasons, error."""
    out: dict[str, Any] = {"row": item.row, "name": item.name or ""}
    rec = item.result
    if rec is None:
        out.update({c: "" for c in columns(rules)[2:-1]})
        out["error"] = item.error or ""
        return out
    v = rec.verdict
    scores = {s.framework: number(s.score) for s in v.ranking}
    lead = v.ranking[0] if v.ranking and (v.winner or v.tie) else None
    out["winner"] = v.winner or ""
    out["tie"] = ";".join(v.tie)
    out.update({f"score_{f}": scores.get(f, "") for f in rules.framework_ids})
    out["excluded"] = ";".join(s.framework for s in v.ranking if s.excluded)
    out["margin"] = "" if v.margin is None else number(v.margin)
    out["companion"] = rec.companion.id if rec.companion else ""
    out["top_reasons"] = ";".join(r.rule for r in lead.reasons[:TOP_REASONS]) if lead else ""
    out["error"] = ""
    return out
