"""The companion library the stack names beside the winner: Keras 3 only where the team's code
and machine suit it (not for hand-written training steps, nor for Keras 2 code without a port),
KerasHub models with Keras, Lightning only where it has an accelerator (docs/knowledge.md)."""

from __future__ import annotations

import pytest
from knowledge_support import KERAS3_CLUSTER, RULES, run, stack

import recommender


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


@pytest.mark.parametrize("companion", ["keras-torch", "keras-jax"])
def test_keras_on_other_backends_says_keras_2_code_needs_a_port(companion):
    found = [c for f in RULES.frameworks for c in f.companions if c.id == companion]
    assert len(found) == 1 and "Keras 2 (tf.keras) code must first be ported" in " ".join(
        found[0].note.split()
    )


LLM_FT = {"domain": "nlp_llm", "llm_stage": "fine_tune"}


NVIDIA = {"hardware": "nvidia_gpu", "os": "linux"}


@pytest.mark.parametrize(
    ("answers", "winner", "companion"),
    [
        ({**LLM_FT, "model_zoo": ["keras_hub"], "hardware": "tpu"}, "jax", "keras-jax"),
        ({**LLM_FT, "model_zoo": ["keras_hub"], **NVIDIA}, "pytorch", "keras-torch"),
        ({"domain": "nlp_llm", "model_zoo": ["keras_hub"], **NVIDIA}, "pytorch", "keras-torch"),
        # Hugging Face models as well: the Transformers tools are still the ones
        ({**LLM_FT, "model_zoo": ["keras_hub", "huggingface"], **NVIDIA}, "pytorch", "trl-peft"),
        ({**LLM_FT, **NVIDIA}, "pytorch", "trl-peft"),
        ({**LLM_FT, "hardware": "tpu"}, "jax", "tunix"),
    ],
)
def test_a_kerashub_model_is_fine_tuned_with_keras(answers, winner, companion):
    got, st = stack(answers)
    assert (got, st["companion"]["id"]) == (winner, companion)


def test_a_tensorflow_team_on_trainium_is_not_offered_keras_on_the_torch_backend():
    answers = {
        "hardware": "aws_trainium",
        "team_knows": ["tensorflow"],
        "existing_code": "tensorflow",
    }
    d = run(answers)
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "torch-nn")
    # on an NVIDIA GPU the same team still gets Keras 3 on PyTorch where TF is excluded
    d = run({**answers, "hardware": "nvidia_gpu", "os": "windows"})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "keras-torch")


@pytest.mark.parametrize(
    "hardware", [{"hardware": "aws_trainium"}, {"hardware": "intel_gpu", "os": "linux"}]
)
def test_lightning_is_not_offered_where_it_has_no_accelerator(hardware):
    d = run({**hardware, "api_level": "high"})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "torch-nn")
    # elsewhere Lightning is still the high-level companion
    d = run({"hardware": "nvidia_gpu", "os": "linux", "api_level": "high"})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "lightning")


# -- multi-node training: Keras 3 does not train multi-worker on TensorFlow ----------------------


def test_the_keras3_companion_warns_a_tensorflow_cluster():
    """A TF team with no code on a cluster still gets TensorFlow + Keras 3 (its skills, +4); the
    companion now says where Keras 3 trains multi-host."""
    d = run({k: v for k, v in KERAS3_CLUSTER.items() if k not in ("existing_code", "audience")})
    assert d["winner"] == "tensorflow"
    assert d["companion"]["name"] == "Keras 3"
    note = " ".join(d["companion"]["note"].split())
    assert "does not run under TensorFlow's MultiWorkerMirroredStrategy" in note
    assert "Keras 3 trains multi-host on the JAX backend (keras.distribution)" in note
