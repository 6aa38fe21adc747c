"""``recommender recommend``: score one profile given as a file and/or ``--answer`` flags."""

from __future__ import annotations

import argparse

from recommender.commands._common import (
    add_probe_argument,
    emit,
    read_answers,
    rulebase,
    score,
)
from recommender.render import FORMATS, render


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
    parser.add_argument("--format", "-f", choices=list(FORMATS), default="table")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write here (atomically) instead of stdout"
    )
    add_probe_argument(parser)


def run(args: argparse.Namespace) -> int:
    rules = rulebase(args)
    name, answers = read_answers(args, rules)
    result, evidence = score(args, rules, answers, name)
    emit(render(args.format, result, rules, evidence), args.output)
    return 0
