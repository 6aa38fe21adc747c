"""The ``recommender`` executable, and ``python -m recommender``."""

# Before any other import: each one is time in which a Ctrl-C was a KeyboardInterrupt traceback
# (``python -m`` has taken them already, while it imported the package).
from recommender import _early, _take_stop_signals

_take_stop_signals()

from recommender.errors import USER_STOPS, live_stop_signals  # noqa: E402


def main() -> int:
    """:func:`recommender.cli.run`, with the stop signals taken from the first moment.

    Importing the command line takes ~0.1 s, before it installs its own handlers: a Ctrl-C then
    was a ``KeyboardInterrupt`` traceback, and SIGTERM killed the process by the signal. Until the
    CLI takes over, a stop signal ends the run with the CLI's one line and 128 + its number
    (:func:`recommender._early`, taken when the package or this module is imported: the console
    script imports this module, then calls this). A signal ignored at the start stays ignored
    (``nohup``)."""
    import signal

    # put back after run(): in the executable these are the early handlers, so a signal while
    # the interpreter exits is still one line and 128 + its number. The other stop signals
    # (SIGUSR1, ...) keep their default until the CLI takes them: nothing is open before it does.
    before = {s: signal.signal(s, _early) for s in live_stop_signals() if s in USER_STOPS}
    from recommender.cli import run

    try:
        return run()  # the CLI installs its handlers, and puts these back when it is done
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


if __name__ == "__main__":
    raise SystemExit(main())
