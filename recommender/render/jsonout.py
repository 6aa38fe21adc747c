"""The report as JSON: ``Recommendation.to_dict()``, the contract scripts rely on."""
from __future__ import annotations

import json

from recommender.engine import Recommendation
from recommender.model import RuleBase


def render_json(rec: Recommendation, rules: RuleBase) -> str:
    return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False) + "\n"
