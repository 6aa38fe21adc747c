"""``batch --probe``: score on this machine's probe facts and mark each winner usable here or not.

A winner is usable here when its framework is installed, its probe ran clean, and every need the row states
(``rules/evidence.yaml``) passed its probe check for that framework.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from recommender.conditions import Facts
from recommender.model import RuleBase
from recommender.profiles import Normal
from recommender.records import RecordBuilder

FAILED = ("failed", "unavailable", "absent", "crashed", "timeout")


def why_unusable(rules: RuleBase, framework: str, answers: Normal, facts: Facts) -> list[str]:
    """What stops ``framework`` on this machine for these answers; empty when nothing does."""
    status = facts.get(f"{framework}.probe", facts.get(f"{framework}.installed", "absent"))
    if status != "ok":
        return [f"{framework} is {'not installed' if status == 'absent' else status} here"]
    out = []
    for need in rules.needs:
        check = need.checks.get(framework)
        if check and need.when.test(answers, facts) and facts.get(f"{framework}.{check}") in FAILED:
            out.append(f"{need.need}: {framework}.{check} is {facts[f'{framework}.{check}']}")
    return out


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
