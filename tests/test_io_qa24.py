"""QA pass 24 on files in and out, each fault re-checked with a real process where it was one:
forged rule caches, deep cache directories, unwritable standard streams, devices and sockets as
inputs and outputs, ``-`` for the rules commands, and a clean interpreter exit."""

from __future__ import annotations

import errno
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from recommender.fileio import make_dirs

RECOMMEND = ("recommend", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")
EXPLAIN = ("explain", "-a", "deployment=mobile", "-a", "os=linux", "-f", "json")


def remove_tree(root: Path) -> None:
    """``rm -rf``, which walks a tree thousands of levels deep without recursion (pytest's own
    clean-up, shutil.rmtree, recurses, and would fail a later session)."""
    subprocess.run(["rm", "-rf", str(root)], check=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], str]:
    """What each command prints with no cache to read: a forged cache must change nothing."""
    out: dict[tuple[str, ...], str] = {}
    for args in (RECOMMEND, EXPLAIN):
        cache = tmp_path_factory.mktemp("fresh-cache")
        done = run_cli(*args, env={"RECOMMENDER_CACHE_DIR": str(cache)})
        assert (done.returncode, done.stderr) == (0, "")
        out[args] = done.stdout
    return out


# -- 1 and 2. a forged rule cache is rebuilt, never trusted, never a crash ------------------------


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
    tmp_path: Path, reference: dict[tuple[str, ...], str], points: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_points(payload, FORGED_POINTS[points]))
    env = {"RECOMMENDER_CACHE_DIR": str(slot.parent)}
    done = run_cli(*RECOMMEND, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == reference[RECOMMEND]
    assert slot.read_text() != forged  # rebuilt from the YAML, with the same key
    assert json.loads(slot.read_text().split("\n", 1)[0])["key"] == key


@pytest.mark.parametrize("where", ["score", "dealbreaker"])
def test_a_cache_naming_an_unknown_framework_is_rebuilt(
    tmp_path: Path, reference: dict[tuple[str, ...], str], where: str
) -> None:
    slot, key, payload = cached_rules(tmp_path)
    forged = forge(slot, key, with_framework(payload, where))
    done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(slot.parent)})
    assert (done.returncode, done.stderr, done.stdout) == (0, "", reference[RECOMMEND])
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
    reference: dict[tuple[str, ...], str],
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
    assert done.stdout == reference[args]
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


# -- 3. a cache or state directory thousands of levels deep ----------------------------------------


def test_make_dirs_makes_every_missing_level_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path / ("b/" * 1500)  # ~3,000 characters: within PATH_MAX, past the recursion limit
    try:
        make_dirs(deep)
        make_dirs(deep)  # already there: nothing to do
        assert deep.is_dir()
    finally:
        remove_tree(tmp_path / "b")


def test_make_dirs_names_a_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    for target in (tmp_path / "f", tmp_path / "f" / "g"):
        with pytest.raises(NotADirectoryError) as caught:
            make_dirs(target)
        assert caught.value.filename == str(tmp_path / "f")


def test_a_cache_directory_3000_levels_deep_still_answers(
    tmp_path: Path, reference: dict[tuple[str, ...], str]
) -> None:
    """Past PATH_MAX: the cache cannot be written, which costs speed only."""
    deep = tmp_path / ("a/" * 3000)
    try:
        done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(deep)})
        assert (done.returncode, done.stderr, done.stdout) == (0, "", reference[RECOMMEND])
    finally:
        remove_tree(tmp_path / "a")


def test_a_cache_directory_1500_levels_deep_is_made_and_used(tmp_path: Path) -> None:
    deep = tmp_path / ("a/" * 1500)
    try:
        for _ in range(2):  # written, then read back
            done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(deep)})
            assert (done.returncode, done.stderr) == (0, "")
        assert len(list(deep.glob("rules-*.json"))) == 1
    finally:
        remove_tree(tmp_path / "a")


def test_the_probe_cache_in_a_deep_directory(tmp_path: Path) -> None:
    from recommender.probe import FrameworkResult, cache

    key = {"framework": "fakefw"}
    result = FrameworkResult("fakefw", True, "1.0", "ok")
    deep = tmp_path / ("p/" * 1500)
    try:
        cache.store(deep, key, result)
        assert cache.load(deep, key) == result.but(cached=True)
        cache.store(tmp_path / ("q/" * 3000), key, result)  # too long a name: not stored, no error
    finally:
        remove_tree(tmp_path / "p")
        remove_tree(tmp_path / "q")


def test_ask_keeps_answers_in_a_deep_state_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recommender import load_rules
    from recommender.ask import resume
    from recommender.ask.flow import Progress

    rules = load_rules(cases=False)
    progress = Progress({"os": frozenset({"linux"})}, ["os"])
    monkeypatch.setenv("RECOMMENDER_STATE_DIR", str(tmp_path / ("s/" * 1500)))
    try:
        assert resume.pending() == []
        kept = resume.save(progress, rules)
        assert resume.pending() == [kept]
        assert resume.load(rules, kept).answers == progress.answers
        monkeypatch.setenv("RECOMMENDER_STATE_DIR", str(tmp_path / ("t/" * 3000)))
        assert resume.pending() == []  # its name is too long to list: nothing kept there
        with pytest.raises(OSError) as caught:  # ask prints the answers as a profile instead
            resume.save(progress, rules)
        assert caught.value.errno == errno.ENAMETOOLONG  # not RecursionError
    finally:
        remove_tree(tmp_path / "s")
        remove_tree(tmp_path / "t")
