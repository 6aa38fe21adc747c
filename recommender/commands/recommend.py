"""``recommender recommend``: score one profile given as a file and/or ``--answer`` flags."""

from __future__ import annotations

import argparse

from recommender.commands._common import (
    add_answer_arguments,
    add_probe_argument,
    read_answers,
    rulebase,
    score_with_facts,
)
from recommender.commands._output import add_output_arguments, chosen_format, emit, width
from recommender.errors import ExitCode, install_hint
from recommender.render import FORMATS, render

DEFAULT = "table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_answer_arguments(parser)
    add_output_arguments(parser, list(FORMATS), DEFAULT)
    add_full_argument(parser)
    add_probe_argument(parser)
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="with --probe: check each stated need on every node of this Ray cluster "
        f"(default: $RAY_ADDRESS); needs ray: {install_hint('ray')}",
    )


def add_full_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--full",
        action="store_true",
        help="the whole report: every reason with its source, why not the runner-up question by "
        "question, what would change this (default: the brief screen)",
    )


def run(args: argparse.Namespace) -> int:
    fmt = chosen_format(args, list(FORMATS), DEFAULT, [args.profile])  # -o checked first
    rules = rulebase(args)
    name, answers = read_answers(args, rules)
    result, evidence, facts = score_with_facts(args, rules, answers, name)
    if fmt == "html":  # the page's what-if re-scores, so it needs the probe facts as well
        from recommender.render.html.report import render_html

        text = render_html(result, rules, evidence, facts)
    else:
        text = render(fmt, result, rules, evidence, full=args.full, width=width(args.output))
    emit(text, args.output, [args.profile])
    return ExitCode.OK
