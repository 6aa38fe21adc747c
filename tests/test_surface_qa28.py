"""QA pass 28 on what the user sees: the HTML pages isolate every rule-base name they put into a
sentence (the confidence note, the what-if's headline, the team table's stack); the team page
holds each repeated rule text once; ``ask`` shows its option labels whole at any width and counts
only the answers it really keeps; and the explanations add up and agree across formats.

The ask tests come first: the browser fixture keeps an asyncio loop running for the rest of the
module once it is open, and prompt_toolkit cannot run under it."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pexpect
import pytest
from askkit import DOWN, ENTER, ROOT, SPACE, answer, screen_text, spawn
from browser.browserkit import Watched
from browser.conftest import browser  # noqa: F401  (the shared chromium fixture)
from conftest import MINI, cli
from html_support import block, evil_overlay, in_order, random_rows, records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.utils import get_cwidth

import recommender
from recommender import load_rules
from recommender.ask import prompts, resume
from recommender.ask.flow import Step, in_force
from recommender.render import render
from recommender.render.html.markup import isolated, script_json
from recommender.render.terminal import cells, cut, wrap, wrap_cells
from recommender.render.text import headline
from recommender.rulebase.model import Option, Question
from recommender.scoring.decide import text_of
from recommender.scoring.table import table_for

MINI_ENV = {"RECOMMENDER_BASE_RULES": str(MINI), "RECOMMENDER_RULES": ""}
RLO, PDI, FSI = "\u202e", "\u2069", "\u2068"


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in MINI_ENV.items():
        monkeypatch.setenv(key, value)


def shown_text(page: str, element_id: str) -> str:
    m = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert m, element_id
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))


# -- ask: option labels whole at any width; the answers really kept counted ---------------------


def test_a_40_column_terminal_shows_every_option_whole(tmp_path: Path):
    # prompt_toolkit cuts a line at the screen's edge: "Researcher: experimenting with new mo"
    # and "Production: shipping and maintaining" were all the user saw of two options
    child = spawn(tmp_path, 40, RECOMMENDER_BASE_RULES=str(ROOT / "rules"))
    answer(child, "(↑↓ to move, enter to pick)", DOWN)
    answer(child, "models or methods", DOWN)
    answer(child, "a model", ENTER)
    answer(child, "(↑↓ to move, enter to pick)", DOWN)
    answer(child, "Text, language models, LLMs", ENTER)
    child.expect_exact("What is the main language-model")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    shown = screen_text(child)
    assert " » Researcher: experimenting with new\n     models or methods\n" in shown
    assert "   Production: shipping and maintaining\n     a model\n" in shown
    assert "   Scientific computing or simulation\n     (differentiating NumPy-style code)\n" in (
        shown
    )
    # the answer, written after the question, wraps under it too
    assert "2/16 What kind of problem is it? Text,\n     language models, LLMs\n" in shown
    assert " » Fine-tune or post-train an existing\n     LLM (LoRA, SFT, RLHF)\n" in shown
    assert child.exitstatus == 130


CJK = "中文标签很长的选项用于测试换行是否正确处理宽字符"  # 25 characters, 50 cells


@given(
    st.text(alphabet=st.sampled_from("ab 中文\u00e9"), max_size=60),
    st.integers(12, 80),
    st.integers(0, 10),
)
def test_wrap_cells_keeps_every_line_on_the_screen(text: str, width: int, hang: int):
    lines = wrap_cells(text, width, hang, " " * hang)
    assert get_cwidth(lines[0]) + hang <= width or len(lines[0]) == 1
    assert all(get_cwidth(line) <= width for line in lines[1:])
    assert all(line.startswith(" " * hang) for line in lines[1:])
    # only the spaces change: every character is kept, in order
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert get_cwidth(lines[0]) == cells(lines[0])  # the cells prompt_toolkit counts


def test_a_wide_label_is_wrapped_by_the_cells_it_takes(monkeypatch: pytest.MonkeyPatch):
    # a CJK character takes two cells: counted as one, a label ran 25 cells past a 40-column edge
    monkeypatch.setenv("COLUMNS", "40")
    q = Question("q", "问题" * 30, "", "single", (Option("a", CJK), Option("b", "short")))
    (first, second) = prompts._choices(q, prompts.SELECT_LEAD)
    assert first.title == "中文标签很长的选项用于测试换行是否正\n     确处理宽字符"
    assert second.title == "short"
    message = prompts._message(q, Step(1, 2))
    assert [get_cwidth(line) for line in message.split("\n")] == [34, 38, 38, 22]  # after "1/2 "


def mini_until_the_review(tmp: Path) -> Any:
    """The mini questionnaire: a beginner deploying to the edge (a microcontroller), Linux, custom
    gradients; at the review, the deployment changed to a server, so the edge device is stale."""
    child = spawn(tmp, 120)
    answer(child, "Who is it for?", ENTER)
    answer(child, "Where will it run?", DOWN + DOWN + SPACE + ENTER)
    answer(child, "Which edge device?", ENTER)
    answer(child, "Which OS?", ENTER)
    answer(child, "Custom gradients?", ENTER)
    answer(child, "Pick an answer to change it", DOWN + DOWN + ENTER)  # the deployment
    answer(child, "none ticked = skip)", SPACE + DOWN + DOWN + SPACE + ENTER)  # server, no edge
    child.expect_exact("Pick an answer to change it")
    return child


def test_a_stale_follow_up_is_not_counted_as_kept(tmp_path: Path):
    # "5 answer(s) kept": the edge device's answer no longer applies (the deployment is a
    # server), and a recommendation from the kept answers leaves it out
    child = mini_until_the_review(tmp_path)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert child.exitstatus == 130
    assert f"recommender: ask interrupted; 4 answer(s) kept in {kept}" in screen_text(child)
    rules = load_rules(base=MINI)
    progress = resume.load(rules, kept)
    assert progress.answers["edge_target"] == {"microcontroller"}  # back if the edge is
    assert sorted(in_force(table_for(rules), progress.answers)) == [
        "audience",
        "custom_gradients",
        "deployment",
        "os",
    ]


# -- the terminal: wide characters wrap by the cells they take -----------------------------------

CJK_BECAUSE = "这是一个很长的中文理由，用来测试终端里宽字符的换行是否正确，每个汉字占两个格子。"


def cjk_overlay(tmp_path: Path) -> Path:
    overlay = tmp_path / "cjk"
    overlay.mkdir(exist_ok=True)
    (overlay / "rules.yaml").write_text(
        "rules:\n"
        "  - id: cjk-rule\n"
        "    when: {audience: beginner}\n"
        "    score: {tensorflow: 3}\n"
        f"    because: {CJK_BECAUSE}\n"
        "    source: 中文来源说明，同样很长，用来测试换行和截断是否按照显示宽度计算\n",
        encoding="utf-8",
    )
    return overlay


@pytest.mark.parametrize("columns", [40, 80, 200])
def test_chinese_rule_text_stays_within_the_terminal(
    mini, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
):
    # textwrap counts characters: at 40 columns a Chinese reason took 71 cells (QA, stop 28)
    monkeypatch.setenv("COLUMNS", str(columns))
    argv = ["recommend", "--rules", str(cjk_overlay(tmp_path)), "-a", "audience=beginner"]
    brief, full = cli(*argv)[1], cli(*argv, "--full")[1]
    for text in (brief, full):
        assert max(cells(line) for line in text.splitlines()) <= columns, text
    assert "    +3  这是一个很长的中文理由" in brief  # cut with an ellipsis, or whole at 200
    shown = "".join(line.strip() for line in full.splitlines())
    assert CJK_BECAUSE in shown  # every character, in order, none lost at a break
    assert "    +3  这是一个很长的中文理由" in full  # the points' column kept


@given(
    st.lists(st.sampled_from(["中文", "标签很长", "lab", "a-b", "12", "é"]), max_size=30).map(
        " ".join
    ),
    st.integers(20, 90),
)
def test_wrap_and_cut_keep_wide_text_within_the_width(text: str, width: int):
    lines = wrap(text, width, "  ", "    ")
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert cells(cut(text, width)) <= width


PROFILES = {
    "research-lab": ["--profile", str(ROOT / "examples" / "research-lab.yaml")],
    "edge": ["-a", "audience=beginner", "-a", "deployment=edge"]
    + ["-a", "edge_target=microcontroller"],
}


@pytest.mark.parametrize("columns", [40, 80])
@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("command", [["recommend", "--full"], ["explain"]])
def test_the_full_report_and_the_trace_fit_the_terminal(
    shipped_only, monkeypatch: pytest.MonkeyPatch, columns: int, profile: str, command: list[str]
):
    # at 40 columns --full's bars took 55 and its headings 69; explain was not wrapped at all
    # (its answers took 195 columns, most conditions 80 to 115) (QA, stop 28)
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = cli(command[0], *PROFILES[profile], *command[1:])
    assert code == 0
    assert [line for line in out.splitlines() if cells(line) > columns] == []
    if command[0] == "explain":  # only the lines' breaks change (a long path breaks too)
        monkeypatch.delenv("COLUMNS")
        unwrapped = cli(command[0], *PROFILES[profile])[1]
        assert "".join(out.split()) == "".join(unwrapped.split())


@pytest.mark.parametrize("columns", [40, 80])
@pytest.mark.parametrize("command", [["compare"], ["rules", "show", "beginner-keras"]])
def test_compare_and_rules_show_fit_the_terminal(
    shipped_only, monkeypatch: pytest.MonkeyPatch, columns: int, command: list[str]
):
    # compare's sources were not wrapped (a line took 249 columns at 80), nor the text of
    # rules show (284) (QA, stop 28); the rule's YAML lines, quoted as they are, are left whole
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = cli(*command)
    assert code == 0
    prose = out.split("\n\n")[0] if command[0] == "rules" else out
    assert [line for line in prose.splitlines() if cells(line) > columns] == []
    monkeypatch.delenv("COLUMNS")
    assert "".join(out.split()) == "".join(cli(*command)[1].split())  # only the breaks moved


# -- explanations add up, and the formats agree ------------------------------------------------

SHIPPED = load_rules()
POINTS = re.compile(r"([+\u2212-][0-9.]+)(?: \(([+-][0-9.]+) of it the lean\))?$")


def why_not_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Why not "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_the_brief_why_not_adds_up_to_the_gap_and_the_formats_agree(seed: int):
    # "Why not JAX (11.5 behind): debugging +3 · audience +2 · programming_style +2 ·
    # hardware+os +1 · 4 more": 8 of 11.5 points, the lean among those unsaid (QA, stop 28)
    (row,) = random_rows(SHIPPED, 1, seed)
    del row["name"]
    rec = recommender.recommend(row, rules=SHIPPED)
    data = json.loads(render("json", rec, SHIPPED))
    # one verdict in every format
    said = headline(rec, SHIPPED)
    assert render("table", rec, SHIPPED, full=False).startswith(said)
    assert f"\n\n{said}\n" in render("table", rec, SHIPPED, full=True)
    assert render("markdown", rec, SHIPPED).startswith(f"## {said}\n")
    page = render("html", rec, SHIPPED)
    assert f'data-winner="{data["winner"] or ""}"' in page
    assert f'id="confidence">{data["confidence"]}</span>' in page
    if rec.why_not is None:
        return
    brief = render("table", rec, SHIPPED, full=False)
    line = why_not_line(brief)
    head, _, parts = line.partition("): ")
    gap = text_of(rec.why_not.gap, sign=False)
    name = SHIPPED.framework(rec.why_not.framework).name
    assert head.startswith(f"Why not {name} ")
    assert f"({gap} behind" in head
    total, lean = 0.0, 0.0
    for part in parts.split(" \u00b7 ") if parts else []:
        m = POINTS.search(part)
        assert m, part
        total += float(m[1])
        lean += float(m[2] or 0) + (float(m[1]) if "(lean)" in part else 0)
    assert abs(total - rec.why_not.gap) < 1e-6
    lean_net = sum(r.net for n in rec.why_not.by_question for r in n.rules if r.lean)
    assert abs(lean - lean_net) < 1e-6 or any(
        not all(r.lean for r in n.rules) and any(r.lean for r in n.rules)
        for n in rec.why_not.by_question
    )
    # the same gap in --full, Markdown, JSON and the HTML page
    full = render("table", rec, SHIPPED, full=True)
    assert f"Why not {name} ({gap} behind" in full
    assert f" {text_of(rec.why_not.gap):>5}  in all" in full
    assert f"{gap} behind" in render("markdown", rec, SHIPPED)
    assert data["why_not"]["gap"] == rec.why_not.gap
    assert block(page, "report-data") == data
    assert re.search(rf"<h2>Why not .*\({re.escape(gap)} points? behind", html.unescape(page))


# -- HTML: rule-base names in sentences are isolated ----------------------------------------------


def test_the_confidence_note_isolates_each_name(mini, tmp_path: Path):
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


def test_the_team_tables_stack_isolates_the_library(mini, tmp_path: Path):
    overlay = evil_overlay(tmp_path)
    source, out = tmp_path / "t.jsonl", tmp_path / "t.html"
    source.write_text('{"name": "b", "answers": {"audience": "beginner", "os": "linux"}}\n')
    assert cli("batch", str(source), "--rules", str(overlay), "-o", str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    (row,) = block(page, "rows-data")["rows"]
    assert row[6] == f"{FSI}{RLO}Evil FW{PDI} + {FSI}{RLO}Evil Lib{PDI}"
    assert shown_text(page, "lede") == f"{FSI}{RLO}Evil FW{PDI} fits 1 of 1 scored profile (100%)."


def test_the_report_headline_isolates_the_library_and_the_title_the_profile(mini, tmp_path: Path):
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


# -- HTML: the team page shares its texts --------------------------------------------------------


def test_the_team_page_writes_each_reason_text_once_and_gives_the_records_back(
    shipped_only, tmp_path: Path
):
    # 10,000 shipped rows made a 154 MB page, 70% of it the same because and source texts
    # repeated in every record (QA, stop 28): now 51 MB (benchmarks/bench_team_size.py)
    source, out = tmp_path / "team.jsonl", tmp_path / "team.html"
    rows = random_rows(load_rules(), 60, seed=28)
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("batch", str(source), "-o", str(out))[0] == 0
    code, as_json, _ = cli("batch", str(source), "-f", "json")
    page = out.read_text(encoding="utf-8")
    texts = block(page, "texts")
    assert records(page) == json.loads(as_json)
    assert len(texts) == len(set(texts)) > 20
    for text in texts:  # each once in the page, and only in script#texts
        assert page.count(script_json(text)) == 1
    assert len(page) < len(as_json) / 2


def test_shared_texts_stop_at_their_limit_and_nothing_is_lost(mini, monkeypatch):
    from recommender.render.html import team

    monkeypatch.setattr(team, "SHARED_LIMIT", 60)
    rules = load_rules(base=MINI)
    writer = team.TeamWriter(io.StringIO(), rules)
    given = [
        {"row": 1, "why_not": {"because": "a" * 50, "source": "b" * 9, "note": None}},
        {"row": 2, "x": [{"because": "a" * 50}, {"source": "c" * 20}, {"why": "short"}]},
    ]
    packed = [writer.texts.pack(r) for r in given]
    assert writer.texts.listed() == ["a" * 50, "b" * 9]  # the third would pass 60 characters
    assert packed[1]["x"] == [{"because": 0}, {"source": "c" * 20}, {"why": "short"}]
    assert team.unpack(packed[:2], writer.texts.listed()) == given[:2]


def test_an_excluded_frameworks_reasons_say_it_is_excluded(shipped_only, tmp_path: Path):
    # "JAX (−7)" headed JAX's reasons in the report's list, as if it were in the running; the
    # deal-breaker that put it out was in another section (QA, stop 28)
    out = tmp_path / "r.html"
    argv = ["-a", "audience=beginner", "-a", "deployment=edge", "-a", "edge_target=microcontroller"]
    assert cli("recommend", *argv, "-o", str(out))[0] == 0
    heads = re.findall(r"<h3>([^<]*)</h3>", out.read_text(encoding="utf-8"))
    assert "JAX (\u22127) \u2014 excluded by a deal-breaker" in heads
    assert "PyTorch (+3.5)" in heads  # a framework in the running, as it was


# -- in chromium -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tab(browser):  # noqa: F811
    seen = Watched.start(browser, viewport={"width": 800, "height": 900})
    yield seen
    seen.close()


def test_names_in_the_note_and_the_whatif_stay_in_place(mini, tab, tmp_path: Path):
    # "os: Linux → <PDI><RLO>Evil FW; os: Windows → …": the override reversed the rest of the
    # note, and of the what-if's "With these answers: Evil FW (as in the report)" (QA, stop 28)
    overlay = evil_overlay(tmp_path)
    out = tmp_path / "r.html"
    assert (
        cli("recommend", "--rules", str(overlay), "-a", "audience=beginner", "-o", str(out))[0] == 0
    )
    page = tab.visit(out).page
    assert in_order(page, "#confidence-note", "Evil", "Windows")
    page.select_option('select[data-question="os"]', "linux")
    assert page.text_content("#whatif-winner") == (
        f"With these answers: {FSI}{RLO}Evil FW{PDI} (the report says PyTorch)"
    )
    assert in_order(page, "#whatif-winner", "Evil", "report says")
    assert in_order(page, "#whatif-reasons p", "Evil Lib", "Top reasons")
    tab.assert_clean(out)


def test_the_pages_isolated_is_pythons(mini, tab, tmp_path: Path):
    out = tmp_path / "r.html"
    assert cli("recommend", "-a", "audience=beginner", "-o", str(out))[0] == 0
    page = tab.visit(out).page
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
