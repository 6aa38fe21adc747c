"""Batch rows with bad bytes or bad JSON: each is one error record with its fix, and the other
rows are still scored. A stray NUL in one row of a text file is not binary data; a file that is
mostly binary is still refused at once (tests/test_input_encoding.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import example, given, settings
from hypothesis import strategies as st

from recommender.fileio import CUT_SHORT, JSON_PROBLEMS, json_error

GOOD = {"name": "good", "answers": {"hardware": "tpu"}}
LAST = {"name": "last", "answers": {"audience": "beginner"}}


def _batch_csv(path: Path) -> tuple[int, list[dict[str, str]], str]:
    code, out, err = cli("batch", str(path), "-f", "csv")
    return code, list(csv.DictReader(io.StringIO(out))), err


@pytest.mark.parametrize(
    "bad",
    [
        b'{"name": "n\x00ul", "answers": {}}',  # a raw NUL inside a string
        b"nul\x00byte",  # a NUL in a line that is no JSON at all
        b'{"name": "x", "answers": {"hardware": "tpu\x00"}}',
    ],
)
def test_a_row_with_a_nul_byte_is_one_error_record(tmp_path: Path, bad: bytes) -> None:
    """One such row in the first 64 KiB refused the whole file ("is not UTF-8 text (line 2): it
    holds a NUL byte, as binary files do"), every good row lost, exit 2."""
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"\n".join([json.dumps(GOOD).encode(), bad, json.dumps(LAST).encode()]))
    code, rows, err = _batch_csv(data)
    assert code == 1
    assert [(r["name"], r["winner"], bool(r["error"])) for r in rows] == [
        ("good", "jax", False),
        ("", "", True),
        ("last", "pytorch", False),
    ]
    assert rows[1]["error"].startswith(f"{data}:2:")
    assert "\x00" not in rows[1]["error"]
    assert "batch: 3 rows: 2 scored, 1 failed" in err


def test_a_csv_row_with_a_nul_byte_is_one_error_record(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_bytes(b"name,hardware\ngood,tpu\nbad,t\x00pu\nlast,cpu\n")
    code, rows, _ = _batch_csv(data)
    assert code == 1
    assert [(r["name"], bool(r["error"])) for r in rows] == [
        ("good", False),
        ("bad", True),
        ("last", False),
    ]
    assert rows[1]["error"].startswith(
        f'{data}:3:5: row 2: column 2: unknown option "t\\x00pu" for question "hardware" (did you '
        'mean "tpu"?)'
    )


def test_a_file_of_mostly_nul_lines_is_still_refused(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"\n".join([json.dumps(GOOD).encode()] + [b"\x00\x01\x02"] * 3))
    code, out, err = cli("batch", str(data))
    assert (code, out) == (2, "")
    assert err == (
        f"{data}: is not UTF-8 text (line 2): it holds a NUL byte, as binary files do; "
        "give the profiles as text saved as UTF-8\n"
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("nul", JSON_PROBLEMS["Expecting value"]),
        ("{'a': 1}", JSON_PROBLEMS["Expecting property name enclosed in double quotes"]),
        ('{"name" "x"}', JSON_PROBLEMS["Expecting ':' delimiter"]),
        ('{"name": "x" "answers": {}}', JSON_PROBLEMS["Expecting ',' delimiter"]),
        ('{"name": "a\tb"}', JSON_PROBLEMS["Invalid control character at"]),
        ('{"name": "\\q"}', JSON_PROBLEMS["Invalid \\escape"]),
        ('{"name": "\\u12"}', JSON_PROBLEMS["Invalid \\uXXXX escape"]),
        ("{} {}", JSON_PROBLEMS["Extra data"]),
    ],
)
def test_a_json_row_error_says_what_is_wrong_and_the_fix(
    tmp_path: Path, line: str, said: str
) -> None:
    """json's own words name no fix, and two ended in mid-sentence: "invalid JSON: Invalid
    control character at", "invalid JSON: Unterminated string starting at"."""
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps(GOOD) + "\n" + line + "\n", encoding="utf-8")
    code, rows, _ = _batch_csv(data)
    assert code == 1
    assert rows[0]["winner"] == "jax"
    error = rows[1]["error"]
    assert error.startswith(f"{data}:2:")
    assert error.endswith(f": row 2: invalid JSON: {said}")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
@example("\ufeff")  # json.loads's own BOM error, which hypothesis found once
def test_every_json_error_names_a_fix(text: str) -> None:
    """Whatever the text, a JSON error reads as a sentence with its fix: what json says is
    known (JSON_PROBLEMS), or one of the errors json_error names itself."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        said = json_error(exc)
        assert exc.msg in JSON_PROBLEMS or "comma before" in said or said.endswith(CUT_SHORT), said
        assert ";" in said


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_line_separator_in_a_row_never_ends_an_output_line(tmp_path: Path, fmt: str) -> None:
    """json writes U+2028 and U+2029 raw, and a line splitter (Python's str.splitlines) takes
    them for a line's end: a JSONL record with one in its name or its error split in two. They
    are escaped now, as a terminal's controls are, and the JSON means the same."""
    data = tmp_path / "in.jsonl"
    rows = [
        {"name": "a\u2028b\u2029c", "answers": {"os": "linux"}},
        {"name": "d", "answers": {"os\u2028x": "linux"}},  # an error record quotes the key
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, _ = cli("batch", str(data), "-f", fmt)
    assert code == 1
    assert "\u2028" not in out and "\u2029" not in out
    records = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else json.loads(out)
    assert [r["name"] for r in records] == ["a\u2028b\u2029c", "d"]
    assert '"os\u2028x"' in records[1]["error"]
