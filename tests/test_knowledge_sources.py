"""The shipped facts' dates and citations: each re-checked claim agrees with the releases it
depends on (offline, as `rules freshness` read them), is cited as checked, and no source is left
unchecked (docs/knowledge.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import ROOT
from knowledge_support import RULES, words

import recommender
from recommender.freshness.checks import find
from recommender.freshness.claims import claims_from
from recommender.freshness.index import Entry, normalize
from recommender.freshness.releases import Releases, Upload
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.evidence import gather

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


def test_no_rule_or_fact_about_pytorchs_cuda_wheels_is_left_unchecked():
    windows = next(r for r in RULES.rules if r.id == "windows-gpu-pytorch")
    assert "not re-checked" not in windows.source
    assert "CUDA 13.0 and 13.2 since 2.15" in words(windows.because)


def test_no_shipped_source_is_left_unchecked_with_the_search_tool():
    sources = [r.source for r in RULES.rules]
    assert not [s for s in sources if "not re-checked with the search tool" in s]
    vision = next(r for r in RULES.rules if r.id == "domain-vision")
    assert "pytorch/vision docs index" in words(vision.source) and vision.as_of == "2026-12"


# -- JAX-native model zoos: Scenic was "not re-checked for recent activity" -----------------------
def test_scenic_is_cited_as_checked_not_as_unchecked():
    """Knowledge QA 28 left Scenic 'not re-checked'; google-research/scenic committed every month
    of 2026 up to its snapshot's last commit (2026-07-02), so the JAX-native answer stands."""
    rule = next(r for r in RULES.rules if r.id == "jax-native-models")
    source = " ".join(rule.source.split())
    assert "not re-checked" not in source
    assert "google-research/scenic README ('developed in JAX and uses Flax')" in source
    assert "2026-07-02" in source
