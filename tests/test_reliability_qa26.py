"""QA round 26, "no byte lost or destroyed": the real command line run as a hostile environment
would run it. Each test failed on the code before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

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
