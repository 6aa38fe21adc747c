"""``recommender rules SUBCOMMAND``: work with the rule files themselves."""
from __future__ import annotations

import argparse
import sys

from recommender.casetest import CaseResult, run_cases, uncovered_rules
from recommender.commands._common import rulebase
from recommender.model import RuleBase


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True,
                                parser_class=type(parser))
    for name, (_, help_text, add) in SUBCOMMANDS.items():
        add(sub.add_parser(name, help=help_text, description=help_text))


def _add_test(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", "-v", action="store_true", help="list every case, not only failures")


def _describe_failure(r: CaseResult, rules: RuleBase) -> list[str]:
    lines = [f"FAIL {r.case.origin}: {r.case.name}: {r.problem}"]
    if r.result is not None:
        scores = ", ".join(f"{s.framework} {s.score:+g}" + (" (excluded)" if s.excluded else "")
                           for s in r.result.ranking)
        lines.append(f"     scores: {scores}")
        for s in r.result.ranking[:2]:
            top = ", ".join(f"{x.rule} {x.points:+g}" for x in s.reasons[:4]) or "no rule"
            lines.append(f"     {s.framework} decided by: {top}")
    return lines


def _run_test(args: argparse.Namespace) -> int:
    rules = rulebase(args)
    results = run_cases(rules)
    failed = [r for r in results if not r.passed]
    for r in results:
        if not r.passed:
            print("\n".join(_describe_failure(r, rules)))
        elif args.verbose:
            print(f"ok   {r.case.origin}: {r.case.name}: {r.got}")
    uncovered = uncovered_rules(rules, results)
    covered = len(rules.rules) - len(uncovered)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    print(f"coverage: {covered}/{len(rules.rules)} rules fire in at least one case", file=sys.stderr)
    if uncovered:
        print("  never fired: " + ", ".join(uncovered), file=sys.stderr)
    return 1 if failed else 0


# name -> (runner, help, argument adder)
SUBCOMMANDS = {
    "test": (_run_test, "run the example cases in rules/tests and overlays", _add_test),
}


def run(args: argparse.Namespace) -> int:
    return SUBCOMMANDS[args.rules_command][0](args)
