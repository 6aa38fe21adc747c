"""``recommender recommend``: score one profile given as a file and/or ``--answer`` flags."""

from __future__ import annotations

import argparse
from pathlib import PurePath

from recommender.commands._common import (
    add_probe_argument,
    emit,
    read_answers,
    rulebase,
    score_with_facts,
)
from recommender.render import FORMATS, render
from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Recommendation

TYPE_CHECKING = False
if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence

# -o FILE picks the format from its extension unless --format says otherwise; others get the table.
EXTENSIONS = {".json": "json", ".md": "markdown", ".html": "html", ".htm": "html", ".txt": "table"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="FILE", help="a YAML or JSON profile: {name: ..., answers: {...}}"
    )
    parser.add_argument(
        "--answer",
        "-a",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="an answer (repeatable; overrides the profile; multi answers as a,b)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=list(FORMATS),
        help="output format (default: from the -o extension, else table)",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write here (atomically) instead of stdout"
    )
    add_probe_argument(parser)
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="with --probe: check each stated need on every node of this Ray cluster "
        "(default: $RAY_ADDRESS); needs recommender[ray]",
    )


def run(args: argparse.Namespace) -> int:
    rules = rulebase(args)
    name, answers = read_answers(args, rules)
    fmt = output_format(args.format, args.output)
    result, evidence, facts = score_with_facts(args, rules, answers, name)
    emit(_render(fmt, result, rules, evidence, facts), args.output)
    return 0


def output_format(explicit: str | None, output: str | None) -> str:
    if explicit:
        return explicit
    if not output or output == "-":
        return "table"
    return EXTENSIONS.get(PurePath(output).suffix.lower(), "table")


def _render(
    fmt: str,
    result: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None,
    facts: dict[str, str] | None,
) -> str:
    if fmt == "html":  # the page's what-if re-scores, so it needs the probe facts as well
        from recommender.render.html.report import render_html

        return render_html(result, rules, evidence, facts)
    return render(fmt, result, rules, evidence)
