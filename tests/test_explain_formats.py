"""Every format says the same of the same numbers: the terminal, Markdown, JSON, HTML, the batch
table and lint show points and scores to the tie tolerance as the JSON holds them, the words
(level, ahead, tied) match the numbers, and the pages say what the text says of ties and the
confidence note."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
from conftest import SHIPPED, SHIPPED_RULES, cli, shipped_with
from explainkit import FORTY_EXAMPLES
from html_support import answers_for, facts_for
from hypothesis import given, settings
from hypothesis import strategies as st
from test_honest_outputs import changed
from test_scoring_core import rule_bases, scored_at_random, units

import recommender
from recommender.render import render
from recommender.render.html.labels import Names
from recommender.render.html.report import render_html
from recommender.render.text import confidence_note, headline
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import text_of
from recommender.scoring.export import export_rules
from recommender.scoring.result import Recommendation, Scorer, to_dict

# Points are kept to 6 decimals (rules validate refuses more), so two scores can differ in the
# sixth decimal only; "%+g" keeps 6 significant digits, which showed both as +10.3333.
SIXTH = """\
rules:
  - id: sixth-tf
    when: {debugging: "no"}
    score: {tensorflow: 10.333333}
    because: b
    source: s
  - id: sixth-jax
    when: {debugging: "no"}
    score: {jax: 10.333334}
    because: b
    source: s
cases:
  - name: level-to-the-sixth-decimal
    answers: {debugging: "no"}
    expect_winner: tie
    source: s
"""


@pytest.fixture(scope="module")
def sixth(tmp_path_factory: pytest.TempPathFactory) -> recommender.RuleBase:
    return shipped_with(tmp_path_factory.mktemp("sixth"), "sixth.yaml", SIXTH)


def test_rules_test_shows_scores_to_the_tie_tolerance(sixth):
    # "expected tie, got jax" beside "scores: jax +10.3333, tensorflow +10.3333" did not add up
    from recommender.scoring.cases import failure_diff, run_cases

    case = next(c for c in sixth.cases if c.name == "level-to-the-sixth-decimal")
    (result,) = run_cases(sixth, [case])
    assert result.got == "jax"
    lines = failure_diff(result, sixth)
    assert "  scores:   jax +10.333334, tensorflow +10.333333, pytorch +0.5" in lines
    # and the rule on TensorFlow's side, so that they add up to the lead of 0.000001
    decided = "  decided by (jax over tensorflow): sixth-jax +10.333334; against: sixth-tf "
    decided += "-10.333333"
    assert decided in lines


def test_markdown_numbers_are_those_of_the_json(sixth):
    # the JSON says 10.333334 and a gap of 0.000001; Markdown said +10.3333 twice and "1e-06"
    from recommender.render import render

    rec = recommender.recommend({"debugging": "no"}, rules=sixth)
    data = rec.to_dict()
    assert [s["score"] for s in data["ranking"][:2]] == [10.333334, 10.333333]
    assert data["why_not"]["gap"] == 0.000001
    md = render("markdown", rec, sixth)
    assert "| 1 | JAX | +10.333334 | winner |" in md
    assert "| 2 | TensorFlow | +10.333333 |  |" in md
    assert "### Why not TensorFlow (0.000001 behind)" in md
    assert "| **+0.000001** | in all | |" in md
    assert "sixth-jax (+10.333334 / +0)" in md
    assert "- +10.333333: b" in md


@pytest.mark.parametrize("full", [False, True])
def test_the_terminal_numbers_are_those_of_the_json(sixth, full):
    # the brief said "JAX +10.3333 · TensorFlow +10.3333" and "(1e-06 behind)"
    from recommender.render import render

    rec = recommender.recommend({"debugging": "no"}, rules=sixth)
    screen = render("table", rec, sixth, full=full, width=None)
    assert "10.3333 " not in screen and "e-06" not in screen, screen
    assert "+10.333334" in screen and "+10.333333" in screen, screen
    assert "(0.000001 behind)" in screen, screen


def test_explain_and_the_rule_list_show_points_to_the_tie_tolerance(sixth):
    from recommender.render.explain import explain_markdown, explain_table
    from recommender.rulebase.text import points_text
    from recommender.scoring.trace import trace

    t = trace({"debugging": frozenset({"no"})}, sixth)
    for out in (explain_table(t, sixth), explain_markdown(t, sixth)):
        assert "+10.333334" in out and "+10.333333" in out, out
        assert "10.3333 " not in out and "10.3333 |" not in out, out
    assert points_text(sixth.rule("sixth-jax")) == "jax +10.333334"


RULES = recommender.load_rules(base=SHIPPED)


def test_the_html_shows_points_to_the_tie_tolerance_as_the_json_holds_them():
    # "%g" kept six significant digits: a gap of 10.333334 read "10.3333 points behind" while
    # the nets under it added up to 10.333334 (QA, stop 24)
    from recommender.render.html.labels import signed
    from recommender.render.html.reasons import why_not

    assert signed(10.333334) == "+10.333334" and signed(-1.5) == "\u22121.5"
    assert signed(1234567) == "+1234567"  # not +1.23457e+06
    data = {"why_not": {"framework": "jax", "gap": 10.333334, "by_question": []}}
    page = str(why_not(data, Names(export_rules(RULES))))
    assert "(10.333334 points behind)" in page


def test_the_team_page_counts_a_million_rows_in_full():
    # "%g" wrote 1,000,000 rows as "1e+06 rows" in the charts' text alternatives
    from collections import Counter

    from recommender.render.html.tally import Tally
    from recommender.render.html.team_page import _confidence

    tally = Tally(rows=1_000_001, confidence=Counter({"clear": 1_000_000, "close": 1}))
    text = str(_confidence(tally))
    assert "clear: 1,000,000 rows" in text and "e+06" not in text


def test_the_batch_table_and_lint_write_points_as_every_other_output():
    # two more "%+g" formats: the batch table wrote a 10.333334 score as +10.3333
    from recommender.batch.writers import _signed

    assert _signed(10.333334) == "+10.333334" and _signed(1234567.5) == "+1234567.5"


# -- the HTML page says what the other formats say ------------------------------------------------
def score_desc(page: str) -> str:
    found = re.search(r'<desc id="score-chart-desc">([^<]*)</desc>', page)
    assert found is not None
    return html.unescape(found[1])


def test_no_recommendation_marks_no_framework_tied_on_the_page():
    """The empty profile: PyTorch +0.5 (the lean), the others +0, no recommendation. The page's
    chart said "PyTorch +0.5 tied; TensorFlow +0 tied; JAX +0 tied"; and it showed "Why
    TensorFlow (+0): No rule gave it points" as if TensorFlow led."""
    rec = recommender.recommend({})
    page = render_html(rec, SHIPPED_RULES)
    assert score_desc(page) == "PyTorch +0.5; TensorFlow +0; JAX +0"
    assert "Why TensorFlow" not in page and "No rule gave it points" not in page
    assert "Answer these to get a recommendation; they would decide most: " in html.unescape(page)


def test_the_page_of_the_example_says_what_makes_the_call_close():
    """research-lab is close: hardware TPU would bring JAX level without the lean. The page said
    only "a close call: one answer could swing it", though no single answer changes the winner."""
    profile = recommender.rulebase.profiles.load_profile(
        "examples/research-lab.yaml", SHIPPED_RULES
    )
    rec = recommender.recommend(profile.answers, SHIPPED_RULES, profile=profile.name)
    page = html.unescape(render_html(rec, SHIPPED_RULES))
    assert rec.what_would_change == () and "one answer could swing it" not in page
    assert (
        '<p class="confidence-note" id="confidence-note">Close call: one answer would let a rival '
        "catch up: hardware: Google Cloud TPU → PyTorch ahead by the lean alone.</p>"
    ) in page


@settings(max_examples=25, deadline=None)
@given(answers=answers_for(SHIPPED_RULES), facts=facts_for(SHIPPED_RULES))
def test_the_page_the_text_and_markdown_agree_on_ties_and_the_note(answers, facts):
    rec = Scorer(SHIPPED_RULES).recommend(answers, facts=facts)
    page = render_html(rec, SHIPPED_RULES, None, facts)
    note = confidence_note(rec, SHIPPED_RULES)
    assert (note and html.escape(note, quote=False) in page) or (
        not note and "confidence-note" not in page
    )
    full = render("table", rec, SHIPPED_RULES, full=True, width=None)
    markdown = render("markdown", rec, SHIPPED_RULES, full=True, width=None)
    for s in rec.ranking:
        tied = s.framework in rec.tie and rec.confidence != "none"
        assert (f"{s.name} {_signed(s.score)} tied" in score_desc(page)) is tied
        assert (f"  {s.name}  " in full and "= tied for first" in _line(full, s.name)) is tied
        assert _line(markdown, f"| {s.name} |").endswith("| tied |") is tied


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if start in line)


def _signed(x: float) -> str:
    from recommender.scoring.decide import text_of

    return text_of(x)


# -- the outputs agree with each other and with the points -----------------------------------------
def brief_of(rec: Recommendation, rules: RuleBase) -> str:
    return render("table", rec, rules, full=False)


@FORTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_the_words_match_the_numbers_in_every_format(tmp_path_factory, data, base):
    """The brief screen, the full report, Markdown and JSON say the same of one result: the
    confidence word, the gap of why-not (the nets add up to it, and it is the margin), and what
    a tie or a lead by the lean rests on, from the scores without the lean."""
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    check_words(rec, rules)


FRACTIONS = """
rules:
  - id: frac-tf-long
    when: {project_lifetime: long}
    score: {tensorflow: 0.25}
    because: "A quarter point (test overlay)."
    source: "test"
  - id: frac-jax-vmap
    when: {vectorization: "yes"}
    score: {jax: 0.75, pytorch: 0.5}
    because: "Fractions (test overlay)."
    source: "test"
  - id: lean-tf-macos
    when: {os: macos}
    score: {tensorflow: 1.25}
    lean: true
    because: "A lean bigger than a real point (test overlay)."
    source: "test"
"""


@pytest.fixture(scope="module")
def fractions(tmp_path_factory: pytest.TempPathFactory) -> RuleBase:
    folder = tmp_path_factory.mktemp("fractions")
    (folder / "fractions.yaml").write_text(FRACTIONS)
    return recommender.load_rules(folder)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_words_match_the_numbers_on_an_overlay_with_fractions(fractions, data):
    """The same on the shipped rules with an overlay of fractional points and a lean that
    outweighs a real point; and each swing, scored again, lets a rival catch up."""
    answers = data.draw(answers_for(fractions))
    scorer = Scorer(fractions)
    rec = scorer.recommend(answers)
    check_words(rec, fractions)
    for c in rec.swing:
        after = scorer.recommend(changed(answers, c, fractions), explore=False).outcome
        ids = rec.table.ids
        win = ids.index(rec.winner or "")
        rivals = [k for k in after.contenders if k in rec.outcome.contenders and k != win]
        assert any(
            after.real[k] >= after.real[win] or after.scores[k] >= after.scores[win] for k in rivals
        ), c


def check_words(rec: Recommendation, rules: RuleBase) -> None:
    """What :func:`test_the_words_match_the_numbers_in_every_format` checks of one result."""
    record = to_dict(rec)
    brief, full = brief_of(rec, rules), render("table", rec, rules, full=True)
    markdown = render("markdown", rec, rules)
    first = brief.splitlines()[0]
    assert first == headline(rec, rules)
    assert markdown.startswith(f"## {headline(rec, rules)}\n")
    if record["winner"]:
        assert first.startswith(f"Recommended: {rules.framework(record['winner']).name}, a ")
        assert first.endswith(f"a {record['confidence']} call")
    ids, o = rec.table.ids, rec.outcome
    w = record["why_not"]
    if w is not None:
        assert units(w["gap"]) == o.margin == sum(units(n["net"]) for n in w["by_question"])
        said = f"Why not {rules.framework(w['framework']).name} ({text_of(w['gap'], sign=False)}"
        assert said in brief and said in full
    real = {f: o.real[k] for k, f in enumerate(ids)}
    # the JSON alone tells the lean apart: its reasons without the lean's add up to these
    assert {
        s["framework"]: sum(units(r["points"]) for r in s["reasons"] if not r["lean"])
        for s in record["ranking"]
    } == real
    tied_by_lean = rec.tie_without_lean
    if record["tie"] and record["confidence"] != "none":
        level = len({real[f] for f in record["tie"]}) == 1
        assert (tied_by_lean is None) == level
        assert first.endswith(": the rules cannot separate them") == level
    note = confidence_note(rec, rules)
    if record["winner"] and record["confidence"] == "close":  # a close call says why
        assert note.startswith("Close call: ")
        assert confidence_note(rec, rules, 2) in brief  # the brief names two answers at most
    if tied_by_lean:
        leaders, gap = tied_by_lean
        rest = [f for f in record["tie"] if f not in leaders]
        assert units(gap) == real[leaders[0]] - max(real[f] for f in rest)
        assert note in brief and note in full and note in markdown
    for i, (f, gap) in enumerate(rec.ahead_without_lean):
        assert units(gap) == real[f] - real[record["winner"]] > 0
        assert f"{rules.framework(f).name}{' leads' * (not i)} by {text_of(gap, False)}" in note
        assert note in brief and note in full and note in markdown


@pytest.mark.usefixtures("shipped_only")
def test_the_markdown_batch_table_states_each_rows_confidence(tmp_path: Path) -> None:
    """The Markdown batch table had no confidence column, while the terminal table and CSV
    have one: a close call, decided by the lean, read as plainly as a clear one. Each row's
    cell is the CSV's."""
    rows = [
        {"audience": "beginner"},
        {"audience": "production", "deployment": ["mobile"]},
        {
            "audience": "production",
            "existing_code": "pytorch",
            "hardware": "amd_gpu",
            "os": "windows",
        },
        {},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"name": f"p{i}", "answers": a}) + "\n" for i, a in enumerate(rows))
    )
    code, csv_out, _ = cli("batch", str(src), "-f", "csv", "-q")
    assert code == 0
    expected = [r["confidence"] for r in csv.DictReader(csv_out.splitlines())]
    assert {"close", "clear", "none"} <= set(expected)
    code, md, _ = cli("batch", str(src), "-f", "markdown", "-q")
    table = [line.split(" | ") for line in md.splitlines() if line.startswith("| ")]
    column = table[0].index("confidence")
    assert [cells[column] for cells in table[2 : 2 + len(rows)]] == expected
