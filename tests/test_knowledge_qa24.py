"""The freshness pass of 2026-12-01 (docs/knowledge.md, "Freshness pass of 2026-12-01").

`rules freshness` flagged 14 claims dated, or checked against a version, before the latest
release of a package they depend on: ai-edge-litert 2.3.0, torch 2.15.0, jax 0.12.0.1, vllm
0.33.0 and onnxscript 0.7.2. Each was re-checked against that release (its wheel's metadata and
code, or a run on this machine) and then re-dated or corrected. No winner changed, so
rules/tests/cases.yaml gains no case; these tests guard what did change:

- the index as read on 2026-12-01 contradicts none of the re-checked claims (offline: the
  releases are fixed below, as `rules freshness --today 2026-12-01` read them from PyPI)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import ROOT, SHIPPED

import recommender
from recommender.freshness.checks import find
from recommender.freshness.claims import claims_from
from recommender.freshness.index import Entry, normalize
from recommender.freshness.releases import Releases, Upload

RULES = recommender.load_rules(base=SHIPPED)
TODAY = date(2026, 12, 1)
# the latest final release of each package, as PyPI's JSON simple API gave it on 2026-12-01
INDEX = {
    "ai-edge-litert": ("2.3.0", date(2026, 10, 6)),
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
