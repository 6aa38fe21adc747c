"""``recommender questions``: the questions, their option ids, follow-ups and which options stand
alone, in a table, JSON or Markdown."""

from __future__ import annotations

import argparse

from recommender.commands._common import rulebase
from recommender.commands._output import add_output_arguments, chosen_format, emit, report, width
from recommender.errors import ExitCode

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_arguments(parser, FORMATS, "table")


def run(args: argparse.Namespace) -> int:
    from recommender.render import questions as render

    rules = rulebase(args)
    fmt = chosen_format(args, FORMATS, "table")
    text = report(
        fmt,
        lambda: render.questions_dict(rules),
        lambda: render.questions_markdown(rules),
        lambda: render.questions_table(rules, width(args.output)),
    )
    emit(text, args.output)
    return ExitCode.OK
