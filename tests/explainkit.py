"""What the explanation tests share: the pieces of the small rule bases they write (a question or
two, a condition that always holds, the reason every rule gives), the real lead a lean note is
checked against, and their hypothesis settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from test_scoring_core import write_base

from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Recommendation

SIXTY_EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FORTY_EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TOLD = {"because": "b", "source": "s"}
ONE_YES_NO = [{"id": "q0", "kind": "yes_no", "options": ["yes", "no"]}]
TWO_YES_NO = [
    {"id": "q0", "kind": "yes_no", "options": ["yes", "no"]},
    {"id": "q1", "kind": "yes_no", "options": ["yes", "no"]},
]


def always() -> dict:
    """A condition that holds for every profile (a fresh dict: YAML refuses aliases)."""
    return {"any": [{"answered": "q0"}, {"unanswered": "q0"}]}


def real_lead(rec: Recommendation) -> int:
    """How far the winner's points lead the best rival still standing, the lean not counted
    (negative: a rival is ahead), in whole millionths."""
    o, ids = rec.outcome, rec.table.ids
    win = ids.index(rec.winner or "")
    rivals = [o.real[k] for k in o.contenders if k != win]
    return o.real[win] - max(rivals)


def base_rules(tmp_path: Path, rules: list[dict], monkeypatch: pytest.MonkeyPatch) -> RuleBase:
    """The rule base written to ``tmp_path`` and made the CLI's base, with no overlay."""
    folder = tmp_path / "base"
    loaded = write_base(folder, TWO_YES_NO, rules)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(folder))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    monkeypatch.chdir(tmp_path)
    return loaded
