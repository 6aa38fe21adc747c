"""The third review pass of 2026-11-30 (docs/knowledge.md, "Review of 2026-11-30 (third pass)").

What the cases in rules/tests/cases.yaml cannot state:

- Serving an LLM on a TPU in production: the production-* rules stay out (``tpu-serving-vllm``
  scores the serving routes), so a JAX team gets JAX with vLLM JAX as its companion and route.
- JAX-native LLM code on NVIDIA GPUs: the Transformers and GPU-LLM-tooling reasons stay out.
- A JAX codebase is charged the rewrite into PyTorch or TensorFlow (``code-jax-port``).
- Intel GPUs under WSL2: JAX is excluded and its stack routes say it has no GPU route on Windows or
  WSL2; PyTorch's XPU route there is experimental.
- litert-torch 0.10.0 requires torch<2.15: every PyTorch route through litert-torch says so."""

from __future__ import annotations

import pytest
from conftest import SHIPPED

import recommender
from recommender.rulebase.conditions import Is

RULES = recommender.load_rules(base=SHIPPED)
PRODUCTION = {"audience": "production", "deployment": ["server"]}
TPU_SERVE = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "tpu"}
# production-jax was removed in the knowledge QA of 2026-12-01 (its runtime fact is charged per
# deployment target, so it counted twice wherever a target was named)
PRODUCTION_RULES = {"production-tf", "production-pytorch"}


def fired(rec) -> set[str]:
    return {r.rule for s in rec.ranking for r in s.reasons}


def points(rec, framework: str) -> dict[str, float]:
    entry = next(s for s in rec.ranking if s.framework == framework)
    return {r.rule: r.points for r in entry.reasons}


def test_a_jax_team_serving_an_llm_on_a_tpu_in_production_gets_vllm_jax():
    rec = recommender.recommend({**TPU_SERVE, **PRODUCTION, "team_knows": ["jax"]}, rules=RULES)
    assert rec.winner == "jax"
    assert not PRODUCTION_RULES & fired(rec)
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "vllm-jax"
    (server,) = stack["deploy"]
    assert (server["target"], server["runtime"]) == ("server", "vLLM JAX (vllm-tpu)")


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


def test_a_jax_codebase_is_charged_the_rewrite_on_both_other_frameworks():
    rec = recommender.recommend({"existing_code": "jax"}, rules=RULES)
    assert points(rec, "pytorch")["code-jax-port"] == -2
    assert points(rec, "tensorflow")["code-jax-port"] == -2
    assert "code-jax-port" not in points(rec, "jax")


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
