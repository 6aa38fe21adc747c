"""``recommender rules SUBCOMMAND``: work with the rule files themselves, one module per
subcommand."""

from __future__ import annotations

import argparse
import importlib

from recommender.cli import add_common_options

# name -> (module, one-line help); a module defines add_arguments(parser) and run(args) -> int
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "recommender.commands.rules_validate",
        "check rule files: schema and every reference, all errors",
    ),
    "lint": (
        "recommender.commands.rules_lint",
        "search every profile for dead rules, losing frameworks, ties",
    ),
    "test": (
        "recommender.commands.rules_test",
        "run the example cases in rules/tests and overlays",
    ),
    "list": ("recommender.commands.rules_list", "list the rules, by framework or by question"),
    "show": (
        "recommender.commands.rules_show",
        "show one rule: where it is, its source, condition and points",
    ),
    "freshness": (
        "recommender.commands.rules_freshness",
        "check the rules' package claims against a package index's release dates",
    ),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="rules_command", metavar="SUBCOMMAND", required=True, parser_class=type(parser)
    )
    for name, (module, help_text) in SUBCOMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        add_common_options(cmd, 2)
        importlib.import_module(module).add_arguments(cmd)


def run(args: argparse.Namespace) -> int:
    return int(importlib.import_module(SUBCOMMANDS[args.rules_command][0]).run(args) or 0)
