"""``-o`` and the caches write into a file with no name on Linux (``O_TMPFILE``), named through
/proc just before it replaces the output. Where /proc is not mounted (a chroot, a bare
container) that name cannot be given: the file is then a named temporary one, as elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RECOMMEND, ROOT


def _without_proc(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m recommender ARGS`` in a mount namespace whose /proc is an empty tmpfs (a user
    namespace maps the caller to root there, so no privilege is needed where the kernel allows
    one); skipped where no such namespace can be made."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        pytest.skip("needs Linux's unshare")
    inner = 'mount -t tmpfs none /proc || exit 99; exec "$@"'
    command = ["unshare", "--map-root-user", "--mount", "sh", "-c", inner, "sh"]
    done = subprocess.run(
        [*command, sys.executable, "-m", "recommender", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
    )
    if done.returncode == 99 or "unshare:" in done.stderr:
        pytest.skip(f"no mount namespace here: {done.stderr.strip()}")
    return done


def test_output_and_cache_are_written_where_proc_is_not_mounted(
    tmp_path: Path, uncached: dict[tuple[str, ...], str]
) -> None:
    """Every ``-o`` failed after the work, "out.json: cannot write here: No such file or
    directory" (exit 2), and the rules cache was never written: the unnamed file could not be
    named without /proc/self/fd."""
    cache = tmp_path / "cache"
    done = _without_proc(
        [*RECOMMEND, "-o", "out.json"], tmp_path, {"RECOMMENDER_CACHE_DIR": str(cache)}
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == uncached[RECOMMEND]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out.json"]
    assert [p.name.startswith("rules-") for p in cache.iterdir()] == [True]


def test_a_file_replaced_where_proc_is_not_mounted_leaves_no_temporary_file(
    tmp_path: Path, uncached: dict[tuple[str, ...], str]
) -> None:
    (tmp_path / "out.json").write_text("old\n", encoding="utf-8")
    done = _without_proc([*RECOMMEND, "-o", "out.json"], tmp_path, {})
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == uncached[RECOMMEND]
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
