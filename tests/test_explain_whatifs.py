"""The what-ifs, swings and deciding answers are true: each swing lets a rival catch up that
had not, an answer named as deciding really names the winner, a what-if that breaks says whether
the excluded frameworks change, and Markdown says when no single answer changes the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHIPPED, SHIPPED_RULES
from explainkit import ONE_YES_NO, SIXTY_EXAMPLES, TOLD, real_lead
from html_support import answers_for
from hypothesis import given, settings
from hypothesis import strategies as st
from test_honest_outputs import changed
from test_scoring_core import rule_bases, scored_at_random, write_base

import recommender
from recommender.render.text import confidence_note
from recommender.scoring.result import Scorer

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


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_each_swing_lets_a_rival_catch_up_that_had_not(tmp_path_factory, data, base):
    """For each swing: now no rival reaches the winner's points without the lean, and after the
    answer, scored again as the profile file would be, one that is not excluded does, without
    the lean or with it (stop 27: a lean that outweighs a real reason can hand it the lead)."""
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    if rec.swing:
        assert real_lead(rec) > 0
    ids = rec.table.ids
    for c in rec.swing:
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False).outcome
        win = after.real[ids.index(rec.winner or "")]
        standing = [k for k in after.contenders if k in rec.outcome.contenders]
        top = after.scores[ids.index(rec.winner or "")]
        assert any(
            after.real[k] >= win or after.scores[k] >= top for k in standing if ids[k] != rec.winner
        ), c


@settings(max_examples=40, deadline=None)
@given(answers=answers_for(SHIPPED_RULES))
def test_each_shipped_swing_lets_a_rival_catch_up_that_had_not(answers):
    rec = recommender.scoring.result.Scorer(SHIPPED_RULES).recommend(answers)
    if rec.swing:
        assert real_lead(rec) > 0
    for c in rec.swing:
        after = Scorer(SHIPPED_RULES).recommend(changed(answers, c, SHIPPED_RULES), explore=False)
        assert after.winner != rec.winner or real_lead(after) <= 0, c


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_a_what_ifs_breaks_says_whether_the_frameworks_excluded_change(
    tmp_path_factory, data, base
):
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    for c in rec.what_would_change:
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False)
        assert c.breaks is (after.outcome.blocked != rec.outcome.blocked), c


# -- the questions that would decide --------------------------------------------------------------
@pytest.mark.parametrize(
    "rules_given",
    [
        [{"id": "out", "when": {"q0": "yes"}, "dealbreaker": ["tensorflow", "pytorch"], **TOLD}],
        [
            {"id": "lean", "when": {"q0": "yes"}, "score": {"jax": 3}, "lean": True, **TOLD},
            {"id": "minus", "when": {"q0": "yes"}, "score": {"jax": -0.25}, **TOLD},
        ],
    ],
    ids=["two-excluded", "lean-outweighs"],
)
def test_an_answer_that_names_a_winner_with_no_real_lead_decides(tmp_path: Path, rules_given):
    """q0 Yes names JAX the winner (the others excluded; or lean points that outweigh a real
    quarter point), as 'What would change this' says; the note said 'No single answer separates
    them: the rules cannot decide for this profile.'"""
    rules = write_base(tmp_path, ONE_YES_NO, rules_given)
    rec = Scorer(rules).recommend({})
    assert rec.confidence == "none"
    assert [(c.question, c.answer, c.winner) for c in rec.what_would_change][0] == (
        "q0",
        "yes",
        "jax",
    )
    assert confidence_note(rec, rules) == (
        "Answer these to get a recommendation; they would decide most: q0."
    )


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_no_deciding_question_means_no_answer_names_a_winner(tmp_path_factory, data, base):
    *_, rec = scored_at_random(tmp_path_factory, data, base)
    if rec.confidence == "none":
        winners = {c.question for c in rec.what_would_change if c.winner}
        assert set(rec.deciding) <= winners and bool(rec.deciding) == bool(winners)
