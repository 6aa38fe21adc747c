"""The verdict and its confidence as the explanations state them: a clear call, a close call,
a tie and no recommendation each say what the scores say; only the winner or those tied for first
get a "why"; the runner-up is every second best; a clear call changes only through a
deal-breaker. Each claim is checked by scoring again."""

from __future__ import annotations

import html
import re
from pathlib import Path

import reference
from conftest import SHIPPED, SHIPPED_RULES
from explainkit import FORTY_EXAMPLES, SIXTY_EXAMPLES
from html_support import answers_for
from hypothesis import given, settings
from hypothesis import strategies as st
from test_honest_outputs import changed
from test_scoring_core import (
    facts_strategy,
    profiles,
    rule_bases,
    scored_at_random,
    write_base,
)

import recommender
from recommender.render import render
from recommender.render.html.report import render_html
from recommender.render.text import confidence_note
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import Scorer

RULES = recommender.load_rules(base=SHIPPED)


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


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_a_clear_call_blames_a_deal_breaker_only_when_each_answer_moves_one(
    tmp_path_factory, data, base
):
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    if not confidence_note(rec, rules).startswith("Clear on the points, but a deal-breaker"):
        return
    for c in rec.what_would_change:
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False)
        assert after.outcome.blocked != rec.outcome.blocked, c


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_the_runner_up_and_those_level_with_it_are_every_second_best(tmp_path_factory, data, base):
    rules = write_base(tmp_path_factory.mktemp("base"), *base)
    facts = data.draw(facts_strategy)
    answers = normalize_answers(data.draw(profiles(base[0])), rules)
    rec = Scorer(rules).recommend(answers, facts=facts, explore=False)
    ref = reference.score(rules, answers, facts)
    if rec.why_not is None:
        return
    standing = [f for f in rules.framework_ids if f not in ref.excluded and f != rec.winner]
    second = max(ref.scores[f] for f in standing)
    assert [rec.why_not.framework, *rec.why_not.level] == [
        f for f in standing if ref.scores[f] == second
    ]


# -- "Why X" only for a framework the report puts first -------------------------------------------
def test_no_recommendation_explains_no_framework_as_if_recommended():
    """The empty profile: 'No recommendation yet', then 'Why PyTorch (+0.5):' over the lean's
    half point in the full report and '### Why PyTorch' in Markdown."""
    rec = recommender.recommend({})
    full = render("table", rec, SHIPPED_RULES, full=True, width=None)
    markdown = render("markdown", rec, SHIPPED_RULES)
    assert "\nPyTorch's reasons (+0.5):\n" in full and "Why PyTorch" not in full
    assert "### PyTorch's reasons" in markdown and "Why PyTorch" not in markdown


@settings(max_examples=40, deadline=None)
@given(answers=answers_for(SHIPPED_RULES))
def test_only_the_winner_or_those_tied_for_first_get_a_why(answers):
    rec = Scorer(SHIPPED_RULES).recommend(answers)
    first = {rec.winner} if rec.winner else set(rec.tie) if rec.confidence != "none" else set()
    page = html.unescape(render_html(rec, SHIPPED_RULES))
    for text in (
        render("table", rec, SHIPPED_RULES, full=True, width=None),
        render("table", rec, SHIPPED_RULES, full=False, width=None),
        render("markdown", rec, SHIPPED_RULES),
        page[: page.index('id="report-data"')],
    ):
        said = {s.framework for s in rec.ranking if re.search(rf"\bWhy {s.name}\b(?! not)", text)}
        assert said <= first


@FORTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_a_clear_call_is_changed_only_through_a_deal_breaker(tmp_path_factory, data, base):
    """On a clear call, every answer that changes the outcome moves a deal-breaker (so the note
    "Clear on the points, but a deal-breaker can still change it" is true), checked by scoring
    the changed profile again."""
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    if rec.confidence != "clear":
        return
    for c in rec.what_would_change:
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False)
        assert after.outcome.blocked != rec.outcome.blocked, c
