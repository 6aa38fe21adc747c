"""Progress while probing: events through the ``progress`` seam, and a line per framework on stderr
only when stderr is a terminal (a real pseudo-terminal here), never under --quiet or when piped."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from probe_fakes import make_fake

from recommender.probe import ProgressEvent, run_probe
from recommender.probe.progress import TerminalProgress, for_stream, silent

ROOT = Path(__file__).resolve().parents[1]


def test_events_for_each_framework(tmp_path: Path) -> None:
    targets = {
        "quick": make_fake(tmp_path / "site", "quick", "__version__ = '1.0'\n"),
        "crashy": make_fake(tmp_path / "site", "crashy", "import os\nos.abort()\n"),
    }
    events: list[ProgressEvent] = []
    run_probe(targets=targets, cache_dir=tmp_path / "cache", progress=events.append)
    assert [(e.subject, e.state) for e in events[:2]] == [("quick", "start"), ("crashy", "start")]
    done = {e.subject: e.status for e in events[2:]}
    assert done == {"quick": "ok", "crashy": "crashed"}
    assert all(e.seconds > 0 for e in events[2:])
    events.clear()
    run_probe(targets=targets, cache_dir=tmp_path / "cache", progress=events.append)
    assert [(e.subject, e.state, e.status) for e in events] == [
        ("quick", "done", "cached"),
        ("crashy", "start", ""),
        ("crashy", "done", "crashed"),
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_terminal_line() -> None:
    stream = Terminal()
    progress = for_stream(stream)
    assert isinstance(progress, TerminalProgress)
    progress(ProgressEvent("pytorch", "start"))
    progress(ProgressEvent("pytorch", "done", "ok", 2.14))
    progress(ProgressEvent("jax", "done", "cached"))
    assert stream.getvalue() == "probe: pytorch… ok 2.1 s\nprobe: jax… cached\n"


@pytest.mark.parametrize(("stream", "quiet"), [(Terminal(), True), (io.StringIO(), False)])
def test_quiet_or_not_a_terminal_is_silent(stream: io.StringIO, quiet: bool) -> None:
    assert for_stream(stream, quiet) is silent


def run_on_a_terminal(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """The real command with stderr on a pseudo-terminal and stdout on a pipe."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "recommender", "probe", "--framework", "jax", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        text=True,
    )
    os.close(follower)
    err = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        err += chunk
    os.close(leader)
    out = proc.stdout.read() if proc.stdout else ""
    return proc.wait(timeout=120), out, err.decode().replace("\r\n", "\n")


def test_progress_on_a_real_terminal(tmp_path: Path) -> None:
    code, out, err = run_on_a_terminal(tmp_path, "--refresh")
    assert code == 0 and out.startswith("check ")
    assert re.fullmatch(r"probe: jax… ok \d+\.\d s\n", err), err


def test_quiet_on_a_real_terminal(tmp_path: Path) -> None:
    code, out, err = run_on_a_terminal(tmp_path, "--quiet")
    assert (code, err) == (0, "")
