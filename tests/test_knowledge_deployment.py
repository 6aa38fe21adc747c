"""The shipped knowledge by deployment target: production, mobile, edge boards,
microcontrollers and servers (ExecuTorch, LiteRT, TensorRT, Triton): each fact scores once, and
the routes on the "Stack:" line say what the cited sources say (docs/knowledge.md)."""

from __future__ import annotations

import pytest
from knowledge_support import RULES, fired, points, run, stack, words

import recommender
from recommender.cli import main


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


PRODUCTION = {"audience": "production", "deployment": ["server"]}


# production-jax was removed in the knowledge QA of 2026-12-01 (its runtime fact is charged per
# deployment target, so it counted twice wherever a target was named)
PRODUCTION_RULES = {"production-tf", "production-pytorch"}


@pytest.mark.parametrize(
    "answers",
    [
        {"hardware": "nvidia_gpu", "domain": "nlp_llm", "llm_stage": "serve"},
        {"hardware": "tpu", "domain": "nlp_llm", "llm_stage": "fine_tune"},
        {"hardware": "tpu"},
    ],
)
def test_production_points_still_count_everywhere_else(answers):
    rec = recommender.recommend({**answers, **PRODUCTION}, rules=RULES)
    assert fired(rec) >= PRODUCTION_RULES, answers


def test_every_litert_torch_route_says_it_needs_torch_below_2_15():
    routes = [
        r
        for d in RULES.deploy
        if d.framework == "pytorch"
        for r in d.routes
        if "litert-torch" in r.packages
    ]
    assert len(routes) == 4  # mobile, edge, microcontroller, browser
    for r in routes:
        assert "torch<2.15" in r.note, (r.runtime, r.path)
        assert "torch<2.15.0,>=2.4.0" in r.source, (r.runtime, r.path)


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


SERVE_LLM = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "nvidia_gpu", "os": "linux"}


@pytest.mark.parametrize(
    "answers",
    [
        {"deployment": ["server"], "team_knows": ["pytorch"]},
        {**SERVE_LLM, "deployment": ["server"]},
    ],
)
def test_the_pytorch_server_route_takes_aotinductor_into_triton_and_says_the_torch_pin(answers):
    winner, st = stack(answers)
    assert winner == "pytorch"
    (server,) = st["deploy"]
    assert server["support"] == "supported"
    assert "torch_aoti" in server["path"] and "26.03" in server["path"]
    assert "runs TorchScript or a Python model.py" not in server["path"]
    assert "torch==2.14.0" in server["note"] and "2.15" in server["note"]
    assert "pytorch_backend" in server["source"]
    assert server["as_of"] >= "2026-11"


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


MOBILE = {"deployment": "mobile", "team_knows": ["pytorch"]}


EMBEDDED = {"deployment": "edge", "edge_target": "embedded_linux", "team_knows": ["pytorch"]}


# ExecuTorch's lowering call: to_edge alone makes an Edge program that delegates nothing
LOWER = "to_edge_transform_and_lower"


def _route(d: dict, target: str) -> dict:
    return next(r for r in d["stack"]["deploy"] if r["target"] == target)


def test_executorch_mobile_route_lowers_with_the_partitioners():
    """It read "torch.export → to_edge → ExecuTorch .pte (XNNPACK, Core ML, Vulkan, QNN
    delegates)", but to_edge delegates nothing: ExecuTorch's backend docs pass the partitioner to
    to_edge_transform_and_lower, then call to_executorch."""
    d = run(MOBILE)
    assert d["winner"] == "pytorch"
    route = _route(d, "mobile")
    assert route["runtime"] == "ExecuTorch"
    assert route["support"] == "supported"
    assert words(route["path"]) == (
        "torch.export → to_edge_transform_and_lower (XNNPACK, Core ML, Vulkan or QNN partitioner)"
        " → to_executorch → .pte"
    )
    assert "backends-xnnpack.md" in route["source"]


def test_executorch_embedded_linux_route_names_the_xnnpack_partitioner():
    """It read "torch.export → ExecuTorch .pte (XNNPACK on Arm64)", skipping the lowering step."""
    d = run(EMBEDDED)
    assert d["winner"] == "pytorch"
    route = _route(d, "edge")
    assert route["runtime"] == "ExecuTorch"
    assert words(route["path"]) == (
        "torch.export → to_edge_transform_and_lower (XnnpackPartitioner, Arm64) → to_executorch"
        " → .pte"
    )
    assert LOWER in route["source"]


def test_the_stack_line_of_a_cli_run_shows_the_lowering_call(tmp_path, capsys):
    """The same route as `recommend --full` prints it."""
    profile = tmp_path / "mobile.yaml"
    profile.write_text("answers:\n  deployment: mobile\n  team_knows: [pytorch]\n")
    assert main(["recommend", "--profile", str(profile), "--full"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("  mobile: ExecuTorch"))
    assert line == (
        "  mobile: ExecuTorch (supported): torch.export → to_edge_transform_and_lower (XNNPACK,"
        " Core ML, Vulkan or QNN partitioner) → to_executorch → .pte; also LiteRT"
    )
    assert "→ to_edge →" not in out


# -- serving from an AMD GPU: Triton and TensorRT are NVIDIA-only -------------------------------
AMD_SERVER = {
    "hardware": "amd_gpu",
    "os": "linux",
    "deployment": "server",
    "team_knows": ["pytorch"],
}


def test_serving_on_an_amd_gpu_names_no_nvidia_only_engine():
    """The route was "vLLM / SGLang (LLMs), Triton or your own server", its path Triton's PyTorch
    backend and Torch-TensorRT, none of which runs on ROCm; vLLM and SGLang have ROCm builds."""
    for extra in ({}, {"domain": "nlp_llm", "llm_stage": "serve"}):
        d = run({**AMD_SERVER, **extra})
        assert d["winner"] == "pytorch"
        route = _route(d, "server")
        assert route["runtime"] == "vLLM / SGLang on ROCm (LLMs), your own server (other models)"
        assert route["support"] == "supported"
        assert "Triton" not in route["path"] and "TensorRT" not in route["path"]
        assert "NVIDIA-only" in route["note"]
        assert [a["runtime"] for a in route["alternatives"]] == ["ONNX Runtime"]


def test_serving_on_nvidia_keeps_triton():
    """A guard: on NVIDIA GPUs the generic route, Triton and all, stays."""
    route = _route(run({**AMD_SERVER, "hardware": "nvidia_gpu"}), "server")
    assert route["runtime"] == "vLLM / SGLang (LLMs), Triton or your own server (other models)"


def test_serving_on_an_intel_gpu_names_vllm_xpu_as_limited():
    """The route was the generic one (Triton's PyTorch backend, Torch-TensorRT), supported; on an
    Intel GPU vLLM's XPU support is 'basic' by its own docs and Triton/TensorRT target NVIDIA."""
    d = run({**AMD_SERVER, "hardware": "intel_gpu"})
    assert d["winner"] == "pytorch"
    route = _route(d, "server")
    assert route["runtime"] == "vLLM on XPU (LLMs, basic support), your own server (other models)"
    assert route["support"] == "limited"
    assert "Triton" not in route["path"] and "TensorRT" not in route["path"]
