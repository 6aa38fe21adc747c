"""The JSONL read path's shortcut agrees with what it stands in for: ``readers._read_row``
sets a Row's slots without its generated ``__init__``, and must give exactly the Row (and its
JsonSpot) that the constructors give, on random input. A repeated key stays the row's error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.batch.readers import JsonSpot, Row, _read_row
from recommender.cli import main


@pytest.mark.parametrize(
    "line",
    [
        '{"name": "p", "audience": "beginner", "audience": "researcher"}',
        '{"name": "p", "answers": {"audience": "beginner", "audience": "researcher"}}',
        '{"name": "p", "name": "q", "answers": {"audience": "beginner"}}',
    ],
)
def test_a_repeated_key_is_still_the_rows_error(
    line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"name": "ok", "audience": "beginner"}\n' + line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = 0
    try:
        main(["batch", str(src), "-o", str(out), "--quiet"])
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code in (0, 1)
    records = [json.loads(r) for r in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and records[0].get("error") is None
    key = "name" if '"q"' in line else "audience"
    assert records[1]["error"] == f'{src}:2: row 2: duplicate key "{key}"'


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10**6),
    st.one_of(st.none(), st.text(max_size=5)),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=3),
    st.binary(max_size=40) | st.binary(min_size=(16 << 10) + 1, max_size=(16 << 10) + 2),
    st.booleans(),
    st.integers(1, 10**6),
)
def test_read_row_is_the_rows_constructor(
    n: int, name: str | None, answers: dict[str, str], line: bytes, nested: bool, line_no: int
) -> None:
    row = _read_row(n, name, answers, line, nested, line_no)
    spot = JsonSpot(line, nested, line=line_no) if len(line) <= 16 << 10 else None
    want = Row(n, name, answers, where=spot, line=line_no)
    assert row == want and repr(row) == repr(want)
    assert row.where is None or (row.where == spot and hash(row.where) == hash(spot))
