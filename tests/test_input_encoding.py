"""Bytes that are not the UTF-8 text a user meant: binary files and random bytes are refused
before any row (and after text rows, which are kept), scattered bad rows are a record each,
UTF-16, byte-order marks, lone CR line endings and endless lines are named with the fix."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cli, run_cli
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recommender.batch.readers import READERS, Source


def test_a_utf16_batch_yaml_is_not_utf8_even_when_its_mark_comes_a_byte_at_a_time(
    tmp_path: Path,
) -> None:
    # YAML's parser read UTF-16 by its byte-order mark, so batch scored what recommend refused
    data = "- {name: lab, audience: researcher}\n".encode("utf-16")
    (tmp_path / "u.yaml").write_bytes(data)
    done = run_cli("batch", "u.yaml", "-q", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "u.yaml: not UTF-8 text (byte 0); save the file as UTF-8\n"
    writer = [
        sys.executable,
        "-c",
        "import sys, time; d = sys.stdin.buffer.read(); o = "
        "sys.stdout.buffer; o.write(d[:1]); o.flush(); time.sleep(0.3); o.write(d[1:])",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(writer, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as feed:
        assert feed.stdin is not None
        feed.stdin.write(data)
        feed.stdin.close()
        batch = [sys.executable, "-m", "recommender", "batch", "-", "--input-format", "yaml"]
        done2 = subprocess.run(batch, stdin=feed.stdout, capture_output=True, text=True, env=env)
    assert (done2.returncode, done2.stdout) == (2, "")
    assert done2.stderr == "<stdin>: not UTF-8 text (byte 0); save the file as UTF-8\n"


ENDLESS = (
    "<stdin>:1: the line goes on past 1 GiB with no newline, so this is not JSONL or CSV text; "
    "the rest of it is not read\n"
)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_endless_line_on_stdin_is_refused_and_the_old_output_kept(
    tmp_path: Path, fmt: str
) -> None:
    """``batch - < /dev/zero`` drained its one line for ever: over 1 MiB a line is read and
    dropped in pieces until its newline, which never came. Past 1 GiB it is now exit 2 with one
    line, and ``-o``'s old file is kept, with no temporary file left beside it."""
    out = tmp_path / f"out.{fmt}"
    out.write_text("OLD")
    with open("/dev/zero", "rb") as zero:
        done = run_cli(
            "batch", "-", "--input-format", fmt, "-o", str(out), cwd=tmp_path, stdin=zero.fileno()
        )
    assert (done.returncode, done.stderr, done.stdout) == (2, ENDLESS, "")
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


TEXT_ROW = b'{"name": "p", "answers": {"os": "linux"}}\n'


SAVE = "give the profiles as text saved as UTF-8"


def _random_bytes(size: int, seed: int = 27) -> bytes:

    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_random_bytes_on_stdin_are_refused_before_any_row(tmp_path: Path, fmt: str) -> None:
    """``batch - < /dev/urandom`` gave an error record a line, for ever; random bytes now are
    one line and exit 2, with nothing on stdout."""
    data = tmp_path / "random.bin"
    data.write_bytes(_random_bytes(200_000))
    with data.open("rb") as stdin:
        done = run_cli("batch", "-", "--input-format", fmt, stdin=stdin.fileno())
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("<stdin>: is not UTF-8 text (line ")
    assert done.stderr.endswith(f"): it holds a NUL byte, as binary files do; {SAVE}\n")
    assert done.stderr.count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="needs /dev/urandom")
def test_dev_urandom_itself_ends_at_once() -> None:
    with open("/dev/urandom", "rb") as stdin:
        done = run_cli("batch", "-", "--input-format", "jsonl", stdin=stdin.fileno())
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert "is not UTF-8 text (line " in done.stderr


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, mtime=0)


BINARY_FILES = [
    (
        "rows.jsonl",
        lambda: _gzip(TEXT_ROW * 3),
        "gzip-compressed data; decompress it first "
        "(gzip -dc FILE | recommender batch - --input-format FORMAT)",
        1,
    ),
    (
        "rows.csv",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        f"a PNG image; {SAVE}",
        1,
    ),
    (
        "rows.jsonl",
        lambda: "\ufeff".encode("utf-16-le") + TEXT_ROW.decode().encode("utf-16-le") * 2,
        "UTF-16 text; save it as UTF-8",
        1,
    ),
    (
        "rows.csv",
        lambda: b"PK\x03\x04\x14\x00\x06\x00" + bytes(100),
        "a zip archive (an .xlsx workbook is one); save the sheet as CSV UTF-8",
        1,
    ),
    (
        "rows.jsonl",
        lambda: TEXT_ROW + b"\xff\xfe\xfd\n" * 3,
        f"most of its first lines do not decode; {SAVE}",
        2,
    ),
]


@pytest.mark.parametrize(("name", "make", "what", "line"), BINARY_FILES)
def test_a_binary_file_is_named_for_what_it_is(
    tmp_path: Path, name: str, make, what: str, line: int
) -> None:
    """A gzip of a JSONL (named ``.jsonl``), a PNG or a workbook named ``.csv``, a UTF-16 file:
    each gave a screen of error records ("row 1: not UTF-8 text (byte 1)", "invalid JSON")."""
    path = tmp_path / name
    path.write_bytes(make())
    code, out, err = cli("batch", str(path))
    assert (code, out, err) == (2, "", f"{path}: is not UTF-8 text (line {line}): {what}\n")


def test_one_bad_row_in_text_is_still_one_error_record(tmp_path: Path) -> None:
    """Text with a Latin-1 byte in one row is text: that row is an error record, the rest scored."""
    path = tmp_path / "rows.jsonl"
    path.write_bytes(TEXT_ROW + b'{"name": "caf\xe9"}\n' + TEXT_ROW)
    code, out, err = cli("batch", str(path), "-f", "jsonl")
    assert code == 1
    assert [r.count('"error": null') for r in out.splitlines()] == [1, 0, 1]
    assert err.startswith(f"{path}:2: row 2: not UTF-8 text (byte 13); save the file as UTF-8\n")


@pytest.mark.parametrize("rows", [2000, 1000])
def test_binary_after_text_stops_the_run_and_keeps_the_old_output(
    tmp_path: Path, rows: int
) -> None:
    """Text past the first 64 KiB, then binary data (a text head on /dev/urandom): an error
    record per binary line, without end. Now about 100 such lines stop the run, exit 2, and
    ``-o``'s old file is kept, with no temporary file left. The lines in the first 64 KiB count
    too (1,000 rows of text end inside it)."""
    head = TEXT_ROW * rows
    path = tmp_path / "rows.jsonl"
    binary = _random_bytes(400_000).replace(b"\0", b"\1").replace(b"\n", b"\n\xff")
    path.write_bytes(head + binary)  # no NUL: one would refuse it in the first 64 KiB
    out = tmp_path / "out.jsonl"
    out.write_text("OLD")
    code, stdout, err = cli("batch", str(path), "-o", str(out), "-q")
    assert (code, stdout) == (2, "")
    assert err.startswith(f"{path}:")
    assert err.endswith(
        ": is not UTF-8 text from about here on (NUL bytes, bytes that do not decode: binary "
        f"data), so the rest is not read; {SAVE}\n"
    )
    line = int(err.split(":")[1])
    assert rows + 90 <= line <= rows + 110
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "rows.jsonl"]


def test_scattered_bad_rows_in_a_long_text_never_stop_it(tmp_path: Path) -> None:
    """One bad row in every three, over 300 KiB: still text, every row read."""
    bad = b'{"name": "caf\xe9"}\n'
    path = tmp_path / "rows.jsonl"
    path.write_bytes((TEXT_ROW * 2 + bad) * 2500)
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert code == 1
    assert len(out.splitlines()) == 1 + 7500


@pytest.mark.skipif(not os.path.exists("/dev/urandom"), reason="needs /dev/urandom")
def test_random_bytes_as_a_json_document_are_refused_in_the_first_block() -> None:
    """``batch - --input-format json < /dev/urandom`` read 64 MiB, then said "over the 64 MiB
    limit for a YAML or JSON document; use JSONL or CSV", the wrong fix."""
    with open("/dev/urandom", "rb") as stdin:
        done = run_cli("batch", "-", "--input-format", "json", stdin=stdin.fileno())
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert done.stderr.startswith("<stdin>: is not UTF-8 text (line ")


def test_a_json_document_of_one_long_line_is_still_read(tmp_path: Path) -> None:
    """The first 64 KiB of a one-line document end inside a character: that is not binary."""
    path = tmp_path / "rows.json"
    path.write_text('[{"name": "' + "é" * 40_000 + '", "answers": {"os": "linux"}}]')
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, len(out.splitlines())) == (0, 2)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_a_json_document_of_a_byte_order_mark_alone_is_empty(tmp_path: Path, data: bytes) -> None:
    """It was "invalid JSON: Expecting value", where JSONL, CSV and YAML say the input is empty."""
    path = tmp_path / "rows.json"
    path.write_bytes(data)
    message = (
        f"{path}: the input is empty; expected a list of profiles or a mapping of name: answers\n"
    )
    assert cli("batch", str(path)) == (2, "", message)


LONE_CR = (
    "its lines end with CR alone (classic Mac OS line endings), so it reads as one line; save "
    "it with LF or CRLF line endings"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rows.csv", b"name,os\ra,linux\rb,windows\r"),
        ("rows.jsonl", b'{"name": "a"}\r{"name": "b"}\r'),
    ],
)
def test_a_file_with_lone_cr_line_endings_is_one_line_with_the_fix(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """The CSV said "the header row: a carriage return (CR) inside an unquoted field; quote
    the field or remove the CR" (removing them joins the rows); the JSONL was one error record,
    "invalid JSON: Extra data", every profile lost, exit 1."""
    path = tmp_path / name
    path.write_bytes(data)
    assert cli("batch", str(path)) == (2, "", f"{path}: {LONE_CR}\n")


def test_a_quoted_cr_in_a_csv_field_is_still_a_field(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b'name,os\r\n"a\rb",linux\r\n')
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, out.count("\n1,"), out.count("\n2,")) == (0, 1, 0)


GOOD = st.sampled_from([TEXT_ROW, b'{"name": "\xc3\xa9t\xc3\xa9"}\n', b"{oops\n", b"[]\n"])


BAD = st.sampled_from([b'{"name": "caf\xe9"}\n', b"\xff\xfe\n", b'{"os": "\xc0\xaf"}\n'])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(GOOD.map(lambda r: (True, r)), BAD.map(lambda r: (False, r))),
        min_size=1,
        max_size=400,
    )
)
def test_text_with_scattered_bad_rows_gives_a_record_per_row(lines: list) -> None:
    """Bad rows no more than half of the lines and never more than nine in a row: every row is
    read (a record each), none refused as binary. The JSONL reader is the one under test."""
    run = longest = 0
    for good, _ in lines:
        run = 0 if good else run + 1
        longest = max(longest, run)
    bad = sum(not good for good, _ in lines)
    assume(longest <= 9 and bad * 2 <= len(lines))
    data = b"".join(row for _, row in lines)
    rows = list(READERS["jsonl"](Source(io.BytesIO(data), "x.jsonl"), {}))
    assert len(rows) == len(lines)
    assert all(
        row.error is not None for (good, _), row in zip(lines, rows, strict=True) if not good
    )


def test_a_csv_saved_with_two_byte_order_marks_is_read(tmp_path: Path) -> None:
    """The second mark stayed in the first column's name: 'unknown question "\\ufeffname" (did
    you mean "name"?)', the mark invisible, so the two names looked the same."""
    path = tmp_path / "rows.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfname,os\na,linux\n")
    code, out, _ = cli("batch", str(path), "-f", "csv", "-q")
    assert (code, out.splitlines()[1].split(",")[:2]) == (0, ["1", "a"])
