"""Where caches and kept answers live: directories thousands of levels deep are made and used
without recursion, a relative XDG_CACHE_HOME is ignored, and pruning or refreshing the rules cache
leaves the user's own files."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RECOMMEND, ROOT, run_cli

from recommender.fileio import make_dirs


def remove_tree(root: Path) -> None:
    """``rm -rf``, which walks a tree thousands of levels deep without recursion (pytest's own
    clean-up, shutil.rmtree, recurses, and would fail a later session)."""
    subprocess.run(["rm", "-rf", str(root)], check=True)


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
    tmp_path: Path, uncached: dict[tuple[str, ...], str]
) -> None:
    """Past PATH_MAX: the cache cannot be written, which costs speed only."""
    deep = tmp_path / ("a/" * 3000)
    try:
        done = run_cli(*RECOMMEND, env={"RECOMMENDER_CACHE_DIR": str(deep)})
        assert (done.returncode, done.stderr, done.stdout) == (0, "", uncached[RECOMMEND])
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


def _user_files(folder: Path) -> list[str]:
    """20 files of the user's whose names begin as the cache's do, older than any cache file."""
    names = [f"rules-notes-{n}.md" for n in range(20)]
    for name in names:
        (folder / name).write_text("mine\n")
        os.utime(folder / name, (1_600_000_000, 1_600_000_000))
    return sorted(names)


def _cached(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".json")]


def test_pruning_the_rules_cache_leaves_the_users_files(tmp_path: Path) -> None:
    """With $RECOMMENDER_CACHE_DIR a folder the user shares, a run that wrote the cache kept
    the newest 16 files whose names began with "rules-", and deleted the rest: the user's."""
    names = _user_files(tmp_path)
    done = run_cli("recommend", "--answer", "audience=beginner", env=_cache_in(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    assert len(_cached(tmp_path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".md") == names


def test_rules_validate_refresh_forgets_only_the_cache(tmp_path: Path) -> None:
    """``rules validate --refresh`` deleted every file in the cache folder whose name began with
    "rules-"; it forgets the cached rule bases, and nothing else."""
    names = _user_files(tmp_path)
    env = _cache_in(tmp_path)
    assert run_cli("recommend", "--answer", "audience=beginner", env=env).returncode == 0
    done = run_cli("rules", "validate", "--refresh", env=env)
    assert done.returncode == 0
    assert done.stderr.splitlines()[0] == "rules cache: 1 cached rule base(s) forgotten"
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def _cache_in(folder: Path) -> dict[str, str]:
    return {"RECOMMENDER_CACHE_DIR": str(folder), "RECOMMENDER_RULES": ""}


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    """``XDG_CACHE_HOME=cache`` put the rules cache in ./cache/recommender/ of whatever directory
    the command ran in; the XDG spec has a relative path ignored, so it goes under $HOME."""
    work, home = tmp_path / "project", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "XDG_CACHE_HOME": "cache"}
    env.pop("RECOMMENDER_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "recommender", "recommend", "--answer", "audience=beginner"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert list(work.iterdir()) == []
    assert len(list((home / ".cache" / "recommender").glob("rules-*.json"))) == 1
