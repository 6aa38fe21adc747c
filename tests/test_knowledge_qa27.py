"""The knowledge QA of 2026-12-01 (docs/knowledge.md, "Knowledge QA of 2026-12-01").

Each test but one fails on the rules before this pass (9164f71; the guard is Keras 2 code on a
TPU, which rightly stays on TensorFlow) and pins what the cited facts say:

- production-jax (JAX -1, "no first-party serving or on-device runtime") restated what the
  per-target JAX rules charge, so every named deployment target counted JAX's missing runtime twice;
- a JAX team with JAX LLM code on NVIDIA GPUs was decided by the lean: the serving engines on GPUs
  (vLLM, SGLang) run no JAX models (vLLM's JAX backend, MaxText's inference and JetStream are
  TPU-only), and a JAX checkpoint is served on GPUs by converting it to Hugging Face format
  (MaxText's to_huggingface), a route the stack did not have;
- the GPU LLM tools were named on Trainium (where neuron-pytorch-first already scores AWS's PyTorch
  LLM stack) and on Apple-silicon Macs (no vLLM, SGLang or FlashAttention there);
- TensorFlow on TPUs is pinned to TF 2.18 (Google's TPU software versions), so it no longer earns a
  TPU point, and a TensorFlow team with Keras 3 code on a TPU gets Keras 3 on the JAX backend;
- the PyTorch CUDA route was "not re-checked": since 2.15 only CUDA 13.0 and 13.2 wheels ship;
- pretraining from scratch was credited with the Transformers model supply (domain-nlp-llm),
  and Hugging Face's reason named the fine-tuning tools llm-gpu-stack scores.
"""

from __future__ import annotations

import pytest
from knowledge_support import RULES, points, reasons, run, scores, words

from recommender.cli import main

# -- 1. production-jax counted JAX's missing runtime a second time on every named target ----------


@pytest.mark.parametrize(
    ("deployment", "per_target"),
    [
        ({"deployment": ["server"]}, {"server-jax-export": -1}),
        ({"deployment": ["mobile"]}, {"mobile-jax-indirect": -4}),
        ({"deployment": ["edge"], "edge_target": "embedded_linux"}, {"edge-jax-indirect": -4}),
        ({"deployment": ["browser"]}, {"browser-jax": -5}),
    ],
)
def test_a_production_team_is_charged_jaxs_missing_runtime_once_per_target(deployment, per_target):
    d = run({"audience": "production", **deployment})
    assert points(d)["jax"] == per_target
    # the toolchain points stay: TensorFlow and PyTorch each keep one for their export toolchain
    assert points(d)["tensorflow"]["production-tf"] == 1
    assert points(d)["pytorch"]["production-pytorch"] == 1


def test_production_jax_is_gone_from_the_rule_base():
    assert "production-jax" not in {r.id for r in RULES.rules}
    code = main(["rules", "show", "production-jax"])
    assert code == 2


# -- 2. a JAX LLM team on NVIDIA GPUs: real points decide, and serving has a route ---------------

JAX_LLM_TEAM = {
    "audience": "production",
    "team_knows": ["jax"],
    "existing_code": "jax",
    "domain": "nlp_llm",
    "hardware": "nvidia_gpu",
    "os": "linux",
}


def test_a_jax_llm_team_fine_tuning_on_nvidia_keeps_jax_by_real_points_not_the_lean():
    d = run({**JAX_LLM_TEAM, "llm_stage": "fine_tune"})
    assert (d["winner"], d["companion"]["id"]) == ("jax", "tunix")
    assert scores(d) == {"jax": 6, "pytorch": 5.5, "tensorflow": -3}
    # without the half-point lean PyTorch is a full point behind
    lean = points(d)["pytorch"]["default-pytorch-community"]
    assert scores(d)["jax"] - (scores(d)["pytorch"] - lean) == 1
    assert "production-jax" not in points(d)["jax"]


def test_a_jax_llm_team_serving_on_nvidia_gets_pytorch_and_vllm_because_no_gpu_engine_runs_jax():
    d = run({**JAX_LLM_TEAM, "llm_stage": "serve", "deployment": ["server"]})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "vllm")
    assert points(d)["jax"] == {
        "team-jax": 4,
        "code-and-team-jax": 2,
        "server-jax-export": -1,
        "llm-gpu-serving": -2,
    }
    why = reasons(d, "pytorch")["llm-gpu-serving"]
    assert "none runs JAX models" in why
    assert "MaxText's to_huggingface script" in why


def test_jax_native_llm_code_served_on_nvidia_is_not_credited_as_writing_jax():
    # jax-native-models gave JAX +5 for "writing JAX"; serving on a GPU converts the checkpoint
    # and runs it in vLLM, so with JAX skills the old rules left this to the lean (6.5 vs 6)
    answers = {
        "team_knows": ["jax"],
        "model_zoo": ["jax_native"],
        "domain": "nlp_llm",
        "llm_stage": "serve",
        "hardware": "nvidia_gpu",
        "os": "linux",
        "deployment": ["server"],
    }
    d = run(answers)
    assert d["winner"] == "pytorch"
    assert points(d)["jax"] == {"team-jax": 4, "server-jax-export": -1, "llm-gpu-serving": -2}
    # on a TPU the JAX-native models are served by vLLM JAX and still count
    d = run({**answers, "hardware": "tpu", "os": "linux"})
    assert points(d)["jax"]["jax-native-models"] == 5
    # and training them on NVIDIA GPUs still counts too
    d = run({**answers, "llm_stage": "fine_tune", "deployment": ["none"]})
    assert points(d)["jax"]["jax-native-models"] == 5


def test_jaxs_llm_server_route_on_a_gpu_is_vllm_on_the_converted_checkpoint():
    # a JAX research team that wins on its other answers, serving its LLM on NVIDIA GPUs
    answers = {
        "team_knows": ["jax"],
        "existing_code": "jax",
        "domain": "nlp_llm",
        "llm_stage": "serve",
        "hardware": "nvidia_gpu",
        "os": "linux",
        "programming_style": "functional",
        "vectorization": "yes",
        "custom_gradients": "yes",
        "parallelism": "multi_node",
        "deployment": ["server"],
    }
    d = run(answers)
    assert d["winner"] == "jax"
    (server,) = d["stack"]["deploy"]
    assert (server["runtime"], server["support"], server["as_of"]) == (
        "vLLM or SGLang on the checkpoint converted to Hugging Face format",
        "limited",
        "2026-12",
    )
    assert "maxtext.checkpoint_conversion.to_huggingface" in words(server["path"])
    assert "the serving runtime is PyTorch, not JAX" in words(server["note"])
    assert "convert_checkpoint.md" in words(server["source"])
    # a TPU keeps vLLM JAX
    d = run({**answers, "hardware": "tpu"})
    assert d["stack"]["deploy"][0]["runtime"] == "vLLM JAX (vllm-tpu)"


# -- 3. the GPU LLM tools are not named where they do not run -------------------------------------


@pytest.mark.parametrize("llm_stage", ["fine_tune", "serve", "pretrain"])
def test_on_trainium_the_llm_stack_is_scored_once_by_the_neuron_rule(llm_stage):
    d = run({"domain": "nlp_llm", "llm_stage": llm_stage, "hardware": "aws_trainium"})
    assert d["winner"] == "pytorch"
    fired = set(points(d)["pytorch"])
    assert "neuron-pytorch-first" in fired
    assert not {"llm-gpu-stack", "llm-gpu-serving", "llm-mac-stack"} & fired


@pytest.mark.parametrize("llm_stage", ["fine_tune", "serve"])
@pytest.mark.parametrize("os_answer", [{"os": "macos"}, {}])
def test_on_an_apple_silicon_mac_the_llm_reason_names_what_runs_there(llm_stage, os_answer):
    d = run({"domain": "nlp_llm", "llm_stage": llm_stage, "hardware": "apple_silicon", **os_answer})
    assert d["winner"] == "pytorch"
    assert points(d)["pytorch"]["llm-mac-stack"] == 2
    assert points(d)["tensorflow"]["llm-mac-stack"] == -2
    assert not {"llm-gpu-stack", "llm-gpu-serving"} & set(points(d)["pytorch"])
    why = reasons(d, "pytorch")["llm-mac-stack"]
    assert "vLLM and SGLang have no macOS build" in why
    assert "mlx-lm" in why


def test_an_llm_served_on_a_mac_gets_a_mac_route_not_vllm_on_linux():
    answers = {
        "domain": "nlp_llm",
        "llm_stage": "serve",
        "hardware": "apple_silicon",
        "os": "macos",
        "deployment": ["server"],
    }
    (server,) = run(answers)["stack"]["deploy"]
    assert server["support"] == "experimental"
    assert server["runtime"].startswith("vllm-metal (vLLM's Apple-silicon plugin, alpha)")
    # on Linux the GPU engines are still the route
    answers = {**answers, "hardware": "nvidia_gpu", "os": "linux"}
    (server,) = run(answers)["stack"]["deploy"]
    assert server["runtime"].startswith("vLLM / SGLang (LLMs)")


def test_the_trl_companion_offers_unsloth_only_where_it_trains_on_pytorch():
    d = run({"domain": "nlp_llm", "llm_stage": "fine_tune", "hardware": "apple_silicon"})
    assert d["companion"]["id"] == "trl-peft"
    note = words(d["companion"]["note"])
    assert "Unsloth speeds up the same recipes on one NVIDIA, AMD or Intel GPU" in note
    assert "on a Mac it trains through Apple's MLX instead" in note


# -- 4. TensorFlow on TPUs is pinned to 2.18 ------------------------------------------------------


def test_a_tensorflow_team_with_keras3_code_on_a_tpu_gets_keras_on_the_jax_backend():
    d = run({"team_knows": ["tensorflow"], "existing_code": "keras3", "hardware": "tpu"})
    assert (d["winner"], d["tie"], d["companion"]["id"]) == ("jax", [], "keras-jax")
    assert scores(d) == {"jax": 6, "tensorflow": 4, "pytorch": -4}
    assert points(d)["tensorflow"]["tpu-tf-frozen"] == -1
    why = reasons(d, "tensorflow")["tpu-tf-frozen"]
    assert "only up to TF 2.18.0" in why and "TPU7x" in why


def test_keras2_code_on_a_tpu_still_stays_on_tensorflow():
    # tf_keras (Keras 2) runs on TensorFlow only: the pinned TPU release does not outweigh a port
    d = run({"team_knows": ["tensorflow"], "existing_code": "keras2", "hardware": "tpu"})
    assert (d["winner"], d["companion"]["id"]) == ("tensorflow", "keras")
    assert d["stack"]["hardware"]["support"] == "limited"


# -- 5. the PyTorch CUDA route, re-checked and dated ----------------------------------------------


def test_the_pytorch_cuda_route_names_the_cuda_13_wheels_and_the_dropped_gpus():
    route = run({"hardware": "nvidia_gpu", "os": "linux"})["stack"]["hardware"]
    assert (route["support"], route["as_of"]) == ("supported", "2026-12")
    assert "CUDA 13.2 build" in route["route"] and "cu130, cu132" in route["route"]
    assert "Maxwell, Pascal or Volta" in words(route["note"])
    assert "not re-checked" not in route["source"]
    assert "pytorch/test-infra#8739" in words(route["source"])


def test_no_rule_or_fact_about_pytorchs_cuda_wheels_is_left_unchecked():
    windows = next(r for r in RULES.rules if r.id == "windows-gpu-pytorch")
    assert "not re-checked" not in windows.source
    assert "CUDA 13.0 and 13.2 since 2.15" in words(windows.because)


# -- 6. TF1 / Estimator code ----------------------------------------------------------------------


def test_an_estimator_codebase_is_told_estimators_are_gone_since_tf_2_16():
    # since knowledge QA 28 Estimator code is its own answer (tests/test_knowledge_qa28.py)
    d = run({"existing_code": "tensorflow", "team_knows": ["pytorch"]})
    why = reasons(d, "tensorflow")["code-tensorflow"]
    assert "Estimators were removed in TF 2.16" in why


# -- 7. one fact once: Transformers for pretraining, PEFT/TRL for fine-tuning ---------------------


def test_pretraining_from_scratch_is_not_credited_with_the_transformers_model_supply():
    answers = {
        "domain": "nlp_llm",
        "llm_stage": "pretrain",
        "hardware": "nvidia_gpu",
        "os": "linux",
        "parallelism": "multi_node",
    }
    d = run(answers)
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "torchtitan")
    assert "domain-nlp-llm" not in points(d)["pytorch"]
    assert points(d)["pytorch"]["llm-gpu-stack"] == 3
    # fine-tuning still builds on Transformers checkpoints
    d = run({**answers, "llm_stage": "fine_tune"})
    assert points(d)["pytorch"]["domain-nlp-llm"] == 2


def test_hugging_faces_reason_leaves_the_fine_tuning_tools_to_the_llm_rule():
    answers = {"model_zoo": ["huggingface"], "domain": "nlp_llm", "llm_stage": "fine_tune"}
    d = run({**answers, "hardware": "nvidia_gpu", "os": "linux"})
    why = reasons(d, "pytorch")
    assert "PEFT and TRL" in why["llm-gpu-stack"]
    hugging_face = why["hf-transformers-v5"]
    assert "counted by llm-gpu-stack when you fine-tune, not here as well" in hugging_face
