"""``batch --probe``: score on this machine's probe facts and mark each winner usable here or not.

A winner is usable here when its framework is installed, its probe ran clean, and every need the row states
(``rules/evidence.yaml``) passed its probe check for that framework.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.evidence import need_checks, probe_status
from recommender.scoring.records import RecordBuilder


def why_unusable(rules: RuleBase, framework: str, answers: Normal, facts: Facts) -> list[str]:
    """What stops ``framework`` on this machine for these answers; empty when nothing does."""
    status = probe_status(facts, framework)
    if status != "ok":
        return [
            f"{framework} is {'not installed' if status in ('absent', 'not probed') else status} here"
        ]
    return [
        f"{c.text}: {c.fact} is {c.status}"
        for c in need_checks(rules, answers, facts, [framework])
        if c.failed
    ]


class ProbedRecordBuilder(RecordBuilder):
    """RecordBuilder on probe facts; each record gains ``usable_here`` and ``unusable_because``."""

    def __init__(self, rules: RuleBase, facts: Mapping[str, str]) -> None:
        super().__init__(rules, facts=facts)

    def records(self, chunk: Sequence[tuple[int, str | None, Normal]]) -> list[dict[str, Any]]:
        records = super().records(chunk)
        for (_, _, answers), record in zip(chunk, records):
            winner = record.get("winner")
            reasons = why_unusable(self.rules, winner, answers, self.facts) if winner else []
            record["usable_here"] = None if not winner else not reasons
            record["unusable_because"] = reasons
        return records
