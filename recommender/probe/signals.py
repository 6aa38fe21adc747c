"""SIGTERM, SIGHUP and SIGINT as an exception in the main thread: every cleanup runs on the way out.

The probe's children run in their own sessions: a signal to the probe reaches only the parent, which
must kill the children's trees and remove its temporary directories, then exit with 128 + signum.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


class Terminated(BaseException):
    """A signal asked the process to stop; ``exit_code`` is the shell's 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 143 for SIGTERM, 129 for SIGHUP, 130 for SIGINT."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """``SIGTERM``."""
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def raised_on_signals() -> Iterator[None]:
    """Inside, the first of ``SIGNALS`` raises ``Terminated``; later ones are ignored (cleanup)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise Terminated(signum)

    try:
        previous = {s: signal.signal(s, handler) for s in SIGNALS}
    except ValueError:  # not the main thread: signals stay as they are
        previous = {}
    try:
        yield
    finally:
        for s, action in previous.items():
            signal.signal(s, action)
