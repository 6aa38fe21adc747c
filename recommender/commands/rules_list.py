"""``recommender rules list``: one line per rule, optionally only those for a framework or reading a question."""

from __future__ import annotations

import argparse

from recommender.commands._common import rulebase
from recommender.errors import UserError, did_you_mean
from recommender.rulebase.model import Rule, RuleBase
from recommender.rulebase.text import condition_text, points_text
from recommender.scoring.table import table_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--framework", metavar="ID", help="only rules that give it points or exclude it"
    )
    parser.add_argument(
        "--question", metavar="ID", help="only rules whose condition reads this question"
    )


def select(rules: RuleBase, framework: str | None, question: str | None) -> list[Rule]:
    if framework is not None and framework not in rules.framework_ids:
        raise UserError(
            f'--framework: unknown framework "{framework}"{did_you_mean(framework, rules.framework_ids)}'
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
    rules = rulebase(args)
    chosen = select(rules, args.framework, args.question)
    width = max((len(r.id) for r in chosen), default=0)
    for r in chosen:
        print(f"{r.id:<{width}}  {points_text(r)}  when {condition_text(r.raw_when)}  ({r.origin})")
    print(
        f"{len(chosen)} of {len(rules.rules)} rules"
        + (f"; disabled: {', '.join(rules.disabled)}" if rules.disabled else "")
    )
    return 0
