"""``batch``'s output formats: every format has each row once and in order and a summary that
adds up (no count of zero, no winners line when no row was scored), the Markdown table names its
columns for what they hold, and control characters in a CSV cell show as escapes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outcomekit import NO_FIT, NONE, TIE, no_fit_rules

import recommender
from recommender.cli import main

RULES = recommender.load_rules(base=SHIPPED)


BAD_VALUES = ["novice", "none;mobile", "=1+1", "a|b", 7, True, None, [["x"]], {"a": 1}, ""]


def _rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    answers = {
        q.id: st.one_of(st.sampled_from(q.option_ids), st.sampled_from(BAD_VALUES))
        for q in RULES.questions
    }
    names = st.one_of(st.sampled_from(["=cmd", "+1", "-x", "@a", "a|b", "<b>x</b>"]), st.text())
    row = st.fixed_dictionaries({"name": names.filter(str.strip)}, optional=answers)
    return st.lists(st.one_of(row, st.sampled_from([NO_FIT, TIE, NONE])), min_size=1, max_size=8)


def _summed(summary: str) -> tuple[int, ...]:
    """(rows, scored, failed, every outcome counted) from the summary's lines."""
    head = summary.split("batch: ", 1)[1]
    rows, scored, failed = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", head)[:3])
    if "winners: " not in head:  # no row scored: no winners line
        return rows, scored, failed, 0
    wins = head.split("winners: ", 1)[1].splitlines()[0]
    outcomes = sum(int(n.replace(",", "")) for n in re.findall(r" (\d[\d,]*)(?: ·|$)", wins))
    return rows, scored, failed, outcomes


@pytest.mark.usefixtures("shipped_only")
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=_rows())
def test_every_format_has_each_row_once_in_order_and_the_summary_adds_up(rows):
    no_fit_rules()
    Path("b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    n = len(rows)
    code, out, err = cli("--rules", "qa-overlay", "batch", "b.jsonl", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in records] == list(range(1, n + 1)), records
    failed = sum(r["error"] is not None for r in records)
    assert code == (1 if failed else 0) and _summed(err) == (n, n - failed, failed, n - failed)
    for fmt, first in (("json", None), ("csv", 0), ("markdown", 1), ("table", 0)):
        out = cli("--rules", "qa-overlay", "batch", "b.jsonl", "-f", fmt, "-q")[1]
        if first is None:
            assert json.loads(out) == records
            continue
        if fmt == "csv":
            lines = list(csv.reader(io.StringIO(out)))[1:]
            cells = [line[0] for line in lines]
            names = [line[1] for line in lines]
            assert all(not x.startswith(("=", "+", "-", "@")) for x in names), names
        else:
            body = out.split("\n\n")[0].splitlines()[2 if fmt == "markdown" else 1 :]
            cells = [line.strip("| ").split()[0] for line in body]
        assert cells == [str(i) for i in range(1, n + 1)], out
        if fmt in ("markdown", "table"):
            assert _summed(out.split("\n\n", 1)[1]) == _summed(err), out


@pytest.mark.usefixtures("shipped_only")
def test_the_markdown_table_names_its_stack_column_for_what_it_holds(tmp_path: Path, capsys):
    # the column headed "companion" held the whole stack line (framework, library and routes)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"name": "phone", "answers": {"deployment": ["mobile"]}}\n')
    assert main(["batch", str(rows), "-f", "markdown", "-q"]) == 0
    head, _, first = capsys.readouterr().out.splitlines()[:3]
    cells = dict(zip(head.split(" | "), first.split(" | "), strict=True))
    assert "companion" not in cells
    assert cells["stack"].startswith(cells["winner"] + " + ") and "; mobile: " in cells["stack"]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_a_batch_with_no_row_scored_prints_no_winners_line(fmt: str):
    """Every row failed, yet the summary said "winners: tie 0"."""
    Path("b.jsonl").write_text('{"name": true}\n{"answers": 3}\n')
    code, out, err = cli("batch", "b.jsonl", "-f", fmt)
    summary = err if fmt == "jsonl" else out.split("\n\n", 1)[1]
    assert code == 1
    assert summary.splitlines()[-1] == "batch: 2 rows: 0 scored, 2 failed"
    assert "winners" not in summary


GOOD = '{"name": "p%d", "answers": {"audience": "beginner"}}'


@pytest.mark.usefixtures("shipped_only")
def test_the_summary_lists_no_count_of_zero():
    """It said "winners: PyTorch 2 · tie 0" and "confidence: none 0 · close 2 · clear 0"."""
    Path("b.jsonl").write_text(GOOD % 1 + "\n" + GOOD % 2 + "\n")
    code, _, err = cli("batch", "b.jsonl")
    _, out, _ = cli("batch", "b.jsonl", "-f", "table")
    lines = err.splitlines()
    assert code == 0 and lines[:3] == [
        "batch: 2 rows: 2 scored, 0 failed",
        "winners: PyTorch 2",
        "confidence: close 2",
    ]
    assert out.split("\n\n", 1)[1].splitlines() == lines  # the table's own summary, the same
    assert " 0 " not in " ".join(lines[1:]) + " "


@pytest.mark.usefixtures("shipped_only")
def test_control_characters_in_csv_cells_show_as_escapes():
    """An ESC or a bidi override in a name went raw into ``batch -f csv``, on a terminal a
    command to it; only a NUL was escaped. The cell reads as the table's does."""
    name = "a\x00b\x1b]0;title\x07c\u202ed\x85e"
    Path("b.jsonl").write_text(json.dumps({"name": name, "audience": "beginner"}) + "\n")
    code, out, _ = cli("batch", "b.jsonl", "-f", "csv", "-q")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["name"] == "a\\x00b\\x1b]0;title\\x07c\\u202ed\\x85e"
    assert not any(c in out for c in "\x00\x1b\x07\u202e\x85")
