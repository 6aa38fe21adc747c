"""QA round 26, "no byte lost or destroyed": the real command line run as a hostile environment
would run it. Each test failed on the code before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

ENDLESS = (
    "<stdin>:1: the line goes on past 64 MiB with no newline, so this is not JSONL or CSV text; "
    "the rest of it is not read\n"
)


def _cli_with_stdin(stdin: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m recommender ARGS`` with ``stdin`` (a descriptor) as its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        timeout=60,
    )


# -- an endless line (/dev/zero) is refused, not drained for ever --------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_endless_line_on_stdin_is_refused_and_the_old_output_kept(
    tmp_path: Path, fmt: str
) -> None:
    """``batch - < /dev/zero`` drained its one line for ever: over 1 MiB a line is read and
    dropped in pieces until its newline, which never came. Past 64 MiB it is now exit 2 with one
    line, and ``-o``'s old file is kept, with no temporary file left beside it."""
    out = tmp_path / f"out.{fmt}"
    out.write_text("OLD")
    with open("/dev/zero", "rb") as zero:
        done = _cli_with_stdin(
            zero.fileno(), "batch", "-", "--input-format", fmt, "-o", str(out), cwd=tmp_path
        )
    assert (done.returncode, done.stderr, done.stdout) == (2, ENDLESS, "")
    assert out.read_text() == "OLD"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


# -- the rules cache removes only its own files, in a cache directory the user may share ---------


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
