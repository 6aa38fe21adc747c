"""Error lines that name where the fault is, as the user wrote it: a control character in a
streamed batch document by line and column (libyaml names a byte offset), a CSV row's bad answer
by its cell, and a YAML answer YAML guessed the type of (``0x1F``, ``on``) by its text, not by
what Python made of it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.batch import readers
from recommender.batch.readers import LOCATED_LINE
from recommender.rulebase import yamlio

CONTROL = "control characters are not allowed in YAML; remove the character U+001F"


@pytest.fixture()
def here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_control_character_in_a_batch_document_is_named_by_line_and_column(here: Path) -> None:
    team = "- name: a\n  audience: researcher\n- name: b\n  os: li\x1fnux\n"
    (here / "team.yaml").write_text(team)
    (here / "one.yaml").write_text("name: b\nanswers:\n  os: li\x1fnux\n")
    assert cli("batch", "team.yaml")[::2] == (2, f"team.yaml:4:9: {CONTROL}\n")
    # as recommend names it in a profile, and batch in a one-profile document
    assert cli("recommend", "--profile", "one.yaml")[::2] == (2, f"one.yaml:3:9: {CONTROL}\n")
    assert cli("batch", "one.yaml")[::2] == (2, f"one.yaml:3:9: {CONTROL}\n")


def test_the_column_counts_characters_past_a_byte_order_mark_and_wide_ones(here: Path) -> None:
    text = "\ufeff- name: é😀\n  os: «li»\x07\n"
    (here / "team.yaml").write_text(text, encoding="utf-8")
    message = CONTROL.replace("001F", "0007")
    assert cli("batch", "team.yaml")[::2] == (2, f"team.yaml:2:11: {message}\n")


def test_a_control_character_far_into_a_long_document_is_located(here: Path) -> None:
    rows = "".join(f"- name: n{i} é\n  os: linux\n" for i in range(3_000))
    (here / "team.yaml").write_text(rows + "- os: lin\x1fux\n", encoding="utf-8")
    code, _, err = cli("batch", "team.yaml", "-o", "out.jsonl")
    assert (code, err) == (2, f"team.yaml:6001:10: {CONTROL}\n")


class _Pieces(io.BytesIO):
    """A stream that gives its bytes in the sizes listed, whatever the reader asks for."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        super().__init__()
        self.data, self.sizes = data, sizes

    def read(self, size: int | None = -1) -> bytes:
        cut = self.sizes.pop(0) if self.sizes else len(self.data)
        piece, self.data = self.data[:cut], self.data[cut:]
        return piece


line_text = st.text(st.characters(codec="utf-8", exclude_characters="\n\r\x85\u2028\u2029"))


@settings(max_examples=200, deadline=None)
@given(
    st.booleans(),
    st.lists(line_text, min_size=1, max_size=6),
    st.lists(st.integers(1, 9), max_size=40),  # a piece may end inside a character
    st.data(),
)
def test_the_window_places_a_byte_as_the_whole_text_does(
    marked: bool, lines: list[str], sizes: list[int], data: st.DataObject
) -> None:
    """Read in pieces of any size (a character cut between two), the last two pieces name the
    line and column the whole text does, and the character at that line and column (a
    byte-order mark that begins it is none of its characters, as libyaml drops it); a parser
    names a character it has read whole."""
    text = "\ufeff" * marked + "\n".join(lines)
    bom = 3 if text.startswith("\ufeff") else 0
    raw = text.encode("utf-8")
    window = yamlio._Window(_Pieces(raw, sizes))
    while window.read(9):
        held = window.pieces[0][0]
        offsets = [
            o
            for o in range(max(held, bom), window.offset)
            if raw[o] & 0xC0 != 0x80 and o + len(raw[o:].decode()[:1].encode()) <= window.offset
        ]
        if offsets:
            at = data.draw(st.sampled_from(offsets))
            pos = window.pos(at)
            assert pos == yamlio._text_pos(text[bom // 3 :], at - bom)
            # and back: the character a parser error's mark names there
            assert pos is not None and window.char(*pos) == raw[at:].decode()[:1]


# -- a CSV row's bad answer: its cell, by column, and where the cell begins -----------------------

UNKNOWN_OS = 'unknown option "bsd" for question "os"; valid values: linux, macos, windows, wsl2'


def test_a_bad_csv_answer_names_its_cell(here: Path) -> None:
    (here / "team.csv").write_text(
        'name,audience,os\na,researcher,linux\n"b, ""the"" lab",researcher,bsd\n'
        '"c\nd",researcher, bsd\n'
    )
    code, out, _ = cli("batch", "team.csv", "-f", "jsonl", "-q")
    errors = [json.loads(line)["error"] for line in out.splitlines()]
    assert (code, errors) == (
        1,
        [
            None,
            f"team.csv:3:29: row 2: column 3: {UNKNOWN_OS}",
            # a record over two lines: the line the cell is on; the column where it begins (a space)
            f"team.csv:5:15: row 3: column 3: {UNKNOWN_OS}",
        ],
    )


def test_a_csv_record_too_long_to_keep_names_its_cell_alone(here: Path) -> None:
    (here / "team.csv").write_text(f"name,os\n{'n' * LOCATED_LINE},bsd\n")
    code, out, _ = cli("batch", "team.csv", "-f", "jsonl", "-q")
    assert (code, json.loads(out)["error"]) == (1, f"team.csv:2: row 1: column 2: {UNKNOWN_OS}")


def _quoted(text: str, always: bool) -> str:
    if always or any(c in text for c in ',"\r\n') or text.startswith(" "):
        return '"' + text.replace('"', '""') + '"'
    return text


CELL = st.text(st.sampled_from('ab ,;"\n\ré'), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(CELL, st.booleans()), min_size=1, max_size=6), st.data())
def test_cell_at_finds_the_cell_the_csv_module_reads(
    cells: list[tuple[str, bool]], data: st.DataObject
) -> None:
    record = ",".join(_quoted(text, always) for text, always in cells) + "\r\n"
    read = next(csv.reader(io.StringIO(record, newline=""), strict=True))
    index = data.draw(st.integers(0, len(cells)))
    at = readers.cell_at(record, index)
    if index == len(cells):
        assert at == -1
    else:
        rest = next(csv.reader(io.StringIO(record[at:], newline=""), strict=True))
        assert rest == read[index:] or rest == [] and read[index:] == [""]  # a blank line: []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.permutations(["name", "audience", "os", "domain"]),
    CELL.filter(lambda t: "\r" not in t),
    st.booleans(),
)
def test_the_named_cell_holds_the_bad_answer(
    here: Path, header: list[str], name: str, quote: bool
) -> None:
    """Whatever the name cell holds (commas, quotes, newlines), and wherever the columns stand,
    the message names the column of the bad answer and the line and column where it begins."""
    values = {"name": _quoted(name, quote), "audience": "researcher", "os": "bsd"}
    values["domain"] = _quoted("vision", quote)
    record = ",".join(values[h] for h in header) + "\n"
    start = sum(len(values[h]) + 1 for h in header[: header.index("os")])
    line = 2 + record.count("\n", 0, start)
    col = start - record.rfind("\n", 0, start)
    (here / "in.csv").write_text(",".join(header) + "\n" + record, newline="")
    code, out, _ = cli("batch", "in.csv", "-f", "jsonl", "-q")
    column = header.index("os") + 1
    assert (code, json.loads(out)["error"]) == (
        1,
        f"in.csv:{line}:{col}: row 1: column {column}: {UNKNOWN_OS}",
    )


# -- a YAML answer YAML guessed the type of: quoted as written -----------------------------------

EXPECTED = 'question "audience": expected one of beginner, researcher, production, got'
AS_WRITTEN = [
    ("0x1F", f"{EXPECTED} int 0x1F"),
    ("1_000", f"{EXPECTED} int 1_000"),
    ("010", f"{EXPECTED} int 010"),
    ("1:30", f"{EXPECTED} int 1:30"),
    (".inf", f"{EXPECTED} float .inf"),
    ("1.50", f"{EXPECTED} float 1.50"),
    ("[~]", f"{EXPECTED} null ~"),
    ("[Null]", f"{EXPECTED} null Null"),
    (
        "[0x1F, on]",
        'question "audience" takes one answer, got a list [0x1F, on]; valid values: '
        "beginner, researcher, production",
    ),
    (
        "yes",
        'unknown option yes (a boolean) for question "audience" (YAML reads an unquoted yes, no, '
        "on, off, true or false as a boolean; quote it if it is an option id); valid values: "
        "beginner, production, researcher",
    ),
    (
        "On",
        'unknown option On (a boolean) for question "audience" (YAML reads an unquoted yes, no, '
        "on, off, true or false as a boolean; quote it if it is an option id); valid values: "
        "beginner, production, researcher",
    ),
]


@pytest.mark.parametrize(("written", "message"), AS_WRITTEN)
def test_a_yaml_answer_is_quoted_as_written(here: Path, written: str, message: str) -> None:
    """By recommend, and by batch in each shape a YAML document gives a profile in: a list of
    profiles, a mapping of names, one profile, one flat profile."""
    (here / "p.yaml").write_text(f"name: p\nanswers:\n  audience: {written}\n")
    (here / "list.yaml").write_text(f"- name: p\n  audience: {written}\n")
    (here / "names.yaml").write_text(f"p:\n  audience: {written}\n")
    (here / "one.yaml").write_text(f"name: p\nanswers:\n  audience: {written}\n")
    (here / "flat.yaml").write_text(f"name: p\naudience: {written}\n")
    item = written.startswith("[") and "takes one" not in message  # at the item, in its list
    code, _, err = cli("recommend", "--profile", "p.yaml")
    assert (code, err) == (2, f"p.yaml:3:{13 + item}: {message}\n")
    for name, line, col in [("list", 2, 13), ("names", 2, 13), ("one", 3, 13), ("flat", 2, 11)]:
        where = f"{line}:{col + item}"
        code, out, _ = cli("batch", f"{name}.yaml", "-f", "jsonl", "-q")
        error = json.loads(out)["error"]
        assert (code, error) == (1, f"{name}.yaml:{where}: row 1: {message}")


def test_a_json_null_in_a_list_is_null_not_nonetype(here: Path) -> None:
    (here / "p.json").write_text('{"answers": {"team_knows": [null]}}')
    (here / "in.jsonl").write_text('{"team_knows": [null]}\n')
    got = 'question "team_knows": expected one of tensorflow, pytorch, jax, none, got null'
    assert cli("recommend", "--profile", "p.json")[::2] == (2, f"p.json:1:29: {got}\n")
    code, out, _ = cli("batch", "in.jsonl", "-f", "jsonl", "-q")  # at the list: JsonSpot
    assert (code, json.loads(out)["error"]) == (1, f"in.jsonl:1:16: row 1: {got}")


def test_a_bad_item_of_a_list_answer_is_named_at_the_item(here: Path) -> None:
    """A block list begins lines above its bad item, and the message named the list's line."""
    answers = "  team_knows:\n    - pytorch\n    - 0x1F\n"
    (here / "p.yaml").write_text(f"name: p\nanswers:\n{answers}")
    (here / "team.yaml").write_text(f"- name: p\n{answers}")
    (here / "p.json").write_text('{"answers": {"team_knows": ["jax", null]}}')
    got = 'question "team_knows": expected one of tensorflow, pytorch, jax, none, got'
    assert cli("recommend", "--profile", "p.yaml")[::2] == (2, f"p.yaml:5:7: {got} int 0x1F\n")
    assert cli("recommend", "--profile", "p.json")[::2] == (2, f"p.json:1:36: {got} null\n")
    code, out, _ = cli("batch", "team.yaml", "-f", "jsonl", "-q")
    assert (code, json.loads(out)["error"]) == (1, f"team.yaml:4:7: row 1: {got} int 0x1F")


def test_a_character_that_cannot_start_a_token_is_named_in_a_batch_too(here: Path) -> None:
    """A streamed document's text is not at hand, and batch said "found character that cannot
    start any token" with a guess at the fix, where recommend names it and its fix."""
    (here / "team.yaml").write_text("\ufeff- name: é\n  os: @linux\n", encoding="utf-8")
    (here / "one.yaml").write_text("name: ééé\nanswers:\n  os: `linux\n", encoding="utf-8")
    found = (
        "invalid YAML: while scanning for the next token found '{}', which cannot start any token"
    )
    assert cli("batch", "team.yaml")[::2] == (
        2,
        f"team.yaml:2:7: {found.format('@')}; quote the value\n",
    )
    said = (2, f"one.yaml:3:7: {found.format('`')}; quote the value\n")
    assert cli("batch", "one.yaml")[::2] == cli("recommend", "--profile", "one.yaml")[::2] == said
