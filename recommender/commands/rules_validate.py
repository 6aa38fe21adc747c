"""``recommender rules validate [PATH ...]``: every schema and reference problem, as
``file:line:col``. ``--refresh`` also forgets the cached rule bases, so the next command reads the
rule files afresh."""

from __future__ import annotations

import argparse
import sys

from recommender.errors import ExitCode
from recommender.fileio import given
from recommender.rulebase.validate import validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=given,
        metavar="PATH",
        help="rule files or directories, each checked as an overlay on the shipped base; - reads "
        "one file from stdin (default: the shipped base and every --rules overlay)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="also forget the cached rule bases (they are rebuilt from the rule files)",
    )


def run(args: argparse.Namespace) -> int:
    if args.refresh:
        from recommender.rulebase.cache import refresh

        gone = refresh()
        print(f"rules cache: {gone} cached rule base(s) forgotten", file=sys.stderr)
    rules, files, errors = validate(args.paths, args.rules)
    from recommender.render.terminal import one_line

    for error in errors:
        where = ":".join(str(p) for p in (error.file, error.line, error.col) if p is not None)
        print(one_line(f"{where + ': ' if where else ''}[error] {error.message}"))
    if errors:
        bad = len({e.file for e in errors if e.file})
        print(
            f"{len(errors)} error{'s' * (len(errors) != 1)} in {bad} of {len(files)} files",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    assert rules is not None
    print(
        f"ok: {len(files)} files, {len(rules.questions)} questions, "
        f"{len(rules.frameworks)} frameworks, {len(rules.rules)} rules, {len(rules.cases)} cases",
        file=sys.stderr,
    )
    return ExitCode.OK
