"""The shipped knowledge, by the machine: AMD and Intel GPUs, AWS Trainium, Apple and Intel Macs,
Windows and WSL2, the CUDA and CPU wheels, clusters. Each test pins a fact docs/knowledge.md cites
(the review passes of 2026-11-30 and 2026-12-01 say which) as `recommend` reads it."""

from __future__ import annotations

import pytest
from conftest import SHIPPED_RULES, run_cli
from knowledge_support import (
    RULES,
    fired,
    points,
    reasons,
    recommendation,
    run,
    scores,
    stack,
    words,
)

import recommender
from recommender.rulebase.conditions import Is
from recommender.scoring.result import Scorer


@pytest.mark.parametrize(
    ("team", "framework", "support"),
    [
        ("pytorch", "pytorch", "limited"),
        ("jax", "jax", "unsupported"),
        ("tensorflow", "tensorflow", "deprecated"),
    ],
)
def test_an_amd_gpu_under_macos_gets_the_intel_mac_route_not_rocm(team, framework, support):
    answers = {"hardware": "amd_gpu", "os": "macos", "team_knows": [team], "existing_code": team}
    rec, d = recommendation(answers)
    assert rec.winner == framework
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"]) == ("amd_gpu", support)
    text = " ".join(route["route"].split())
    assert "download.pytorch.org" not in text and "jax[rocm7-local]" not in text
    assert "repo.radeon.com" not in text
    last_intel_mac_release = {"pytorch": "2.2.2", "jax": "0.4.38", "tensorflow": "2.16.2"}
    assert last_intel_mac_release[framework] in text


@pytest.mark.parametrize("hardware", ["nvidia_gpu", "intel_gpu"])
@pytest.mark.parametrize("team", ["pytorch", "tensorflow", "jax"])
def test_cuda_or_xpu_under_macos_is_unsupported_for_every_framework(hardware, team):
    answers = {"hardware": hardware, "os": "macos", "team_knows": [team], "existing_code": team}
    rec, d = recommendation(answers)
    assert rec.winner == team
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"]) == (hardware, "unsupported")


def test_rocm_and_xpu_rules_do_not_fire_on_macos():
    for hardware, rule in (
        ("amd_gpu", "amd-rocm"),
        ("intel_gpu", "intel-gpu-xpu"),
        ("nvidia_gpu", "nvidia-gpu-pytorch"),
    ):
        rec, d = recommendation({"hardware": hardware, "os": "macos"})
        fired = {r["rule"] for row in d["ranking"] for r in row["reasons"]}
        assert rule not in fired, (hardware, rule)
    rec, d = recommendation({"hardware": "amd_gpu", "os": "macos"})
    fired = {r["rule"] for row in d["ranking"] for r in row["reasons"]}
    assert "intel-mac-gpu" in fired
    # Linux keeps its ROCm route and rule
    rec, d = recommendation({"hardware": "amd_gpu", "os": "linux"})
    assert "amd-rocm" in {r["rule"] for row in d["ranking"] for r in row["reasons"]}
    assert "download.pytorch.org" in d["stack"]["hardware"]["route"]


def test_intel_gpu_reason_names_jax_oneapi_not_openxla():
    rec, d = recommendation({"hardware": "intel_gpu", "os": "linux"})
    reasons = [r for row in d["ranking"] for r in row["reasons"] if r["rule"] == "intel-gpu-xpu"]
    assert reasons
    because = " ".join(reasons[0]["because"].split())
    assert "jax[oneapi]" in because and "OpenXLA" not in because


AMD_WSL2 = {
    "hardware": "amd_gpu",
    "os": "wsl2",
    "team_knows": "jax",
    "programming_style": "functional",
}


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


def test_jax_on_an_intel_gpu_under_wsl2_is_excluded_and_its_routes_say_why():
    rec = recommender.recommend(
        {"team_knows": ["jax"], "domain": "scientific", "hardware": "intel_gpu", "os": "wsl2"},
        rules=RULES,
    )
    assert rec.winner == "pytorch"
    hardware = rec.to_dict()["stack"]["hardware"]
    # PyTorch's own WSL2 route: "supported" since route audit 29 (PyTorch 2.15's docs validate
    # Intel client GPUs under WSL2; it was "experimental", after the 2.6 docs)
    assert (hardware["answer"], hardware["support"]) == ("intel_gpu", "supported")
    # the persona sweep of 2026-12-01 added a macOS (Intel Mac) entry too, also unsupported
    (jax_off_linux,) = [
        h
        for h in RULES.hardware
        if (h.framework, h.answer) == ("jax", "intel_gpu")
        and isinstance(h.when, Is)
        and "wsl2" in h.when.values
    ]
    assert jax_off_linux.support == "unsupported"
    when = jax_off_linux.when
    assert isinstance(when, Is) and when.values == frozenset({"windows", "wsl2"})


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


@pytest.mark.parametrize(("os", "support"), [("linux", "supported"), ("wsl2", "experimental")])
def test_jax_on_amd_says_to_pin_jax_0_12_0_for_the_rocm_plugin(os, support):
    winner, st = stack({"hardware": "amd_gpu", "os": os, "team_knows": ["jax"]})
    assert winner == "jax"
    route = st["hardware"]
    assert (route["answer"], route["support"]) == ("amd_gpu", support)
    assert "jax==0.12.0" in route["note"] and "rocm7-local" in route["note"]


def test_jax_on_an_intel_gpu_names_the_oneapi_plugin_and_its_pin():
    answers = {
        "hardware": "intel_gpu",
        "os": "linux",
        "team_knows": ["jax"],
        "existing_code": "jax",
    }
    winner, st = stack(answers)
    assert winner == "jax"
    route = st["hardware"]
    assert (route["answer"], route["support"]) == ("intel_gpu", "experimental")
    assert "jax[oneapi]" in route["route"] and "openxla" not in route["route"]
    assert "jax==0.11.2" in " ".join(route["note"].split())


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


def test_the_pytorch_cuda_route_names_the_cuda_13_wheels_and_the_dropped_gpus():
    route = run({"hardware": "nvidia_gpu", "os": "linux"})["stack"]["hardware"]
    assert (route["support"], route["as_of"]) == ("supported", "2026-12")
    assert "CUDA 13.2 build" in route["route"] and "cu130, cu132" in route["route"]
    assert "Maxwell, Pascal or Volta" in words(route["note"])
    assert "not re-checked" not in route["source"]
    assert "pytorch/test-infra#8739" in words(route["source"])


def test_the_windows_nvidia_route_names_the_cuda_index_because_pypis_wheel_is_cpu_only():
    route = run({"hardware": "nvidia_gpu", "os": "windows"})["stack"]["hardware"]
    assert (route["support"], route["as_of"]) == ("supported", "2026-12")
    assert route["route"] == (
        "pip install torch --index-url https://download.pytorch.org/whl/cu132 (or cu130): on "
        "Windows the PyPI wheel is the CPU-only build, so a plain pip install torch never sees "
        "the GPU"
    )
    source = words(route["source"])
    assert "the win_amd64 wheels are 127 MB" in source and "#7868, 2026-03-23" in source
    # the Windows GPU rule and fact say the same, dated
    rule = next(r for r in RULES.rules if r.id == "windows-gpu-pytorch")
    assert "the Windows wheel on PyPI is the CPU build, so name the index" in words(rule.because)
    assert rule.as_of == "2026-12"
    # Linux and WSL2 keep the PyPI CUDA build
    for os_answer in ("linux", "wsl2"):
        route = run({"hardware": "nvidia_gpu", "os": os_answer})["stack"]["hardware"]
        assert route["route"].startswith("pip install torch: the PyPI wheel is the CUDA 13.2 build")


def test_the_cpu_route_says_which_platforms_pypi_wheel_is_the_cpu_build():
    d = run({"audience": "beginner", "hardware": "cpu", "os": "linux"})
    route = d["stack"]["hardware"]
    assert route["route"].startswith(
        "pip install torch --index-url https://download.pytorch.org/whl/cpu on Linux"
    )
    assert "on Windows and macOS the PyPI wheel is already the CPU build" in route["route"]
    assert route["as_of"] == "2026-12" and route["source"] != "KNOWLEDGE.md (measured)"


def test_on_native_windows_nvidias_all_three_run_point_is_not_counted_beside_the_windows_rule():
    d = run({"audience": "beginner", "hardware": "nvidia_gpu", "os": "windows"})
    assert "nvidia-gpu-pytorch" not in points(d)["pytorch"]
    assert points(d)["pytorch"]["windows-gpu-pytorch"] == 2
    assert scores(d)["pytorch"] == 4.5
    for os_answer in ("linux", "wsl2"):
        d = run({"audience": "beginner", "hardware": "nvidia_gpu", "os": os_answer})
        assert points(d)["pytorch"]["nvidia-gpu-pytorch"] == 1
        why = reasons(d, "pytorch")["nvidia-gpu-pytorch"]
        assert why.startswith("All three run on NVIDIA GPUs under Linux (and WSL2)")


def test_the_multi_node_reason_no_longer_credits_tensorflow_for_clusters():
    """`multi-node` gave TensorFlow +1 for 'tf.distribute has multi-worker strategies too'."""
    rule = next(r for r in RULES.rules if r.id == "multi-node")
    assert dict(rule.score) == {"jax": 2, "pytorch": 2}
    text = " ".join(rule.because.split())
    assert "Keras 3 (TF's Keras since 2.16) does not train under MultiWorkerMirroredStrategy" in (
        text
    )
    assert "on TensorFlow a cluster means Keras 2 (tf_keras) or a hand-written training loop" in (
        text
    )
    assert "keras-team/keras#20585" in rule.source


@pytest.mark.parametrize("os_", [None, "macos", "linux", "windows", "wsl2"])
def test_the_mps_reason_and_route_only_where_macos_runs(os_):
    """An Apple-silicon Mac trained on under Linux (Asahi) or Windows: PyTorch got +2 for 'the
    built-in MPS backend' and the stack said 'MPS backend, built into the macOS wheels
    (supported)', though MPS is Metal, macOS only."""
    answers = {"hardware": "apple_silicon"} | ({"os": os_} if os_ else {})
    rec = recommender.recommend(answers)
    stack = Scorer(SHIPPED_RULES).stack("pytorch", rec.sig)
    route = stack.hardware[1] if stack.hardware else None
    mac = os_ in (None, "macos")
    assert ("apple-silicon-mps" in rec.fired) is mac
    assert route is not None and route.support == ("supported" if mac else "unsupported")
