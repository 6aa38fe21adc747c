"""The probe cache: real JAX probes (the quickest framework) for the round trips, fakes and plain
files for the edge cases. A cache file is derived data: a bad one is ignored and rewritten."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from probe_fakes import get_check, get_fw, make_fake

from recommender.probe import FrameworkResult, ProbeTarget, cache, run_probe
from recommender.probe.model import CheckResult


def cache_files(directory: Path) -> list[Path]:
    return sorted((directory / "probe").glob("*.json"))


@pytest.fixture(scope="module")
def jax_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding one real JAX probe."""
    directory = tmp_path_factory.mktemp("cache")
    first = run_probe(["jax"], cache_dir=directory)
    assert (get_fw(first, "jax").status, get_fw(first, "jax").cached) == ("ok", False)
    return directory


def test_second_run_reads_the_cache(jax_cache: Path) -> None:
    before = [p.stat().st_mtime_ns for p in cache_files(jax_cache)]
    again = get_fw(run_probe(["jax"], cache_dir=jax_cache), "jax")
    assert (again.status, again.cached) == ("ok", True)
    assert get_check(again, "autograd").status == "ok"
    assert [p.stat().st_mtime_ns for p in cache_files(jax_cache)] == before


def test_refresh_probes_again_and_rewrites(jax_cache: Path) -> None:
    (path,) = cache_files(jax_cache)
    before = path.stat().st_mtime_ns
    fresh = get_fw(run_probe(["jax"], refresh=True, cache_dir=jax_cache), "jax")
    assert (fresh.status, fresh.cached) == ("ok", False)
    assert path.stat().st_mtime_ns > before


def test_corrupt_file_is_ignored_and_rewritten(jax_cache: Path) -> None:
    (path,) = cache_files(jax_cache)
    path.write_text('{"key": {"framework": "jax"}, "result": [truncated')
    result = get_fw(run_probe(["jax"], cache_dir=jax_cache), "jax")
    assert (result.status, result.cached) == ("ok", False)
    assert json.loads(path.read_text())["result"]["name"] == "jax"


def test_deep_flag_is_part_of_the_key(jax_cache: Path) -> None:
    from recommender.probe import TARGETS

    found = get_fw(run_probe(["jax"], cache_dir=jax_cache), "jax")
    target = TARGETS["jax"]
    shallow = cache.cache_key("jax", found.version, False, target)
    deep = cache.cache_key("jax", found.version, True, target)
    assert cache.load(jax_cache / "probe", shallow) is not None
    assert cache.load(jax_cache / "probe", deep) is None


@pytest.mark.parametrize(
    "field",
    [
        "framework",
        "version",
        "executable",
        "python",
        "node",
        "machine",
        "deep",
        "sys_path",
        "env",
        "target",
    ],
)
def test_every_key_field_matters(tmp_path: Path, field: str) -> None:
    key = cache.cache_key("jax", "0.10.2", False)
    cache.store(tmp_path, key, FrameworkResult("jax", True, "0.10.2", "ok"))
    changed = {**key, field: "something else"}
    assert cache.load(tmp_path, key) is not None
    assert cache.load(tmp_path, changed) is None


def test_key_names_the_interpreter_and_machine() -> None:
    key = cache.cache_key("pytorch", "2.13.0", True)
    assert (key["executable"], key["python"], key["deep"]) == (sys.executable, sys.version, True)


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    key = cache.cache_key("jax", "1", False)
    good = FrameworkResult("jax", True, "1", "ok", checks=(CheckResult("import", "ok"),))
    cache.store(tmp_path, key, good)
    unserialisable = FrameworkResult(
        "jax", True, "1", "ok", checks=(CheckResult("import", "ok", data={"x": {1j}}),)
    )
    with pytest.raises(TypeError):
        cache.store(tmp_path, key, unserialisable)
    assert [p.name.startswith(".tmp-") for p in tmp_path.iterdir()] == [False]
    loaded = cache.load(tmp_path, key)
    assert loaded is not None and loaded.checks == (CheckResult("import", "ok"),)


def test_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache.store(
        blocker / "probe",
        cache.cache_key("jax", "1", False),
        FrameworkResult("jax", True, "1", "ok"),
    )


def test_env_var_overrides_the_user_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path))
    assert cache.cache_dir() == tmp_path / "probe"
    assert cache.cache_dir(tmp_path / "explicit") == tmp_path / "explicit" / "probe"


def test_default_is_the_xdg_user_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "recommender" / "probe"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PYTHONPATH", "/somewhere/else"),
        ("PYTHONHOME", "/opt/python"),
        ("VIRTUAL_ENV", "/other/venv"),
        ("LD_LIBRARY_PATH", "/usr/local/cuda/lib64"),
        ("CUDA_VISIBLE_DEVICES", "1"),
    ],
)
def test_variables_that_change_imports_change_the_key(variable: str, value: str) -> None:
    """A result recorded under another PYTHONPATH (or venv, or library path) is not reused."""
    env = {k: v for k, v in os.environ.items() if k != variable}
    assert cache.cache_key("jax", "1", False, env=env) != cache.cache_key(
        "jax", "1", False, env={**env, variable: value}
    )


def test_site_entries_of_sys_path_are_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A .pth file or a user site adds entries after the standard library: children see them too."""
    before = cache.cache_key("jax", "1", False)
    monkeypatch.setattr(sys, "path", [*sys.path, "/an/extra/site"])
    assert cache.cache_key("jax", "1", False) != before


def test_this_processs_own_path_entries_are_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script's directory or pytest's insertion at the front never reaches a probe child."""
    before = cache.cache_key("jax", "1", False)
    monkeypatch.setattr(sys, "path", ["/my/script/dir", *sys.path])
    assert cache.cache_key("jax", "1", False) == before


def test_unrelated_variables_keep_the_key() -> None:
    env = dict(os.environ)
    assert cache.cache_key("jax", "1", False, env=env) == cache.cache_key(
        "jax", "1", False, env={**env, "EDITOR": "vi"}
    )


VALID = {"name": "fake", "installed": True, "version": "1.0", "status": "ok"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# Each writes something odd where the fake's cache entry lives (the key is passed in as JSON text).
CORRUPT: dict[str, Callable[[Path, str], object]] = {
    "null": lambda p, key: p.write_text("null"),
    "empty list": lambda p, key: p.write_text("[]"),
    "a string": lambda p, key: p.write_text('"cached!"'),
    "a number": lambda p, key: p.write_text("4"),
    "empty file": lambda p, key: p.write_text(""),
    "binary": lambda p, key: p.write_bytes(bytes(range(256)) * 8),
    "truncated": lambda p, key: p.write_text('{"key": ' + key + ', "result": {"na'),
    "nested 100000 deep": lambda p, key: p.write_text(nested(100_000)),
    "nested 200 deep, valid": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + nested(200) + "}"
    ),
    "result null": lambda p, key: p.write_text('{"key": ' + key + ', "result": null}'),
    "result a list": lambda p, key: p.write_text('{"key": ' + key + ', "result": []}'),
    "status a number": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "status": 5}) + "}"
    ),
    "installed a string": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "installed": "yes"}) + "}"
    ),
    "checks a string": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "checks": "import"}) + "}"
    ),
    "check without a name": lambda p, key: p.write_text(
        '{"key": '
        + key
        + ', "result": '
        + json.dumps({**VALID, "checks": [{"status": "ok"}]})
        + "}"
    ),
    "seconds a string": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "seconds": "slow"}) + "}"
    ),
    "data a list": lambda p, key: p.write_text(
        '{"key": '
        + key
        + ', "result": '
        + json.dumps({**VALID, "checks": [{"name": "import", "status": "ok", "data": [1]}]})
        + "}"
    ),
    "NaN seconds": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "seconds": float("nan")}) + "}"
    ),
    "duplicate keys": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps(VALID) + ', "result": null}'
    ),
    "unknown field": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "extra": 1}) + "}"
    ),
    "no checks": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps(VALID) + "}"
    ),
    "another framework": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "name": "jax"}) + "}"
    ),
    "a failed probe": lambda p, key: p.write_text(
        '{"key": ' + key + ', "result": ' + json.dumps({**VALID, "status": "crashed"}) + "}"
    ),
    "an unknown check status": lambda p, key: p.write_text(
        '{"key": '
        + key
        + ', "result": '
        + json.dumps({**VALID, "checks": [{"name": "import", "status": "great"}]})
        + "}"
    ),
    "over the size limit": lambda p, key: p.write_text(" " * (cache.LIMIT + 1)),
    "a FIFO": lambda p, key: os.mkfifo(p),
    "a symlink to /dev/zero": lambda p, key: p.symlink_to("/dev/zero"),
}


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> ProbeTarget:
    return make_fake(tmp_path_factory.mktemp("site"), "fake", "__version__ = '1.0'\n")


@pytest.mark.parametrize("case", list(CORRUPT))
def test_an_odd_cache_file_is_ignored_and_rebuilt(
    fake: ProbeTarget, tmp_path: Path, case: str
) -> None:
    directory = tmp_path / "probe"
    directory.mkdir()
    key = cache.cache_key("fake", "1.0", False, fake)
    path = cache.path_for(directory, key)
    CORRUPT[case](path, json.dumps(key))
    assert cache.load(directory, key, fake.checks) is None
    result = get_fw(run_probe(targets={"fake": fake}, cache_dir=tmp_path, timeout=60), "fake")
    assert (result.status, result.cached) == ("ok", False)
    rebuilt = cache.load(directory, key, fake.checks)
    assert rebuilt is not None and rebuilt.check("import") == result.check("import")
