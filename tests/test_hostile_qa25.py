"""QA round 25, "nothing lost, nothing destroyed": hostile inputs through the real command line.
Each test failed on the code before its fix: a read error that named no file, a batch JSON list
with a trailing comma, a CSV cut short inside a quote, a UTF-16 batch YAML, and ``rules validate``
quadratic in the files of an overlay."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest
from conftest import SHIPPED, run_cli

from recommender.cli import main
from recommender.rulebase.validate import plan

PROFILE = '{"name": "lab", "audience": "researcher"}'


def cli(*argv: str) -> tuple[int, str, str]:
    """The real CLI, in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def _shipped_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(SHIPPED))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


# -- a file that fails as it is read (EIO) is named in the one line ------------------------------


def _read_fails(path: str) -> bool:
    try:
        with open(path, "rb") as stream:
            stream.read(1)
    except OSError:
        return True
    return False


@pytest.mark.skipif(not _read_fails("/proc/self/mem"), reason="needs Linux's /proc/self/mem")
@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "--profile", "/proc/self/mem"),
        ("explain", "--profile", "/proc/self/mem"),
        ("batch", "/proc/self/mem", "--input-format", "jsonl"),
        ("batch", "/proc/self/mem", "--input-format", "yaml"),
        ("rules", "validate", "/proc/self/mem"),
    ],
    ids=["recommend", "explain", "batch-jsonl", "batch-yaml", "validate"],
)
def test_a_read_error_names_the_file(args: tuple[str, ...]) -> None:
    # /proc/self/mem is a regular file that fails at the first read, as a failing disk does; the
    # line said only "recommender: Input/output error"
    done = run_cli(*args)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("recommender: /proc/self/mem: "), line


# -- rules validate: an overlay of many files is read in linear time -------------------------------


def test_rules_validate_plans_an_overlay_of_1500_files_in_linear_time(tmp_path: Path) -> None:
    # Each file was resolved against every file taken before it: 1,500 files took minutes
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    for i in range(1500):
        (overlay / f"r{i:04}.yaml").write_text("rules: []\n")
    start = time.perf_counter()
    files, errors = plan([overlay / "r0001.yaml", overlay], [overlay])
    assert time.perf_counter() - start < 15
    assert errors == []
    shipped = [f for f in files if f.parent != overlay]
    assert files[len(shipped) :] == sorted(overlay.iterdir())
