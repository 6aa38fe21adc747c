"""The fourth review pass of 2026-11-30 (docs/knowledge.md, "Review of 2026-11-30 (fourth pass)").

What the cases in rules/tests/cases.yaml cannot state (no winner changed; companions and routes
did):

- KerasHub models are Keras models: fine-tuning one (without Hugging Face models) gets Keras 3 on
  the winning backend, not Tunix (Flax NNX models) or TRL/PEFT and the Trainer (Transformers).
- Tunix stays JAX's fine-tuning companion on NVIDIA GPUs, and says what GPU support it has.
- TorchTitan stays the companion for pretraining on Trainium, and names AWS's Neuron fork; the
  PyTorch Trainium route names TorchNeuron and TorchTitan Neuron.
- AMD GPUs under WSL2: TensorFlow's and PyTorch's routes say WSL2, not Linux.
- PyTorch on embedded Linux lists TensorRT for a Jetson after ExecuTorch and LiteRT."""

from __future__ import annotations

import pytest
from conftest import SHIPPED

import recommender

RULES = recommender.load_rules(base=SHIPPED)
LLM_FT = {"domain": "nlp_llm", "llm_stage": "fine_tune"}
NVIDIA = {"hardware": "nvidia_gpu", "os": "linux"}


def stack(answers: dict) -> tuple[str | None, dict]:
    rec = recommender.recommend(answers, rules=RULES)
    return rec.winner, rec.to_dict()["stack"]


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


def test_tunix_stays_for_jax_fine_tuning_on_nvidia_and_says_what_gpu_support_it_has():
    answers = {**LLM_FT, **NVIDIA, "team_knows": ["jax"], "existing_code": "jax"}
    winner, st = stack(answers)
    assert (winner, st["companion"]["id"]) == ("jax", "tunix")
    tunix = next(c for c in RULES.framework("jax").companions if c.id == "tunix")
    assert "jax[cuda13]" in tunix.note and "Optimized for TPUs" in tunix.note
    assert "google/tunix#652" in tunix.source


def test_pretraining_on_trainium_names_torchtitan_neuron():
    answers = {"domain": "nlp_llm", "llm_stage": "pretrain", "hardware": "aws_trainium"}
    winner, st = stack(answers)
    assert (winner, st["companion"]["id"]) == ("pytorch", "torchtitan")
    titan = next(c for c in RULES.framework("pytorch").companions if c.id == "torchtitan")
    assert "TorchTitan Neuron" in titan.note
    assert "TorchTitan Neuron" in st["hardware"]["route"]
    assert "TorchNeuron" in st["hardware"]["route"]


@pytest.mark.parametrize(
    ("answers", "framework", "support"),
    [
        ({"team_knows": ["tensorflow"], "existing_code": "keras3"}, "tensorflow", "limited"),
        ({"audience": "beginner"}, "pytorch", "supported"),
    ],
)
def test_amd_under_wsl2_has_a_wsl2_route(answers, framework, support):
    winner, st = stack({**answers, "hardware": "amd_gpu", "os": "wsl2"})
    assert winner == framework
    assert "WSL2" in st["hardware"]["route"]
    assert st["hardware"]["support"] == support
    # on Linux the route is the Linux one
    winner, st = stack({**answers, "hardware": "amd_gpu", "os": "linux"})
    assert "WSL2" not in st["hardware"]["route"]


def test_embedded_linux_names_tensorrt_for_a_jetson_after_executorch():
    answers = {"deployment": ["edge"], "edge_target": "embedded_linux", "team_knows": ["pytorch"]}
    winner, st = stack(answers)
    assert winner == "pytorch"
    (edge,) = st["deploy"]
    assert edge["runtime"] == "ExecuTorch"
    routes = next(
        d for d in RULES.deploy if (d.framework, d.target, d.when) == ("pytorch", "edge", None)
    )
    assert [r.runtime for r in routes.routes] == [
        "ExecuTorch",
        "LiteRT",
        "TensorRT (NVIDIA Jetson)",
    ]
