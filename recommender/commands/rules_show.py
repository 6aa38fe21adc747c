"""``recommender rules show ID``: one rule, where it is defined, its source text, condition and
points."""

from __future__ import annotations

import argparse

from recommender.commands._common import rulebase
from recommender.commands._output import add_output_arguments, chosen_format, emit, width
from recommender.errors import ExitCode, UserError, did_you_mean

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="ID", help="a rule id (see `recommender rules list`)")
    add_output_arguments(parser, FORMATS, "table")


def run(args: argparse.Namespace) -> int:
    from recommender.render import rules as render
    from recommender.render.terminal import printable

    rules = rulebase(args)
    fmt = chosen_format(args, FORMATS, "table")
    ids = [r.id for r in rules.rules]
    if args.rule_id not in ids:
        off = " (it is disabled by an overlay)" if args.rule_id in rules.disabled else ""
        hint = did_you_mean(args.rule_id, ids, "recommender rules list") if not off else ""
        raise UserError(f'unknown rule "{args.rule_id}"{off}{hint}')
    rule = rules.rule(args.rule_id)
    if fmt == "json":
        from recommender.render.jsonout import json_text

        text = json_text({"schema_version": 1, "rules": [render.rule_dict(rule, lines=True)]})
    elif fmt == "markdown":
        text = render.show_markdown(rule)
    else:
        text = printable("\n".join(render.describe(rule, width(args.output))) + "\n")
    emit(text, args.output)
    return ExitCode.OK
