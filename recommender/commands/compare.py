"""``recommender compare``: the seed article's comparison table, 2021 beside now and beside what
is installed (``recommender schema compare``)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from recommender.commands._common import rulebase
from recommender.commands._output import add_output_arguments, chosen_format, emit, width
from recommender.errors import ExitCode
from recommender.rulebase.model import RuleBase
from recommender.versions import installed_distribution

ROWS = {
    "developed_by": "Developed by",
    "target_audience": "Target audience",
    "api_level": "Low/high-level API",
    "development_stage": "Development stage",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_arguments(parser, FORMATS, "table")


FORMATS = ("table", "json", "markdown")


def comparison(rules: RuleBase) -> dict[str, dict[str, Any]]:
    """The table as data: per framework, per row, the 2021 value, today's value and its source."""
    out: dict[str, dict[str, Any]] = {}
    for f in rules.frameworks:
        installed = installed_distribution(f.packages)
        rows: dict[str, Any] = {key: dict(f.table.get(key, {})) for key in ROWS}
        rows["installed"] = (
            {"package": installed[0], "version": installed[1]} if installed else None
        )
        out[f.id] = {"name": f.name, **rows}
    return out


def _installed(cell: dict | None) -> str:
    return f"{cell['package']} {cell['version']}" if cell else "not installed"


def _table(data: dict, columns: int | None) -> str:
    from recommender.render.terminal import cells, cut, wrap

    width = max(cells(d["name"]) for d in data.values())
    indent = " " * (width + 10)
    lines = []
    for key, title in ROWS.items():
        lines.append(title)
        for d in data.values():
            pad = " " * (width - cells(d["name"]))  # a CJK name takes two cells a character
            for label, when in (
                (f"  {d['name']}{pad}  2021: ", "seed"),
                (f"  {'':<{width}}  now:  ", "now"),
            ):
                lines += wrap(d[key].get(when, "-"), columns, label, indent)
        lines.append("")
    # wrapped like the rows above: at 80 columns a source line took up to 249
    here = "Installed here (read from package metadata, nothing imported)"
    lines += wrap(here, columns, "", "  ")
    for d in data.values():
        pad = " " * (width - cells(d["name"]))
        lines.append(cut(f"  {d['name']}{pad}  {_installed(d['installed'])}", columns))
    lines += ["", "Sources"]
    for d in data.values():
        for key in ROWS:
            if d[key].get("source"):
                text = f"{d['name']}, {ROWS[key].lower()}: {d[key]['source']}"
                lines += wrap(text, columns, "  ", "    ")
    return "\n".join(lines) + "\n"


def _markdown(data: dict) -> str:
    from recommender.render.markdown_text import text

    def row(title: str, cells: Iterable[str]) -> str:
        return f"| {text(title)} | " + " | ".join(map(text, cells)) + " |"

    out = [row("", (d["name"] for d in data.values())), "|---" * (len(data) + 1) + "|"]
    for key, title in ROWS.items():
        out.append(row(f"{title} (2021)", (d[key].get("seed", "-") for d in data.values())))
        out.append(row(f"{title} (now)", (d[key].get("now", "-") for d in data.values())))
    out.append(row("Installed here", (_installed(d["installed"]) for d in data.values())))
    sources = [
        f"- {text(d['name'])}, {text(ROWS[key].lower())}: {text(d[key]['source'])}"
        for d in data.values()
        for key in ROWS
        if d[key].get("source")
    ]
    if sources:
        out += ["", "Sources:", "", *sources]
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    from recommender.render.terminal import printable

    fmt = chosen_format(args, FORMATS, "table")
    data = comparison(rulebase(args))
    if fmt == "json":
        from recommender.render.jsonout import json_text

        text = json_text({"schema_version": 1, "frameworks": data})
    else:
        text = _markdown(data) if fmt == "markdown" else _table(data, width(args.output))
        text = printable(text)
    emit(text, args.output)
    return ExitCode.OK
