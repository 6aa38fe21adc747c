"""Output formats for a Recommendation, listed in one registry."""
from __future__ import annotations

import json
from collections.abc import Callable

from recommender.engine import Recommendation
from recommender.model import RuleBase
from recommender.render.markdown import render_markdown
from recommender.render.table import render_table


def render_json(rec: Recommendation, rules: RuleBase) -> str:
    return json.dumps(rec.to_dict(), indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Recommendation, RuleBase], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
}
