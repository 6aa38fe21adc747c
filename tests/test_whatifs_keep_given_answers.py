"""A what-if keeps every other answer as given, answers to follow-ups that do not apply now
included: ticking ``deployment: edge`` makes a given ``edge_target`` apply again, as it does when
the user makes that change in the profile file (QA, stop 22: the what-if, the close-call line and
the open questions had scored the change as if the follow-up had never been answered)."""

from __future__ import annotations

from conftest import SHIPPED, batch_confidence

import recommender

RULES = recommender.load_rules(base=SHIPPED)
MCU = {"edge_target": "microcontroller", "vectorization": "yes", "visualization": "no"}


def entries(rec, question, answer):
    return [
        c
        for c in (*rec.what_would_change, *rec.swing)
        if (c.question, c.answer) == (question, answer)
    ]


def test_the_what_if_is_what_the_change_really_gives():
    rec = recommender.recommend(MCU, rules=RULES)
    assert [d.question for d in rec.ignored] == ["edge_target"]
    changed = recommender.recommend({**MCU, "deployment": ["edge"]}, rules=RULES)
    assert changed.winner != rec.winner  # the microcontroller answer now counts
    found = entries(rec, "deployment", "edge")
    assert found and all((c.winner, c.tie) == (changed.winner, changed.tie) for c in found)


def test_batch_confidence_agrees_with_recommend_on_a_dropped_follow_up():
    one = recommender.recommend(MCU, rules=RULES)
    assert batch_confidence(MCU, RULES) == one.confidence


def test_a_rival_the_answer_would_exclude_does_not_catch_up():
    # "hardware: AWS Trainium → ..." was listed as letting TensorFlow catch up, although Trainium
    # excludes TensorFlow (neuron-no-tensorflow): under that answer no rival is level (QA, stop 22)
    answers = {
        "domain": "tabular",
        "existing_code": "tensorflow",
        "model_zoo": ["keras_hub"],
        "project_lifetime": "medium",
        "hardware": "apple_silicon",
        "parallelism": "multi_gpu",
        "custom_gradients": "yes",
        "vectorization": "no",
        "visualization": "no",
    }
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "pytorch" and rec.confidence == "close"
    trainium = recommender.recommend({**answers, "hardware": "aws_trainium"}, rules=RULES)
    tf = next(s for s in trainium.ranking if s.framework == "tensorflow")
    assert tf.dealbreakers and tf.score >= trainium.ranking[0].score - 1  # out, not behind
    assert "aws_trainium" not in {c.answer for c in rec.swing}
    assert "nvidia_gpu" in {c.answer for c in rec.swing}  # a real swing stays


def test_an_open_multi_question_counts_answers_of_several_options():
    # KerasHub and JAX-native models together give JAX the lead; each alone does not. The open
    # questions (and ask --short) tried one ticked option at a time and left model_zoo out
    answers = {
        "audience": "researcher",
        "domain": "tabular",
        "team_knows": ["none"],
        "existing_code": "none",
        "project_lifetime": "long",
        "hardware": "nvidia_gpu",
        "os": "wsl2",
        "parallelism": "multi_gpu",
        "api_level": "low",
        "programming_style": "object_oriented",
        "custom_gradients": "no",
        "vectorization": "yes",
        "visualization": "yes",
    }
    rec = recommender.recommend(answers, rules=RULES)
    for one in ("huggingface", "torchvision_timm", "keras_hub", "jax_native"):
        alone = recommender.recommend({**answers, "model_zoo": [one]}, rules=RULES)
        assert alone.winner == rec.winner, one
    both = recommender.recommend({**answers, "model_zoo": ["keras_hub", "jax_native"]}, rules=RULES)
    assert both.winner != rec.winner
    assert "model_zoo" in rec.open_questions


def test_every_answer_to_a_multi_question_is_tried_within_a_bound():
    from recommender.scoring.explore import MAX_ANSWERS, answers_to
    from recommender.scoring.table import Dim

    options = tuple((1 << i, f"o{i}") for i in range(6))
    dim = Dim("q", (1 << 6) - 1, options, multi=True, exclusive=1 << 5)
    tried = list(answers_to(dim))
    assert tried[0] == 1 << 5 and len(tried) == len(set(tried)) == 1 + (2**5 - 1)
    assert all(not b & (1 << 5) for b in tried[1:])  # the lone option never combined
    wide = tuple((1 << i, f"o{i}") for i in range(26))
    many = list(answers_to(Dim("w", (1 << 26) - 1, wide, multi=True)))
    assert len(many) == MAX_ANSWERS and many[:26] == [1 << i for i in range(26)]
