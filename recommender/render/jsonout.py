"""The report as JSON: ``Recommendation.to_dict()``, the contract scripts rely on."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Recommendation

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence


def render_json(rec: Recommendation, rules: RuleBase, evidence: Evidence | None = None) -> str:
    data = rec.to_dict()
    if evidence is not None:
        data["evidence"] = evidence.to_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
