"""The scoring core on the hand-checked mini rule base (tests/data/mini): every number here is
worked out from those files by hand."""

from __future__ import annotations

import pytest

import recommender
from recommender.scoring.result import Change


def scores(result: recommender.Recommendation) -> dict[str, float]:
    return {s.framework: s.score for s in result.ranking}


def test_mobile_scores_and_reasons(mini):
    result = recommender.recommend({"deployment": "mobile"}, rules=mini)
    # mobile-tf +4 for TF; os unanswered: os-unknown +0.5 PyTorch, not-windows +0.5 JAX
    assert scores(result) == {"tensorflow": 4, "pytorch": 0.5, "jax": 0.5}
    assert result.winner == "tensorflow" and result.tie == ()
    assert [r.rule for r in result.ranking[0].reasons] == ["mobile-tf"]
    assert result.companion is not None and result.companion.name == "Keras 3"


def test_tie_is_stated_not_broken(mini):
    result = recommender.recommend({"audience": "beginner", "os": "windows"}, rules=mini)
    assert result.winner is None
    assert result.tie == ("tensorflow", "pytorch")
    assert result.why_not is None and result.companion is None


def test_empty_profile_still_ranks(mini):
    result = recommender.recommend({}, rules=mini)
    assert [s.framework for s in result.ranking] == ["pytorch", "jax", "tensorflow"]
    assert result.tie == ("pytorch", "jax")
    assert set(result.unanswered) == {"audience", "deployment", "os", "custom_gradients"}


def test_dealbreaker_excludes_and_ranks_last(mini):
    result = recommender.recommend(
        {"deployment": ["edge"], "edge_target": "microcontroller", "custom_gradients": True},
        rules=mini,
    )
    jax = result.ranking[-1]
    assert jax.framework == "jax" and jax.excluded
    assert [d.rule for d in jax.dealbreakers] == ["mcu-no-jax"]
    # TF: mcu-tf 3; PyTorch: os-unknown .5 + custom-grad 1; JAX would be 1.5 but is excluded
    assert scores(result) == {"tensorflow": 3, "pytorch": 1.5, "jax": 1.5}
    assert result.winner == "tensorflow"


def test_follow_up_answer_is_ignored_when_its_question_does_not_apply(mini):
    result = recommender.recommend(
        {"deployment": "mobile", "edge_target": "microcontroller"}, rules=mini
    )
    [dropped] = result.ignored
    assert (dropped.question, dropped.answer) == ("edge_target", "microcontroller")
    assert dropped.why == "asked only when deployment is edge (no: mobile)"
    assert result.to_dict()["ignored"] == [
        {"question": "edge_target", "answer": "microcontroller", "why": dropped.why}
    ]
    assert not any(s.excluded for s in result.ranking)


def test_what_would_change_lists_single_answer_flips(mini):
    result = recommender.recommend({"deployment": "mobile"}, rules=mini)
    flips = {(c.question, c.change, c.answer): (c.winner, c.tie) for c in result.what_would_change}
    # dropping mobile leaves os-unknown vs not-windows: a PyTorch/JAX tie
    assert flips[("deployment", "remove", "mobile")] == (None, ("pytorch", "jax"))
    assert ("deployment", "add", "server") not in flips  # TF still wins at 4 vs 1.5
    assert all(isinstance(c, Change) for c in result.what_would_change)


def test_open_questions_are_unanswered_ones_that_matter(mini):
    result = recommender.recommend({"deployment": "server"}, rules=mini)
    # PyTorch 1.5, JAX .5: audience=beginner makes TF 2 vs PyTorch 3.5 -> no flip;
    # researcher -> still PyTorch; os=windows -> PyTorch 1, JAX 0 -> no flip;
    # custom_gradients yes -> PyTorch 2.5 vs JAX 1.5 -> no flip
    assert result.winner == "pytorch"
    assert result.open_questions == ()
    assert "audience" in result.unanswered


def test_why_not_names_the_runner_up_and_what_it_lost_on(mini):
    result = recommender.recommend({"audience": "researcher", "os": "linux"}, rules=mini)
    # PyTorch: research 3; JAX: research 2 + not-windows .5
    assert result.winner == "pytorch"
    why_not = result.why_not
    assert why_not is not None and why_not.framework == "jax"
    assert why_not.gap == pytest.approx(0.5)
    # audience: research-pytorch 3 - 2 = +1; os: not-windows 0 - .5 = -.5; +1 - .5 = the gap
    nets = [
        (n.question, n.net, [(s.rule, s.winner, s.runner_up)])
        for n in why_not.by_question
        for s in n.rules
    ]
    assert nets == [
        ("audience", 1.0, [("research-pytorch", 3.0, 2.0)]),
        ("os", -0.5, [("not-windows", 0.0, 0.5)]),
    ]
    runner_up = result.runner_up
    assert runner_up is not None and runner_up.framework == "jax"
    assert [r.rule for r in runner_up.reasons] == ["research-pytorch", "not-windows"]


def test_companion_pick_when_and_inactive_companions_are_warned(mini):
    pt = recommender.recommend({"audience": "production", "deployment": "server"}, rules=mini)
    assert pt.winner == "pytorch" and pt.companion is not None and pt.companion.id == "lightning"
    jx = recommender.recommend(
        {
            "audience": "researcher",
            "custom_gradients": "yes",
            "os": "linux",
            "deployment": "server",
        },
        rules=mini,
    )
    # PyTorch 3+1+1 = 5, JAX 2+1+.5 = 3.5
    assert jx.winner == "pytorch" and jx.companion is not None and jx.companion.id == "torch-nn"


def test_unanswered_and_not_conditions(mini):
    windows = recommender.recommend({"os": "windows"}, rules=mini)
    assert scores(windows) == {"tensorflow": 0, "pytorch": 0, "jax": 0}
    assert windows.tie == ("tensorflow", "pytorch", "jax")


def test_yes_no_accepts_yaml_booleans(mini):
    a = recommender.recommend({"custom_gradients": True}, rules=mini)
    b = recommender.recommend({"custom_gradients": "yes"}, rules=mini)
    assert a.to_dict() == b.to_dict()
    assert a.answers == {"custom_gradients": "yes"}


def test_json_contract_shape(mini):
    data = recommender.recommend(
        {"deployment": ["mobile", "server"]}, rules=mini, profile="p"
    ).to_dict()
    assert data["schema_version"] == 1 and data["name"] == "p"
    assert [r["framework"] for r in data["ranking"]] == ["tensorflow", "pytorch", "jax"]
    first = data["ranking"][0]
    assert set(first) >= {"framework", "score", "reasons"}
    assert set(first["reasons"][0]) == {"rule", "points", "because", "source", "lean"}
    assert data["unanswered"] == ["audience", "os", "custom_gradients"]
    assert data["answers"] == {"deployment": ["server", "mobile"]}


def test_public_api_is_pinned():
    assert recommender.__all__ == [
        "Case",
        "Change",
        "Companion",
        "Fact",
        "Framework",
        "Option",
        "Question",
        "Reason",
        "Recommendation",
        "Rule",
        "RuleBase",
        "Scorer",
        "Standing",
        "UserError",
        "UserErrors",
        "WhyNot",
        "load_rules",
        "recommend",
    ]
    for name in recommender.__all__:
        assert hasattr(recommender, name), name


def test_an_unanswered_question_that_matters_through_its_follow_up_is_open():
    """deployment=edge alone changes nothing here, edge + edge_target=microcontroller excludes JAX:
    the report listed no open question while ``ask --short`` (could_change) would ask it."""
    from recommender.scoring.explore import could_change

    rules = recommender.load_rules()
    answers = {"domain": "scientific", "team_knows": "tensorflow", "existing_code": "jax"}
    result = recommender.recommend({**answers, "hardware": "tpu"}, rules=rules)
    assert "deployment" not in {c.question for c in result.what_would_change}
    assert could_change(result.table, rules.question("deployment"), result.sig)
    assert "deployment" in result.open_questions
    opened = {**answers, "hardware": "tpu", "deployment": "edge", "edge_target": "microcontroller"}
    assert recommender.recommend(opened, rules=rules).winner != result.winner
