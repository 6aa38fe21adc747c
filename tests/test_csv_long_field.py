"""A quoted CSV field over the field limit that spans many lines is one error row: the reader
skips to the end of its record (RFC 4180: a newline after an even count of ``"``) and the rows
after it are scored. Rows in = records out, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.batch import readers
from recommender.cli import main

LIMIT = 1 << 20


@pytest.fixture(autouse=True)
def mini_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    saved = csv.field_size_limit()
    yield
    csv.field_size_limit(saved)  # the csv module's limit is the process's, not the test's


def records(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, list[dict]]:
    capsys.readouterr()
    code = main(["batch", path, "-f", "jsonl", "-q"])
    out, _ = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()]


def test_the_rows_after_a_long_multi_line_field_are_scored(capsys, tmp_path: Path) -> None:
    field = ("x" * 99 + "\n") * 11_000  # 1.1 MB over 11,000 lines
    body = f'name,audience\n"{field}",beginner\nb,beginner\nc,researcher\n'
    (tmp_path / "ml.csv").write_text(body)
    code, got = records(capsys, "ml.csv")
    assert code == 1 and [r["row"] for r in got] == [1, 2, 3]
    assert got[0]["error"] == (
        "ml.csv:2: row 1: a field over the 1 MiB limit (its whole record is skipped); "
        "shorten the field"
    )
    assert [(r["name"], r["error"]) for r in got[1:]] == [("b", None), ("c", None)]
    assert all(r["winner"] or r["tie"] for r in got[1:])


def test_the_next_row_names_its_own_line(capsys, tmp_path: Path) -> None:
    field = ('say ""x""\n' + "y" * 1000 + "\n") * 1100  # doubled quotes inside the long field
    body = f'name,audience\n"{field}",beginner\nb,beginner,extra\n'
    (tmp_path / "q.csv").write_text(body)
    _, got = records(capsys, "q.csv")
    assert len(got) == 2 and "over the 1 MiB limit" in got[0]["error"]
    assert got[1]["error"].startswith(
        f"q.csv:{3 + 2 * 1100}: row 2: the row has 3 cells, the header has 2; "
    )


def test_a_field_over_the_limit_that_ends_in_the_file_is_one_row(capsys, tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text('name,audience\nb,beginner\n"' + ("x" * 99 + "\n") * 11_000)
    _, got = records(capsys, "e.csv")
    assert [(r["name"], r["error"] is None) for r in got] == [("b", True), (None, False)]
    assert got[1]["error"].startswith("e.csv:3: row 2: a field over the 1 MiB limit")


def test_the_skipped_record_is_never_held(tmp_path: Path) -> None:
    data = b'name,audience\n"' + (b"x" * 99 + b"\n") * 100_000 + b'",beginner\nb,beginner\n'
    source = readers.Source(io.BytesIO(data), "m.csv")  # 10 MB in one field
    tracemalloc.start()
    try:
        rows = list(readers.read_csv(source, {"audience": "Who"}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.name for r in rows] == [None, "b"] and peak < 6 * LIMIT, peak


def test_other_bad_rows_still_start_afresh(capsys, tmp_path: Path) -> None:
    (tmp_path / "cr.csv").write_text('name,audience\na"\rb,beginner\nc,beginner\n')
    _, got = records(capsys, "cr.csv")
    assert [r["name"] for r in got] == [None, "c"]
    assert "carriage return" in got[0]["error"]


# -- the property: records out = logical rows in, whatever the quoted fields hold --------------

TEXT = st.text(st.sampled_from('ab ,;"\n\ré'), max_size=30)


def _cell(text: str, quote: bool) -> str:
    if quote or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


ROW = st.lists(st.tuples(TEXT, st.booleans()), min_size=1, max_size=3)


def logical_rows(text: str) -> int:
    """Rows as the csv module reads them with no field limit, less the header and blank rows."""
    csv.field_size_limit(sys.maxsize)
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return sum(1 for r in rows if r and not (len(r) == 1 and not r[0].strip()))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=8), limit=st.integers(8, 24))
def test_records_out_equal_logical_rows_in(capsys, rows: list, limit: int) -> None:
    """The header fits any limit drawn (``audience`` is 8 characters); fields often do not."""
    body = "".join(",".join(_cell(t, q) for t, q in row) + "\n" for row in rows)
    text = "name,audience\n" + body
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(readers, "FIELD_LIMIT", limit)
        path = Path(tmp) / "in.csv"
        path.write_bytes(text.encode())
        code, got = records(capsys, str(path))
    if not logical_rows(text):  # a header alone holds no profile: refused as a whole
        assert (code, got) == (2, [])
        return
    assert code in (0, 1) and len(got) == logical_rows(text)
    assert [r["row"] for r in got] == list(range(1, len(got) + 1))
