"""``rules freshness`` on stale and wrong facts: ``as_of`` dates the old claim, ``versions`` the
correction.

A stale fact such as ``tf-table-stage`` keeps the seed's claim ('Mature (v2.4.1)', ``as_of:
"2021"``) and corrects it ('2.21.0 is the latest release', ``versions: {tensorflow: "2.21"}``).
The correction must be checked against its version, not against the 2021 date of the claim it
replaces: otherwise every corrected fact is flagged "dated 2021" forever, however current its
correction is. A current fact stays dated by its ``as_of``, and a package a stale fact names
outright in ``packages:`` stays dated too."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest
from conftest import ROOT, SHIPPED

from recommender import load_rules
from recommender.freshness.checks import find
from recommender.freshness.claims import claims_from
from recommender.freshness.index import Entry, normalize
from recommender.freshness.releases import Releases, Upload

TODAY = date(2026, 11, 30)
FACTS = """\
frameworks:
  - id: alpha
    name: Alpha
    developed_by: Test
    packages: [alpha-core]
    facts:
      - {id: current-old, claim: "At 1.3.", status: current, as_of: "2021", source: test,
         versions: {alpha: "1.3"}}
      - {id: stale-fixed, claim: "At 0.1.", status: stale, as_of: "2021", source: test,
         correction: "At 1.3.", versions: {alpha: "1.3"}}
      - {id: stale-behind, claim: "At 0.1.", status: stale, as_of: "2021", source: test,
         correction: "At 1.2.", versions: {alpha: "1.2"}}
      - {id: wrong-named, claim: "Alpha is slow.", status: wrong, as_of: "2021", source: test,
         correction: "It is fast.", packages: [alpha-core]}
      - {id: stale-both, claim: "At 0.1.", status: stale, as_of: "2021", source: test,
         correction: "At 1.3.", packages: [alpha-core], versions: {alpha: "1.3"}}
"""


def released(package: str, version: str, day: date) -> Entry:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    upload = Upload(version, at)
    return Entry(normalize(package), "found", Releases(upload, upload, 1, 0))


@pytest.fixture
def rules(tmp_path, monkeypatch):
    shutil.copy(ROOT / "tests" / "data" / "freshness" / "questions.yaml", tmp_path)
    (tmp_path / "frameworks.yaml").write_text(FACTS)
    monkeypatch.chdir(tmp_path)
    return load_rules(base=tmp_path)


def test_the_correction_of_a_stale_fact_is_not_dated_by_the_old_claim(rules):
    facts = {c.subject: c for c in claims_from(rules) if c.subject.startswith("fact")}
    assert (facts['fact "current-old"'].as_of, facts['fact "current-old"'].version) == (
        "2021",
        "1.3",
    )
    assert (facts['fact "stale-fixed"'].as_of, facts['fact "stale-fixed"'].version) == ("", "1.3")
    assert (facts['fact "stale-behind"'].as_of, facts['fact "stale-behind"'].version) == (
        "",
        "1.2",
    )
    # named outright in packages: the claim (old or corrected) is about it as of that date
    assert (facts['fact "wrong-named"'].as_of, facts['fact "wrong-named"'].version) == ("2021", "")
    assert (facts['fact "stale-both"'].as_of, facts['fact "stale-both"'].version) == ("2021", "1.3")


def test_only_what_the_index_really_contradicts_is_flagged(rules):
    entries = {"alpha-core": released("alpha-core", "1.3.0", date(2026, 11, 20))}
    found = {
        f.claim.subject: f.message
        for f in find(claims_from(rules), entries, TODAY)
        if f.claim.subject.startswith("fact")
    }
    suffix = "before alpha-core 1.3.0 (2026-11-20): re-check this claim"
    assert found == {
        # a current fact: its own date still counts
        'fact "current-old"': f"dated 2021, {suffix}",
        # the correction is behind the index by version, and only by version
        'fact "stale-behind"': f"checked against 1.2, {suffix}",
        'fact "wrong-named"': f"dated 2021, {suffix}",
        'fact "stale-both"': f"dated 2021, {suffix}",
    }
    # 'stale-fixed' is gone: its correction names 1.3, the latest release


def test_the_shipped_tf_table_stage_is_not_a_false_positive(monkeypatch):
    monkeypatch.chdir(ROOT)
    shipped = load_rules(base=SHIPPED)
    fact = next(f for fw in shipped.frameworks for f in fw.facts if f.id == "tf-table-stage")
    assert fact.status == "stale" and fact.as_of == "2021" and fact.versions
    claims = tuple(c for c in claims_from(shipped) if c.subject == 'fact "tf-table-stage"')
    assert {c.package for c in claims} == {"tensorflow", "tensorflow-cpu"}
    assert all(c.as_of == "" and c.version == fact.versions["tensorflow"] for c in claims)
    # the index as of 2026-11-30: tensorflow 2.21.0 (2026-03-06) is the latest final release
    entries = {
        normalize(p): released(p, "2.21.0", date(2026, 3, 6))
        for p in ("tensorflow", "tensorflow-cpu")
    }
    assert find(claims, entries, TODAY) == ()
    # a 2.22.0 would make the correction itself out of date, and say so by version
    entries = {normalize(p): released(p, "2.22.0", date(2026, 12, 1)) for p in entries}
    messages = [f.message for f in find(claims, entries, date(2026, 12, 2))]
    assert messages and all(m.startswith("checked against 2.21, before") for m in messages)
