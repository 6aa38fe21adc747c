"""The user-facing error types, the signal that stops a command, and the exit codes."""

from __future__ import annotations

import enum
import signal
from collections.abc import Iterable
from typing import Any


class ExitCode(enum.IntEnum):
    """What the process tells its caller; a signal gives 128 + signum (:class:`Terminated`)."""

    OK = 0
    FINDINGS = 1  # the command ran and found something: bad rows, lint warnings, failed cases
    USAGE = 2  # the input or the command line is unusable: one line says why
    INTERNAL = 3  # a bug: one line, the traceback under --debug
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT


def install_hint(extra: str) -> str:
    """How to install one of pyproject's optional extras (``ray``, ``lint``): recommender is
    installed from its checkout, so ``pip install 'recommender[ray]'`` would name a package
    that is not on PyPI."""
    return f"pip install -e '.[{extra}]' in recommender's checkout"


def _signals(*names: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(getattr(signal, n) for n in names if hasattr(signal, n)))


# The signals a user stops a command with: each raises Terminated in the main thread.
USER_STOPS = _signals("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
# Every other signal whose default action ends the process and that a program may catch: left to
# that default, `kill -USR1` (or a CPU limit: SIGXCPU) ended a batch with its temporary file left
# behind and its probe children running. The real-time signals (SIGRTMIN..SIGRTMAX) end a process
# by default too. Python itself ignores SIGPIPE and SIGXFSZ (a write then fails instead).
OTHER_STOPS = _signals(
    "SIGUSR1",
    "SIGUSR2",
    "SIGALRM",
    "SIGVTALRM",
    "SIGPROF",
    "SIGXCPU",
    "SIGPWR",
    "SIGSTKFLT",
    "SIGIO",
) + (tuple(range(signal.SIGRTMIN, signal.SIGRTMAX + 1)) if hasattr(signal, "SIGRTMIN") else ())
STOP_SIGNALS = USER_STOPS + OTHER_STOPS


def live_stop_signals() -> list[int]:
    """The ``STOP_SIGNALS`` this command takes. One ignored when the process starts stays
    ignored, as Python leaves SIGINT: ``nohup`` ignores SIGHUP so that a closed terminal does not
    stop a long ``batch``, and a shell ignores SIGINT and SIGQUIT in its background jobs. Of
    :data:`OTHER_STOPS`, only those left to their default action: a handler the program embedding
    the CLI set (pytest-timeout's SIGALRM, a profiler's SIGPROF) is its own."""
    return [
        s
        for s in STOP_SIGNALS
        if signal.getsignal(s) is not signal.SIG_IGN
        and (s in USER_STOPS or signal.getsignal(s) is signal.SIG_DFL)
    ]


def signal_name(signum: int) -> str:
    """``SIGTERM``; a real-time signal as ``SIGRTMIN+3`` (the enum names only its two ends)."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"SIGRTMIN+{signum - signal.SIGRTMIN}"


def ignore_stop_signals() -> None:
    """Once a stop signal has been taken: the later ones are ignored, so the cleanup it sets off
    (children ended, temporary files removed, answers kept) is not cut short."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)


_TAKEN: list[Terminated] = []  # the stop signal this command took (take_stop), at most one


def take_stop(signum: int) -> Terminated:
    """The first stop signal, taken: later ones are ignored (:func:`ignore_stop_signals`), and
    :func:`stop_taken` remembers it."""
    ignore_stop_signals()
    _TAKEN[:] = [Terminated(signum)]
    return _TAKEN[0]


def stop_taken() -> Terminated | None:
    """The stop signal taken since :func:`forget_stop`, if any. A library that waits in C may run
    Python's signal handlers itself and raise its own exception in place of the one a handler
    raised (Ray's ``ray.wait`` and ``ray.get`` raise ``SystemExit(1)``); this maps it back."""
    return _TAKEN[0] if _TAKEN else None


def forget_stop() -> None:
    """A new command: no stop signal taken yet (tests run many commands in one process)."""
    _TAKEN.clear()


# How long the main thread waits at a time while other threads work. A signal's Python handler runs
# only in the main thread, and only when it next runs: the kernel may hand a process's signal to any
# of its threads (a pipe reader, a worker), and an untimed wait in the main thread then held Ctrl-C
# back until a child finished or timed out (minutes, for a probe). Waits in slices this long notice
# it within a fraction of a second.
SIGNAL_POLL = 0.2


class Terminated(SystemExit):
    """A signal asked the process to stop; every ``finally`` runs on the way out.

    A SystemExit, so no ``except Exception`` swallows it, and neither does asyncio: it logs and
    drops any other BaseException raised in a callback, and ``ask``'s prompts run in one, where a
    signal lost that way left the process running with every stop signal ignored. ``note`` is
    what the command adds to its one line ("its children were ended").
    """

    def __init__(self, signum: int, note: str = "") -> None:
        super().__init__(signum)
        self.signum, self.note = signum, note

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """``SIGTERM``."""
        return signal_name(self.signum)

    def what(self) -> str:
        """``interrupted`` for Ctrl-C, else ``stopped by SIGTERM``."""
        return "interrupted" if self.signum == signal.SIGINT else f"stopped by {self.name}"


SHOWN = 20  # errors printed for one failed command; `rules validate` lists every one
MAX_MESSAGE = 2000  # characters: a message quotes user data, which may be a megabyte long


QUOTED = 200  # characters of a quoted value a message keeps: a line or two of a terminal


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one readable line when it quotes a huge value. Each value in double quotes
    over :data:`QUOTED` characters is cut first, saying how long it was, so the rest of the
    message stays: cutting the end alone lost the question, the valid values and the fix after
    an unknown option of 60,000 characters. Then, over ``limit``, the end is cut."""
    if len(text) > QUOTED and '"' in text:
        text = _cut_quoted(text)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}... ({len(text) - limit + 40:,} more characters)"


def _cut_quoted(text: str) -> str:
    parts = text.split('"')  # the odd ones are quoted, but a last one with no closing quote
    for i in range(1, len(parts) - 1, 2):
        value = parts[i]
        if len(value) > QUOTED:
            parts[i] = value[: QUOTED - 1] + "…"  # QUOTED long: cut again, it stays
            parts[i + 1] = f" ({len(value):,} characters)" + parts[i + 1]
    return '"'.join(parts)


class UserError(Exception):
    """Bad input from the user: printed as one ``file:line:col: message`` line, exit code 2."""

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, col: int | None = None
    ) -> None:
        message = shorten(message)
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.col) if p is not None)
        return f"{where}: {self.message}" if where else self.message


class UserErrors(UserError):
    """Several user errors found in one pass (``rules validate`` reports them all)."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("\n".join(str(e) for e in errors[:SHOWN]))
        self.errors = errors


LISTED = 24  # valid values a message lists; beyond, it names the command that lists them


def did_you_mean(value: object, valid: Iterable[str], listed_by: str = "") -> str:
    """`` (did you mean "x"?)`` plus the valid values, for an invalid ``value``; over
    :data:`LISTED` of them, the command ``listed_by`` that lists them instead (the 82 shipped rule
    ids made a line of 1,300 characters)."""
    import difflib  # only on the error path

    valid = sorted(valid)
    # ids are lower case: "OS" or "Name" is the id "os" or "name" (the two share no letter)
    text = str(value)[:100].lower()
    lowered = {v.lower(): v for v in reversed(valid)}
    # a word of an id before a spelling: "gpu" is amd_gpu, intel_gpu or nvidia_gpu, not "tpu"
    named = [v for low, v in lowered.items() if text in low.replace("-", "_").split("_")]
    if not 1 <= len(named) <= MEANT:  # none, or too many to offer: the closest spelling
        named = [lowered[c] for c in difflib.get_close_matches(text, lowered, n=1, cutoff=0.6)]
    hint = f" (did you mean {_either(sorted(named))}?)" if named else ""
    if listed_by and len(valid) > LISTED:
        return f"{hint}; `{listed_by}` lists all {len(valid)}"
    return f"{hint}; valid values: {', '.join(valid)}" if valid else hint


MEANT = 3  # ids a "did you mean" offers at most


def _either(ids: list[str]) -> str:
    """``"a"``, ``"a" or "b"``, ``"a", "b" or "c"``."""
    quoted = [f'"{i}"' for i in ids]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def kind_of(value: Any) -> str:
    """What a value is, for a message: ``a list``, ``text ''``, ``bool True``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    if hasattr(value, "isoformat"):  # YAML's unquoted 2024-01-01: as written, not its repr
        return f"{type(value).__name__} {value.isoformat()}"
    return f"{type(value).__name__} {value!r}"
