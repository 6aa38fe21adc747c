"""``recommender explain``: every rule considered for one profile, whether it matched and why,
and the scores; ``--probe`` traces them on this machine's probe facts, as ``recommend --probe``
scores them."""

from __future__ import annotations

import argparse

from recommender.commands._common import (
    add_answer_arguments,
    add_probe_argument,
    probe_facts,
    read_answers,
    rulebase,
)
from recommender.commands._output import (
    add_output_arguments,
    chosen_format,
    emit,
    report,
    width,
)
from recommender.errors import ExitCode

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_answer_arguments(parser)
    add_output_arguments(parser, FORMATS, "table")
    add_probe_argument(parser)


def run(args: argparse.Namespace) -> int:
    from recommender.render import explain as render
    from recommender.scoring.trace import trace

    rules = rulebase(args)
    fmt = chosen_format(args, FORMATS, "table", [args.profile])  # -o checked first
    name, answers = read_answers(args, rules)
    facts = probe_facts(args, rules)[0] if args.probe else None  # as recommend --probe scores
    t = trace(answers, rules, profile=name, facts=facts)
    text = report(
        fmt,
        lambda: render.explain_dict(t, rules),
        lambda: render.explain_markdown(t, rules),
        lambda: render.explain_table(t, rules, width(args.output)),
    )
    emit(text, args.output, [args.profile])
    return ExitCode.OK
