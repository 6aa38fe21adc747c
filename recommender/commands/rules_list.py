"""``recommender rules list``: one line per rule, optionally only those for a framework or reading
a question."""

from __future__ import annotations

import argparse

from recommender.commands._common import rulebase
from recommender.commands._output import (
    add_output_arguments,
    chosen_format,
    emit,
    report,
    width,
)
from recommender.errors import ExitCode, UserError, did_you_mean
from recommender.rulebase.model import Rule, RuleBase
from recommender.scoring.table import table_for

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--framework", metavar="ID", help="only rules that give it points or exclude it"
    )
    parser.add_argument(
        "--question", metavar="ID", help="only rules whose condition reads this question"
    )
    add_output_arguments(parser, FORMATS, "table")


def select(rules: RuleBase, framework: str | None, question: str | None) -> list[Rule]:
    ids = rules.framework_ids
    if framework is not None and framework not in ids:
        raise UserError(
            f'--framework: unknown framework "{framework}"{did_you_mean(framework, ids)}'
        )
    questions = [q.id for q in rules.questions]
    if question is not None and question not in questions:
        raise UserError(
            f'--question: unknown question "{question}"{did_you_mean(question, questions)}'
        )
    table = table_for(rules)
    return [
        r
        for r in rules.rules
        if (framework is None or r.score.get(framework) or framework in r.dealbreaker)
        and (question is None or question in table.reads(r.when))
    ]


def run(args: argparse.Namespace) -> int:
    from recommender.render import rules as render

    rules = rulebase(args)
    fmt = chosen_format(args, FORMATS, "table")
    chosen = select(rules, args.framework, args.question)
    text = report(
        fmt,
        lambda: render.rules_dict(chosen, rules),
        lambda: render.rules_markdown(chosen, rules),
        lambda: render.rules_table(chosen, rules, width(args.output)),
    )
    emit(text, args.output)
    return ExitCode.OK
