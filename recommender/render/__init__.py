"""Output formats for a Recommendation, listed in one registry and imported only when used."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Recommendation

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence


# name -> (module, function); a new format is a module and a line here.
FORMATS: dict[str, tuple[str, str]] = {
    "table": ("recommender.render.table", "render_table"),
    "json": ("recommender.render.jsonout", "render_json"),
    "markdown": ("recommender.render.markdown", "render_markdown"),
    "html": ("recommender.render.html.report", "render_html"),
}


def render(
    fmt: str,
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    *,
    full: bool = True,
    width: int | None = None,
) -> str:
    """``rec`` in format ``fmt``; ``evidence`` (from ``--probe``) adds the section on this machine.
    The table is the brief screen unless ``full``, wrapped at ``width`` (None: not wrapped)."""
    module, function = FORMATS[fmt]
    draw = getattr(importlib.import_module(module), function)
    return str(draw(rec, rules, evidence, full=full, width=width))
