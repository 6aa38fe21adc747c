"""``batch --probe``: mark each winner usable on this machine or not, and say why.

A winner is usable here when its framework is installed, its probe ran clean, and every need the row
states (``rules/evidence.yaml``) passed its probe check for that framework.
"""

from __future__ import annotations

from collections.abc import Callable

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.evidence import need_checks, probe_status
from recommender.scoring.result import Recommendation


def why_unusable(rules: RuleBase, framework: str, answers: Normal, facts: Facts) -> list[str]:
    """What stops ``framework`` on this machine for these answers; empty when nothing does."""
    status = probe_status(facts, framework)
    if status != "ok":
        missing = status in ("absent", "not probed")
        return [f"{framework} is {'not installed' if missing else status} here"]
    checks = need_checks(rules, answers, facts, [framework])
    return [f"{c.text}: {c.fact} is {c.status}" for c in checks if c.failed]


def usable_here(
    rules: RuleBase, facts: Facts
) -> Callable[[Recommendation], tuple[bool | None, tuple[str, ...]]]:
    """For ``run_batch(usable=...)``: (winner usable here, or None without a winner; why not)."""

    def usable(rec: Recommendation) -> tuple[bool | None, tuple[str, ...]]:
        if rec.winner is None:
            return None, ()
        answers = rec.scorer.table.normal(rec.sig)
        reasons = tuple(why_unusable(rules, rec.winner, answers, facts))
        return not reasons, reasons

    return usable
