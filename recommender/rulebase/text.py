"""Rules as text for people: the condition as flow YAML, the points, the file lines that hold it."""

from __future__ import annotations

from typing import Any

import yaml

from recommender.rulebase.model import Origin, Rule
from recommender.rulebase.yamlio import read_text
from recommender.scoring.decide import text_of


def plain(value: Any) -> Any:
    """Loader containers (which carry positions) back to plain dicts and lists that yaml prints."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool):  # YAML read `yes` as true; the rule means the option "yes"
        return "yes" if value else "no"
    return value


def condition_text(raw: Any) -> str:
    return yaml.safe_dump(
        plain(raw), default_flow_style=True, sort_keys=False, width=10_000
    ).strip()


def points_text(rule: Rule) -> str:
    parts = [f"{f} {text_of(p)}" for f, p in rule.score.items()]
    if rule.dealbreaker:
        parts.append("deal-breaker for " + ", ".join(rule.dealbreaker))
    return ", ".join(parts) or "no points"


def source_lines(origin: Origin) -> list[str]:
    """The lines of the YAML item at ``origin``: its first line and every line indented under it."""
    lines = read_text(origin.file).splitlines()
    first = origin.line - 1
    out = [lines[first]]
    for line in lines[first + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) < origin.col - 1:
            break
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out
