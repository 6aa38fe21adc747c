"""Error lines that name where the fault is, as the user wrote it: a control character in a
streamed batch document by line and column (libyaml names a byte offset), a CSV row's bad answer
by its cell, and a YAML answer YAML guessed the type of (``0x1F``, ``on``) by its text, not by
what Python made of it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import given, settings
from hypothesis import strategies as st

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
    line and column the whole text does (a byte-order mark that begins it is none of its
    characters, as libyaml drops it)."""
    text = "\ufeff" * marked + "\n".join(lines)
    bom = 3 if text.startswith("\ufeff") else 0
    raw = text.encode("utf-8")
    window = yamlio._Window(_Pieces(raw, sizes))
    while window.read(9):
        held = window.pieces[0][0]
        offsets = [o for o in range(max(held, bom), window.offset) if raw[o] & 0xC0 != 0x80]
        if offsets:
            at = data.draw(st.sampled_from(offsets))
            assert window.pos(at) == yamlio._text_pos(text[bom // 3 :], at - bom)
