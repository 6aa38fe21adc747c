"""Progress of a probe as events to a callback, which ``run_probe`` and the cluster probe call.

The seam is a plain callable, so ``recommend --probe`` (or a test) can pass its own. ``for_stream``
gives the command line's: a line per framework (or node) on stderr, only when it is a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from recommender.values import Value, frozen


@frozen
class ProgressEvent(Value):
    """``subject`` (a framework or a node) has started, or is done: ``status`` after ``seconds``."""

    subject: str
    state: str  # "start" or "done"
    status: str = ""
    seconds: float = 0.0


Progress = Callable[[ProgressEvent], None]


def silent(event: ProgressEvent) -> None:
    """Report nothing (piped output, ``--quiet``, the API's default)."""


class TerminalProgress:
    """``probe: pytorch… ok 2.1 s`` as each subject finishes."""

    def __init__(self, stream: TextIO, label: str = "probe") -> None:
        self.stream, self.label = stream, label

    def __call__(self, event: ProgressEvent) -> None:
        if event.state != "done":
            return
        took = f" {event.seconds:.1f} s" if event.seconds else ""
        self.stream.write(f"{self.label}: {event.subject}… {event.status}{took}\n")
        self.stream.flush()


def for_stream(stream: TextIO, quiet: bool = False) -> Progress:
    """Progress lines on ``stream`` when it is a terminal and not ``quiet``; otherwise silence."""
    isatty = getattr(stream, "isatty", None)
    return TerminalProgress(stream) if not quiet and isatty is not None and isatty() else silent
