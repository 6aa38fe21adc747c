"""Stack audit 28 (2026-12-01): the routes `recommend` prints on its "Stack:" line and in
``--full``'s stack section, checked against current sources (docs/knowledge.md, "Stack audit 28").
Each check reads the shipped rules, through the JSON record or a real CLI run."""

from __future__ import annotations

from knowledge_support import run, words

from recommender.cli import main

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


# -- TorchTitan is a CUDA/ROCm trainer: not offered on a TPU ------------------------------------
TPU_PRETRAIN = {
    "domain": "nlp_llm",
    "llm_stage": "pretrain",
    "hardware": "tpu",
    "team_knows": ["pytorch"],
    "existing_code": "pytorch",
    "deployment": "server",
    "debugging": "yes",
}


def test_pytorch_llm_pretraining_on_a_tpu_is_not_handed_torchtitan():
    """A PyTorch team pretraining an LLM on a TPU was handed TorchTitan, whose TPU support was
    only 'in preparation' (pytorch/torchtitan#3900, 2026-07-22; no TPU device to master
    2026-08-21); it gets the Hugging Face Trainer, with the TorchTPU / PyTorch/XLA route."""
    d = run(TPU_PRETRAIN)
    assert d["winner"] == "pytorch"
    assert d["companion"]["id"] == "hf-trainer"
    assert d["stack"]["hardware"]["support"] == "experimental"


def test_torchtitan_stays_for_llm_pretraining_on_nvidia_and_says_no_tpu():
    """A guard: on NVIDIA GPUs the same team still gets TorchTitan, and its note says TPUs are
    not supported yet."""
    d = run({**TPU_PRETRAIN, "hardware": "nvidia_gpu"})
    assert d["winner"] == "pytorch"
    assert d["companion"]["id"] == "torchtitan"
    note = words(d["companion"]["note"])
    assert "It does not run on TPUs yet" in note


# -- an LLM served from native Windows: vLLM and SGLang are Linux-only -------------------------
WINDOWS_SERVE = {
    "domain": "nlp_llm",
    "llm_stage": "serve",
    "hardware": "nvidia_gpu",
    "os": "windows",
    "deployment": "server",
    "team_knows": ["pytorch"],
}


def test_llm_serving_on_native_windows_goes_through_wsl2():
    """The route was "vLLM / SGLang (LLMs), Triton or your own server", supported, though neither
    engine has a Windows build (vLLM docs: 'does not support Windows natively ... use WSL';
    sgl-kernel has no win_amd64 wheel); the Mac had its own entry for the same case."""
    d = run(WINDOWS_SERVE)
    assert d["winner"] == "pytorch"
    route = _route(d, "server")
    assert route["runtime"] == "vLLM / SGLang under WSL2 (no native Windows build)"
    assert route["support"] == "limited"
    assert "does not support Windows natively" in words(route["source"])
    assert [a["runtime"] for a in route["alternatives"]] == ["ONNX Runtime"]


def test_llm_serving_under_wsl2_or_linux_keeps_the_generic_route():
    """A guard: under WSL2 and Linux vLLM / SGLang run, so the generic route stays."""
    for os_ in ("wsl2", "linux"):
        route = _route(run({**WINDOWS_SERVE, "os": os_}), "server")
        assert route["runtime"] == "vLLM / SGLang (LLMs), Triton or your own server (other models)"
        assert route["support"] == "supported"


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
