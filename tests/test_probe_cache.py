"""The probe cache: real JAX probes (the fastest framework) for the round trips, plain files for the edge cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from recommender.probe import FrameworkResult, cache, run_probe
from recommender.probe.model import CheckResult


def cache_files(directory: Path) -> list[Path]:
    return sorted((directory / "probe").glob("*.json"))


@pytest.fixture(scope="module")
def jax_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding one real JAX probe."""
    directory = tmp_path_factory.mktemp("cache")
    first = run_probe(["jax"], cache_dir=directory)
    assert (first.get("jax").status, first.get("jax").cached) == ("ok", False)
    return directory


def test_second_run_reads_the_cache(jax_cache: Path) -> None:
    before = [p.stat().st_mtime_ns for p in cache_files(jax_cache)]
    again = run_probe(["jax"], cache_dir=jax_cache).get("jax")
    assert (again.status, again.cached) == ("ok", True)
    assert again.check("autograd").status == "ok"
    assert [p.stat().st_mtime_ns for p in cache_files(jax_cache)] == before


def test_refresh_probes_again_and_rewrites(jax_cache: Path) -> None:
    (path,) = cache_files(jax_cache)
    before = path.stat().st_mtime_ns
    fresh = run_probe(["jax"], refresh=True, cache_dir=jax_cache).get("jax")
    assert (fresh.status, fresh.cached) == ("ok", False)
    assert path.stat().st_mtime_ns > before


def test_corrupt_file_is_ignored_and_rewritten(jax_cache: Path) -> None:
    (path,) = cache_files(jax_cache)
    path.write_text('{"key": {"framework": "jax"}, "result": [truncated')
    result = run_probe(["jax"], cache_dir=jax_cache).get("jax")
    assert (result.status, result.cached) == ("ok", False)
    assert json.loads(path.read_text())["result"]["name"] == "jax"


def test_deep_flag_is_part_of_the_key(jax_cache: Path) -> None:
    version = run_probe(["jax"], cache_dir=jax_cache).get("jax").version
    shallow, deep = cache.cache_key("jax", version, False), cache.cache_key("jax", version, True)
    assert cache.load(jax_cache / "probe", shallow) is not None
    assert cache.load(jax_cache / "probe", deep) is None


@pytest.mark.parametrize(
    "field", ["framework", "version", "executable", "python", "node", "machine", "deep"]
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
    cache.store(
        tmp_path, key, FrameworkResult("jax", True, "1", "ok", checks=[CheckResult("import", "ok")])
    )
    unserialisable = FrameworkResult(
        "jax", True, "1", "ok", checks=[CheckResult("import", "ok", data={"x": {1j}})]
    )
    with pytest.raises(TypeError):
        cache.store(tmp_path, key, unserialisable)
    assert [p.name.startswith(".tmp-") for p in tmp_path.iterdir()] == [False]
    assert cache.load(tmp_path, key).checks == [CheckResult("import", "ok")]


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
