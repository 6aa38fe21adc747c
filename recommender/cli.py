"""Command line: parse arguments, dispatch to one module under ``commands/``, and own the one
boundary where errors and signals become an exit code and one line."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import io
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from itertools import islice
from types import FrameType, ModuleType
from typing import Any, NoReturn

from recommender.errors import (
    SHOWN,
    ExitCode,
    Terminated,
    UserError,
    forget_stop,
    live_stop_signals,
    take_stop,
)
from recommender.render.terminal import width_of

# One line per subcommand: name -> (module, one-line help). Modules are imported only when chosen,
# so the startup cost of `recommender recommend` never includes questionary or the probe.
COMMANDS: dict[str, tuple[str, str]] = {
    "recommend": ("recommender.commands.recommend", "score one project profile"),
    "compare": (
        "recommender.commands.compare",
        "print the comparison table, 2021 versus installed",
    ),
    "rules": ("recommender.commands.rules", "list, show, validate, lint and test the rule files"),
    "ask": (
        "recommender.commands.ask",
        "answer the questions interactively, then see the recommendation",
    ),
    "probe": (
        "recommender.commands.probe",
        "check what each installed framework really does on this machine",
    ),
    "explain": (
        "recommender.commands.explain",
        "trace one profile: every rule, matched or not and why, and the scores",
    ),
    "batch": (
        "recommender.commands.batch",
        "score a file of profiles (YAML, JSON, JSONL, CSV) in one run",
    ),
    "questions": (
        "recommender.commands.questions",
        "list the questions, their option ids, follow-ups and exclusive options",
    ),
    "schema": (
        "recommender.commands.schema",
        "print the JSON Schema of a profile or of a command's JSON output",
    ),
}


class _Help(argparse.HelpFormatter):
    """argparse's help, wrapped at the width :func:`~recommender.render.terminal.width_of` finds
    (``$COLUMNS``, else the terminal's, else 80: what argparse finds). argparse finds it with
    ``shutil``, imported for every parser built even when no help is printed: ~5 ms of
    ``recommend``'s startup (``python -X importtime``), 0.06x of its bar."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        width = (width_of(sys.stdout) or 80) - 2  # argparse's own margin
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 2 with one line and no usage dump."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"formatter_class": _Help, **kwargs})
        # the innermost command parsed wins (argparse copies a subcommand's namespace over its
        # parent's): the help to point at for arguments no level took
        self.set_defaults(help_prog=self.prog)

    def error(self, message: str) -> NoReturn:
        raise usage_error(self.prog, message)


def usage_error(prog: str, message: str) -> UserError:
    command = prog.removeprefix("recommender").strip()
    return UserError(f"{command + ': ' if command else ''}{message} (see '{prog} --help')")


def add_common_options(common: argparse.ArgumentParser, level: int = 0) -> None:
    """``--rules`` and ``--debug``, accepted at every level
    (``recommender --rules D rules --rules E lint``).

    Each level appends to its own destination with no default: argparse copies a subparser's
    namespace over its parent's, so one shared list would keep only the innermost level's. Added
    to each parser rather than through ``parents=``: a parent parser is one more to build.
    """
    from recommender.fileio import given  # imported by every command anyway

    common.add_argument(
        "--rules",
        action="append",
        dest=f"rules_{level}",
        default=argparse.SUPPRESS,
        type=given,
        metavar="DIR",
        help="overlay a rules directory on the shipped base (repeatable; also RECOMMENDER_RULES)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of unexpected errors",
    )


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand: the first word that is not an option or the value of ``--rules``."""
    return next(_words(argv), None)


def _named(argv: Sequence[str]) -> str:
    """The command as the one line names it: ``rules``'s own subcommands are commands in their
    own right (``rules freshness stopped by SIGTERM``, where it said only ``rules``)."""
    words = list(islice(_words(argv), 2))
    return " ".join(words if words[:1] == ["rules"] else words[:1]) or "recommender"


def _words(argv: Sequence[str]) -> Iterator[str]:
    """The words of ``argv`` that are not options or the value of ``--rules``."""
    words = iter(argv)
    for word in words:
        if word == "--rules":
            next(words, None)
        elif not word.startswith("-"):
            yield word


def build_parser(
    argv: Sequence[str], commands: dict[str, tuple[str, str]] | None = None
) -> tuple[argparse.ArgumentParser, ModuleType | None]:
    """The parser; only the chosen subcommand's module is imported to add its arguments."""
    parser = _Parser(
        prog="recommender",
        description="Which deep-learning framework fits your project: TensorFlow, PyTorch or JAX.",
    )
    add_common_options(parser, 0)
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="show the version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = _chosen(argv)
    module = None
    registry = commands or COMMANDS
    if chosen in registry:  # the other subparsers only matter for `--help` and a mistyped command
        registry = {chosen: registry[chosen]}
    for name, (module_name, help_text) in registry.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        add_common_options(cmd, 1)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(cmd)
    return parser, module


class _VersionAction(argparse.Action):
    """``--version``."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> NoReturn:
        print(f"recommender {_version()}")
        parser.exit()


def _version() -> str:
    from recommender import __version__

    return __version__


def main(
    argv: Sequence[str] | None = None, commands: dict[str, tuple[str, str]] | None = None
) -> int:
    """Run one command; ``commands`` replaces the registry (a seam for tests).

    The one boundary: a user error exits 2 with one line, a signal 128 + signum with one line
    once every ``finally`` has run (temporary files removed, children ended), a bug 3.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    from recommender.fileio import forget_reads  # every command reads through fileio

    forget_reads()  # the files an earlier command in this process read are not this one's
    _stand_in_for_closed_streams()
    _replace_unencodable()
    with raised_on_signals(), _stderr_that_never_fails():
        try:
            with _stdout_that_waits():
                return _dispatch(argv, commands)
        except Terminated as stop:
            note = f"; {stop.note}" if stop.note else ""
            print(f"recommender: {_named(argv)} {stop.what()}{note}", file=sys.stderr)
            return stop.exit_code


def run() -> int:
    """The ``recommender`` executable (and ``python -m recommender``): :func:`main`, then an exit
    without the interpreter's last full garbage collection.

    At exit CPython collects every object still alive: the rule base, the parser, each module's
    classes and functions. That pass was ~35 ms of ``recommend --format json``'s ~240 ms, 0.4x of
    the startup bar's baseline (``benchmarks/bench_recommend.py`` prints both). ``gc.freeze()``
    moves those objects out of the collector's sight, so the pass has nothing to traverse.
    Nothing is lost: every ``finally`` has run, the streams are flushed at exit as before, and
    objects are still freed as their references go; only cycles left at exit are not collected,
    and none of them holds a file or a child process (those are closed where they are opened).
    ``main`` itself does not freeze: tests call it many times in one process.
    """
    code = main()
    gc.freeze()
    return code


def _dispatch(argv: list[str], commands: dict[str, tuple[str, str]] | None) -> int:
    code = 0
    try:
        parser, module = build_parser(argv, commands)
        args, extra = parser.parse_known_args(argv)
        if extra:  # said by the command that took the others: `rules test --case x`
            raise usage_error(args.help_prog, f"unrecognized arguments: {' '.join(extra)}")
        if module is None:
            parser.print_help()
            return ExitCode.OK
        args.rules = [
            *(d for level in range(3) for d in getattr(args, f"rules_{level}", [])),
            *_env_rules(),
        ]
        code = int(module.run(args) or 0)
        sys.stdout.flush()  # a closed pipe surfaces here, inside the boundary, with the code known
        return code
    except UserError as exc:
        from recommender.render.terminal import one_line

        errors = getattr(exc, "errors", None) or [exc]
        for error in errors[:SHOWN]:
            line = f"recommender: {error}" if error.file is None else str(error)
            print(one_line(line), file=sys.stderr)
        if len(errors) > SHOWN:
            more = f"{len(errors) - SHOWN:,} more errors; `recommender rules validate` lists all"
            print(f"recommender: ... and {more}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("\nrecommender: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError as exc:
        # `recommender ... | head` closed the pipe: the reader's choice, not an error. A run that
        # found failures keeps its exit code (commands._output.keeping, or the one returned).
        from recommender.fileio import point_at_null

        point_at_null(sys.stdout.fileno())
        return int(getattr(exc, "exit_code", code))
    except OSError as exc:  # the machine's, not a bug: a full disk, a permission, a read error
        from recommender.render.terminal import one_line

        where = f"{exc.filename}: " if exc.filename else ""
        print(one_line(f"recommender: {where}{exc.strerror or exc}"), file=sys.stderr)
        return ExitCode.USAGE
    except Exception as exc:  # the one place unexpected errors are caught
        if "--debug" in argv:
            raise
        from recommender.render.terminal import one_line

        print(
            one_line(
                f"recommender: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)"
            ),
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


@contextlib.contextmanager
def raised_on_signals() -> Iterator[None]:
    """Inside, the first of :func:`live_stop_signals` raises :class:`Terminated` in the main
    thread; later ones are ignored, so the cleanup it sets off is not cut short.

    Python cannot raise out of a weakref callback or ``__del__``: a Terminated raised while one
    runs (the garbage collector, between two ``ask`` prompts) is "ignored". The unraisable hook
    sees it and has the signal sent again from another thread, so that it lands once the hook has
    returned, in ordinary code."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise take_stop(signum)

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, Terminated):
            return hook(info)
        import threading

        signum = info.exc_value.signum
        signal.signal(signum, handler)
        again = threading.Timer(0.05, os.kill, (os.getpid(), signum))  # after the hook returns
        again.daemon = True
        again.start()

    forget_stop()
    try:
        previous = {s: signal.signal(s, handler) for s in live_stop_signals()}
    except ValueError:  # not the main thread: signals stay as they are
        previous = {}
    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for s, action in previous.items():
            signal.signal(s, action)


class _Closed(io.TextIOBase):
    """Standard input or output that was closed when the command started (``<&-``, ``>&-``).
    Python leaves such a stream None, and its first use was an internal error; now it fails as a
    closed descriptor does (EBADF), and the boundary says so in one line, with exit 2."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem

    def _closed(self, *args: Any) -> NoReturn:
        raise OSError(errno.EBADF, self.problem)

    read = readline = write = fileno = _closed

    @property
    def buffer(self) -> NoReturn:
        self._closed()


_CLOSED = {
    "stdin": "standard input is closed: give a file instead of -, or open stdin",
    "stdout": "standard output is closed: write to a file with -o FILE, or open stdout",
}


def _stand_in_for_closed_streams() -> None:
    """A stand-in for each standard stream that was closed at start, with /dev/null opened on its
    descriptor, so that no file the command opens later lands on 0, 1 or 2, where a child or a
    stray write would write into it. A closed stderr discards: the exit code still tells.
    ``-o`` naming such a descriptor (/dev/stdout) is refused (:func:`fileio.closed_at_start`)."""
    from recommender.fileio import closed_at_start

    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is not None:
            continue
        closed_at_start(fd)
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        if name in _CLOSED:
            setattr(sys, name, _Closed(_CLOSED[name]))
        else:  # the process's stderr from now on, never closed
            sys.stderr = open(fd, "w", closefd=False)  # noqa: SIM115


class _Waiting(io.RawIOBase):
    """A standard stream's descriptor, written whole: a write that the kernel takes in part,
    or refuses for now (EAGAIN: a non-blocking pipe, full), goes on once it can, as a blocking
    one would.

    The descriptor is non-blocking when the process that shares it made it so (Node.js, a CI
    runner), which is not this process's to undo. Python's own stdout then lost the output: it
    ended with "write could not complete without blocking" (exit 2, or 120 at exit), and under
    ``PYTHONUNBUFFERED`` it dropped what did not fit in the pipe without a word, and exit 0."""

    def __init__(self, fd: int, name: str) -> None:
        super().__init__()
        self._fd, self._name = fd, name
        self._dropping = False

    def drop(self) -> None:
        """From now on what is written is dropped, as to the null device."""
        self._dropping = True

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self._dropping:
            return len(data)
        try:
            while view:
                try:
                    view = view[os.write(self._fd, view) :]
                except BlockingIOError:
                    import select

                    select.select([], [self._fd], [], 1.0)
        except OSError as exc:  # the one line names it: "<stdout>: No space left on device"
            exc.filename = exc.filename or self._name
            raise
        return len(data)


class _Dropping(_Waiting):
    """The process's standard error, where a write that fails is dropped instead of raised.

    Diagnostics are not the result: with ``2>/dev/full`` or stderr a pipe nobody reads, a
    warning's failed write ended the command, and the boundary's own one line failed in turn,
    leaving a traceback nobody could read and exit 1 in place of the command's code. From the
    first failure on, descriptor 2 is the null device (:func:`~recommender.fileio.point_at_null`),
    so children and the interpreter's flush at exit do not fail on it either."""

    def write(self, data: Any) -> int:
        try:
            super().write(data)
        except OSError:
            from recommender.fileio import point_at_null

            point_at_null(self._fd)
        return len(data)


@contextlib.contextmanager
def _stderr_that_never_fails() -> Iterator[None]:
    """While a command runs, ``sys.stderr`` drops what cannot be written (:class:`_Dropping`);
    the exit code still tells. Only the process's own stderr: a test's capture is left alone."""
    with _standard("stderr", _Dropping, line_buffering=True):
        yield


@contextlib.contextmanager
def _stdout_that_waits() -> Iterator[None]:
    """While a command runs, ``sys.stdout`` writes all it is given (:class:`_Waiting`), buffered
    as it was (by line on a terminal, not at all under ``PYTHONUNBUFFERED``). Only the process's
    own stdout: a test's capture is left alone."""
    real = sys.__stdout__
    line = bool(getattr(real, "line_buffering", False))
    unbuffered = bool(getattr(real, "write_through", False))
    with _standard("stdout", _Waiting, line_buffering=line, unbuffered=unbuffered):
        yield


@contextlib.contextmanager
def _standard(
    name: str, raw: type[_Waiting], *, line_buffering: bool, unbuffered: bool = False
) -> Iterator[None]:
    """``sys.<name>`` on ``raw``, over the same descriptor, encoding and errors, while inside;
    flushed and put back after. Only the process's own stream: a stand-in or capture is kept."""
    real = getattr(sys, f"__{name}__")
    if real is None or getattr(sys, name) is not real:
        yield
        return
    real.flush()
    binary: Any = raw(real.fileno(), f"<{name}>")  # unbuffered: as Python's own stdout is
    stream = io.TextIOWrapper(
        binary if unbuffered else io.BufferedWriter(binary),
        encoding=real.encoding,
        errors=real.errors,
        line_buffering=line_buffering,
        write_through=unbuffered,
    )
    setattr(sys, name, stream)
    try:
        yield
    except Terminated:  # what it still holds is dropped: a reader that stopped reading (a pipe
        binary.drop()  # left full) would hold the exit for ever, every stop signal ignored
        raise
    finally:
        with contextlib.suppress(ValueError, OSError):
            stream.flush()
        setattr(sys, name, real)


def _replace_unencodable() -> None:
    """Output that the console's encoding cannot hold (cp1252 and a bar chart) is replaced with
    '?' rather than ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)  # surrogateescape: the C locale's default
        if errors in ("strict", "surrogateescape") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


def _env_rules() -> list[str]:
    return [p for p in os.environ.get("RECOMMENDER_RULES", "").split(os.pathsep) if p]
