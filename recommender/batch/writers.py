"""Batch output: one streaming writer per format, listed in :data:`WRITERS`, and the summary text.

JSONL and JSON records are the ``recommend --format json`` shape plus ``row``, ``margin`` and ``error``; CSV,
Markdown and the table flatten them to one line per row. Every writer streams, so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from recommender.batch.run import Summary
from recommender.render.html import HtmlWriter
from recommender.render.text import name_of
from recommender.rulebase.model import RuleBase

TOP_REASONS = 3
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def flat(record: dict[str, Any], rules: RuleBase) -> dict[str, Any]:
    """A record as one CSV row: winner, tie, a score per framework, margin, companion, top reasons, error."""
    scores = {s["framework"]: s["score"] for s in record["ranking"]}
    lead = (
        record["ranking"][0] if record["ranking"] and (record["winner"] or record["tie"]) else None
    )
    out = {
        "row": record["row"],
        "name": record["profile"] or "",
        "winner": record["winner"] or "",
        "tie": ";".join(record["tie"]),
    }
    out.update({f"score_{fid}": scores.get(fid, "") for fid in rules.framework_ids})
    out["excluded"] = ";".join(s["framework"] for s in record["ranking"] if s["excluded"])
    out["margin"] = "" if record["margin"] is None else record["margin"]
    out["companion"] = record["companion"]["id"] if record["companion"] else ""
    out["top_reasons"] = ";".join(r["rule"] for r in lead["reasons"][:TOP_REASONS]) if lead else ""
    out["error"] = record["error"] or ""
    return out


def columns(rules: RuleBase) -> list[str]:
    return [
        "row",
        "name",
        "winner",
        "tie",
        *(f"score_{f}" for f in rules.framework_ids),
        "excluded",
        "margin",
        "companion",
        "top_reasons",
        "error",
    ]


def verdict(record: dict[str, Any], rules: RuleBase) -> str:
    if record["error"] is not None:
        return "error"
    if record["winner"]:
        return name_of(record["winner"], rules)
    if record["tie"]:
        return "tie: " + ", ".join(name_of(f, rules) for f in record["tie"])
    return "none (all excluded)"


def summary_lines(summary: Summary, rules: RuleBase) -> list[str]:
    """rows scored/failed, winner counts, ties, the rules that fired most."""
    wins = [f"{name_of(f, rules)} {n:,}" for f, n in summary.winners.most_common()]
    wins += [f"tie {summary.ties:,}"] + ([f"no fit {summary.no_fit:,}"] if summary.no_fit else [])
    out = [
        f"batch: {summary.rows:,} rows: {summary.scored:,} scored, {summary.failed:,} failed",
        "winners: " + " · ".join(wins),
    ]
    if summary.unusable:
        out.append(
            "winners not usable on this machine (--probe): "
            + " · ".join(f"{name_of(f, rules)} {n:,}" for f, n in summary.unusable.most_common())
        )
    if summary.top_rules:
        out.append(
            "rules fired most: " + " · ".join(f"{rid} {n:,}" for rid, n in summary.top_rules)
        )
    return out


class JsonlWriter:
    summary_inside = False

    def __init__(self, stream: TextIO, rules: RuleBase) -> None:
        self.stream = stream

    def write(self, records: list[dict[str, Any]]) -> None:
        self.stream.write("".join([_encode(r) + "\n" for r in records]))

    def finish(self, summary: Summary) -> None:
        pass


class JsonWriter(JsonlWriter):
    """A JSON array, one record per line, written as it goes."""

    def __init__(self, stream: TextIO, rules: RuleBase) -> None:
        super().__init__(stream, rules)
        self.first = True
        stream.write("[")

    def write(self, records: list[dict[str, Any]]) -> None:
        if records:
            self.stream.write(
                ("\n" if self.first else ",\n") + ",\n".join([_encode(r) for r in records])
            )
            self.first = False

    def finish(self, summary: Summary) -> None:
        self.stream.write("]\n" if self.first else "\n]\n")


class CsvWriter:
    summary_inside = False

    def __init__(self, stream: TextIO, rules: RuleBase) -> None:
        self.rules = rules
        self.out = csv.DictWriter(stream, columns(rules), lineterminator="\n")
        self.out.writeheader()

    def write(self, records: list[dict[str, Any]]) -> None:
        self.out.writerows(flat(r, self.rules) for r in records)

    def finish(self, summary: Summary) -> None:
        pass


class MarkdownWriter:
    summary_inside = True

    def __init__(self, stream: TextIO, rules: RuleBase) -> None:
        self.stream, self.rules = stream, rules
        names = [f.name for f in rules.frameworks]
        stream.write(
            "| row | name | winner | "
            + " | ".join(names)
            + " | margin | companion | top reasons |\n"
        )
        stream.write(
            "| ---: | --- | --- | " + " | ".join("---:" for _ in names) + " | ---: | --- | --- |\n"
        )

    def write(self, records: list[dict[str, Any]]) -> None:
        self.stream.write("".join(self._line(r) for r in records))

    def _line(self, r: dict[str, Any]) -> str:
        f = flat(r, self.rules)
        cells = [
            str(f["row"]),
            f["name"],
            verdict(r, self.rules),
            *(_signed(f[f"score_{fid}"]) for fid in self.rules.framework_ids),
            str(f["margin"]),
            f["companion"],
            f["error"] or f["top_reasons"].replace(";", ", "),
        ]
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |\n"

    def finish(self, summary: Summary) -> None:
        self.stream.write(
            "\n" + "".join(f"- {line}\n" for line in summary_lines(summary, self.rules))
        )


class TableWriter:
    """Aligned columns for a terminal, widths fixed up front so rows stream; the summary follows the rows."""

    summary_inside = True
    NAME, VERDICT = 20, 22

    def __init__(self, stream: TextIO, rules: RuleBase) -> None:
        self.stream, self.rules = stream, rules
        self.widths = [max(len(f.name), 6) for f in rules.frameworks]
        head = [
            f"{'row':>6}",
            f"{'name':<{self.NAME}}",
            f"{'winner':<{self.VERDICT}}",
            *(f"{f.name:>{w}}" for f, w in zip(rules.frameworks, self.widths)),
            f"{'margin':>6}",
            "companion",
        ]
        stream.write("  ".join(head) + "\n")

    def write(self, records: list[dict[str, Any]]) -> None:
        self.stream.write("".join(self._line(r) for r in records))

    def _line(self, r: dict[str, Any]) -> str:
        f = flat(r, self.rules)
        if r["error"] is not None:
            return (
                f"{f['row']:>6}  {_cut(f['name'], self.NAME):<{self.NAME}}  error: {r['error']}\n"
            )
        cells = [
            f"{f['row']:>6}",
            f"{_cut(f['name'], self.NAME):<{self.NAME}}",
            f"{_cut(verdict(r, self.rules), self.VERDICT):<{self.VERDICT}}",
            *(
                f"{_signed(f[f'score_{fid}']):>{w}}"
                for fid, w in zip(self.rules.framework_ids, self.widths)
            ),
            f"{f['margin']:>6}",
            f["companion"],
        ]
        return "  ".join(cells).rstrip() + "\n"

    def finish(self, summary: Summary) -> None:
        self.stream.write(
            "\n" + "".join(line + "\n" for line in summary_lines(summary, self.rules))
        )


def _signed(score: Any) -> str:
    return f"{score:+g}" if isinstance(score, (int, float)) else str(score)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


WRITERS: dict[str, type] = {
    "jsonl": JsonlWriter,
    "json": JsonWriter,
    "csv": CsvWriter,
    "markdown": MarkdownWriter,
    "table": TableWriter,
    "html": HtmlWriter,
}

EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".txt": "table",
    ".html": "html",
}
