"""A one-line progress bar on stderr for long batch runs; silent unless the stream is a terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 24


class Progress:
    """Redraws ``rows, percent of bytes, rate`` at most every ``every`` seconds; ``close`` wipes it.

    ``stream`` and ``clock`` are seams: tests pass a StringIO and a fake clock.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        every: float = 0.2,
    ) -> None:
        self.stream, self.enabled, self.total, self.clock, self.every = (
            stream,
            enabled,
            total,
            clock,
            every,
        )
        self.start = self.last = clock()
        self.drawn = False

    @classmethod
    def for_terminal(cls, stream: TextIO, *, quiet: bool, total: int | None = None) -> Progress:
        """On only when ``stream`` is a terminal and the user did not ask for ``--quiet``."""
        isatty = getattr(stream, "isatty", None)
        return cls(stream, enabled=not quiet and bool(isatty and isatty()), total=total)

    def update(self, rows: int, done: int = 0) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        rate = rows / max(now - self.start, 1e-9)
        line = f"batch: {rows:,} rows  {rate:,.0f} rows/s"
        if self.total:
            share = min(done / self.total, 1.0)
            filled = round(share * WIDTH)
            bar = "#" * filled + "." * (WIDTH - filled)
            line = f"batch: [{bar}] {share:4.0%}  {rows:,} rows  {rate:,.0f} rows/s"
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False
