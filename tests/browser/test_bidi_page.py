"""Untrusted text in a real chromium stays in its place: a bidi override, a stray PDI or a
240-letter word in rule text, an overlay's labels or framework name, or a right-to-left profile
name moves nothing around it and stays inside the page; the isolation is Python's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import SHIPPED_RULES, cli
from html_support import (
    FLIP,
    FSI,
    PDI,
    PLACES,
    RLO,
    block,
    evil_overlay,
    hostile_rules,
    in_order,
)

from browser.browserkit import Watched
from browser.test_team_page import team_page
from recommender.render.html.markup import balanced, isolated
from recommender.render.html.report import render_html
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import rank


def test_hostile_rule_text_stays_in_place_and_inside_the_page(on_mini, tab_800, tmp_path: Path):
    out = tmp_path / "report.html"
    argv = ["recommend", "--rules", str(hostile_rules(tmp_path)), "-a", "deployment=edge"]
    code, _, err = cli(*argv, "-o", str(out))
    assert code == 0, err
    page = tab_800.visit(out).page
    # the override reversed the rest of its line: " Source: plain" was drawn before "evil"
    where = page.evaluate(PLACES, ["#dealbreakers li", "evil"])
    after = where["source"][0] >= where["text"][1] - 0.5  # on the same line, to its right
    assert after or where["source"][1] >= where["text"][2]  # or on a line below
    # a 240-letter word made the page wider than the window (a horizontal scroll bar)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    # the what-if's reasons: the rule's text in an isolate, the points before it
    assert page.locator("#whatif-reasons li bdi").first.text_content() == FLIP
    tab_800.assert_clean(out)


def test_overlay_labels_in_a_sentence_stay_in_place(on_mini, tab_800, tmp_path: Path):
    # an overlay's question and option labels are joined into sentences ("What would change
    # this", the open questions); an override in one reversed the items after it (QA, stop 27)
    overlay = tmp_path / "labels"
    overlay.mkdir()
    (overlay / "questions.yaml").write_text(
        "questions:\n"
        "  - id: hostile_q\n"
        f"    text: {json.dumps('Q' + RLO + 'text')}\n"
        "    help: h\n"
        "    kind: single\n"
        "    options:\n"
        f"      - {{id: x, label: {json.dumps(PDI + RLO + 'evil')}}}\n"
        "      - {id: y, label: plain}\n",
        encoding="utf-8",
    )
    (overlay / "rules.yaml").write_text(
        "rules:\n"
        "  - {id: hq-x, when: {hostile_q: x}, score: {tensorflow: 5}, because: b, source: s}\n"
        "  - {id: hq-y, when: {hostile_q: y}, score: {tensorflow: 5}, because: b, source: s}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    code, _, err = cli(
        "recommend", "--rules", str(overlay), "-a", "audience=beginner", "-o", str(out)
    )
    assert code == 0, err
    page = tab_800.visit(out).page
    assert in_order(page, "#what-would-change li", "evil", "plain")
    assert in_order(page, "#what-would-change li", "text", "evil")
    tab_800.assert_clean(out)


def test_an_overlay_framework_name_stays_in_place(on_mini, tab_800, tmp_path: Path):
    # an overlay may add a framework; an override in its name reversed the rest of the why-not
    # title: "Why not <RLO>Evil FW (0.3 points behind)" (QA, stop 27)
    overlay = evil_overlay(tmp_path)
    out = tmp_path / "report.html"
    argv = ["recommend", "--rules", str(overlay), "-a", "audience=beginner"]
    code, _, err = cli(*argv, "-o", str(out))
    assert code == 0, err
    rec = json.loads(cli(*argv, "-f", "json")[1])
    assert block(out.read_text(encoding="utf-8"), "report-data") == rec  # the data as it was
    assert rec["why_not"]["framework"] == "evilfw"
    page = tab_800.visit(out).page
    assert in_order(page, "#why-not h2", "Evil", "behind")
    # the what-if's ranking, drawn by the page's script: the score after the name
    assert in_order(page, "#whatif-ranking li", "Evil", "+2.2")
    samples = ["", "a", PDI, PDI + RLO + "x", "\u2068a", "\u2067\u2069\u2069b\u2066", "x\U0001f680"]
    assert page.evaluate("(xs) => xs.map(balanced)", samples) == [balanced(x) for x in samples]
    tab_800.assert_clean(out)


def test_names_in_the_note_and_the_whatif_stay_in_place(on_mini, tab_800, tmp_path: Path):
    # "os: Linux → <PDI><RLO>Evil FW; os: Windows → …": the override reversed the rest of the
    # note, and of the what-if's "With these answers: Evil FW (as in the report)" (QA, stop 28)
    overlay = evil_overlay(tmp_path)
    out = tmp_path / "r.html"
    assert (
        cli("recommend", "--rules", str(overlay), "-a", "audience=beginner", "-o", str(out))[0] == 0
    )
    page = tab_800.visit(out).page
    assert in_order(page, "#confidence-note", "Evil", "Windows")
    page.select_option('select[data-question="os"]', "linux")
    assert page.text_content("#whatif-winner") == (
        f"With these answers: {FSI}{RLO}Evil FW{PDI} (the report says PyTorch)"
    )
    assert in_order(page, "#whatif-winner", "Evil", "report says")
    assert in_order(page, "#whatif-reasons p", "Evil Lib", "Top reasons")
    tab_800.assert_clean(out)


def test_the_pages_isolated_is_pythons(on_mini, tab_800, tmp_path: Path):
    out = tmp_path / "r.html"
    assert cli("recommend", "-a", "audience=beginner", "-o", str(out))[0] == 0
    page = tab_800.visit(out).page
    samples = [
        "",
        "JAX",
        PDI + RLO + "x",
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 lib",  # Arabic
        "\U00010900",  # Phoenician, outside the BMP
        "a\u200eb",
        "\u061c",
        "\u2066open",
        "x\U0001f680",
    ]
    assert page.evaluate("(xs) => xs.map(isolated)", samples) == [isolated(x) for x in samples]


RTL_NAME = "\u05e9\u05dc\u05d5\u05dd!"  # "shalom!": read right to left, the "!" ends up leftmost


X_OF = """([selector, ch]) => {
  const root = document.querySelector(selector);
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const at = node.data.indexOf(ch);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect().left;
  }
  return null;
}"""


def laid_out_right_to_left(page: Any, selector: str) -> bool:
    """Whether the name in ``selector`` is laid out as its own right-to-left text: its "!" left
    of its first letter. In the page's left-to-right line, unisolated, the "!" goes right."""
    bang = page.evaluate(X_OF, [selector, "!"])
    shin = page.evaluate(X_OF, [selector, RTL_NAME[0]])
    assert bang is not None and shin is not None
    return bool(bang < shin)


def test_a_right_to_left_name_is_isolated_in_the_report(tab, tmp_path: Path):
    rec = rank(
        normalize_answers({"audience": "beginner"}, SHIPPED_RULES), SHIPPED_RULES, profile=RTL_NAME
    )
    path = tmp_path / "report.html"
    path.write_text(render_html(rec, SHIPPED_RULES), encoding="utf-8")
    page = tab.visit(path).page
    assert page.text_content("#profile-name") == RTL_NAME
    assert laid_out_right_to_left(page, "header .kicker")
    assert page.title().endswith(f" for \u2068{RTL_NAME}\u2069")
    tab.assert_clean(path)


def test_a_right_to_left_name_is_isolated_in_the_team_table(browser, tmp_path: Path):
    rows = [{"name": RTL_NAME, "audience": "beginner"}, {"name": "lab", "audience": "researcher"}]
    path = team_page(tmp_path, rows)
    seen = Watched.open(browser, path)
    assert laid_out_right_to_left(seen.page, '#rows tr[data-row="1"] td.name')
    seen.assert_clean(path)
    seen.close()
