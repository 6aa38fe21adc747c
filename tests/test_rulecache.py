"""The rule base's JSON cache: the loader's result, rebuilt when a file changes or is corrupt,
and when it is forged (points, frameworks or conditions a rule file could not hold)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import EXPLAIN, MINI, RECOMMEND, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def cached_rules(tmp_path: Path) -> tuple[Path, str, str]:
    """The shipped rules' cache file, written by a real run: (file, key, payload)."""
    cache = tmp_path / "cache"
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(cache)})
    assert done.returncode == 0
    [slot] = cache.glob("rules-*.json")
    head, payload = slot.read_text().split("\n", 1)
    return slot, json.loads(head)["key"], payload


def forge(slot: Path, key: str, payload: str) -> str:
    """``payload`` written with a valid key and checksum: only its content can give it away."""
    meta = {"key": key, "sha256": hashlib.sha256(payload.encode()).hexdigest()}
    text = json.dumps(meta) + "\n" + payload
    slot.write_text(text)
    return text


def with_points(payload: str, points: str) -> str:
    """Every rule's first points replaced by the JSON text ``points`` (1e308, NaN, ...)."""
    tree = json.loads(payload)
    for rule in tree["rules"]["$t"]:
        if rule["score"]["$d"]:
            rule["score"]["$d"][0][1] = "@points@"
    return json.dumps(tree).replace('"@points@"', points)


def with_framework(payload: str, where: str) -> str:
    """Every rule's points (``score``) or deal-breakers naming a framework that is not there."""
    tree = json.loads(payload)
    for rule in tree["rules"]["$t"]:
        if where == "score" and rule["score"]["$d"]:
            rule["score"]["$d"][0][0] = "theano"
        if where == "dealbreaker" and rule["dealbreaker"]["$t"]:
            rule["dealbreaker"]["$t"][0] = "theano"
    return json.dumps(tree)


FORGED_POINTS = {
    "1e308": "1e308",  # finite, so it passed, and overflowed the millionths: exit 3
    "10**400": "1" + "0" * 400,  # an int: math.isfinite raised OverflowError: exit 3
    "NaN": "NaN",
    "Infinity": "Infinity",
    "1e999": "1e999",
    "5000": "5000",  # beyond the +-1000 a rule file allows: trusted, it changed the winner
    "-1000.5": "-1000.5",
    "seven decimals": "0.1234567",  # finer than the tie tolerance's six decimals
}


@pytest.mark.parametrize("points", list(FORGED_POINTS))
def test_a_cache_with_forged_points_is_rebuilt_and_answers_as_no_cache(
    tmp_path: Path, uncached: dict[tuple[str, ...], str], points: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_points(payload, FORGED_POINTS[points]))
    env = {"RECOMMENDER_CACHE_DIR": str(slot.parent)}
    done = run_cli(*RECOMMEND, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == uncached[RECOMMEND]
    assert slot.read_text() != forged  # rebuilt from the YAML, with the same key
    assert json.loads(slot.read_text().split("\n", 1)[0])["key"] == key


@pytest.mark.parametrize("where", ["score", "dealbreaker"])
def test_a_cache_naming_an_unknown_framework_is_rebuilt(
    tmp_path: Path, uncached: dict[tuple[str, ...], str], where: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_framework(payload, where))
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr, done.stdout) == (0, "", uncached[RECOMMEND])
    assert slot.read_text() != forged


def nested(payload: str, kind: str, levels: int) -> str:
    """Every rule's condition wrapped ``levels`` deep in ``not`` (an even number: it still means
    the same) or in a one-part ``any``, written as text: json.dumps itself would recurse."""
    tree = json.loads(payload)
    whens = []
    for i, rule in enumerate(tree["rules"]["$t"]):
        whens.append(json.dumps(rule["when"]))
        rule["when"] = f"@when{i}@"
    text = json.dumps(tree)
    start, end = {
        "not": ('{"$":"Not","part":', "}"),
        "any": ('{"$":"AnyOf","parts":{"$t":[', "]}}"),
    }[kind]
    for i, when in enumerate(whens):
        text = text.replace(f'"@when{i}@"', start * levels + when + end * levels, 1)
    return text


@pytest.mark.parametrize(
    ("kind", "levels"),
    [("not", 66), ("not", 600), ("not", 3000), ("any", 66), ("any", 300)],
)
@pytest.mark.parametrize("args", [RECOMMEND, EXPLAIN], ids=["recommend", "explain"])
def test_a_cache_with_conditions_nested_past_the_rule_format_is_rebuilt(
    tmp_path: Path,
    uncached: dict[tuple[str, ...], str],
    kind: str,
    levels: int,
    args: tuple[str, ...],
) -> None:
    """A rule file's YAML nests at most 64 levels (fileio.MAX_DEPTH), so no condition it gives is
    deeper; 600 levels of ``not`` in a forged cache made ``explain`` exit 3 (RecursionError)."""
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, nested(payload, kind, levels))
    done = run_cli(*args, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == uncached[args]
    assert slot.read_text() != forged


def test_a_cached_raw_condition_nested_past_the_rule_format_is_rebuilt(tmp_path: Path) -> None:
    """``raw_when`` (the condition as written, for ``rules show``) is plain data: bounded too."""
    slot, key, payload = cached_rules(tmp_path)
    tree = json.loads(payload)
    tree["rules"]["$t"][0]["raw_when"] = "@raw@"
    deep = "[" * 100 + "]" * 100
    forged = forge(slot, key, json.dumps(tree).replace('"@raw@"', deep, 1))
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr) == (0, "")
    assert slot.read_text() != forged


@pytest.fixture()
def mini_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """The mini rule base's cache, written in process: (file, key, payload)."""
    import shutil

    from conftest import MINI

    from recommender.rulebase.cache import load_rules_cached

    shutil.copytree(MINI, tmp_path / "rules")
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(tmp_path / "rules"))
    monkeypatch.setenv("RECOMMENDER_CACHE_DIR", str(tmp_path / "cache"))
    load_rules_cached()
    [slot] = (tmp_path / "cache").glob("rules-*.json")
    head, payload = slot.read_text().split("\n", 1)
    return slot, json.loads(head)["key"], payload


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.one_of(
        st.floats(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.integers(min_value=-1001, max_value=1001),
        st.decimals(min_value=-1001, max_value=1001, places=7).map(float),
    )
)
def test_forged_points_are_trusted_only_where_a_rule_file_could_hold_them(
    mini_cache: tuple[Path, str, str], points: float
) -> None:
    import recommender
    from recommender.rulebase import schema
    from recommender.rulebase.cache import load_rules_cached

    slot, key, payload = mini_cache
    forge(slot, key, with_points(payload, json.dumps(points)))
    rules = load_rules_cached()
    fresh = recommender.load_rules(base=os.environ["RECOMMENDER_BASE_RULES"], cases=False)
    if schema.points(points) is None:  # a value a rule file may hold: the cache is believed
        assert rules.rule("mobile-tf").score["tensorflow"] == points
    else:
        assert rules == fresh
    answers = {"deployment": ["mobile"], "os": "linux"}
    recommender.recommend(answers, rules=rules).to_dict()  # and it scores
