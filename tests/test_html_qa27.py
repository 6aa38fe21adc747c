"""QA pass 27 on the HTML pages: the team page's lede agrees with its counts (scored ties are not
"no profile could be scored"; frameworks level for the most wins are all named); untrusted rule text
with a bidi override or a very long word stays in its place in a real chromium; the what-if names
its outcomes in the words ``recommend`` uses for the same answers."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser.browserkit import Watched
from browser.conftest import browser  # noqa: F401  (the shared chromium fixture)
from conftest import MINI, cli
from html_support import PLACES, block, evil_overlay, in_order
from hypothesis import given
from hypothesis import strategies as st

import recommender
from recommender.render.html.labels import Names, signed
from recommender.render.html.markup import balanced
from recommender.scoring.export import export_rules

MINI_ENV = {"RECOMMENDER_BASE_RULES": str(MINI), "RECOMMENDER_RULES": ""}
RLO = "\u202e"
PDI = "\u2069"
LONG = "Supercalifragilistic" * 12  # 240 letters and no break opportunity
FLIP = RLO + "flip " + LONG + " 🚀🚀"


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in MINI_ENV.items():
        monkeypatch.setenv(key, value)


def team_page(tmp_path: Path, rows: list[dict[str, Any]], exit_code: int = 0) -> str:
    """The team page of ``rows`` (``batch`` exits 1 when a row failed)."""
    source = tmp_path / "team.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "team.html"
    code, _, err = cli("batch", str(source), "-o", str(out))
    assert code == exit_code, err
    return out.read_text(encoding="utf-8")


def lede(page: str) -> str:
    m = re.search(r'<p class="lede"[^>]*>(.*?)</p>', page, re.S)
    assert m
    return html.unescape(m.group(1))


def heading(page: str) -> str:
    m = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert m
    return html.unescape(m.group(1))


# -- the team page's lede --------------------------------------------------------------------------


def test_one_scored_tie_is_not_called_unscored(mini, tmp_path: Path):
    # the page said "No profile could be scored." above "1 scored · 1 tie" (QA, stop 27)
    page = team_page(tmp_path, [{"name": "only", "answers": {}}])
    assert block(page, "records")[0]["tie"] == ["pytorch", "jax"]
    assert lede(page) == "No framework wins outright in 1 scored profile: 1 tie."
    assert heading(page) == "Which framework fits which team: 1 profile"  # was "1 profiles"


def test_scored_rows_without_a_winner_say_what_they_came_to(mini, tmp_path: Path):
    rows = [
        {"name": "a", "answers": {}},
        {"name": "b", "answers": {"os": "windows"}},  # nothing separates them: no recommendation
        {"name": "c", "answers": {"audience": "bogus"}},  # an error row
    ]
    page = team_page(tmp_path, rows, exit_code=1)
    assert [r.get("confidence") for r in block(page, "records")] == ["close", "none", None]
    assert lede(page) == (
        "No framework wins outright in 2 scored profiles: 1 tie and 1 with no recommendation."
    )


def test_only_error_rows(mini, tmp_path: Path):
    page = team_page(tmp_path, [{"name": "a", "answers": {"audience": "bogus"}}], exit_code=1)
    assert lede(page) == "No profile could be scored."


def test_frameworks_level_for_the_most_wins_are_all_named(mini, tmp_path: Path):
    # the page named the first one counted: "PyTorch fits 1 of 2 scored profiles (50%)."
    rows = [
        {"name": "a", "answers": {"audience": "beginner"}},  # PyTorch
        {"name": "b", "answers": {"os": "linux"}},  # JAX
    ]
    page = team_page(tmp_path, rows)
    assert [r["winner"] for r in block(page, "records")] == ["pytorch", "jax"]
    assert lede(page) == "PyTorch and JAX each fit 1 of 2 scored profiles (50%)."
    rows.append({"name": "c", "answers": {"os": "linux"}})
    assert lede(team_page(tmp_path, rows)) == "JAX fits 2 of 3 scored profiles (67%)."


# -- the report page in chromium -------------------------------------------------------------------


@pytest.fixture(scope="module")
def tab(browser):  # noqa: F811
    seen = Watched.start(browser, viewport={"width": 800, "height": 900})
    yield seen
    seen.close()


def hostile_rules(tmp_path: Path) -> Path:
    """An overlay whose deal-breaker and rule carry a bidi override and a 240-letter word (with
    ``deployment=edge``); with ``edge_target=microcontroller`` too, every framework is excluded."""
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "x.yaml").write_text(
        "rules:\n"
        "  - id: edge-breaks\n"
        "    when: {deployment: edge}\n"
        "    dealbreaker: [pytorch]\n"
        f"    because: {json.dumps(PDI + RLO + 'evil')}\n"  # a stray PDI closed a <bdi>
        "    source: plain\n"
        "  - id: mcu-breaks-tensorflow\n"
        "    when: {edge_target: microcontroller}\n"
        "    dealbreaker: [tensorflow]\n"
        "    because: MCU\n"
        "    source: plain\n"
        "  - id: long-word\n"
        "    when: {deployment: edge}\n"
        "    score: {tensorflow: 1}\n"
        f"    because: {json.dumps(FLIP, ensure_ascii=False)}\n"
        f"    source: {json.dumps(LONG)}\n",
        encoding="utf-8",
    )
    return overlay


def test_hostile_rule_text_stays_in_place_and_inside_the_page(mini, tab, tmp_path: Path):
    out = tmp_path / "report.html"
    argv = ["recommend", "--rules", str(hostile_rules(tmp_path)), "-a", "deployment=edge"]
    code, _, err = cli(*argv, "-o", str(out))
    assert code == 0, err
    page = tab.visit(out).page
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
    tab.assert_clean(out)


# -- the what-if's words ---------------------------------------------------------------------------


def recommend_outcome(*answers: str) -> str:
    """What ``recommend`` says of these answers' outcome, in the words of its what-ifs."""
    argv = ["recommend", "-f", "json"]
    for a in answers:
        argv += ["-a", a]
    code, out, err = cli(*argv)
    assert code == 0, err
    rec = json.loads(out)
    names = Names.of(export_rules(recommender.load_rules()))
    return names.outcome(rec["winner"], rec["tie"], rec["confidence"] == "none")


def test_the_what_if_names_outcomes_as_recommend_does(mini, tab, tmp_path: Path):
    out = tmp_path / "report.html"
    code, _, err = cli("recommend", "-a", "audience=beginner", "-o", str(out))
    assert code == 0, err
    page = tab.visit(out).page
    head = page.locator("#whatif-winner")
    # the page said "no recommendation yet: nothing separates them but the default lean", though
    # no lean fired and recommend says "no recommendation (nothing you answered separates them)"
    page.select_option('select[data-question="audience"]', "")
    page.select_option('select[data-question="os"]', "windows")
    assert head.text_content() == (
        f"With these answers: {recommend_outcome('os=windows')} (the report says PyTorch)"
    )
    # a tie read "a tie between PyTorch, JAX"; recommend says "a tie between PyTorch and JAX"
    page.select_option('select[data-question="os"]', "")
    page.select_option('select[data-question="audience"]', "production")
    assert head.text_content() == (
        f"With these answers: {recommend_outcome('audience=production')} (the report says PyTorch)"
    )
    tab.assert_clean(out)


# -- the confidence words --------------------------------------------------------------------------


def test_every_framework_excluded_is_not_called_a_clear_call(mini, tmp_path: Path):
    # recommend's confidence is "clear" when every framework is excluded (scoring.confidence);
    # the page glossed it "a clear call" under "No framework fits" (QA, stop 27)
    overlay = hostile_rules(tmp_path)
    args = ["recommend", "--rules", str(overlay), "-a", "deployment=edge"]
    args += ["-a", "edge_target=microcontroller"]
    code, out, _ = cli(*args, "-f", "json")
    rec = json.loads(out)
    assert (rec["winner"], rec["tie"], rec["confidence"]) == (None, [], "clear")
    assert all(s["excluded"] for s in rec["ranking"])
    page = tmp_path / "r.html"
    assert cli(*args, "-o", str(page))[0] == 0
    text = page.read_text(encoding="utf-8")
    assert block(text, "report-data") == rec
    m = re.search(r'<p class="confidence">(.*?)</p>', text, re.S)
    assert m and re.sub(r"<[^>]+>", "", html.unescape(m.group(1))) == (
        "Confidence: clear not a call on points: every framework is excluded by a deal-breaker"
    )


# -- the team table in chromium --------------------------------------------------------------------


def test_the_team_table_marks_excluded_scores(mini, tab, tmp_path: Path):
    # a row read "none fits  +3  +0.5  +0.5" and a winner could score below a framework shown
    # with more points: the table did not say which were excluded, as recommend (✗) and the CSV
    # (its excluded column) do (QA, stop 27)
    rows = [
        {"name": "nf", "answers": {"deployment": "edge", "edge_target": "microcontroller"}},
        {"name": "jax", "answers": {"deployment": "edge"}},  # PyTorch (+0.5) out, JAX (+0.5) wins
        {"name": "t", "answers": {}},
    ]
    overlay = hostile_rules(tmp_path)
    source = tmp_path / "team.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "team.html"
    code, _, err = cli("batch", str(source), "--rules", str(overlay), "-o", str(out))
    assert code == 0, err
    records = block(out.read_text(encoding="utf-8"), "records")
    page = tab.visit(out).page
    cells = page.eval_on_selector_all(
        "#rows tbody tr",
        "trs => trs.map(tr => [...tr.querySelectorAll('td.num')].slice(2).map(n => n.textContent))",
    )
    order = ["tensorflow", "pytorch", "jax"]
    shown = []
    for r in records:
        by_id = {s["framework"]: s for s in r["ranking"]}
        shown.append(
            [signed(by_id[f]["score"]) + (" ✗" if by_id[f]["excluded"] else "") for f in order]
        )
    assert cells == shown
    assert cells[0] == ["+4 ✗", "+0.5 ✗", "+0.5 ✗"] and cells[2] == ["+0", "+0.5", "+0.5"]
    assert page.get_attribute("#rows td.excluded", "title") == "excluded by a deal-breaker"
    tab.assert_clean(out)


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


def test_overlay_labels_in_a_sentence_stay_in_place(mini, tab, tmp_path: Path):
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
    page = tab.visit(out).page
    assert in_order(page, "#what-would-change li", "evil", "plain")
    assert in_order(page, "#what-would-change li", "text", "evil")
    tab.assert_clean(out)


def test_an_overlay_framework_name_stays_in_place(mini, tab, tmp_path: Path):
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
    page = tab.visit(out).page
    assert in_order(page, "#why-not h2", "Evil", "behind")
    # the what-if's ranking, drawn by the page's script: the score after the name
    assert in_order(page, "#whatif-ranking li", "Evil", "+2.2")
    samples = ["", "a", PDI, PDI + RLO + "x", "\u2068a", "\u2067\u2069\u2069b\u2066", "x\U0001f680"]
    assert page.evaluate("(xs) => xs.map(balanced)", samples) == [balanced(x) for x in samples]
    tab.assert_clean(out)
