"""The persona sweep of 2026-12-01 (docs/knowledge.md, "Persona sweep of 2026-12-01").

Two faults were found and fixed in the rules:
- A Mac with an NVIDIA, AMD or Intel GPU is an Intel Mac. The stack gave it the Linux/Windows
  routes ("ROCm wheels from download.pytorch.org", "XPU wheels, Linux and Windows", "CUDA wheels",
  all 'supported'), and amd-rocm / intel-gpu-xpu scored it as if ROCm or XPU ran on macOS. PyPI's
  simple index (read 2026-12-01) has no macOS x86_64 wheel after torch 2.2.2 (2024-03-27),
  tensorflow 2.16.2 (2024-06-28) and jaxlib 0.4.38 (2024-12-17); tensorflow-metal's last x86_64
  wheel is 1.0.0 (2023-06-07).
- intel-gpu-xpu said JAX reaches Intel GPUs "only through Intel's experimental OpenXLA plugin",
  while the stack (since the freshness pass of 2026-12-01) names JAX's own jax[oneapi] plugin.
"""

from __future__ import annotations

import pytest
from conftest import SHIPPED

import recommender

RULES = recommender.load_rules(base=SHIPPED)


def run(answers: dict):
    rec = recommender.recommend(answers, rules=RULES)
    return rec, rec.to_dict()


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
    rec, d = run(answers)
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
    rec, d = run(answers)
    assert rec.winner == team
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"]) == (hardware, "unsupported")


def test_rocm_and_xpu_rules_do_not_fire_on_macos():
    for hardware, rule in (
        ("amd_gpu", "amd-rocm"),
        ("intel_gpu", "intel-gpu-xpu"),
        ("nvidia_gpu", "nvidia-gpu-pytorch"),
    ):
        rec, d = run({"hardware": hardware, "os": "macos"})
        fired = {r["rule"] for row in d["ranking"] for r in row["reasons"]}
        assert rule not in fired, (hardware, rule)
    rec, d = run({"hardware": "amd_gpu", "os": "macos"})
    fired = {r["rule"] for row in d["ranking"] for r in row["reasons"]}
    assert "intel-mac-gpu" in fired
    # Linux keeps its ROCm route and rule
    rec, d = run({"hardware": "amd_gpu", "os": "linux"})
    assert "amd-rocm" in {r["rule"] for row in d["ranking"] for r in row["reasons"]}
    assert "download.pytorch.org" in d["stack"]["hardware"]["route"]


def test_intel_gpu_reason_names_jax_oneapi_not_openxla():
    rec, d = run({"hardware": "intel_gpu", "os": "linux"})
    reasons = [r for row in d["ranking"] for r in row["reasons"] if r["rule"] == "intel-gpu-xpu"]
    assert reasons
    because = " ".join(reasons[0]["because"].split())
    assert "jax[oneapi]" in because and "OpenXLA" not in because
