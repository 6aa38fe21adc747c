"""Two stale facts in rules/: the stack shown must agree with the reasons that chose it.

- Hugging Face Transformers v5 has no JAX code, so when the Hub wins JAX on a TPU
  (``hf-on-tpu-jax-stack``, through KerasHub's ``hf://`` presets) the companion is Keras 3 on JAX,
  not Flax NNX. Cases cannot state a companion, so the shipped case ``researcher-hf-on-tpu`` is
  pinned here.
- JAX's WSL2 GPU support is experimental for AMD as for NVIDIA (``wsl2-jax-experimental``), so the
  hardware line must not say "supported"."""

from __future__ import annotations

import pytest
from conftest import SHIPPED, run_cli

import recommender

RULES = recommender.load_rules(base=SHIPPED)
HF_ON_TPU = {"model_zoo": ["huggingface"], "hardware": "tpu"}
AMD_WSL2 = {
    "hardware": "amd_gpu",
    "os": "wsl2",
    "team_knows": "jax",
    "programming_style": "functional",
}


def fired(rec) -> set[str]:
    return {r.rule for s in rec.ranking for r in s.reasons}


def shipped_case(name: str) -> recommender.rulebase.model.Case:
    return next(c for c in RULES.cases if c.name == name)


@pytest.mark.parametrize(
    "answers",
    [
        HF_ON_TPU,
        {**HF_ON_TPU, "audience": "researcher"},
        shipped_case("researcher-hf-on-tpu").answers,
    ],
)
def test_hugging_face_on_a_tpu_gets_keras_on_jax(answers):
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "jax" and "hf-on-tpu-jax-stack" in fired(rec)
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "keras-jax"
    assert (stack["hardware"]["answer"], stack["hardware"]["support"]) == ("tpu", "supported")


def test_the_hub_with_an_llm_stage_still_gets_the_jax_llm_tools():
    # Tunix and MaxText are what the rule names for fine-tuning and pretraining: they stay first
    for stage, companion in (("fine_tune", "tunix"), ("pretrain", "maxtext")):
        answers = {**HF_ON_TPU, "domain": "nlp_llm", "llm_stage": stage}
        rec = recommender.recommend(answers, rules=RULES)
        assert rec.winner == "jax" and "hf-on-tpu-jax-stack" in fired(rec)
        assert rec.to_dict()["stack"]["companion"]["id"] == companion, stage


def test_the_cli_stack_line_names_keras_on_jax():
    proc = run_cli("recommend", "-a", "model_zoo=huggingface", "-a", "hardware=tpu")
    assert proc.returncode == 0, proc.stderr
    assert "  Stack: JAX + Keras 3 (JAX backend); tpu: supported\n" in proc.stdout
    assert "Flax NNX" not in proc.stdout.split("Why JAX:")[0]


def test_jax_on_an_amd_gpu_under_wsl2_is_experimental():
    rec = recommender.recommend(AMD_WSL2, rules=RULES)
    assert rec.winner == "jax" and "wsl2-jax-experimental" in fired(rec)
    hardware = rec.to_dict()["stack"]["hardware"]
    assert (hardware["answer"], hardware["support"]) == ("amd_gpu", "experimental")
    assert "JAX installation docs" in hardware["source"] and hardware["as_of"] == "2026-08"


@pytest.mark.parametrize(
    ("os_answer", "support"), [("wsl2", "experimental"), ("linux", "supported")]
)
def test_jax_gpu_support_by_os_agrees_for_nvidia_and_amd(os_answer, support):
    for gpu in ("nvidia_gpu", "amd_gpu"):
        rec = recommender.recommend({**AMD_WSL2, "hardware": gpu, "os": os_answer}, rules=RULES)
        assert rec.winner == "jax"
        assert rec.to_dict()["stack"]["hardware"]["support"] == support, (gpu, os_answer)


def test_the_cli_hardware_line_is_honest_under_wsl2():
    args = [arg for k, v in AMD_WSL2.items() for arg in ("-a", f"{k}={v}")]
    proc = run_cli("recommend", *args)
    assert proc.returncode == 0, proc.stderr
    assert "  Stack: JAX + Equinox; amd_gpu: experimental\n" in proc.stdout


# -- stop 22: a knowledge review ---------------------------------------------------------------
JAX_SERVING = {
    "audience": "production",
    "domain": "nlp_llm",
    "llm_stage": "serve",
    "team_knows": ["jax"],
    "existing_code": "jax",
    "model_zoo": ["jax_native"],
    "os": "linux",
    "deployment": ["server"],
    "programming_style": "functional",
}


@pytest.mark.parametrize(("hardware", "tpu_engine"), [("tpu", True), ("nvidia_gpu", False)])
def test_vllm_jax_is_offered_only_on_a_tpu(hardware, tpu_engine):
    # vLLM JAX (vllm-tpu) is vLLM's TPU backend: "focused on serving JAX models on TPU"
    rec = recommender.recommend({**JAX_SERVING, "hardware": hardware}, rules=RULES)
    assert rec.winner == "jax"
    assert (rec.to_dict()["stack"]["companion"]["id"] == "vllm-jax") is tpu_engine


def test_llm_pretraining_on_gpus_gets_a_pretraining_library_not_the_fine_tuning_trainer():
    answers = {
        "audience": "researcher",
        "domain": "nlp_llm",
        "llm_stage": "pretrain",
        "hardware": "nvidia_gpu",
        "parallelism": "multi_node",
    }
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "pytorch"
    assert rec.to_dict()["stack"]["companion"]["id"] == "torchtitan"
    # fine-tuning keeps the Hugging Face Trainer
    tune = recommender.recommend({**answers, "llm_stage": "fine_tune"}, rules=RULES)
    assert tune.to_dict()["stack"]["companion"]["id"] != "torchtitan"


def test_the_pytorch_server_route_does_not_send_torch_export_to_tritons_pytorch_backend():
    # Triton's PyTorch backend took TorchScript or a Python model.py; since Triton 26.03 it also
    # loads AOTInductor .pt2 archives, in beta with batch size 1 only (pytorch_backend PR #179):
    # the route must say so, not offer the backend as a plain torch.export target
    rec = recommender.recommend({"deployment": ["server"], "team_knows": ["pytorch"]}, rules=RULES)
    route = rec.to_dict()["stack"]["deploy"][0]
    assert route["target"] == "server" and rec.winner == "pytorch"
    assert "Triton PyTorch backend" not in route["path"]
    assert "AOTInductor" in route["path"] and "TorchScript" in route["path"]
    assert "torch_aoti, beta" in route["path"] and "batch size 1" in route["path"]


@pytest.mark.parametrize("companion", ["keras-torch", "keras-jax"])
def test_keras_on_other_backends_says_keras_2_code_needs_a_port(companion):
    found = [c for f in RULES.frameworks for c in f.companions if c.id == companion]
    assert len(found) == 1 and "Keras 2 (tf.keras) code must first be ported" in " ".join(
        found[0].note.split()
    )
