"""Files in and out, in one place: bounded reads that never hang on a FIFO or device, and atomic
output (a temporary file beside the target, renamed over it)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from recommender.errors import UserError


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Yield a file object; on success it replaces ``path`` whole, on any error nothing is left behind."""
    import tempfile  # costs ~5 ms of imports; only paid when something is written

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UserError(f"cannot write here: {exc.strerror}", str(path)) from None
    try:
        os.chmod(tmp, _mode_for(target))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0o666 less the umask (mkstemp makes 0o600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; OSError (or UserError past the limit)
    otherwise. Opened non-blocking, so a FIFO with no writer or a device never hangs the read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UserError(f"file is over the {limit:,}-byte limit", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)
