"""Which bad input is a row's error record and which refuses the whole file: a stray NUL in a text
file is one row's error, but a file that begins as a binary kind does is refused at once, even
when most of its first lines read as text (a PDF's do)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import cli

# A PDF's head: its object syntax is text, a stream's bytes are binary (a NUL, bytes that do not
# decode), and the comment on its second line is binary by convention.
PDF = (
    b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n1 0 obj\n<<\n/Length 40\n/Filter /FlateDecode\n>>\nstream\n"
    b"x\x9c\x00\x01\xff\xfe\x00\nendstream\nendobj\n"
    + b"".join(b"%d 0 obj\n<< /Type /Page /Parent 1 0 R >>\nendobj\n" % n for n in range(2, 40))
)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".json"])
def test_a_pdf_is_refused_as_a_pdf_though_most_of_its_lines_are_text(
    tmp_path: Path, suffix: str
) -> None:
    """Since a NUL row became an error record, a PDF given as JSONL became ~120 error records
    (exit 1), as CSV a header of unknown question "%PDF-1.5", as JSON "not UTF-8 text (byte
    10)"; each was refused as a PDF before."""
    data = tmp_path / f"in{suffix}"
    data.write_bytes(PDF)
    code, out, err = cli("batch", str(data), "-f", "jsonl")
    assert (code, out) == (2, "")
    assert err == (
        f"{data}: is not UTF-8 text (line 1): a PDF document; "
        "give the profiles as text saved as UTF-8\n"
    )


def test_a_zip_of_text_rows_is_refused_as_a_zip(tmp_path: Path) -> None:
    """A zip that stores its file uncompressed is mostly lines of text: the rows inside were
    scored, the zip's own headers error records around them (exit 1)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr("rows.jsonl", '{"name": "p", "answers": {"os": "linux"}}\n' * 60)
    data = tmp_path / "in.jsonl"
    data.write_bytes(archive.getvalue())
    code, out, err = cli("batch", str(data), "-f", "jsonl")
    assert (code, out) == (2, "")
    assert err == (
        f"{data}: is not UTF-8 text (line 1): a zip archive (an .xlsx workbook is one); "
        "save the sheet as CSV UTF-8\n"
    )


def test_a_text_file_that_starts_like_a_pdf_name_is_still_read(tmp_path: Path) -> None:
    """Only a file with bytes that are not text is binary: a CSV whose first cell begins with
    "%PDF-" is a header to check, as before."""
    data = tmp_path / "in.csv"
    data.write_bytes(b"%PDF-1.5,hardware\nx,cpu\n")
    code, out, err = cli("batch", str(data), "-f", "jsonl")
    assert (code, out) == (2, "")
    assert err.startswith(f'{data}:1: header column 1: unknown question "%PDF-1.5"')


@pytest.mark.parametrize(
    ("document", "col", "problem"),
    [
        ('[{"name": "a"} {"name": "b"}]', 16, "Expecting ',' delimiter"),
        ('{"a": {"name": "a"} "b": {}}', 21, "Expecting ',' delimiter"),
        ('{"a" {"name": "a"}}', 6, "Expecting ':' delimiter"),
        ('{"a": {"name": "a"}, 7: {}}', 22, "Expecting property name enclosed in double quotes"),
        ('[{"name": "a"}] x', 17, "Extra data"),
    ],
)
def test_a_json_document_s_syntax_error_names_the_fix_as_a_jsonl_row_s_does(
    tmp_path: Path, document: str, col: int, problem: str
) -> None:
    """The batch document reader said json's words alone ("Expecting ',' or ']' delimiter",
    "Expecting ':'", "Extra data") where the same slip in a JSONL row or a profile said what to
    do (fileio.JSON_PROBLEMS)."""
    from recommender.fileio import JSON_PROBLEMS

    data = tmp_path / "in.json"
    data.write_text(document + "\n", encoding="utf-8")
    code, _, err = cli("batch", str(data), "-f", "jsonl")  # the rows before it are written
    assert (code, err) == (2, f"{data}:1:{col}: invalid JSON: {JSON_PROBLEMS[problem]}\n")


def test_a_row_located_by_its_json_is_a_value(tmp_path: Path) -> None:
    """What locates a JSON row's answers is a value as every other is (@frozen): it was a class
    of its own compared by identity, so the same line read twice gave rows that differed."""
    import dataclasses

    from recommender.batch.readers import READERS, JsonSpot, Source

    line = b'{"name": "a", "answers": {"os": "linux"}}\n'
    first, again = (list(READERS["jsonl"](Source(io.BytesIO(line), "x.jsonl"), {})) for _ in "ab")
    spot = first[0].where
    assert first == again and isinstance(spot, JsonSpot)
    assert dataclasses.is_dataclass(JsonSpot) and spot.at("os") == (1, 33)
