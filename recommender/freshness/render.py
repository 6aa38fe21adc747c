"""``rules freshness`` output: a table for the terminal, Markdown for docs, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Callable

from recommender.freshness.index import Entry
from recommender.freshness.report import Report, undated

CELL = 60  # a problem longer than this is cut short in the table
HEADER = ("package", "latest release", "newest upload", "claims", "flags")


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"


def render_table(report: Report, columns: int | None = None) -> str:
    """The preamble, a row per package, and the findings, each wrapped at ``columns`` on a
    terminal as the other listings are (a finding took 200); what the index sent shown as text."""
    from recommender.render.terminal import printable, wrap_lines

    rows = [HEADER, *(_row(report, e) for e in report.entries)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]).rstrip()
        for r in rows
    ]
    findings = [
        f"{f.claim.origin}: [{f.check}] {f.claim.subject}: {f.message}" for f in report.findings
    ]
    head = wrap_lines(_preamble(report), columns)
    tail = wrap_lines([_count(report), *findings], columns)
    return printable("\n".join([*head, "", *lines, "", *tail]) + "\n")


def render_markdown(report: Report) -> str:
    from recommender.render.markdown_text import code, text

    rows = ["| " + " | ".join(map(text, _row(report, e))) + " |" for e in report.entries]
    findings = [
        f"- {code(f.claim.origin)} **{text(f.check)}** {text(f.claim.subject)}: {text(f.message)}"
        for f in report.findings
    ]
    return (
        "\n".join(
            [
                f"## Package freshness, {report.today.isoformat()}",
                "",
                *(f"{text(line)}  " for line in _preamble(report)),
                "",
                "| " + " | ".join(HEADER) + " |",
                "| --- | --- | --- | ---: | ---: |",
                *rows,
                "",
                f"### {_count(report)}",
                *([""] + findings if findings else []),
            ]
        )
        + "\n"
    )


FORMATS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
}


def _preamble(report: Report) -> list[str]:
    lines = [f"Index: {report.index.shown} ({report.index.origin}); today: {report.today}"]
    return lines + ([f"Note: {report.index.note}"] if report.index.note else [])


def _count(report: Report) -> str:
    n = len(report.findings)
    return f"{n} finding{'' if n == 1 else 's'} on {len(report.claims)} claims"


def _row(report: Report, entry: Entry) -> tuple[str, ...]:
    claims, flags = len(report.claims_on(entry)), len(report.findings_on(entry))
    return (entry.package, *_dates(entry), str(claims), str(flags))


def _dates(entry: Entry) -> tuple[str, str]:
    """(latest release, newest upload) as text, or what the index said instead."""
    if entry.state == "missing":
        return "not on the index", ""
    if entry.state != "found" or entry.releases is None:
        problem = entry.problem if len(entry.problem) <= CELL else entry.problem[: CELL - 3] + "..."
        return f"{entry.state}: {problem}", ""  # in full in JSON and in the closing error line
    latest, newest = entry.releases.latest, entry.releases.newest
    if undated(entry):
        return f"{latest.version if latest else '?'} (no upload-time)", ""
    return (
        f"{latest.version} ({latest.at:%Y-%m-%d})" if latest and latest.at else "none",
        f"{newest.version} ({newest.at:%Y-%m-%d})" if newest and newest.at else "none",
    )
