"""For the tests of the command line in a hostile environment: the real command run with each
standard stream a file, /dev/full, closed or a pipe whose reader is gone, and the inputs they
feed it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BAD_PROFILE = "name: x\nanswers: {audience: novice}\n"
BAD_BATCH = "name,audience\nok,beginner\nbad,novice\n"


def run_with_streams(
    tmp_path: Path, args: tuple[str, ...], stdout: str = "file", stderr: str = "full"
) -> tuple[int, bytes, bytes]:
    """Run the real command with stdout and stderr each a ``file``, ``full`` (/dev/full),
    ``closed`` (``>&-``) or ``pipe``, one whose reader is gone: (exit code, what went to each
    that is a file)."""
    files = {1: tmp_path / "stdout", 2: tmp_path / "stderr"}
    redirects, kept = [], []
    for fd, kind in ((1, stdout), (2, stderr)):
        if kind == "pipe":
            read, write = os.pipe()
            os.close(read)
            kept.append(write)
            redirects.append(f"{fd}>&{write}")
        else:
            where = {"file": shlex.quote(str(files[fd])), "full": "/dev/full", "closed": "&-"}
            redirects.append(f"{fd}>{where[kind]}")
    command = shlex.join([sys.executable, "-m", "recommender", *args])
    try:
        done = subprocess.run(
            ["bash", "-c", f"exec {command} {' '.join(redirects)}"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            pass_fds=kept,
            timeout=120,
        )
    finally:
        for fd in kept:
            os.close(fd)
    said = [p.read_bytes() if p.exists() else b"" for p in files.values()]
    return done.returncode, said[0], said[1]


def beginner_rows(path: Path, count: int) -> Path:
    """``count`` JSONL profiles of beginners, written to ``path``."""
    path.write_text(
        "".join(
            f'{{"name": "p{n}", "answers": {{"audience": "beginner"}}}}\n' for n in range(count)
        )
    )
    return path
