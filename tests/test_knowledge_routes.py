"""Route audit 29 (2026-12-01): six stack routes nobody had re-checked, against current sources
(docs/knowledge.md, "Route audit 29"). Each check reads the shipped rules, through the JSON
record or a real CLI run."""

from __future__ import annotations

from html_support import answers_for
from hypothesis import HealthCheck, given, settings
from knowledge_support import RULES, run, words

import recommender
from recommender.cli import main


def _deploy(d: dict, target: str) -> dict:
    return next(r for r in d["stack"]["deploy"] if r["target"] == target)


def _stack_line(capsys, args: list[str]) -> str:
    """The brief screen's "Stack:" line of a real ``recommend`` run."""
    assert main(["recommend", *args]) == 0
    out = capsys.readouterr().out
    return next(x.strip() for x in out.splitlines() if x.strip().startswith("Stack:"))


# -- 1. Keras 3 on PyTorch is not a TPU route -----------------------------------------------------
# A PyTorch team with KerasHub models on a TPU: PyTorch wins, and it was handed Keras's torch
# backend, which in Keras 3.15.1 picks mps, cuda or xpu and otherwise trains on the CPU
KERAS_HUB_ON_TPU = {
    "audience": "researcher",
    "domain": "tabular",
    "team_knows": ["pytorch"],
    "existing_code": "pytorch",
    "model_zoo": ["keras_hub"],
    "deployment": ["mobile"],
    "parallelism": "single_device",
    "debugging": "no",
    "vectorization": "yes",
    "hardware": "tpu",
}


def test_keras_torch_backend_is_not_offered_on_a_tpu():
    d = run(KERAS_HUB_ON_TPU)
    assert d["winner"] == "pytorch"
    assert d["companion"]["id"] == "torch-nn"


def test_keras_torch_backend_is_still_offered_on_a_gpu():
    """The guard: off a TPU the same team keeps Keras 3 on its PyTorch backend."""
    d = run({**KERAS_HUB_ON_TPU, "hardware": "nvidia_gpu"})
    assert d["winner"] == "pytorch"
    assert d["companion"]["id"] == "keras-torch"
    note = words(d["companion"]["note"])
    assert note.endswith(
        "Not offered on a TPU: Keras 3.15.1's torch backend does not look for TPUs, so it trains"
        " on the CPU there; Keras code on a TPU belongs on the JAX backend (KERAS_BACKEND=jax)."
    )


def test_the_cli_stack_line_on_a_tpu_names_plain_pytorch(capsys):
    args = [
        f"--answer={k}={','.join(v) if isinstance(v, list) else v}"
        for k, v in KERAS_HUB_ON_TPU.items()
    ]
    line = _stack_line(capsys, args)
    assert line.startswith("Stack: PyTorch + Plain PyTorch (torch.nn + torch.optim); ")
    assert "Keras" not in line


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers=answers_for(RULES))
def test_no_tpu_profile_gets_keras_on_pytorch(answers):
    """Whatever else is answered, a TPU never gets Keras's torch backend."""
    answers = {**answers, "hardware": frozenset({"tpu"})}
    record = recommender.recommend(answers, rules=RULES).to_dict()
    assert (record["companion"] or {}).get("id") != "keras-torch"


# -- 2. The Hugging Face Trainer on a TPU ---------------------------------------------------------
HF_ON_TPU = {
    "model_zoo": ["huggingface"],
    "hardware": "tpu",
    "team_knows": ["pytorch"],
    "existing_code": "pytorch",
}


def test_the_hf_trainer_says_how_it_reaches_a_tpu():
    """Its note said only "runs on CUDA, MPS and XPU"; Transformers 5.24 reaches a TPU through
    torch_xla, and since huggingface/transformers#45918 (2026-05-12) through TorchTPU."""
    d = run(HF_ON_TPU)
    assert d["winner"] == "pytorch"
    assert d["companion"]["id"] == "hf-trainer"
    assert words(d["companion"]["note"]).endswith(
        "On a TPU it runs through PyTorch/XLA (torch-xla 2.9.0, no release since 2025-11-17) or,"
        " since Transformers' initial TorchTPU support (2026-05), on TorchTPU's 'tpu' device."
    )
    assert "huggingface/transformers#45918" in words(d["companion"]["source"])
    hardware = d["stack"]["hardware"]
    assert hardware["support"] == "experimental"
    assert "TorchTPU" in hardware["route"] and "PyTorch/XLA" in hardware["route"]


# -- 3. An Intel GPU under WSL2 -------------------------------------------------------------------
def test_pytorch_on_an_intel_gpu_under_wsl2_is_validated():
    """It read "experimental" (2026-04); PyTorch 2.15's 'Getting Started on Intel GPU' (updated
    2026-09-29) validates client GPUs on WSL2 Ubuntu 24.04/26.04."""
    d = run({"hardware": "intel_gpu", "os": "wsl2"})
    assert d["winner"] == "pytorch"
    hardware = d["stack"]["hardware"]
    assert hardware["support"] == "supported"
    assert hardware["as_of"] == "2026-09"
    assert words(hardware["route"]) == (
        "XPU wheels (device 'xpu', pip install torch --index-url"
        " https://download.pytorch.org/whl/xpu) inside WSL2 (Ubuntu 24.04 or 26.04), with Intel's"
        " GPU driver installed on Windows"
    )
    assert words(hardware["note"]) == (
        "validated for Intel client GPUs only (Arc A- and B-Series, Core Ultra with Arc graphics);"
        " the Data Center GPU Max is validated on Linux only"
    )
    assert "WSL2 Ubuntu 24.04/26.04" in words(hardware["source"])


# -- 4. A JAX LLM served from native Windows ------------------------------------------------------
JAX_SERVE_WINDOWS = {
    "domain": "nlp_llm",
    "llm_stage": "serve",
    "team_knows": ["jax"],
    "existing_code": "jax",
    "deployment": ["server"],
    "api_level": "low",
    "programming_style": "functional",
    "os": "windows",
}
WSL_RUNTIME = (
    "vLLM or SGLang under WSL2 on the checkpoint converted to Hugging Face format (no native"
    " Windows build)"
)


def test_a_jax_llm_served_from_windows_goes_through_wsl2():
    """It sent the converted checkpoint to "vllm serve <dir> on the GPU", but vLLM has no
    Windows build and JAX on Windows is CPU-only."""
    d = run(JAX_SERVE_WINDOWS)
    assert d["winner"] == "jax"
    route = _deploy(d, "server")
    assert words(route["runtime"]) == WSL_RUNTIME
    assert route["support"] == "limited"
    assert words(route["path"]) == (
        "MaxText checkpoint → python -m maxtext.checkpoint_conversion.to_huggingface or your own"
        " Flax-to-safetensors export → pip install vllm inside WSL2 (or a Linux container) on this"
        " machine → vllm serve <dir>; or serve from a Linux GPU host"
    )
    assert "on the GPU" not in route["path"]


def test_the_linux_route_is_unchanged():
    """The guard: on Linux the converted checkpoint is still served by vLLM on the GPU."""
    d = run({**JAX_SERVE_WINDOWS, "os": "linux"})
    assert d["winner"] == "jax"
    route = _deploy(d, "server")
    assert route["runtime"] == "vLLM or SGLang on the checkpoint converted to Hugging Face format"
    assert words(route["path"]).endswith("→ vllm serve <dir> on the GPU")


def test_the_cli_stack_line_for_jax_serving_on_windows_names_wsl2(capsys):
    args = [
        f"--answer={k}={','.join(v) if isinstance(v, list) else v}"
        for k, v in JAX_SERVE_WINDOWS.items()
    ]
    line = _stack_line(capsys, args)
    assert line == f"Stack: JAX + Equinox; server: {WSL_RUNTIME} (limited)"


# -- 5. PyTorch to TFLite Micro -------------------------------------------------------------------
def test_the_tflite_micro_route_names_the_int8_conversion_step():
    """It read "litert-torch → .tflite (int8) → TFLite Micro", "not verified end to end"; measured
    here, convert without quant_config keeps float kernels between QUANTIZE/DEQUANTIZE pairs and
    TFLite Micro refuses the per-channel model, with it the .tflite is all-int8 and runs."""
    d = run({"deployment": "edge", "edge_target": "microcontroller", "team_knows": ["pytorch"]})
    assert d["winner"] == "pytorch"
    route = _deploy(d, "edge")
    assert route["runtime"] == "ExecuTorch (Cortex-M / Ethos-U backends)"
    [alternative] = route["alternatives"]
    assert alternative == {
        "runtime": "TFLite Micro",
        "path": (
            "torch.export → PT2E static int8 (litert_torch PT2EQuantizer, prepare_pt2e, calibrate,"
            " convert_pt2e) → litert_torch.convert(...,"
            " quant_config=QuantConfig(pt2e_quantizer=...)) → all-int8 .tflite → TFLite Micro,"
            " compiled into the firmware"
        ),
        "support": "limited",
    }


def test_the_tflite_micro_route_keeps_its_measured_source():
    entry = next(
        r
        for e in RULES.deploy
        if e.framework == "pytorch" and e.target == "edge"
        for r in e.routes
        if r.runtime == "TFLite Micro"
    )
    assert entry.as_of == "2026-12"
    assert "not verified" not in entry.note
    assert words(entry.note).startswith("pass the quantizer to convert as quant_config:")
    assert "tflite-micro 0.dev20261023182759" in words(entry.source)


# -- 6. JAX on AWS Trainium -----------------------------------------------------------------------
def test_jax_on_trainium_names_the_jax_versions_neuron_supports():
    """It read "JAX 0.10+ in Neuron 2.33"; Neuron 2.33 stopped at JAX 0.10.0, and Neuron 2.34
    (2026-11-30) supports 0.10.0 to 0.11.2 and nothing older."""
    d = run(
        {
            "domain": "nlp_llm",
            "llm_stage": "pretrain",
            "hardware": "aws_trainium",
            "team_knows": ["jax"],
            "existing_code": "jax",
        }
    )
    assert d["winner"] == "jax"
    hardware = d["stack"]["hardware"]
    assert hardware["support"] == "experimental"
    assert hardware["as_of"] == "2026-11"
    assert words(hardware["note"]) == (
        "beta ('Some JAX functionality may not be fully supported'); it pins a tested jax/jaxlib"
        " combination: Neuron 2.34 (2026-11-30) supports JAX 0.10.0 to 0.11.2 and no longer"
        " anything older (Neuron 2.33 stopped at 0.10.0), so JAX's own 0.12 is not supported yet"
    )
    assert "JAX 0.10+" not in words(hardware["source"])
