"""Explanations that must be true (QA, stop 23): what each report says about a profile, checked
against what the rules really do with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHIPPED, shipped_with

import recommender

# A follow-up of a follow-up: chain2 is asked only when chain1 is "a", and chain1 only when the
# audience is researcher (an overlay may chain follow-ups: docs/extending.md).
CHAIN = """\
questions:
  - id: chain1
    text: First follow-up?
    help: h
    kind: single
    ask_when: {audience: researcher}
    options:
      - {id: a, label: Option A}
      - {id: b, label: Option B}
  - id: chain2
    text: Second follow-up?
    help: h
    kind: yes_no
    ask_when: {chain1: a}
rules:
  - id: chain2-jax
    when: {chain2: "yes"}
    score: {jax: 1}
    because: b
    source: s
"""


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> recommender.RuleBase:
    return shipped_with(tmp_path_factory.mktemp("chain"), "chain.yaml", CHAIN)


def test_a_follow_up_of_an_ignored_follow_up_is_ignored_for_a_true_reason(chained):
    # chain1 is ignored (the audience is not researcher), so chain2 is not asked either; its reason
    # read "asked only when chain1 is a (yes: a)": the condition shown as holding, on the answer
    # that was itself ignored
    answers = {"audience": "beginner", "chain1": "a", "chain2": "yes"}
    rec = recommender.recommend(answers, rules=chained)
    why = {d.question: d.why for d in rec.ignored}
    assert set(why) == {"chain1", "chain2"}
    assert why["chain1"] == "asked only when audience is researcher (no: beginner)"
    assert "(yes:" not in why["chain2"]
    assert why["chain2"] == "asked only when chain1 is a (no: unanswered)"


RULES = recommender.load_rules(base=SHIPPED)
RESEARCH_LAB = {
    "audience": "researcher",
    "deployment": ["none"],
    "api_level": "low",
    "hardware": "nvidia_gpu",
    "parallelism": "multi_gpu",
    "programming_style": "object_oriented",
    "custom_gradients": "yes",
    "debugging": "yes",
    "visualization": "yes",
}


def test_markdown_says_when_no_single_answer_changes_the_result():
    # the full terminal report says so and JSON has what_would_change: []; the Markdown report
    # (always the whole report) left the question out, so a reader could not tell "nothing
    # changes it" from "not covered"
    from recommender.render import render

    rec = recommender.recommend(RESEARCH_LAB, rules=RULES)
    assert rec.what_would_change == ()
    assert "no single different answer changes the recommendation" in render(
        "table", rec, RULES, full=True
    )
    md = render("markdown", rec, RULES)
    assert (
        "### What would change this\n\nNo single different answer changes the recommendation." in md
    )


def test_markdown_ranks_frameworks_tied_for_first_alike():
    # a tie was "| 1 | TensorFlow | +4 | tied |" and "| 2 | JAX | +4 | tied |": second place for
    # a framework tied for first, as the terminal's "= tied for first" and JSON's tie say
    from recommender.render import render

    rec = recommender.recommend({"team_knows": ["tensorflow", "jax"]}, rules=RULES)
    assert rec.winner is None and rec.tie == ("tensorflow", "jax")
    md = render("markdown", rec, RULES)
    assert "| 1 | TensorFlow | +4 | tied |" in md
    assert "| 1 | JAX | +4 | tied |" in md
    assert "| 3 | PyTorch | +0 |  |" in md


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


# A rule with points finer than the lean's: with the domain answered, TensorFlow leads PyTorch
# on the real reasons by 0.2 and PyTorch still wins, by the lean.
FINE = """\
rules:
  - id: fine-tf
    when: {answered: domain}
    score: {tensorflow: 0.2}
    because: b
    source: s
"""


def test_a_close_call_does_not_say_level_when_the_rival_is_ahead(tmp_path: Path):
    (tmp_path / "fine.yaml").write_text(FINE)
    rules = recommender.load_rules(tmp_path, base=SHIPPED)
    from recommender.render import render

    answers = {
        "audience": "beginner", "domain": "rl", "existing_code": "keras2",
        "model_zoo": ["torchvision_timm", "keras_hub"], "hardware": "nvidia_gpu",
    }  # fmt: skip
    rec = recommender.recommend(answers, rules)
    screen = render("table", rec, rules, full=True, width=None)
    assert rec.confidence == "close" and "audience: leaving it unanswered" in screen, screen
    assert "level on the real reasons" not in screen, screen
    assert "PyTorch ahead by the lean alone" in screen, screen
