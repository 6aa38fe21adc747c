"""``recommender explain``: every rule considered for one profile, whether it matched and why,
and the scores."""

from __future__ import annotations

import argparse

from recommender.commands._common import add_answer_arguments, read_answers, rulebase
from recommender.commands._output import add_output_arguments, chosen_format, emit, report
from recommender.errors import ExitCode

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_answer_arguments(parser)
    add_output_arguments(parser, FORMATS, "table")


def run(args: argparse.Namespace) -> int:
    from recommender.render import explain as render
    from recommender.scoring.trace import trace

    rules = rulebase(args)
    fmt = chosen_format(args, FORMATS, "table", [args.profile])  # -o checked first
    name, answers = read_answers(args, rules)
    t = trace(answers, rules, profile=name)
    text = report(
        fmt,
        lambda: render.explain_dict(t, rules),
        lambda: render.explain_markdown(t, rules),
        lambda: render.explain_table(t, rules),
    )
    emit(text, args.output, [args.profile])
    return ExitCode.OK
