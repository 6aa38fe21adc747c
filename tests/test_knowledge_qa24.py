"""The freshness pass of 2026-12-01 (docs/knowledge.md, "Freshness pass of 2026-12-01").

`rules freshness` flagged 14 claims dated, or checked against a version, before the latest
release of a package they depend on: ai-edge-litert 2.3.0, torch 2.15.0, jax 0.12.0.1, vllm
0.33.0 and onnxscript 0.7.2. Each was re-checked against that release (its wheel's metadata and
code, or a run on this machine) and then re-dated or corrected. No winner changed, so
rules/tests/cases.yaml gains no case; these tests guard what did change:

- the index as read on 2026-12-01 contradicts none of the re-checked claims (offline: the
  releases are fixed below, as `rules freshness --today 2026-12-01` read them from PyPI);
- Triton's PyTorch backend takes AOTInductor .pt2 archives now (beta, Triton 26.03), so the
  PyTorch server route no longer says it runs only TorchScript or a Python model.py;
- the LLM servers pin torch below 2.15 (vLLM 0.33.0 torch==2.14.0, SGLang 0.5.23 torch==2.14.1),
  said on the server route and on the vLLM companion;
- the ONNX routes depend on torch's exporter as much as on onnxscript, so torch's releases date
  them too;
- the export facts were re-checked on torch 2.15.0 and jax 0.12.0.1, so `--probe` compares an
  installed torch or jax with those versions (2.15, 0.12), not with 2.13 and 0.10.2; JAX 0.11 and
  later need Python 3.12 (CHANGELOG, wheel metadata), which the JAX facts now say;
- found on the way: jax 0.12.0.1's rocm7-local extra wants a jax-rocm7-plugin 0.12.0.1 that PyPI
  does not have, so JAX's AMD routes say to pin jax 0.12.0 (support unchanged);
- and JAX on Intel GPUs is now JAX's own oneapi extra (jax-oneapi-plugin, alpha), not Intel's
  intel-extension-for-openxla; its latest build is 0.11.2, so the route says to pin jax 0.11.2."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import ROOT, SHIPPED

import recommender
from recommender.freshness.checks import find
from recommender.freshness.claims import claims_from
from recommender.freshness.index import Entry, normalize
from recommender.freshness.releases import Releases, Upload
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.evidence import gather

RULES = recommender.load_rules(base=SHIPPED)
TODAY = date(2026, 12, 1)
# the latest final release of each package, as PyPI's JSON simple API gave it on 2026-12-01
INDEX = {
    "ai-edge-litert": ("2.3.0", date(2026, 10, 6)),
    "vllm": ("0.33.0", date(2026, 11, 2)),
    "sglang": ("0.5.23", date(2026, 10, 30)),
    "onnxscript": ("0.7.2", date(2026, 9, 9)),
    "torch": ("2.15.0", date(2026, 10, 28)),
    "jax": ("0.12.0.1", date(2026, 10, 21)),
    "jax-rocm7-plugin": ("0.12.0", date(2026, 10, 19)),
    "jax-oneapi-plugin": ("0.11.2", date(2026, 9, 25)),
}


def released(package: str) -> Entry:
    version, day = INDEX[package]
    upload = Upload(version, datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
    return Entry(normalize(package), "found", Releases(upload, upload, 1, 0))


@pytest.mark.parametrize("package", sorted(INDEX))
def test_the_index_of_2026_12_01_contradicts_no_rechecked_claim(package, monkeypatch):
    monkeypatch.chdir(ROOT)
    claims = tuple(c for c in claims_from(RULES) if normalize(c.package) == normalize(package))
    assert claims, package
    found = find(claims, {normalize(package): released(package)}, TODAY)
    assert [f"{f.claim.subject}: {f.message}" for f in found] == []


def stack(answers: dict) -> tuple[str | None, dict]:
    rec = recommender.recommend(answers, rules=RULES)
    return rec.winner, rec.to_dict()["stack"]


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


def test_the_vllm_companion_says_it_pins_torch_2_14():
    winner, st = stack({**SERVE_LLM})
    assert (winner, st["companion"]["id"]) == ("pytorch", "vllm")
    vllm = next(c for c in RULES.framework("pytorch").companions if c.id == "vllm")
    assert "torch==2.14.0" in vllm.note
    assert "vllm 0.33.0" in vllm.source


@pytest.mark.parametrize("target", ["server", "browser"])
def test_the_onnx_routes_are_dated_by_torch_as_well_as_onnxscript(target):
    (entry,) = [
        d for d in RULES.deploy if (d.framework, d.target, d.when) == ("pytorch", target, None)
    ]
    (onnx,) = [r for r in entry.routes if r.runtime.startswith("ONNX Runtime")]
    assert set(onnx.packages) == {"torch", "onnxscript"}
    assert "torch 2.15.0" in onnx.source and onnx.as_of >= "2026-10"


@pytest.mark.parametrize(
    ("installed", "checked", "stale"),
    [
        ({"pytorch": "2.15.0", "jax": "0.12.0.1"}, {"pytorch": "2.15", "jax": "0.12"}, False),
        ({"pytorch": "2.13.0+cpu", "jax": "0.10.2"}, {"pytorch": "2.15", "jax": "0.12"}, False),
        ({"pytorch": "2.16.0", "jax": "0.13.0"}, {"pytorch": "2.15", "jax": "0.12"}, True),
    ],
)
def test_probe_compares_installed_versions_with_the_rechecked_releases(installed, checked, stale):
    facts = {f"{fw}.probe": "ok" for fw in ("tensorflow", "pytorch", "jax")}
    result = recommender.recommend({}, rules=RULES, facts=facts)
    ev = gather(RULES, normalize_answers({}, RULES), result, facts, installed)
    got = {v.framework: (v.checked_against, v.stale) for v in ev.versions if v.framework in checked}
    assert got == {fw: (version, stale) for fw, version in checked.items()}


@pytest.mark.parametrize(
    ("fact", "version", "words"),
    [
        ("pytorch-table-stage", "2.15", ["torch==2.14.0", "torch<2.15", "Python 3.11"]),
        ("jax-table-stage", "0.12", ["Python 3.12", "jax2tf", "Linux-only"]),
    ],
)
def test_the_table_stage_facts_say_what_was_rechecked(fact, version, words):
    (found,) = [f for fw in RULES.frameworks for f in fw.facts if f.id == fact]
    assert list(found.versions.values()) == [version]
    correction = " ".join(found.correction.split())
    assert all(w in correction for w in words), correction


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


def test_serving_an_llm_off_linux_says_vllm_has_linux_wheels_only():
    # vLLM 0.33.0's wheels are manylinux x86_64 and aarch64 only, while serving an LLM on Apple
    # silicon or native Windows still scores PyTorch with vLLM as its companion
    for hardware, os in (("apple_silicon", "macos"), ("nvidia_gpu", "windows")):
        answers = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": hardware, "os": os}
        rec = recommender.recommend(answers, rules=RULES)
        assert rec.companion is not None and rec.companion.id == "vllm"
        note = " ".join(rec.companion.note.split())
        assert "Linux-only" in note and "WSL2" in note and "vllm-metal" in note
