"""The rule base's JSON cache: the loader's result, rebuilt when a file changes or is corrupt."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

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


def test_cached_origins_are_shown_from_the_current_directory(base, tmp_path, monkeypatch):
    """The cache holds absolute paths, shown relative to where each read runs; a process that
    changes directory between two reads (the test suite does) got the first one's paths."""
    monkeypatch.chdir(tmp_path)
    load_rules_cached()  # written
    first = load_rules_cached()  # read back
    monkeypatch.chdir(base)
    again = load_rules_cached()  # read back from another directory
    assert len(cache_files(base)) == 1
    shown = [rules.rule("mobile-tf").origin for rules in (first, again)]
    assert [o.file if o else None for o in shown] == ["rules/scoring.yaml", "scoring.yaml"]
    assert again == recommender.load_rules(base=base, cases=False)


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
        (overlay / "none.yaml").write_text("rules: []\n")  # an overlay holds a rule file
        overlays.append(str(overlay))
        load_rules_cached(*overlays)
    assert len(cache_files(base)) == 2


def test_a_write_cut_off_by_sigkill_leaves_no_temporary_file_for_good(base, tmp_path):
    # a SIGKILL mid-write left .rules-*.json.*.tmp in the cache directory, and nothing removed it
    directory = Path(os.environ["RECOMMENDER_CACHE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    names = {
        "stale": ".rules-0123456789abcdef.json.la1rgj85.tmp",
        "live": ".rules-0123456789abcdef.json.q0w9e8r7.tmp",  # a write under way now
        "users": ".rules-notes.md.la1rgj85.tmp",
    }
    hour_ago = os.path.getmtime(directory) - 3_700
    for kind, name in names.items():
        (directory / name).write_text(kind)
        if kind != "live":
            os.utime(directory / name, (hour_ago, hour_ago))
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "none.yaml").write_text("rules: []\n")
    load_rules_cached(str(overlay))  # a new overlay set: a cache file is written, then pruned
    assert sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp")) == sorted(
        [names["live"], names["users"]]
    )


# -- issue 10: a cache is derived data; any doubt and it is rebuilt -------------------------------


def _slot_and_key(base) -> tuple[str, str]:
    from pathlib import Path

    from recommender.rulebase import cache as rulecache
    from recommender.rulebase.load import rule_files

    dirs = [str(base)]
    return rulecache._slot(dirs), rulecache._key(
        [str(p) for p in rule_files(Path(base), cases=False)]
    )


def _with_checksum(key: str, payload: str) -> str:
    import hashlib

    meta = {"key": key, "sha256": hashlib.sha256(payload.encode()).hexdigest()}
    return json.dumps(meta) + "\n" + payload


def _string_score(base) -> str:
    load_rules_cached()
    slot, _ = _slot_and_key(base)
    payload = Path(slot).read_text().split("\n", 1)[1]
    edited = payload.replace('["tensorflow",4.0]', '["tensorflow","4"]', 1)
    assert edited != payload
    return edited


def _edited(change):
    """A payload of the right shape with one thing wrong: ``change`` edits the decoded JSON."""

    def edit(base) -> str:
        load_rules_cached()
        slot, _ = _slot_and_key(base)
        tree = json.loads(Path(slot).read_text().split("\n", 1)[1])
        change(tree)
        return json.dumps(tree)

    return edit


def _first(tree, cls: str, having: str = ""):
    """The first encoded object of class ``cls`` in the tree (with a field ``having`` set)."""
    if isinstance(tree, dict):
        if tree.get("$") == cls and (not having or tree.get(having) is not None):
            return tree
        tree = list(tree.values())
    if isinstance(tree, list):
        found = (_first(t, cls, having) for t in tree)
        return next((f for f in found if f is not None), None)
    return None


BAD_PAYLOADS = {
    "null": lambda base: "null",
    "a list": lambda base: "[]",
    "a string": lambda base: '"rules"',
    "deeply nested": lambda base: "[" * 100_000 + "]" * 100_000,
    "a text score": _string_score,
    "a number for an option id": _edited(lambda t: _first(t, "Option").update(id=7)),
    "no id for a question": _edited(lambda t: _first(t, "Question").update(id=None)),
    "a question without options": _edited(
        lambda t: _first(t, "Question").update(options={"$t": []})
    ),
    "no frameworks": _edited(lambda t: t.update(frameworks={"$t": []})),
    "an unknown class": lambda base: '{"$": "os.system", "command": "true"}',
    # a payload that decodes, with a valid checksum, and objects of the wrong shape inside: each
    # made every later command fail with exit 3 until `rules validate --refresh`
    "a string for a condition": _edited(lambda t: _first(t, "Rule").update(when="x")),
    "a string for a follow-up's condition": _edited(
        lambda t: _first(t, "Question", "ask_when").update(ask_when="x")
    ),
    "a list for a companion's condition": _edited(
        lambda t: _first(t, "Companion", "pick_when").update(pick_when=[])
    ),
    "a number among a framework's packages": _edited(
        lambda t: _first(t, "Framework").update(packages={"$t": [1]})
    ),
    "a number for a condition's options": _edited(lambda t: _first(t, "Is").update(values=0)),
    "a number among a rule's deal-breakers": _edited(
        lambda t: _first(t, "Rule").update(dealbreaker={"$t": [0]})
    ),
    "a condition for an option's label": _edited(
        lambda t: _first(t, "Option").update(label={"$": "Always"})
    ),
    "a string among the rules": _edited(lambda t: t["rules"]["$t"].append("x")),
    "a plain object for a rule": _edited(lambda t: t["rules"]["$t"].append({"id": "x"})),
    "an extra field": _edited(lambda t: _first(t, "Rule").update(extra=1)),
    "a tuple of the wrong thing": _edited(lambda t: _first(t, "Rule").update(when={"$t": "x"})),
}


@pytest.mark.parametrize("case", list(BAD_PAYLOADS))
@pytest.mark.parametrize("checksum", [False, True], ids=["as-written", "with-a-valid-checksum"])
def test_a_hostile_cache_payload_is_ignored_and_rebuilt(base, capsys, case, checksum):
    from recommender.cli import main

    slot, key = _slot_and_key(base)
    payload = BAD_PAYLOADS[case](base)
    os.makedirs(os.path.dirname(slot), exist_ok=True)
    with open(slot, "w") as handle:
        handle.write(_with_checksum(key, payload) if checksum else payload)
    assert load_rules_cached() == recommender.load_rules(base=base, cases=False)
    assert main(["recommend", "-a", "deployment=mobile", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["winner"] == "tensorflow"
    with open(slot) as handle:
        assert json.loads(handle.readline())["key"] == key  # rewritten from the sources


def test_a_hand_edited_cache_does_not_change_the_recommendation(base):
    load_rules_cached()
    slot, _ = _slot_and_key(base)
    text = Path(slot).read_text()
    edited = text.replace('["tensorflow",4.0]', '["tensorflow",-40.0]', 1)
    assert edited != text
    with open(slot, "w") as handle:
        handle.write(edited)
    assert load_rules_cached().rule("mobile-tf").score == {"tensorflow": 4.0}


def test_an_overlay_replaced_by_a_same_size_file_with_the_old_mtime_is_reread(base, tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    rule = "rules:\n  - {id: extra, when: {os: linux}, score: {jax: %d}, because: b, source: s}\n"
    path = overlay / "extra.yaml"
    path.write_text(rule % 5)
    before = path.stat()
    assert load_rules_cached(str(overlay)).rule("extra").score == {"jax": 5.0}
    path.write_text(rule % 7)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert load_rules_cached(str(overlay)).rule("extra").score == {"jax": 7.0}


def test_rules_validate_refresh_forgets_the_cached_rule_bases(base, capsys):
    from recommender.cli import main

    load_rules_cached()
    assert len(cache_files(base)) == 1
    assert main(["rules", "validate", "--refresh"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("rules cache: 1 cached rule base(s) forgotten\nok: ")
    assert cache_files(base) == []


def test_a_rebuilt_cache_gets_a_new_files_mode_not_the_old_files(base):
    """A cache made unreadable (``chmod 000``) kept its mode through every rebuild, so a user
    who is not root never read it again."""
    slot, _ = _slot_and_key(base)
    os.makedirs(os.path.dirname(slot), exist_ok=True)
    Path(slot).write_text("not a cache")
    os.chmod(slot, 0)
    load_rules_cached()
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(slot).st_mode & 0o777 == 0o666 & ~umask


def test_every_class_the_cache_holds_has_its_fields_checked():
    """Each field's annotation is compiled to a check; one the checks do not know is a bug to
    find here, not a cache silently rebuilt on every run (the mini base lacks some classes)."""
    from recommender.rulebase import cache as rulecache

    for name, cls in rulecache._CLASSES.items():
        spec = rulecache._fields(name)
        assert spec.cls is cls and len(spec.types) == len(spec.names)
