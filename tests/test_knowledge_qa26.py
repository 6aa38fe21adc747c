"""The persona sweep of 2026-12-01, second pass (docs/knowledge.md, "Persona sweep of 2026-12-01,
second pass").

Each test fails on the rules before the pass (8419eae) and pins what the cited facts say:
- one fact scores once on-device: production-pytorch counted ExecuTorch and the serving engines
  that mobile-executorch, edge-executorch and server-export score, which made a TensorFlow team
  shipping to Android in production a tie; TFLite Micro was counted by edge-litert and again by
  mcu-tflite-micro; embedded-linux-runtimes restated edge-litert and edge-executorch;
- an AMD GPU on native Windows: only AMD's own PyTorch wheels (repo.radeon.com, ROCm 7.2.1,
  Python 3.12), which PyTorch does not build or list (ROCm/TheRock#7805), not 'supported' with no
  word;
- AWS Trainium/Inferentia: the server route is vLLM Neuron or TorchNeuron (Trn2/Trn3), not the GPU
  engines; Inf2/Trn1 are on the maintenance-only torch-neuronx.
"""

from __future__ import annotations

import pytest
from knowledge_support import RULES, points, run, words

TF_TEAM_ANDROID = {
    "audience": "production",
    "team_knows": ["tensorflow"],
    "existing_code": "none",
    "deployment": ["mobile"],
    "hardware": "nvidia_gpu",
    "os": "linux",
    "domain": "vision",
    "api_level": "high",
    "project_lifetime": "long",
}


def test_a_tensorflow_team_shipping_to_android_gets_tensorflow_and_litert_not_a_tie():
    d = run(TF_TEAM_ANDROID)
    assert (d["winner"], d["tie"], d["confidence"]) == ("tensorflow", [], "close")
    scores = {row["framework"]: row["score"] for row in d["ranking"]}
    # JAX -4, not -5, since the knowledge QA of 2026-12-01 removed production-jax, which
    # charged JAX's missing mobile runtime a second time beside mobile-jax-indirect
    assert scores == {"tensorflow": 7, "pytorch": 6, "jax": -4}
    assert d["companion"]["id"] == "keras"
    (mobile,) = d["stack"]["deploy"]
    assert (mobile["target"], mobile["runtime"], mobile["support"]) == (
        "mobile",
        "LiteRT",
        "supported",
    )


def test_a_tensorflow_researcher_shipping_to_android_is_still_an_honest_tie():
    # research share (PyTorch +3, TF -1) against the team's skills (TF +4): two real reasons,
    # and the mobile runtimes score 2 each; nothing counts twice here
    answers = {
        "audience": "researcher",
        "team_knows": ["tensorflow"],
        "existing_code": "none",
        "deployment": ["mobile"],
    }
    d = run(answers)
    assert (d["winner"], d["tie"]) == (None, ["tensorflow", "pytorch"])
    assert points(d)["pytorch"] == {"researcher-pytorch-share": 3, "mobile-executorch": 2}


@pytest.mark.parametrize(
    "deployment", [["mobile"], ["server"], ["edge"], ["mobile", "server", "edge"]]
)
def test_the_production_points_are_the_toolchain_only_and_equal(deployment):
    d = run({"audience": "production", "deployment": deployment})
    got = points(d)
    assert got["pytorch"]["production-pytorch"] == 1
    assert got["tensorflow"]["production-tf"] == 1
    because = next(
        r["because"]
        for row in d["ranking"]
        for r in row["reasons"]
        if r["rule"] == "production-pytorch"
    )
    assert "ExecuTorch is at 1.5" not in words(because)
    assert "one fact scores once" in words(because)


def test_a_microcontroller_counts_tflite_micro_once_and_executorch_cortex_m_once():
    d = run({"deployment": ["edge"], "edge_target": "microcontroller"})
    got = points(d)
    assert got["tensorflow"] == {"mcu-tflite-micro": 4}
    assert got["pytorch"] == {"mcu-executorch": 1, "default-pytorch-community": 0.5}
    assert d["winner"] == "tensorflow"
    # a PyTorch team keeps PyTorch there, as before (ExecuTorch Cortex-M, limited)
    d = run({"deployment": ["edge"], "edge_target": "microcontroller", "team_knows": ["pytorch"]})
    assert d["winner"] == "pytorch"
    (edge,) = d["stack"]["deploy"]
    assert (edge["runtime"], edge["support"]) == (
        "ExecuTorch (Cortex-M / Ethos-U backends)",
        "limited",
    )


@pytest.mark.parametrize("edge_target", ["embedded_linux", None])
def test_an_embedded_linux_board_counts_each_runtime_once(edge_target):
    answers: dict = {"deployment": ["edge"]}
    if edge_target:
        answers["edge_target"] = edge_target
    got = points(run(answers))
    assert got["tensorflow"] == {"edge-litert": 2}
    assert got["pytorch"] == {"edge-executorch": 2, "default-pytorch-community": 0.5}
    assert "embedded-linux-runtimes" not in {rule.id for rule in RULES.rules}


def test_an_amd_gpu_on_native_windows_names_amds_own_wheels_as_limited():
    d = run({"hardware": "amd_gpu", "os": "windows"})
    assert d["winner"] == "pytorch"
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"]) == ("amd_gpu", "limited")
    text = words(route["route"])
    assert "repo.radeon.com" in text and "Python 3.12 only" in text
    assert "download.pytorch.org) are Linux only" in text
    note = words(route["note"])
    assert "not by PyTorch" in note and "WSL2 or Linux" in note
    assert "amd-rocm" not in points(d)["pytorch"]
    assert points(d)["pytorch"]["windows-gpu-pytorch"] == 2
    # Linux keeps PyTorch's own ROCm wheels, supported
    linux = run({"hardware": "amd_gpu", "os": "linux"})
    assert linux["stack"]["hardware"]["support"] == "supported"
    assert "download.pytorch.org" in linux["stack"]["hardware"]["route"]
    assert points(linux)["pytorch"]["amd-rocm"] == 2


def test_a_trainium_server_gets_the_neuron_serving_routes_not_the_gpu_engines():
    d = run({"hardware": "aws_trainium", "deployment": ["server"]})
    assert d["winner"] == "pytorch"
    (server,) = d["stack"]["deploy"]
    assert server["runtime"] == (
        "vLLM Neuron (LLMs) or TorchNeuron in your own server (other models), Trn2/Trn3"
    )
    assert server["support"] == "limited"
    path = words(server["path"])
    assert "Triton" not in path and "TensorRT" not in path and "SGLang" not in path
    assert [(a["runtime"], a["support"]) for a in server["alternatives"]] == [
        ("torch-neuronx or NxD Inference (Inferentia2, Trn1)", "deprecated")
    ]
    route = d["stack"]["hardware"]
    assert "Trn2/Trn3" in words(route["route"]) and "torch-neuronx" in words(route["route"])
    assert "PyTorch 2.13/2.14" in words(route["note"])


def test_a_jax_science_codebase_on_trainium_is_told_no_neuron_server_takes_jax():
    answers = {
        "hardware": "aws_trainium",
        "deployment": ["server"],
        "team_knows": ["jax"],
        "existing_code": "jax",
        "domain": "scientific",
    }
    d = run(answers)
    assert d["winner"] == "jax"
    (server,) = d["stack"]["deploy"]
    assert (server["runtime"], server["support"]) == (
        "your own server on JAX NeuronX (beta)",
        "limited",
    )
    assert "all PyTorch" in words(server["path"])
    route = d["stack"]["hardware"]
    # re-dated by route audit 29: Neuron 2.34 (2026-11-30) moved JAX NeuronX to JAX 0.10.0-0.11.2
    assert (route["support"], route["as_of"]) == ("experimental", "2026-11")
    assert "pip.repos.neuron.amazonaws.com" in route["route"]
    # without the science pull the same team serving on Neuron gets PyTorch, close: every
    # serving path AWS offers there is PyTorch
    del answers["domain"]
    d = run(answers)
    assert (d["winner"], d["confidence"]) == ("pytorch", "close")


def test_a_beginner_fine_tuning_an_llm_on_a_tpu_gets_keras_lora_not_tunix():
    answers = {
        "audience": "beginner",
        "hardware": "tpu",
        "domain": "nlp_llm",
        "llm_stage": "fine_tune",
    }
    d = run(answers)
    assert (d["winner"], d["companion"]["id"]) == ("jax", "keras-jax")
    assert "enable_lora" in words(d["companion"]["note"])
    # a researcher doing the same keeps Tunix
    d = run({**answers, "audience": "researcher"})
    assert d["companion"]["id"] == "tunix"


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


def test_tensorflow_on_a_tpu_is_limited_to_the_tf_2_18_software_versions():
    # Keras 2 code (tf_keras runs on TensorFlow only): since the knowledge QA of 2026-12-01 a
    # TensorFlow team with Keras 3 code no longer wins on a TPU (tpu-tf-frozen,
    # tests/test_knowledge_qa27.py), so the route is read where TensorFlow rightly wins
    answers = {
        "existing_code": "keras2",
        "team_knows": ["tensorflow"],
        "hardware": "tpu",
        "deployment": ["server"],
    }
    d = run(answers)
    assert d["winner"] == "tensorflow"
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"], route["as_of"]) == ("tpu", "limited", "2026-11")
    assert "up to TF 2.18.0" in words(route["route"])
    assert "KERAS_BACKEND=jax" in route["note"]


@pytest.mark.parametrize(
    "hardware", [{"hardware": "aws_trainium"}, {"hardware": "intel_gpu", "os": "linux"}]
)
def test_lightning_is_not_offered_where_it_has_no_accelerator(hardware):
    d = run({**hardware, "api_level": "high"})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "torch-nn")
    # elsewhere Lightning is still the high-level companion
    d = run({"hardware": "nvidia_gpu", "os": "linux", "api_level": "high"})
    assert (d["winner"], d["companion"]["id"]) == ("pytorch", "lightning")


@pytest.mark.parametrize(
    ("team", "last_intel_mac_release"),
    [("pytorch", "torch 2.2.2"), ("tensorflow", "tensorflow 2.16.2"), ("jax", "jaxlib 0.4.38")],
)
def test_cpu_training_on_a_mac_names_the_intel_mac_freeze(team, last_intel_mac_release):
    d = run({"hardware": "cpu", "os": "macos", "team_knows": [team]})
    assert d["winner"] == team
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"]) == ("cpu", "supported")
    assert last_intel_mac_release in route["route"]
    assert "CPU wheel index" not in route["route"]
    # Linux keeps the plain CPU route
    d = run({"hardware": "cpu", "os": "linux", "team_knows": [team]})
    assert "Intel Mac" not in d["stack"]["hardware"]["route"]


def test_the_windows_deal_breaker_promises_a_wsl2_gpu_only_for_nvidia():
    d = run({"hardware": "amd_gpu", "os": "windows"})
    tf = next(row for row in d["ranking"] if row["framework"] == "tensorflow")
    (breaker,) = tf["dealbreakers"]
    because = words(breaker["because"])
    assert "TF supports the GPU there" not in because
    assert "TF supports NVIDIA GPUs there" in because
    assert "AMD's TensorFlow builds for WSL stop at TF 2.15" in because
