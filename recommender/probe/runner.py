"""The one subprocess helper: a command under a hard timeout, bounded output; failure is a value.

Each command runs in its own session, so the terminal's Ctrl-C does not reach it. The parent ends it
instead, with its whole process tree (``proctree``): at the timeout, when it exits, and when a
``Supervisor`` stops.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import IO

from recommender.errors import signal_name
from recommender.probe.proctree import TOKEN_VAR, kill_tree
from recommender.values import Value, frozen

TAIL = 2000  # characters of stdout/stderr kept: megabytes of garbage must not bloat the report
CHUNK = 1 << 16
DRAIN = 2.0  # seconds to wait for the pipes to close once the tree is dead


@frozen
class RunResult(Value):
    """What a finished (or killed) command left behind."""

    returncode: int | None  # None when it never started
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    error: str = ""  # why it could not be started

    @property
    def signal_name(self) -> str | None:
        """The signal that killed the process (``SIGSEGV``, ``SIGRTMIN+6``), if one did: named
        as every other message names a signal (:func:`recommender.errors.signal_name`)."""
        if self.returncode is None or self.returncode >= 0 or self.timed_out:
            return None
        return signal_name(-self.returncode)


class Supervisor:
    """The commands running for one probe; ``stop()`` ends every tree and refuses new commands."""

    def __init__(self) -> None:
        self._running: dict[int, str] = {}  # pid -> token
        self._lock = threading.Lock()
        self.stopped = False

    def add(self, pid: int, token: str) -> bool:
        """Track ``pid``; False once stopped (the caller must then end it)."""
        with self._lock:
            if not self.stopped:
                self._running[pid] = token
            return not self.stopped

    def discard(self, pid: int) -> None:
        """Forget ``pid`` (it has ended)."""
        with self._lock:
            self._running.pop(pid, None)

    def stop(self) -> None:
        """Kill every tracked command's tree: the way out on a signal."""
        with self._lock:
            self.stopped = True
            running = dict(self._running)
        for pid, token in running.items():
            kill_tree(pid, token)


class _Tail:
    """The last ``limit`` bytes of a stream, read as it arrives: memory stays flat."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.data = bytearray()
        self.dropped = False
        self._stream, self._limit = stream, limit
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            while chunk := self._stream.read1(CHUNK):  # type: ignore[attr-defined]
                self.data += chunk
                if len(self.data) > 2 * self._limit:  # trim in batches: cheap, and still bounded
                    del self.data[: -self._limit]
                    self.dropped = True
        except (OSError, ValueError):  # closed under us after DRAIN
            pass

    def finish(self, deadline: float) -> None:
        """Wait for EOF until ``deadline``; a holder that escaped the kill keeps pipe and thread."""
        self.thread.join(max(0.0, deadline - time.monotonic()))
        if not self.thread.is_alive():
            self._stream.close()

    def text(self, chars: int) -> str:
        text = bytes(self.data[-self._limit :]).decode("utf-8", "replace")
        cut = self.dropped or len(text) > chars or len(self.data) > self._limit
        return "…" + text[-chars:] if cut else text


def run_command(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    tail: int = TAIL,
    supervisor: Supervisor | None = None,
) -> RunResult:
    """Run ``argv`` in a new session; at the timeout, or when it exits, end its whole tree."""
    start = time.perf_counter()
    token = uuid.uuid4().hex
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**(os.environ if env is None else env), TOKEN_VAR: token},
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        return RunResult(None, "", "", time.perf_counter() - start, error=_error(exc))
    return _supervise(proc, token, start, timeout, tail, supervisor)


def _supervise(
    proc: subprocess.Popen[bytes],
    token: str,
    start: float,
    timeout: float,
    tail: int,
    supervisor: Supervisor | None,
) -> RunResult:
    assert proc.stdout is not None and proc.stderr is not None
    out, err = _Tail(proc.stdout, 4 * tail), _Tail(proc.stderr, 4 * tail)  # 4: UTF-8 bytes per char
    tracked = supervisor is None or supervisor.add(proc.pid, token)
    timed_out = False
    try:
        proc.wait(timeout=timeout if tracked else 0)
    except subprocess.TimeoutExpired:
        timed_out = tracked
        kill_tree(proc.pid, token)
        proc.wait()
    finally:
        kill_tree(proc.pid, token, reaped=proc.returncode is not None)  # stragglers
        if supervisor is not None:
            supervisor.discard(proc.pid)
    deadline = time.monotonic() + DRAIN
    out.finish(deadline)
    err.finish(deadline)
    seconds = time.perf_counter() - start
    return RunResult(proc.returncode, out.text(tail), err.text(tail), seconds, timed_out)


def _error(exc: OSError) -> str:
    return f"{type(exc).__name__}: {exc}"
