"""The knowledge QA of 2026-12-01, second pass (docs/knowledge.md, "Knowledge QA 28").

Each test but the guards fails on the rules before this pass (9d4bad7) and pins what the cited
facts say:

- llm-gpu-stack named Unsloth, bitsandbytes QLoRA and FlashAttention wherever a GPU was not ruled
  out: on a CPU, and on Apple silicon under Linux (Asahi) or Windows, where PyTorch has no GPU
  backend, none of the GPU speed-ups trains (llm-cpu-stack says what does); on an AMD GPU under
  native Windows Unsloth (its AMD guide) and bitsandbytes (Windows ROCm wheels since 0.50.0) do
  run, FlashAttention does not (Linux only, its README);
- PyTorch's Windows wheel on PyPI is the CPU build in 2.15 (127 MB, like the macOS wheel), so
  `pip install torch` on Windows never sees an NVIDIA GPU: the route names the CUDA index;
- an Estimator codebase was "low-level TensorFlow code" and kept TensorFlow's switching cost, though
  no TensorFlow after 2.15 runs it: it is its own existing_code answer now.
"""

from __future__ import annotations

import json

import pytest
from conftest import cli
from knowledge_support import RULES, points, reasons, run, scores, words

from recommender import schemas

FINE_TUNE = {"domain": "nlp_llm", "llm_stage": "fine_tune"}

# -- 1. the LLM tools named are the ones that run on the answered hardware -----------------------

NO_USABLE_GPU = [
    {"hardware": "cpu"},
    {"hardware": "cpu", "os": "windows"},
    {"hardware": "apple_silicon", "os": "linux"},
    {"hardware": "apple_silicon", "os": "windows"},
    {"hardware": "apple_silicon", "os": "wsl2"},
]


@pytest.mark.parametrize("llm_stage", ["fine_tune", "pretrain"])
@pytest.mark.parametrize("machine", NO_USABLE_GPU, ids=lambda m: "-".join(m.values()))
def test_without_a_usable_gpu_the_llm_reason_names_no_gpu_tool(machine, llm_stage):
    d = run({"domain": "nlp_llm", "llm_stage": llm_stage, **machine})
    assert d["winner"] == "pytorch"
    assert points(d)["pytorch"]["llm-cpu-stack"] == 2
    assert points(d)["tensorflow"]["llm-cpu-stack"] == -2
    assert not {"llm-gpu-stack", "llm-mac-stack"} & set(points(d)["pytorch"])
    why = reasons(d, "pytorch")["llm-cpu-stack"]
    assert "Unsloth trains only on NVIDIA, AMD and Intel GPUs" in why
    assert "FlashAttention needs CUDA or ROCm" in why
    assert "bitsandbytes has CPU builds" in why


def test_asahi_linux_fine_tuning_through_the_cli_reads_the_cpu_reason():
    code, out, err = cli(
        "recommend", "--full", "-a", "domain=nlp_llm", "-a", "llm_stage=fine_tune",
        "-a", "hardware=apple_silicon", "-a", "os=linux",
    )  # fmt: skip
    assert (code, err) == (0, "")
    text = words(out)
    # the CPU rule's two points, not the GPU rule's three (it was +5.5)
    assert "Why PyTorch (+4.5):" in text
    assert "+2 Without a GPU PyTorch can use (a CPU, or an Apple-silicon Mac under Linux" in text
    assert "(and Unsloth, bitsandbytes QLoRA, FlashAttention kernels)" not in text


def test_on_amd_under_native_windows_the_llm_reason_says_flashattention_is_linux_only():
    d = run({**FINE_TUNE, "hardware": "amd_gpu", "os": "windows"})
    assert d["winner"] == "pytorch"
    assert points(d)["pytorch"]["llm-gpu-stack"] == 3
    why = reasons(d, "pytorch")["llm-gpu-stack"]
    assert "Unsloth and bitsandbytes QLoRA on NVIDIA, AMD (Radeon RDNA 3 and 4, Instinct)" in why
    assert "native Windows included" in why
    assert "FlashAttention kernels on Linux (CUDA or ROCm; a Windows build is untested)" in why
    rule = next(r for r in RULES.rules if r.id == "llm-gpu-stack")
    assert "PR #1915" in words(rule.source) and "'Linux. Might work for Windows'" in rule.source
    assert rule.as_of == "2026-08"


@pytest.mark.parametrize(
    "machine",
    [
        {"hardware": "nvidia_gpu", "os": "linux"},
        {"hardware": "nvidia_gpu", "os": "windows"},
        {"hardware": "amd_gpu", "os": "linux"},
        {"hardware": "intel_gpu", "os": "linux"},
        {},
    ],
    ids=lambda m: "-".join(m.values()) or "unanswered",
)
def test_on_a_gpu_the_gpu_llm_stack_still_counts_three(machine):
    # guard: the GPU answers keep the GPU rule's weight
    d = run({**FINE_TUNE, **machine})
    assert points(d)["pytorch"]["llm-gpu-stack"] == 3
    assert "llm-cpu-stack" not in points(d)["pytorch"]


def test_the_trl_companion_offers_unsloth_on_amd_gpus_too():
    d = run({**FINE_TUNE, "hardware": "amd_gpu", "os": "linux"})
    assert d["companion"]["id"] == "trl-peft"
    note = words(d["companion"]["note"])
    assert "Unsloth speeds up the same recipes on one NVIDIA, AMD or Intel GPU" in note


# -- 2. PyTorch's Windows wheel on PyPI is the CPU build ------------------------------------------


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


# -- 3. tf.estimator code is its own answer -------------------------------------------------------


def test_the_existing_code_question_offers_estimator_code():
    question = next(q for q in RULES.questions if q.id == "existing_code")
    option = next(o for o in question.options if o.id == "tf_estimator")
    assert option.label == "TF1-era tf.estimator code (Estimators were removed in TensorFlow 2.16)"
    schema = schemas.load("profile")["properties"]["answers"]["properties"]["existing_code"]
    consts = [o["const"] for o in schema["anyOf"][0]["oneOf"]]
    assert "tf_estimator" in consts


def test_estimator_code_earns_one_point_not_the_switching_cost_of_code_that_runs():
    d = run({"existing_code": "tf_estimator"})
    assert points(d)["tensorflow"] == {"code-tf-estimator": 1}
    assert "code-tensorflow-port" not in points(d)["pytorch"]
    why = reasons(d, "tensorflow")["code-tf-estimator"]
    assert "Estimator code runs on no TensorFlow after 2.15" in why
    assert "TensorFlow's own guide ports it to Keras" in why
    # with TensorFlow skills the skills count, the code-and-team bonus does not
    d = run({"existing_code": "tf_estimator", "team_knows": ["tensorflow"]})
    assert points(d)["tensorflow"] == {"team-tensorflow": 4, "code-tf-estimator": 1}


def test_a_research_lab_with_estimator_code_on_nvidia_gets_pytorch():
    code, out, err = cli(
        "recommend", "--format", "json", "-a", "existing_code=tf_estimator",
        "-a", "audience=researcher", "-a", "hardware=nvidia_gpu", "-a", "os=linux",
    )  # fmt: skip
    assert (code, err) == (0, "")
    d = json.loads(out)
    assert d["winner"] == "pytorch"
    assert scores(d) == {"pytorch": 4.5, "jax": 1, "tensorflow": 0}


def test_low_level_tensorflow_code_keeps_its_switching_cost():
    # guard: code that TF 2.21 still runs is unchanged
    d = run({"existing_code": "tensorflow"})
    assert points(d)["tensorflow"] == {"code-tensorflow": 4}
    assert points(d)["pytorch"]["code-tensorflow-port"] == -2
    why = reasons(d, "tensorflow")["code-tensorflow"]
    assert "tf.estimator code is its own answer" in why


def test_lint_stays_exhaustive_with_the_new_option_and_rules():
    code, out, err = cli("rules", "lint", "--format", "json")
    assert (code, err) == (0, "")
    summary = json.loads(out)["summary"]
    assert any(line.startswith("exhaustive (exact): all ") for line in summary)
    assert "18 questions read by conditions" in summary[0]


# -- 4. found on the persona sweep ----------------------------------------------------------------


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


def test_no_shipped_source_is_left_unchecked_with_the_search_tool():
    sources = [r.source for r in RULES.rules]
    assert not [s for s in sources if "not re-checked with the search tool" in s]
    vision = next(r for r in RULES.rules if r.id == "domain-vision")
    assert "pytorch/vision docs index" in words(vision.source) and vision.as_of == "2026-12"
