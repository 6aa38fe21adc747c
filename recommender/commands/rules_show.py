"""``recommender rules show ID``: one rule, where it is defined, its source text, condition and points."""

from __future__ import annotations

import argparse

from recommender.commands._common import rulebase
from recommender.errors import UserError, did_you_mean
from recommender.rulebase.model import Rule
from recommender.rulebase.text import condition_text, points_text, source_lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="ID", help="a rule id (see `recommender rules list`)")


def describe(rule: Rule) -> list[str]:
    lines = [
        f"rule {rule.id}  ({rule.origin})",
        f"  when:    {condition_text(rule.raw_when)}",
        f"  points:  {points_text(rule)}",
        f"  because: {rule.because}",
        f"  source:  {rule.source}",
    ]
    if rule.as_of:
        lines.append(f"  as of:   {rule.as_of}")
    if rule.lint_allow:
        lines.append(f"  lint allows {', '.join(rule.lint_allow)}: {rule.lint_reason}")
    if rule.origin is not None:
        lines += [
            "",
            f"{rule.origin.file}:",
            *(
                f"  {rule.origin.line + i:4}  {text}"
                for i, text in enumerate(source_lines(rule.origin))
            ),
        ]
    return lines


def run(args: argparse.Namespace) -> int:
    rules = rulebase(args)
    ids = [r.id for r in rules.rules]
    if args.rule_id not in ids:
        off = " (it is disabled by an overlay)" if args.rule_id in rules.disabled else ""
        raise UserError(
            f'unknown rule "{args.rule_id}"{off}{did_you_mean(args.rule_id, ids) if not off else ""}'
        )
    print("\n".join(describe(rules.rule(args.rule_id))))
    return 0
