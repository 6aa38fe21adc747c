"""The ``recommender`` executable, and ``python -m recommender``."""

from __future__ import annotations

import os
import signal
from types import FrameType

from recommender.errors import Terminated, live_stop_signals


def main() -> int:
    """:func:`recommender.cli.run`, with the stop signals taken from the first moment.

    Importing the command line takes ~0.1 s, before it installs its own handlers: a Ctrl-C then
    was a ``KeyboardInterrupt`` traceback, and SIGTERM killed the process by the signal. Until the
    CLI takes over, a stop signal ends the run with the CLI's one line and 128 + its number.
    Nothing is open yet (no file written, no child started), so nothing needs cleaning up.
    A signal ignored at the start stays ignored (``nohup``)."""
    before = {s: signal.signal(s, _early) for s in live_stop_signals()}
    from recommender.cli import run

    try:
        return run()  # the CLI installs its handlers, and puts these back when it is done
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _early(signum: int, frame: FrameType | None) -> None:
    stop = Terminated(signum)
    os.write(2, f"recommender: {stop.what()}\n".encode())
    os._exit(stop.exit_code)


if __name__ == "__main__":
    raise SystemExit(main())
