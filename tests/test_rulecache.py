"""The JSON cache of the rule base: same result as the loader, rebuilt when a file changes or is corrupt."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import MINI

import recommender
from recommender.rulebase.cache import load_rules_cached


@pytest.fixture()
def base(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(rules))
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    return rules


def cache_files(base):
    return list((base.parent / "cache").glob("rules-*.json"))


def test_cached_rule_base_equals_the_loaded_one(base):
    fresh = load_rules_cached()
    assert len(cache_files(base)) == 1
    cached = load_rules_cached()
    # the cache leaves the example cases out: only `rules test` reads them, uncached
    assert cached == fresh == recommender.load_rules(base=base, cases=False)
    assert not cached.cases and recommender.load_rules(base=base).cases
    answers = {"deployment": ["edge"], "edge_target": "microcontroller"}
    assert (
        recommender.recommend(answers, rules=cached).to_dict()
        == recommender.recommend(answers, rules=fresh).to_dict()
    )


def test_a_changed_rule_file_is_reread(base):
    load_rules_cached()
    scoring = base / "scoring.yaml"
    scoring.write_text(
        scoring.read_text().replace("score: {tensorflow: 4}", "score: {tensorflow: 9}")
    )
    st = scoring.stat()
    os.utime(scoring, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert load_rules_cached().rule("mobile-tf").score == {"tensorflow": 9.0}


def test_a_corrupt_cache_is_ignored_and_rewritten(base):
    load_rules_cached()
    [slot] = cache_files(base)
    slot.write_text('{"key": ')
    assert load_rules_cached() == recommender.load_rules(base=base, cases=False)
    assert len(json.loads(slot.read_text().splitlines()[0])["key"]) == 64  # rewritten: a SHA-256


def test_a_bad_rule_file_is_reported_not_cached(base):
    (base / "broken.yaml").write_text("rules:\n  - id: x\n    when: {os: linux}\n")
    with pytest.raises(recommender.UserError, match='rule "x" is missing'):
        load_rules_cached()
    assert cache_files(base) == []


def test_old_cache_files_are_pruned(base, tmp_path, monkeypatch):
    from recommender.rulebase import cache as rulecache

    monkeypatch.setattr(rulecache, "KEEP", 2)
    overlays = []
    for i in range(4):
        overlay = tmp_path / f"overlay{i}"
        overlay.mkdir()
        overlays.append(str(overlay))
        load_rules_cached(*overlays)
    assert len(cache_files(base)) == 2
