"""The HTML reports: one self-contained page per recommendation (``recommend -f html``) or batch.

Nothing heavy is imported here: the CLI reaches ``report.render_html`` through the render
registry and the batch writer through :class:`HtmlWriter`, each only when html is the chosen
format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, TextIO

    from recommender.rulebase.model import RuleBase


class HtmlWriter:
    """The writer of ``batch -f html``; constructing one imports the real ``team.TeamWriter``."""

    summary_inside = True

    def __new__(cls, stream: TextIO, rules: RuleBase, probe: bool = False) -> Any:
        from recommender.render.html.team import TeamWriter

        return TeamWriter(stream, rules, probe)
