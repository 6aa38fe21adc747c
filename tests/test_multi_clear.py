"""Clearing a multi answer of two or more ticks is a single different answer of its own: ``ask``
lets the user leave the question unanswered, and no one untick gives the same profile. QA, stop
23: only a single question's answer could be cleared, so a winner that stood on two ticks
together (``team_knows: [tensorflow, jax]``) showed no what-if that clears them."""

from __future__ import annotations

from conftest import SHIPPED, batch_confidence

import recommender

RULES = recommender.load_rules(base=SHIPPED)
TWO_TICKS = {
    "team_knows": ["tensorflow", "jax"],
    "project_lifetime": "short",
    "os": "macos",
    "api_level": "low",
    "custom_gradients": "yes",
    "visualization": "yes",
}


def test_clearing_two_ticks_is_a_what_if_with_the_outcome_it_really_gives():
    rec = recommender.recommend(TWO_TICKS, rules=RULES)
    cleared = recommender.recommend(
        {k: v for k, v in TWO_TICKS.items() if k != "team_knows"}, rules=RULES
    )
    assert cleared.winner != rec.winner  # the test's premise
    found = [
        c
        for c in (*rec.what_would_change, *rec.swing)
        if (c.question, c.change) == ("team_knows", "clear")
    ]
    assert found
    assert all((c.winner, c.tie) == (cleared.winner, cleared.tie) for c in found)


def test_batch_confidence_agrees_with_recommend_when_clearing_decides():
    one = recommender.recommend(TWO_TICKS, rules=RULES)
    assert batch_confidence(TWO_TICKS, RULES) == one.confidence


def test_one_tick_is_not_offered_twice():
    rec = recommender.recommend({**TWO_TICKS, "team_knows": ["tensorflow"]}, rules=RULES)
    changes = [(c.question, c.change) for c in rec.what_would_change]
    assert ("team_knows", "clear") not in changes  # the same as "remove tensorflow"
