"""``ask`` on a narrow terminal, in a pseudo-terminal: every question, option label and the
review show whole at 40 columns (prompt_toolkit cuts a line at the screen edge, it does not wrap
it), and wide (CJK) text is wrapped by the cells it takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pexpect
import pytest
from askkit import DOWN, ENTER, answer, screen_text, spawn
from conftest import ROOT, cli
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.utils import get_cwidth

from recommender import load_rules
from recommender.ask import prompts
from recommender.ask.flow import Step, review_rows
from recommender.render.terminal import cells, wrap_cells
from recommender.rulebase.model import Option, Question
from recommender.scoring.table import table_for


def test_a_40_column_terminal_shows_the_whole_question(tmp_path):
    # The shipped first question is 56 characters; at 40 columns it read "Which best describes
    # you or your te", and the rest was never drawn.
    child = spawn(tmp_path, 40, RECOMMENDER_BASE_RULES=str(ROOT / "rules"))
    child.expect_exact("(↑↓ to move, enter to pick)")
    shown = screen_text(child)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "\n1/16 Which best describes you or your\n     team for this project?\n" in shown
    assert child.exitstatus == 130


def test_the_review_fits_a_40_column_terminal(monkeypatch):
    # The review's lines were made 43 columns wide whatever the terminal (a floor of 40 plus
    # the pointer), so at 40 columns every answer was cut.
    monkeypatch.setenv("COLUMNS", "40")
    shipped = load_rules()
    answers = {"audience": frozenset({"researcher"}), "domain": frozenset({"nlp_llm"})}
    rows = review_rows(table_for(shipped), answers)
    seen: list[Any] = []

    def select(message: str, choices: list[Any], **kwargs: Any) -> Any:
        seen.extend(choices)
        raise KeyboardInterrupt

    monkeypatch.setattr(prompts.questionary, "select", select)
    with pytest.raises(KeyboardInterrupt):
        prompts.review(rows)
    titles = [c.title for c in seen if not isinstance(c, prompts.Separator)]
    assert len(titles) == len(rows) + 1
    assert max(len(" » " + t) for t in titles) <= 40


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
    on_mini, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int
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
