"""Batch output: one streaming writer per format, listed in :data:`WRITERS`, and the summary text.

JSONL and JSON write the records of :mod:`recommender.batch.records`; CSV, Markdown and the table
write one flat line per row, which never builds a reason's record. Every writer streams, so memory
stays flat.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from recommender.batch.records import Records, columns, flat, flat_dict
from recommender.batch.run import Item, Summary
from recommender.render.html import HtmlWriter
from recommender.render.jsonout import safe_json, unsafe
from recommender.render.markdown_text import text as md_text
from recommender.render.terminal import cells, fit, one_line, printable
from recommender.render.text import name_of
from recommender.rulebase.model import RuleBase
from recommender.scoring.confidence import LEVELS
from recommender.scoring.decide import text_of

_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def verdict(item: Item, rules: RuleBase) -> str:
    rec = item.result
    if rec is None:
        return "error"
    if rec.winner:
        return name_of(rec.winner, rules)
    if rec.confidence == "none":
        return "no recommendation"
    if rec.tie:
        return "tie: " + ", ".join(name_of(f, rules) for f in rec.tie)
    return "none (all excluded)"


def summary_lines(summary: Summary, rules: RuleBase) -> list[str]:
    """rows scored/failed, winner counts, ties, the rules that fired most. A count of 0 is not
    listed ("tie 0", "clear 0" counted nothing), but for the first line's: "0 failed" is news."""
    wins = [(name_of(f, rules), n) for f, n in summary.winners.most_common()]
    wins += [("tie", summary.ties), ("no fit", summary.no_fit)]
    wins += [("no recommendation", summary.levels["none"])]
    levels = [(level, summary.levels[level]) for level in LEVELS]
    rows = f"{summary.rows:,} row" + ("" if summary.rows == 1 else "s")
    out = [f"batch: {rows}: {summary.scored:,} scored, {summary.failed:,} failed"]
    if summary.scored:
        out.append("winners: " + _counts(wins))
        out.append("confidence: " + _counts(levels))
    if summary.unusable:
        unusable = summary.unusable.most_common()
        named = [(name_of(f, rules), n) for f, n in unusable]
        out.append("winners not usable on this machine (--probe): " + _counts(named))
    top = summary.top_rules(rules)
    if top:
        out.append("rules fired most: " + _counts(top))
    return [one_line(line) for line in out]  # an overlay's framework name is free text


def _counts(counts: list[tuple[str, int]]) -> str:
    return " · ".join(f"{what} {n:,}" for what, n in counts if n)


class JsonlWriter:
    summary_inside = False

    def __init__(self, stream: TextIO, rules: RuleBase, probe: bool = False) -> None:
        self.stream = stream
        self.records = Records(probe)
        # A record's text is the rule base's, but for the profile's name and the error (and the
        # probe's notes under --probe). With none of what safe_json escapes in the rule base,
        # only those need looking at: escaping all 13 KB of every record was a tenth of a batch.
        self.rules_safe = not probe and not unsafe(rules)

    def encoded(self, items: list[Item]) -> list[str]:
        return [self._line(item) for item in items]

    def _line(self, item: Item) -> str:
        text = _encode(self.records.record(item))
        if self.rules_safe and not unsafe((item.name, item.error)):
            return text
        return safe_json(text)

    def write(self, items: list[Item]) -> None:
        self.stream.write("".join([line + "\n" for line in self.encoded(items)]))

    def finish(self, summary: Summary) -> None:
        pass


class JsonWriter(JsonlWriter):
    """A JSON array, one record per line, written as it goes. Its ``[`` waits for the first
    records, as every writer's opening does: an input refused as a whole while its first
    chunk is read (a second YAML document, JSON cut short) leaves stdout empty before exit 2."""

    def __init__(self, stream: TextIO, rules: RuleBase, probe: bool = False) -> None:
        super().__init__(stream, rules, probe)
        self.first = True

    def write(self, items: list[Item]) -> None:
        if items:
            lead = "[\n" if self.first else ",\n"
            self.stream.write(lead + ",\n".join(self.encoded(items)))
            self.first = False

    def finish(self, summary: Summary) -> None:
        self.stream.write("[]\n" if self.first else "\n]\n")


class CsvWriter:
    summary_inside = False

    def __init__(self, stream: TextIO, rules: RuleBase, probe: bool = False) -> None:
        self.rules = rules
        self.out = csv.writer(stream, lineterminator="\n")
        self.head: list[str] | None = columns(rules)  # written with the first rows (JsonWriter)

    def write(self, items: list[Item]) -> None:
        self._open()
        self.out.writerows([flat(item, self.rules, spreadsheet=True) for item in items])

    def _open(self) -> None:
        if self.head is not None:
            self.out.writerow(self.head)
            self.head = None

    def finish(self, summary: Summary) -> None:
        self._open()


class _Headed:
    """A writer whose header is written with the first rows or the summary (JsonWriter says
    why)."""

    head = ""

    def _open(self) -> str:
        head, self.head = self.head, ""
        return head


class MarkdownWriter(_Headed):
    summary_inside = True

    def __init__(self, stream: TextIO, rules: RuleBase, probe: bool = False) -> None:
        self.stream, self.rules = stream, rules
        names = [md_text(f.name) for f in rules.frameworks]
        rule = " | ".join("---:" for _ in names)
        head = (
            f"| row | name | winner | {' | '.join(names)} | margin | confidence | stack "
            "| top reasons |\n"
        )
        self.head = printable(head) + f"| ---: | --- | --- | {rule} | ---: | --- | --- | --- |\n"

    def write(self, items: list[Item]) -> None:
        self.stream.write(self._open() + "".join(self._line(item) for item in items))

    def _line(self, item: Item) -> str:
        f = flat_dict(item, self.rules)
        cells = [
            str(f["row"]),
            f["name"],
            verdict(item, self.rules),
            *(_signed(f[f"score_{fid}"]) for fid in self.rules.framework_ids),
            str(f["margin"]),
            f["confidence"],  # a close call reads as clear without it, as the table shows it
            f["stack"],
            f["error"] or f["top_reasons"].replace(";", ", "),
        ]
        return printable(f"| {' | '.join(map(md_text, cells))} |\n")

    def finish(self, summary: Summary) -> None:
        lines = summary_lines(summary, self.rules)
        self.stream.write(self._open() + "\n" + "".join(f"- {md_text(line)}\n" for line in lines))


class TableWriter(_Headed):
    """Aligned columns for a terminal, widths fixed up front so rows stream; the summary follows."""

    summary_inside = True
    NAME, VERDICT = 20, 22

    def __init__(self, stream: TextIO, rules: RuleBase, probe: bool = False) -> None:
        self.stream, self.rules = stream, rules
        # an overlay's framework name is free text: its column is as wide as it is shown
        names = [one_line(f.name) for f in rules.frameworks]
        self.widths = [max(cells(n), 6) for n in names]
        head = [
            f"{'row':>6}",
            f"{'name':<{self.NAME}}",
            f"{'winner':<{self.VERDICT}}",
            *(" " * (w - cells(n)) + n for n, w in zip(names, self.widths, strict=True)),
            f"{'margin':>6}",
            f"{'confidence':<10}",
            "companion",
        ]
        self.head = one_line("  ".join(head)) + "\n"

    def write(self, items: list[Item]) -> None:
        self.stream.write(self._open() + "".join(self._line(item) for item in items))

    def _line(self, item: Item) -> str:
        f = flat_dict(item, self.rules)
        name = fit(f["name"], self.NAME)
        if item.error is not None:
            return f"{f['row']:>6}  {name}  error: {one_line(item.error)}\n"
        scores = zip(self.rules.framework_ids, self.widths, strict=True)
        cells = [
            f"{f['row']:>6}",
            name,
            fit(verdict(item, self.rules), self.VERDICT),  # names an overlay's framework
            *(f"{_signed(f[f'score_{fid}']):>{w}}" for fid, w in scores),
            f"{f['margin']:>6}",
            f"{f['confidence']:<10}",
            f["companion"],
        ]
        return printable("  ".join(cells).rstrip() + "\n")

    def finish(self, summary: Summary) -> None:
        lines = summary_lines(summary, self.rules)
        self.stream.write(self._open() + "\n" + "".join(line + "\n" for line in lines))


def _signed(score: Any) -> str:
    return text_of(score) if isinstance(score, int | float) else str(score)


WRITERS: dict[str, type] = {
    "jsonl": JsonlWriter,
    "json": JsonWriter,
    "csv": CsvWriter,
    "markdown": MarkdownWriter,
    "table": TableWriter,
    "html": HtmlWriter,
}
