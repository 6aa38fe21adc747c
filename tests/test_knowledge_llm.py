"""The shipped knowledge for LLM work: which serving, fine-tuning and pretraining tools
(vLLM, SGLang, TorchTitan, Tunix, MaxText, TRL/PEFT, Unsloth) each team gets on each machine, and
which LLM reasons fire there. Each test pins a fact docs/knowledge.md cites."""

from __future__ import annotations

import pytest
from conftest import cli
from knowledge_support import RULES, fired, points, reasons, run, scores, stack, words

import recommender

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


def test_jax_native_llm_code_on_nvidia_is_not_charged_the_pytorch_llm_reasons():
    answers = {
        "model_zoo": ["jax_native"],
        "domain": "nlp_llm",
        "llm_stage": "fine_tune",
        "hardware": "nvidia_gpu",
        "os": "linux",
    }
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "jax"
    assert not {"domain-nlp-llm", "llm-gpu-stack"} & fired(rec)
    # without the JAX-native answer the PyTorch LLM reasons are back
    rec = recommender.recommend({**answers, "model_zoo": ["none"]}, rules=RULES)
    assert rec.winner == "pytorch"
    assert {"domain-nlp-llm", "llm-gpu-stack"} <= fired(rec)


LLM_FT = {"domain": "nlp_llm", "llm_stage": "fine_tune"}


NVIDIA = {"hardware": "nvidia_gpu", "os": "linux"}


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


SERVE_LLM = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "nvidia_gpu", "os": "linux"}


def test_the_vllm_companion_says_it_pins_torch_2_14():
    winner, st = stack({**SERVE_LLM})
    assert (winner, st["companion"]["id"]) == ("pytorch", "vllm")
    vllm = next(c for c in RULES.framework("pytorch").companions if c.id == "vllm")
    assert "torch==2.14.0" in vllm.note
    assert "vllm 0.33.0" in vllm.source


def test_serving_an_llm_off_linux_says_vllm_has_linux_wheels_only():
    # vLLM 0.33.0's wheels are manylinux x86_64 and aarch64 only, while serving an LLM on Apple
    # silicon or native Windows still scores PyTorch with vLLM as its companion
    for hardware, os in (("apple_silicon", "macos"), ("nvidia_gpu", "windows")):
        answers = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": hardware, "os": os}
        rec = recommender.recommend(answers, rules=RULES)
        assert rec.companion is not None and rec.companion.id == "vllm"
        note = " ".join(rec.companion.note.split())
        assert "Linux-only" in note and "WSL2" in note and "vllm-metal" in note


JAX_PRODUCTION_TEAM = {
    "audience": "production",
    "team_knows": ["jax"],
    "existing_code": "jax",
    "domain": "nlp_llm",
    "hardware": "nvidia_gpu",
    "os": "linux",
}


def test_a_jax_llm_team_fine_tuning_on_nvidia_keeps_jax_by_real_points_not_the_lean():
    d = run({**JAX_PRODUCTION_TEAM, "llm_stage": "fine_tune"})
    assert (d["winner"], d["companion"]["id"]) == ("jax", "tunix")
    assert scores(d) == {"jax": 6, "pytorch": 5.5, "tensorflow": -3}
    # without the half-point lean PyTorch is a full point behind
    lean = points(d)["pytorch"]["default-pytorch-community"]
    assert scores(d)["jax"] - (scores(d)["pytorch"] - lean) == 1
    assert "production-jax" not in points(d)["jax"]


def test_a_jax_llm_team_serving_on_nvidia_gets_pytorch_and_vllm_because_no_gpu_engine_runs_jax():
    d = run({**JAX_PRODUCTION_TEAM, "llm_stage": "serve", "deployment": ["server"]})
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


FINE_TUNE = {"domain": "nlp_llm", "llm_stage": "fine_tune"}


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


# -- JAX LLM companions: Tunix and MaxText name TPUs and GPUs only -------------------------------
JAX_NATIVE_RESEARCHERS = {
    "audience": "researcher",
    "model_zoo": ["jax_native"],
    "domain": "nlp_llm",
    "team_knows": ["jax"],
}


def test_jax_llm_work_on_trainium_gets_no_tpu_gpu_library():
    """A JAX team with JAX-native LLM code on Trainium wins for JAX (its code, +5; its skills,
    +4) and was handed MaxText or Tunix, neither of which names a Neuron target (MaxText: 'TPUs
    and GPUs'; Tunix: TPUs and NVIDIA GPUs). It now gets Flax NNX on JAX NeuronX."""
    for stage in ("pretrain", "fine_tune"):
        d = run({**JAX_NATIVE_RESEARCHERS, "hardware": "aws_trainium", "llm_stage": stage})
        assert d["winner"] == "jax"
        assert d["companion"]["name"] == "Flax NNX"


def test_maxtext_and_tunix_stay_where_they_run():
    """A guard: TPUs and NVIDIA GPUs keep both; AMD keeps MaxText (its docs name MI300 FP8) and
    Tunix, whose note now says it is untested upstream there."""
    for hardware in ("tpu", "nvidia_gpu", "amd_gpu"):
        pre = run({**JAX_NATIVE_RESEARCHERS, "hardware": hardware, "llm_stage": "pretrain"})
        assert pre["companion"]["name"] == "MaxText"
        tune = run({**JAX_NATIVE_RESEARCHERS, "hardware": hardware, "llm_stage": "fine_tune"})
        assert tune["companion"]["name"] == "Tunix"
    note = " ".join(tune["companion"]["note"].split())
    assert "on AMD GPUs (JAX's ROCm plugin) it is untested upstream" in note


def test_jax_llm_work_on_an_intel_gpu_is_not_sent_to_maxtext_or_tunix():
    for stage in ("pretrain", "fine_tune"):
        d = run(
            {**JAX_NATIVE_RESEARCHERS, "hardware": "intel_gpu", "os": "linux", "llm_stage": stage}
        )
        assert d["winner"] == "jax"
        assert d["companion"]["name"] not in ("MaxText", "Tunix")


def test_torchtitan_is_offered_where_it_installs():
    """TorchTitan installs for CUDA or ROCm (its README) and defaults to the cuda device; it was
    offered for pretraining on a Mac, an Intel GPU and a CPU too. Trainium keeps it, for AWS's
    TorchTitan Neuron fork, which its note names."""
    llm = {"domain": "nlp_llm", "llm_stage": "pretrain"}
    for hardware in ("apple_silicon", "intel_gpu", "cpu"):
        d = run({**llm, "hardware": hardware})
        assert d["winner"] == "pytorch"
        assert d["companion"]["name"] == "Hugging Face Trainer (transformers)"
    for hardware in ("nvidia_gpu", "amd_gpu", "aws_trainium"):
        assert run({**llm, "hardware": hardware})["companion"]["name"] == "TorchTitan"


def _route(d: dict, target: str) -> dict:
    return next(r for r in d["stack"]["deploy"] if r["target"] == target)


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
