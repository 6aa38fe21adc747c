"""The one subprocess helper: run a command with a hard timeout and captured output; failure is a value."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TAIL = 2000  # characters of stdout/stderr kept; a child printing megabytes of garbage must not bloat the report

# Children run in their own sessions, so Ctrl-C does not reach them; the parent kills them with kill_running().
_RUNNING: set[int] = set()
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class RunResult:
    """What a finished (or killed) command left behind."""

    returncode: int | None  # None when it never started
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    error: str = ""  # why it could not be started

    @property
    def signal_name(self) -> str | None:
        """The signal that killed the process (``SIGSEGV``), if one did."""
        if self.returncode is None or self.returncode >= 0 or self.timed_out:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"


def run_command(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> RunResult:
    """Run ``argv`` in its own process group; on timeout kill the whole group (compile workers included)."""
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        return RunResult(
            None, "", "", time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}"
        )
    timed_out = False
    with _RUNNING_LOCK:
        _RUNNING.add(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        out, err = _drain(proc)
    finally:
        _kill_group(proc.pid)  # stragglers a finished child left behind
        with _RUNNING_LOCK:
            _RUNNING.discard(proc.pid)
    return RunResult(
        proc.returncode, _tail(out), _tail(err), time.perf_counter() - start, timed_out
    )


def kill_running() -> None:
    """Kill every command still running (with its process group): the way out on Ctrl-C."""
    with _RUNNING_LOCK:
        pids = list(_RUNNING)
    for pid in pids:
        _kill_group(pid)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        pass


def _drain(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    try:
        return proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a grandchild in another session still holds the pipes
        proc.kill()
        proc.wait()
        return b"", b""


def _tail(data: bytes | None) -> str:
    text = (data or b"").decode("utf-8", "replace")
    return text if len(text) <= TAIL else "…" + text[-TAIL:]
