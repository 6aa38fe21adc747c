"""``recommender rules test [PATH ...]``: run example cases; a failure shows expected, got, and the
deciding rules. Exit 1 when any case fails, even when the reader closes the pipe early."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from recommender.commands._output import (
    add_output_arguments,
    chosen_format,
    emit,
    keeping,
    width,
)
from recommender.errors import UserError, UserErrors
from recommender.fileio import STDIN, given
from recommender.rulebase.load import load_rules, yaml_files
from recommender.rulebase.model import Rule, RuleBase
from recommender.rulebase.validate import plan
from recommender.scoring.cases import CaseResult, failure_diff, run_cases, uncovered_rules

FORMATS = ("table", "json", "markdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=given,
        metavar="PATH",
        help="case files or rule directories to test, each an overlay on the shipped base; "
        "- reads one file from stdin (default: every case of the base and the --rules overlays)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="list every case, not only failures"
    )
    add_output_arguments(parser, FORMATS, "table")


def run(args: argparse.Namespace) -> int:
    fmt = chosen_format(args, FORMATS, "table", args.paths)  # -o checked first
    files, errors = plan(args.paths, args.rules)
    if errors:
        raise UserErrors(errors) if len(errors) > 1 else errors[0]
    rules = load_rules(files=files)
    chosen = {str(p.resolve()) for p in _files_under(args.paths)}
    cases = [
        c
        for c in rules.cases
        if not args.paths or (c.origin and str(Path(c.origin.file).resolve()) in chosen)
    ]
    if args.paths and not cases:
        raise UserError(
            f"no test cases in {', '.join(args.paths)} (cases live under `cases:`, e.g. in "
            "tests/*.yaml)"
        )
    results = run_cases(rules, cases)
    failed = sum(not r.passed for r in results)
    # With PATHs that define rules, coverage is of those rules: the base's are its own cases'.
    own = [r for r in rules.rules if r.origin and str(Path(r.origin.file).resolve()) in chosen]
    covered = tuple(own) or rules.rules
    code = 1 if failed else 0
    with keeping(code):
        if fmt == "json":
            from recommender.render.jsonout import json_text

            emit(json_text(cases_dict(results, covered)), args.output)
        elif fmt == "markdown":
            emit(cases_markdown(results, covered, rules), args.output)
        else:
            text = cases_table(results, rules, args.verbose, width(args.output))
            emit(text, args.output)
            _coverage(covered, results)
    return code


def _files_under(paths: list[str]) -> list[Path]:
    """The files the PATHs name, as the loaded origins name them (``-``: ``<stdin>``)."""
    out = []
    for p in map(Path, paths):
        if str(p) == "-":
            out.append(Path(STDIN))
        else:
            out.extend([*yaml_files(p), *yaml_files(p / "tests")] if p.is_dir() else [p])
    return out


def _case(r: CaseResult) -> dict[str, Any]:
    tie = list(r.result.outcome.tie) if r.result else []
    return {
        "name": r.case.name,
        "origin": str(r.case.origin) if r.case.origin else None,
        "expected": r.case.expect_winner,
        "got": r.got,
        "tie": tie,
        "passed": r.passed,
        "problem": r.problem or None,
    }


def cases_dict(results: list[CaseResult], covered: tuple[Rule, ...]) -> dict[str, Any]:
    never = uncovered_rules(covered, results)
    return {
        "schema_version": 1,
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed for r in results),
        "cases": [_case(r) for r in results],
        "coverage": {"rules": len(covered), "fired": len(covered) - len(never), "never": never},
    }


def cases_table(
    results: list[CaseResult], rules: RuleBase, verbose: bool, columns: int | None = None
) -> str:
    """The failed cases (each passed one too when ``verbose``), wrapped at ``columns``."""
    from recommender.render.terminal import printable, wrap_lines

    lines = []
    for r in results:
        if not r.passed:
            lines += failure_diff(r, rules)
        elif verbose:
            lines.append(f"ok   {r.case.origin}: {r.case.name}: {r.got}")
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return printable("\n".join(wrap_lines(lines, columns)) + "\n")


def cases_markdown(results: list[CaseResult], covered: tuple[Rule, ...], rules: RuleBase) -> str:
    from recommender.render.markdown_text import fence, text
    from recommender.render.terminal import printable

    data = cases_dict(results, covered)
    out = [f"## Rule cases: {data['passed']} passed, {data['failed']} failed", ""]
    out += ["| case | expected | got | |", "| --- | --- | --- | --- |"]
    out += [
        f"| {text(c['name'])} | {text(c['expected'])} | {text(c['got'])} "
        f"| {'ok' if c['passed'] else 'FAIL'} |"
        for c in data["cases"]
    ]
    failures = [r for r in results if not r.passed]
    if failures:
        out += ["", "### Failures", ""]
        out += fence([line for r in failures for line in failure_diff(r, rules)], "text")
    cover = data["coverage"]
    out += ["", f"Coverage: {cover['fired']}/{cover['rules']} rules fire in at least one case."]
    return printable("\n".join(out) + "\n")


def _coverage(rules: tuple[Rule, ...], results: list[CaseResult]) -> None:
    uncovered = uncovered_rules(rules, results)
    print(
        f"coverage: {len(rules) - len(uncovered)}/{len(rules)} rules fire in at least one case",
        file=sys.stderr,
    )
    if uncovered:
        print("  never fired: " + ", ".join(uncovered), file=sys.stderr)
