"""The standard streams when they misbehave: a full or non-blocking stdout, a stderr that cannot
be written; the output is whole or the exit code says it is not, and the exit code of a user
error or a failed batch row is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import RECOMMEND, ROOT, run_cli
from streamkit import BAD_BATCH, BAD_PROFILE, beginner_rows, run_with_streams


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_a_user_error_keeps_exit_2_when_stderr_cannot_be_written(
    tmp_path: Path, stderr: str
) -> None:
    """The boundary's one line failed to print and the command died with a traceback: exit 1."""
    (tmp_path / "p.yaml").write_text(BAD_PROFILE)
    done = run_with_streams(tmp_path, ("recommend", "--profile", "p.yaml"), stderr=stderr)
    assert done[:2] == (2, b"")


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_batch_writes_every_record_and_keeps_exit_1_when_stderr_cannot_be_written(
    tmp_path: Path, stderr: str
) -> None:
    """A bad row's line on stderr failed, and the run ended there, its output lost."""
    (tmp_path / "team.csv").write_text(BAD_BATCH)
    code, out, _ = run_with_streams(tmp_path, ("batch", "team.csv"), stderr=stderr)
    assert code == 1
    assert [json.loads(line)["row"] for line in out.splitlines()] == [1, 2]


@pytest.mark.parametrize("stderr", ["full", "pipe", "closed"])
def test_a_full_stdout_is_exit_2_even_when_stderr_cannot_say_so(
    tmp_path: Path, stderr: str
) -> None:
    assert run_with_streams(tmp_path, RECOMMEND, stdout="full", stderr=stderr)[0] == 2


def _through_a_nonblocking_pipe(args: list[str], cwd: Path, unbuffered: bool) -> tuple[int, bytes]:
    """Run the CLI with stdout a pipe in non-blocking mode (as Node.js or a CI runner leaves the
    pipe it shares), read only once the pipe has long been full; the exit code and every byte."""
    import fcntl

    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    with subprocess.Popen(
        [sys.executable, "-m", "recommender", *args],
        stdout=write_end,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
    ) as child:
        os.close(write_end)
        time.sleep(1.5)  # the pipe (64 KiB) fills long before: every later write meets EAGAIN
        with open(read_end, "rb") as reader:
            data = reader.read()
        return child.wait(timeout=60), data


@pytest.mark.skipif(sys.platform == "win32", reason="needs fcntl")
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_a_nonblocking_stdout_gets_the_whole_output(tmp_path: Path, unbuffered: bool) -> None:
    """Python's stdout lost what a full non-blocking pipe refused: it ended with "write could not
    complete without blocking" (exit 2, or 120 at exit), and under PYTHONUNBUFFERED, as Docker
    images set it, it dropped all past the first 64 KiB, with exit 0."""
    args = ["batch", str(beginner_rows(tmp_path / "in.jsonl", 300)), "-q"]
    expected = run_cli(*args, cwd=tmp_path).stdout.encode()
    assert len(expected) > 4 * 65536
    assert _through_a_nonblocking_pipe(args, tmp_path, unbuffered) == (0, expected)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [("recommend", "--answer", "audience=beginner"), ("rules", "list", "-f", "json")]
)
def test_a_full_stdout_is_named_in_the_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    """``> /dev/full`` (a full disk) said "recommender: No space left on device", naming no file,
    where every other write that fails names the file it was writing."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "recommender", *args],
            stdout=full,
            capture_output=False,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
            timeout=60,
        )
    assert (done.returncode, done.stderr) == (2, "recommender: <stdout>: No space left on device\n")
