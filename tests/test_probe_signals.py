"""Signals to a real ``python -m recommender probe --refresh``: children's trees ended, temp dirs
removed, exit 128 + signum with one line on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from probe_fakes import processes_with, still_alive

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = {
    signal.SIGTERM: "recommender: probe stopped by SIGTERM; its children were ended\n",
    signal.SIGHUP: "recommender: probe stopped by SIGHUP; its children were ended\n",
    signal.SIGINT: "recommender: probe interrupted; its children were ended\n",
    signal.SIGQUIT: "recommender: probe stopped by SIGQUIT; its children were ended\n",
}


def start_probe(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """The real command on the real frameworks, its temp files under ``tmp_path/tmp``."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TMPDIR": str(tmp),
        "RECOMMENDER_CACHE_DIR": str(tmp_path / "cache"),
        "HOME": str(tmp_path / "home"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "recommender", "probe", "--refresh"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, tmp


def wait_for_children(proc: subprocess.Popen[str], marker: str, count: int) -> list[int]:
    """The probe's children (``marker`` is in their environment) once ``count`` of them run."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = [p for p in processes_with(marker) if p != proc.pid]
        if len(children) >= count:
            return children
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    pytest.fail("the probe's children did not start")


@pytest.mark.parametrize("signum", list(MESSAGES))
def test_a_signal_ends_every_child_and_removes_the_temp_dirs(
    tmp_path: Path, signum: signal.Signals
) -> None:
    proc, tmp = start_probe(tmp_path)
    children = wait_for_children(proc, str(tmp), count=3)
    time.sleep(0.3)  # mid-import: the frameworks take seconds to load
    proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert (proc.returncode, err, out) == (128 + signum, MESSAGES[signum], "")
    assert still_alive(children, seconds=2) == []
    assert processes_with(str(tmp)) == []
    assert list(tmp.iterdir()) == []
