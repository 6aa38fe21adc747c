"""Every rule-base name the pages put into a sentence is isolated (FSI ... PDI), in the markup:
the confidence note, the what-if's headline, the team table's stack and the report's title; the
isolation is balanced and changes nothing else. tests/browser/test_bidi_page.py shows the same in
a real chromium."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from conftest import cli
from html_support import FSI, PDI, RLO, block, evil_overlay
from hypothesis import given
from hypothesis import strategies as st

from recommender.render.html.markup import balanced


@given(st.text(alphabet=st.sampled_from("ab\u2066\u2067\u2068\u2069\u202e\u202c"), max_size=30))
def test_balanced_pairs_isolates_and_changes_nothing_else(text: str):
    out = balanced(text)
    depth = 0
    for c in out:
        depth += c in "\u2066\u2067\u2068"
        depth -= c == PDI
        assert depth >= 0  # no PDI closes an isolate it did not open (the <bdi>'s own)
    assert depth == 0
    assert out.replace(PDI, "") == text.replace(PDI, "")
    assert balanced(out) == out


def shown_text(page: str, element_id: str) -> str:
    m = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert m, element_id
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))


def test_the_confidence_note_isolates_each_name(on_mini, tmp_path: Path):
    overlay = evil_overlay(tmp_path)
    out = tmp_path / "r.html"
    argv = ["recommend", "--rules", str(overlay), "-a", "audience=beginner"]
    assert cli(*argv, "-o", str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    evil = FSI + RLO + "Evil FW" + PDI  # the stray PDI dropped, the isolate closed
    note = shown_text(page, "confidence-note")
    assert f"os: Linux \u2192 {evil}; os: Windows \u2192 {evil}" in note
    assert RLO + "Evil" not in note.replace(FSI + RLO, "")  # no name outside an isolate
    # the terminal's note is the same sentence, the controls shown as escapes
    brief = cli(*argv)[1]
    assert "os: Linux \u2192 \\u2069\\u202eEvil FW (and 3 more)." in brief


def test_the_team_tables_stack_isolates_the_library(on_mini, tmp_path: Path):
    overlay = evil_overlay(tmp_path)
    source, out = tmp_path / "t.jsonl", tmp_path / "t.html"
    source.write_text('{"name": "b", "answers": {"audience": "beginner", "os": "linux"}}\n')
    assert cli("batch", str(source), "--rules", str(overlay), "-o", str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    (row,) = block(page, "rows-data")["rows"]
    assert row[6] == f"{FSI}{RLO}Evil FW{PDI} + {FSI}{RLO}Evil Lib{PDI}"
    assert shown_text(page, "lede") == f"{FSI}{RLO}Evil FW{PDI} fits 1 of 1 scored profile (100%)."


def test_the_report_headline_isolates_the_library_and_the_title_the_profile(
    on_mini, tmp_path: Path
):
    overlay = evil_overlay(tmp_path)
    profile = tmp_path / "p.yaml"
    profile.write_text(
        f"name: {json.dumps(RLO + 'lab')}\nanswers: {{audience: beginner, os: linux}}\n"
    )
    out = tmp_path / "r.html"
    assert (
        cli("recommend", "--rules", str(overlay), "--profile", str(profile), "-o", str(out))[0] == 0
    )
    page = out.read_text(encoding="utf-8")
    assert shown_text(page, "headline") == (
        f"Recommended: {FSI}{RLO}Evil FW{PDI} with {FSI}{RLO}Evil Lib{PDI}"
    )
    found = re.search(r"<title>(.*?)</title>", page)
    assert found is not None
    title = html.unescape(found.group(1))
    assert title.endswith(f" for {FSI}{RLO}lab{PDI}")
