"""``recommender rules validate [PATH ...]``: every schema and reference problem, as ``file:line:col``."""

from __future__ import annotations

import argparse
import sys

from recommender.rulebase.validate import validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="rule files or directories, each checked as an overlay on the shipped base "
        "(default: the shipped base and every --rules overlay)",
    )


def run(args: argparse.Namespace) -> int:
    rules, files, errors = validate(args.paths, args.rules)
    for error in errors:
        where = ":".join(str(p) for p in (error.file, error.line, error.col) if p is not None)
        print(f"{where + ': ' if where else ''}[error] {error.message}")
    if errors:
        bad = len({e.file for e in errors if e.file})
        print(
            f"{len(errors)} error{'s' * (len(errors) != 1)} in {bad} of {len(files)} files",
            file=sys.stderr,
        )
        return 2
    assert rules is not None
    print(
        f"ok: {len(files)} files, {len(rules.questions)} questions, {len(rules.frameworks)} frameworks, "
        f"{len(rules.rules)} rules, {len(rules.cases)} cases",
        file=sys.stderr,
    )
    return 0
