"""``recommender rules lint``: exact search of the whole answer space; exit 1 on any
unacknowledged warning."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from recommender.commands._common import rulebase
from recommender.commands._output import (
    add_output_arguments,
    chosen_format,
    emit,
    keeping,
    width,
)
from recommender.errors import UserError, install_hint
from recommender.lint import LIMIT

if TYPE_CHECKING:
    from recommender.lint.run import LintReport


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=int,
        default=LIMIT,
        metavar="N",
        help="enumerate independent parts of the answer space of up to N distinct profiles each; "
        f"when a part is larger, score a random sample of N profiles (default {LIMIT:,})",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="the random seed of the sample (default 0)"
    )
    parser.add_argument(
        "--backend", default="vector", help=argparse.SUPPRESS
    )  # "engine": the slow reference
    parser.add_argument(
        "--method", default="exact", help=argparse.SUPPRESS
    )  # "enumerate": the reference walk
    add_output_arguments(parser, FORMATS, "table")


FORMATS = ("table", "json", "markdown")


def summary(report: LintReport) -> list[str]:
    space, t = report.space, report.totals
    dims = [d.name for d in space.dims]
    questions = sum(not d.probe for d in space.dims)
    probes = len(dims) - questions
    lines = [
        f"answer space: {space.full_size:,} profiles ({len(report.rules.questions)} questions"
        + (f", {probes} probe fact{'s' * (probes != 1)}" if probes else "")
        + f"); {questions} questions read by conditions, "
        f"{space.size:,} distinct profiles once interchangeable answers are merged"
    ]
    rate = report.scored / report.seconds if report.seconds else float("inf")
    if report.method == "exact":
        lines.append(_exact_line(report))
    elif report.exhaustive:
        lines.append(
            f"scored all {report.scored:,} distinct profiles (the whole space) in "
            f"{report.seconds:.3f} s ({rate:,.0f} profiles/s)"
        )
    else:
        lines.append(
            f"scored a random sample of {report.scored:,} of {space.size:,} distinct profiles "
            f"({report.scored / space.size:.2%}; seed {report.seed}) in {report.seconds:.3f} s "
            f"({rate:,.0f} profiles/s): findings hold for the sample only"
        )
    if report.fallback:
        lines.insert(1, f"not exact: {report.fallback}")
    shares = zip(report.rules.framework_ids, t.wins, strict=True)
    wins = ", ".join(f"{f} {w / t.weight:.1%}" for f, w in shares)
    lines.append(f"winners: {wins}, tie {t.ties / t.weight:.1%}, none {t.nothing / t.weight:.1%}")
    return lines


def _exact_line(report: LintReport) -> str:
    from recommender.lint.exact import ExactTotals

    assert isinstance(report.totals, ExactTotals)  # method "exact"
    parts = report.totals.parts
    biggest = max(parts, key=lambda p: p.size)
    names = ", ".join(report.space.dims[d].name for d in biggest.dims)
    rate = report.space.full_size / report.seconds if report.seconds else float("inf")
    return (
        f"exhaustive (exact): all {report.space.full_size:,} profiles in {report.seconds:.3f} s "
        f"({rate:,.0f} profiles/s equivalent); {len(parts)} independent parts, "
        f"{report.scored:,} partial profiles enumerated (largest part: {names}, {biggest.size:,})"
    )


def run(args: argparse.Namespace) -> int:
    fmt = chosen_format(args, FORMATS, "table")
    try:
        from recommender.lint.run import lint
    except ModuleNotFoundError as exc:
        raise UserError(f"rules lint needs {exc.name} ({install_hint('lint')})") from None
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    report = lint(
        rulebase(args), limit=args.limit, seed=args.seed, backend=args.backend, method=args.method
    )
    code = 1 if report.warnings else 0
    with keeping(code):
        text = lint_table(report, width(args.output)) if fmt == "table" else RENDER[fmt](report)
        emit(text, args.output)
    return code


def _counts(report: LintReport) -> tuple[int, int]:
    return len(report.warnings), sum(bool(f.allowed) for f in report.findings)


def lint_table(report: LintReport, columns: int | None = None) -> str:
    """The findings and the summary, wrapped at ``columns`` on a terminal (a finding took 276)."""
    from recommender.render.terminal import printable, wrap_lines

    warnings, allowed = _counts(report)
    lines = [str(f) for f in report.findings] + summary(report)
    lines.append(
        f"{warnings} warning{'s' * (warnings != 1)}"
        + (f", {allowed} acknowledged in the rule files" if allowed else "")
    )
    return printable("\n".join(wrap_lines(lines, columns)) + "\n")


def lint_dict(report: LintReport) -> dict[str, Any]:
    warnings, allowed = _counts(report)
    return {
        "schema_version": 1,
        "findings": [
            {
                "check": f.check,
                "level": f.level,
                "message": f.message,
                "origin": str(f.origin) if f.origin else None,
                "subjects": list(f.subjects),
                "allowed": f.allowed or None,
            }
            for f in report.findings
        ],
        "summary": summary(report),
        "warnings": warnings,
        "acknowledged": allowed,
    }


def lint_json(report: LintReport) -> str:
    from recommender.render.jsonout import json_text

    return json_text(lint_dict(report))


def lint_markdown(report: LintReport) -> str:
    from recommender.render.markdown_text import text
    from recommender.render.terminal import printable

    data = lint_dict(report)
    out = [f"## rules lint: {data['warnings']} warnings", ""]
    out += [f"- {text(line)}" for line in data["summary"]]
    if data["findings"]:
        out += ["", "| level | check | where | message |", "| --- | --- | --- | --- |"]
        out += [
            f"| {f['level']} | {f['check']} | {text(f['origin'] or '')} | "
            + text(f["message"] + (f" (allowed: {f['allowed']})" if f["allowed"] else ""))
            + " |"
            for f in data["findings"]
        ]
    return printable("\n".join(out) + "\n")


RENDER = {"table": lint_table, "json": lint_json, "markdown": lint_markdown}
