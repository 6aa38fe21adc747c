"""A team that knows TensorFlow got Keras 3 as its library on JAX or PyTorch even when it said it
writes the training step itself (``api_level: low``), where Keras's fit() loop is the wrong fit:
the plain library of the winner is (QA, stop 24)."""

from __future__ import annotations

import pytest
from conftest import SHIPPED

import recommender

RULES = recommender.load_rules(base=SHIPPED)


@pytest.mark.parametrize(
    "answers, winner",
    [
        (
            {"team_knows": ["tensorflow", "jax"], "api_level": "low", "custom_gradients": "yes"},
            "jax",
        ),
        (
            {"team_knows": ["tensorflow", "pytorch"], "api_level": "low", "debugging": "yes"},
            "pytorch",
        ),
    ],
)
def test_a_tensorflow_team_writing_its_own_steps_does_not_get_keras(answers, winner):
    low = recommender.recommend(answers, rules=RULES)
    assert low.winner == winner
    assert low.companion is not None and not low.companion.id.startswith("keras")
    high = recommender.recommend({**answers, "api_level": "both"}, rules=RULES)
    assert high.winner == winner  # the same team without the low-level answer still gets Keras
    assert high.companion is not None and high.companion.id.startswith("keras")
