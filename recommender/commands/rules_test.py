"""``recommender rules test [PATH ...]``: run example cases; a failure shows expected, got, and the deciding rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from recommender.errors import UserError, UserErrors
from recommender.rulebase.load import load_rules
from recommender.rulebase.model import Rule
from recommender.rulebase.validate import plan
from recommender.scoring.cases import CaseResult, failure_diff, run_cases, uncovered_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="case files or rule directories to test, each an overlay on the shipped base "
        "(default: every case of the base and the --rules overlays)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="list every case, not only failures"
    )


def run(args: argparse.Namespace) -> int:
    files, errors = plan(args.paths, args.rules)
    if errors:
        raise UserErrors(errors) if len(errors) > 1 else errors[0]
    rules = load_rules(files=files)
    chosen = {str(p.resolve()) for p in _files_under(args.paths)}
    cases = [
        c
        for c in rules.cases
        if not chosen or (c.origin and str(Path(c.origin.file).resolve()) in chosen)
    ]
    if args.paths and not cases:
        raise UserError(
            f"no test cases in {', '.join(args.paths)} (cases live under `cases:`, e.g. in tests/*.yaml)"
        )
    results = run_cases(rules, cases)
    failed = [r for r in results if not r.passed]
    for r in results:
        if not r.passed:
            print("\n".join(failure_diff(r, rules)))
        elif args.verbose:
            print(f"ok   {r.case.origin}: {r.case.name}: {r.got}")
    # With PATHs that define rules, coverage is of those rules: the base's rules are its own cases' business.
    own = [r for r in rules.rules if r.origin and str(Path(r.origin.file).resolve()) in chosen]
    _report(tuple(own) or rules.rules, results, len(failed))
    return 1 if failed else 0


def _files_under(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out.extend([*p.glob("*.yaml"), *p.glob("tests/*.yaml")] if p.is_dir() else [p])
    return out


def _report(rules: tuple[Rule, ...], results: list[CaseResult], failed: int) -> None:
    print(f"{len(results) - failed} passed, {failed} failed")
    uncovered = uncovered_rules(rules, results)
    print(
        f"coverage: {len(rules) - len(uncovered)}/{len(rules)} rules fire in at least one case",
        file=sys.stderr,
    )
    if uncovered:
        print("  never fired: " + ", ".join(uncovered), file=sys.stderr)
