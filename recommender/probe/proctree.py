"""End a child's whole process tree, grandchildren that left its session with ``setsid()`` included.

Process groups miss a grandchild in a new session, so on Linux the tree is found in ``/proc``: every
process whose parent chain leads to the child, plus every process with the child's token in its
environment (that catches daemons re-parented to init). The walk is repeated until nothing is left.
Elsewhere only the process group is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

TOKEN_VAR = "RECOMMENDER_PROBE_TOKEN"
PROC = Path("/proc")
ENVIRON_LIMIT = 1 << 20  # bytes of /proc/PID/environ read; a real environment is a few KiB
ROUNDS = 100  # walks before giving up; each kills what it finds, so two or three usually suffice


def kill_tree(
    root: int, token: str | None = None, *, reaped: bool = False, proc: Path = PROC
) -> int:
    """SIGKILL ``root``, its group and every live descendant until none is left; the walks taken.

    Once ``root`` has been reaped its pid may be reused: only its group and the token are followed.
    """
    _kill_group(root)
    for rounds in range(1, ROUNDS + 1):
        found = tree(None if reaped else root, token, proc)
        if not found:
            return rounds
        for pid in found:
            _kill(pid)
        time.sleep(0.005 * rounds)  # SIGKILL is asynchronous: let the kernel finish first
    return ROUNDS


def tree(root: int | None, token: str | None = None, proc: Path = PROC) -> set[int]:
    """Live (not zombie) ``root`` and processes under it, by parent links or ``token``."""
    table = process_table(proc)
    found = {root} & table.keys() if root is not None else set()
    frontier = set(found)
    while frontier:
        frontier = {pid for pid, (ppid, _) in table.items() if ppid in frontier} - found
        found |= frontier
    if token:
        found |= {pid for pid in table if _has_token(proc / str(pid), token)}
    found.discard(os.getpid())
    return {pid for pid in found if table.get(pid, (0, "Z"))[1] != "Z"}


def process_table(proc: Path = PROC) -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) for every process in ``/proc``; empty without /proc."""
    table = {}
    for pid in _pids(proc):
        stat = _read(proc / str(pid) / "stat", 4096)
        fields = stat.rpartition(b")")[2].split()  # the command name may hold spaces and brackets
        if len(fields) >= 2 and fields[1].isdigit():
            table[pid] = (int(fields[1]), fields[0].decode("ascii", "replace"))
    return table


def _pids(proc: Path) -> Iterable[int]:
    try:
        names = os.listdir(proc)
    except OSError:
        return []
    return [int(name) for name in names if name.isdigit()]


def _has_token(directory: Path, token: str) -> bool:
    environ = _read(directory / "environ", ENVIRON_LIMIT)
    return f"{TOKEN_VAR}={token}".encode() in environ.split(b"\0")


def _read(path: Path, limit: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError:  # gone, or another user's process
        return b""


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone, or not ours
        os.kill(pid, signal.SIGKILL)


def _kill_group(pid: int) -> None:
    # gone, not ours, or no killpg (Windows)
    with contextlib.suppress(ProcessLookupError, PermissionError, AttributeError):
        os.killpg(pid, signal.SIGKILL)
