"""Files in and out, in one place, with every bound on what is read.

Reads take a regular file or ``-`` (stdin), never a device or socket; a user's input (a profile,
a batch) may also be a pipe that a process writes into (``<(cmd)``), but never a FIFO with no
writer (opened non-blocking, so naming one never hangs). Reads never take more than a stated
number of bytes. Lines are read in bounded pieces. JSON is read with no duplicate keys, NaN, deep
nesting or long numbers.

Writes (``-o``) are checked before any work, then go to a temporary file beside the target that
is renamed over it (a symlink's target is replaced, the link stays), or straight into a device
or FIFO, which is never replaced. The limits are documented in docs/limits.md.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import os
import re
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, BinaryIO, TextIO

from recommender.errors import STOP_SIGNALS, UserError
from recommender.values import Value, frozen

MAX_BYTES = 1 << 20  # a profile, rule file or resume file: small by nature
MAX_DOCUMENT = 64 << 20  # a batch YAML or JSON document (read one profile at a time)
MAX_LINE = 1 << 20  # a JSONL or CSV line; a profile is a few hundred bytes
MAX_DRAINED = 1 << 30  # a line over MAX_LINE read and dropped, still with no end: not text
MAX_DEPTH = 64  # nesting of a YAML or JSON value; rule files need about 12
MAX_DIGITS = 100  # characters in one number (Python itself stops at 4,300 digits)


# -- reading -----------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file is, in words: "a directory", "a FIFO (named pipe)", ..., "a regular file"."""
    return next((name for test, name in _KINDS if test(mode)), "a regular file")


# (device, inode) of every regular file this command has read: an output must not replace one.
_read: set[tuple[int, int]] = set()


def forget_reads() -> None:
    """A new command begins: the files the last one read are no longer its inputs."""
    _read.clear()


def count_as_input(path: str | os.PathLike[str]) -> None:
    """A file that belongs to this command's input without being read (an overlay's case files,
    which only ``rules test`` reads): an output must not replace it either. Nothing when it is
    not a regular file or cannot be looked at."""
    with contextlib.suppress(OSError, ValueError):
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            _read.add((st.st_dev, st.st_ino))


def open_input(path: str | os.PathLike[str], *, pipe: bool = False) -> BinaryIO:
    """A file opened for reading: a regular file and, with ``pipe`` (a user's input), also a pipe
    that a process is writing into (``<(cmd)``, a FIFO whose writer has it open). Anything else is
    a UserError naming it: a directory, a device, a socket, a FIFO with no writer.

    Opened non-blocking, so a FIFO with no writer is refused at once instead of hanging.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _read_error(exc, path) from None
    st = os.fstat(fd)
    mode = st.st_mode
    if stat.S_ISREG(mode):
        _read.add((st.st_dev, st.st_ino))  # an output must not replace it (output_target)
        return io.BufferedReader(_Input(fd, path), 1 << 16)
    if not (pipe and stat.S_ISFIFO(mode)):
        os.close(fd)
        raise _not_a_file(mode, path)
    # Only a read tells a pipe with a writer from one without: with no writer it ends at once;
    # with one that has not written yet it would block (EAGAIN). What it reads is put back.
    try:
        ahead = os.read(fd, 1 << 16)
    except BlockingIOError:
        ahead = None
    except OSError as exc:
        os.close(fd)
        raise _read_error(exc, path) from None
    if ahead == b"":
        os.close(fd)
        raise UserError(
            "is a FIFO (named pipe) with nothing in it and no process writing into it; start "
            "the writer first, or give a file, or - to read stdin",
            str(path),
        )
    os.set_blocking(fd, True)
    return io.BufferedReader(_Input(fd, path, ahead or b""))


class _Input(io.RawIOBase):
    """An input's descriptor, with the bytes that :func:`open_input` read ahead from a pipe put
    back first. A read that fails (EIO: a failing disk, /proc/self/mem) names the file, as every
    other input error does; the bare OSError said only "Input/output error"."""

    def __init__(self, fd: int, path: str | os.PathLike[str], ahead: bytes = b"") -> None:
        super().__init__()
        self._fd, self._path, self._ahead = fd, os.fspath(path), ahead

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def readinto(self, buffer: Any) -> int:
        if self._ahead:
            n = min(len(buffer), len(self._ahead))
            buffer[:n] = self._ahead[:n]
            self._ahead = self._ahead[n:]
            return n
        try:
            return os.readv(self._fd, [buffer])
        except OSError as exc:
            exc.filename = exc.filename or self._path
            raise

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def _not_a_file(mode: int, path: str | os.PathLike[str]) -> UserError:
    return UserError(
        f"is {file_kind(mode)}, not a regular file; give a file, or - to read stdin", str(path)
    )


def _read_error(exc: OSError, path: str | os.PathLike[str]) -> UserError:
    if isinstance(exc, FileNotFoundError):
        return UserError(dangling(path) or "no such file", str(path))
    if isinstance(exc, IsADirectoryError):
        return UserError("is a directory, expected a file", str(path))
    if exc.errno == errno.ENXIO:  # a socket cannot be opened: say what it is, not "no device"
        with contextlib.suppress(OSError):
            return _not_a_file(os.stat(path).st_mode, path)
    return UserError(exc.strerror or str(exc), str(path))


def dangling(path: str | os.PathLike[str]) -> str | None:
    """What a symbolic link to nothing is, for the message (else None): "no such file" was said
    of a name that ``ls`` lists."""
    try:
        target = os.readlink(path)
    except OSError:
        return None
    return f"is a symbolic link to {target}, which does not exist"


STDIN = "<stdin>"  # how ``-`` is named in messages and origins


def given(text: str) -> str:
    """A file, directory or URL from the command line (an argparse ``type``), refused when empty.

    ``-o "$OUT"`` with ``OUT`` unset wrote to stdout, ``--profile ""`` scored no profile and
    ``--rules ""`` read the current directory as rules, each with exit 0 and no word said."""
    if not text:
        import argparse

        raise argparse.ArgumentTypeError("it is empty (a shell variable not set?); give a value")
    return text


def shown_name(path: str | os.PathLike[str]) -> str:
    """``path`` as messages name it: ``<stdin>`` for ``-``."""
    return STDIN if str(path) == "-" else str(path)


def read_bytes(
    path: str | os.PathLike[str], limit: int = MAX_BYTES, *, pipe: bool = False
) -> bytes:
    """The bytes of a regular file, or of stdin for ``-``; UserError when over ``limit``.
    ``pipe``: a user's input, which may also be a pipe with a writer (:func:`open_input`)."""
    if str(path) == "-":
        with contextlib.suppress(OSError, ValueError):
            st = os.fstat(sys.stdin.fileno())
            _read.add((st.st_dev, st.st_ino))  # `recommend --profile - < p.yaml -o p.yaml`
        return _bounded(sys.stdin.buffer.read, limit, STDIN)
    with open_input(path, pipe=pipe) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:
            raise UserError(f"file is {size:,} bytes, over the {limit:,}-byte limit", str(path))
        return _bounded(stream.read, limit, str(path))


def _bounded(read: Callable[[int], bytes], limit: int, name: str) -> bytes:
    """Read to the end in pieces; a source that grows past ``limit`` is refused."""
    chunks, size = [], 0
    while chunk := read(min(1 << 20, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise UserError(f"over the {limit:,}-byte limit", name)
    return b"".join(chunks)


def not_utf8(byte: int) -> str:
    """The one message for bytes that do not decode, with the fix."""
    return f"not UTF-8 text (byte {byte}); save the file as UTF-8"


def read_text(path: str | os.PathLike[str], limit: int = MAX_BYTES, *, pipe: bool = False) -> str:
    """A small UTF-8 text file (or stdin for ``-``); UserError naming the file otherwise.
    ``pipe`` as for :func:`read_bytes`."""
    data = read_bytes(path, limit, pipe=pipe)
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as Windows editors write, is dropped
    except UnicodeDecodeError as exc:
        raise UserError(not_utf8(exc.start), shown_name(path)) from None


def read_bounded(path: str | os.PathLike[str], limit: int) -> tuple[bytes, bool] | None:
    """(up to ``limit`` bytes, whether there was more), or None when missing or not a regular
    file: for derived data (caches, a child's output), where any doubt means "not there"."""
    try:
        stream = open_input(path)
    except UserError:
        return None
    try:
        with stream:
            data = _bounded_prefix(stream.read, limit + 1)
    except OSError:
        return None
    return data[:limit], len(data) > limit


def _bounded_prefix(read: Callable[[int], bytes], n: int) -> bytes:
    chunks, size = [], 0
    while size < n and (chunk := read(min(1 << 20, n - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def lines(stream: BinaryIO, limit: int = MAX_LINE, name: str = "") -> Iterator[bytes | int]:
    """Each line of ``stream`` with its newline; a line over ``limit`` bytes comes as its length
    (an int) instead, its rest read and dropped in bounded pieces, never held whole.

    A line that goes on past :data:`MAX_DRAINED` with no newline is a UserError naming ``name``
    and the line: its end may never come (``/dev/zero``), and draining it held the command for
    ever, with nothing to show for it."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) <= limit:
            yield line
            continue
        length = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(1 << 20)):
            length += len(line)
            if length > MAX_DRAINED and not line.endswith(b"\n"):
                raise UserError(_ENDLESS, name, number)
        yield length


_ENDLESS = (
    f"the line goes on past {MAX_DRAINED >> 30} GiB with no newline, so this is not JSONL or "
    "CSV text; the rest of it is not read"
)


# -- JSON --------------------------------------------------------------------------------------


class JsonProblem(ValueError):
    """JSON that is not plain data within the bounds; ``line``/``col`` when known (1-based).
    ``number``: the text of the number or constant refused, which :func:`problem_at` finds."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        col: int | None = None,
        number: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.number = message, line, col, number


class JsonObject(dict[str, Any]):
    """A JSON object that had a repeated key: the first repeated key, and every pair in order."""

    duplicate: str = ""
    pairs: list[tuple[str, Any]]


def keep_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook`` for readers that report a repeated key where it stands."""
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    found = JsonObject(out)
    found.duplicate = _first_repeated(pairs)
    found.pairs = pairs
    return found


def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook`` that refuses a repeated key (``json`` keeps the last silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise JsonProblem(f'duplicate key "{_first_repeated(pairs)}"')
    return out


def _first_repeated(pairs: list[tuple[str, Any]]) -> str:
    """The first key of ``pairs`` that an earlier pair already had ("" when none repeats)."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""


def _number_text(text: str) -> str:
    if len(text) > MAX_DIGITS:
        raise JsonProblem(
            f"a number of {len(text):,} characters, over the {MAX_DIGITS} limit "
            "(quote it if it is text)",
            number=text,
        )
    return text


def _int(text: str) -> int:
    return int(_number_text(text))


def _float(text: str) -> float:
    value = float(_number_text(text))
    if not math.isfinite(value):
        raise JsonProblem(
            f"the number {text} is out of range; write a smaller one, or quote it", number=text
        )
    return value


def _no_constant(name: str) -> Any:
    raise JsonProblem(
        f"{name} is not a JSON number; write a number, or quote it if it is text", number=name
    )


# A JSON string, or a number or constant as json's scanner reads them (json.scanner.NUMBER_RE)
_LEXEME = re.compile(
    r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)|(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?',
    re.DOTALL,
)


TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels; a profile or rule is never so deep"
_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def problem_at(
    text: str, problem: JsonProblem, decoder: json.JSONDecoder, start: int = 0, end: int = -1
) -> int:
    """Where in ``text`` the value refused with ``problem``, read from ``start`` (up to ``end``:
    one item of a document), begins, or -1: the number that ``decoder``'s hooks refused, or the
    bracket that opens the level past :data:`MAX_DEPTH`.

    json says where a syntax error is, but gives its hooks a number's text, not its place, and
    stops deep nesting with RecursionError: "the number 1e400 is out of range" and "nested
    deeper than 64 levels" named no line. Only the error path pays this second reading."""
    end = len(text) if end < 0 else end
    if problem.message == TOO_DEEP:
        return _too_deep_at(text, start, end)
    return _number_at(text, problem, decoder, start, end)


def _too_deep_at(text: str, start: int, end: int) -> int:
    level = 0
    for token in _BRACKET.finditer(text, start, end):
        mark = token.group()
        if mark in "[{":
            level += 1
            if level > MAX_DEPTH:
                return token.start()
        elif mark in "]}":
            level -= 1
    return -1


def _number_at(
    text: str, problem: JsonProblem, decoder: json.JSONDecoder, start: int, end: int
) -> int:
    """The first number from ``start`` that the decoder's own hooks refuse as ``problem`` did,
    strings passed over: the decoder reads in order, and every number before it passed."""
    if problem.number is None:
        return -1
    for lexeme in _LEXEME.finditer(text, start, end):
        constant, integer, fraction, exponent = lexeme.groups()
        if lexeme.group() != problem.number:
            continue
        try:
            if constant is not None:
                decoder.parse_constant(constant)
            elif integer is not None and (fraction or exponent):
                decoder.parse_float(lexeme.group())
            elif integer is not None:
                decoder.parse_int(integer)
        except JsonProblem:
            return lexeme.start()
    return -1


def line_col(text: str, at: int) -> tuple[int, int]:
    """The 1-based line and column of index ``at`` of ``text``, as json counts them."""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def json_decoder(
    hook: Callable[[list[tuple[str, Any]]], Any] = refuse_duplicates, nan_as_none: bool = False
) -> json.JSONDecoder:
    """A decoder with the bounds on numbers; NaN and infinity refused, or read as None."""
    constant = (lambda _: None) if nan_as_none else _no_constant
    return json.JSONDecoder(
        object_pairs_hook=hook, parse_int=_int, parse_float=_float, parse_constant=constant
    )


_STRICT = json_decoder()
_LENIENT = json_decoder(nan_as_none=True)


def loads_json(
    data: bytes | str, decoder: json.JSONDecoder | None = None, *, nan_as_none: bool = False
) -> Any:
    """One JSON value within the bounds; JsonProblem (a ValueError) says what is wrong and where.

    ``nan_as_none`` reads NaN and infinity as None: a probe check that computed NaN still reports.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")  # in C: the "utf-8-sig" codec is Python, ~7 us a row
        except UnicodeDecodeError as exc:
            raise JsonProblem(not_utf8(exc.start)) from None
        data = data.removeprefix("\ufeff")  # a byte-order mark, as Windows editors write
    decoder = decoder or (_LENIENT if nan_as_none else _STRICT)
    try:
        value = decoder.decode(data)
    except json.JSONDecodeError as exc:
        raise JsonProblem(json_error(exc), exc.lineno, exc.colno) from None
    except JsonProblem as exc:
        raise _located(exc, data, decoder) from None
    except RecursionError:
        raise _located(JsonProblem(TOO_DEEP), data, decoder) from None
    if data.count("[") + data.count("{") > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise _located(JsonProblem(TOO_DEEP), data, decoder)
    return value


def _located(problem: JsonProblem, text: str, decoder: json.JSONDecoder) -> JsonProblem:
    at = problem_at(text, problem, decoder)
    if at >= 0:
        problem.line, problem.col = line_col(text, at)
    return problem


CUT_SHORT = "it ends before every { and [ is closed (cut short?); close them"


# What the json module's messages mean, with the fix: its own words name no fix, and two of them
# ("Invalid control character at", "Unterminated string starting at") end in mid-sentence once
# the position is cut off (the line and column lead the error line instead).
JSON_PROBLEMS = {
    "Expecting value": "expected a value here (text in double quotes, a number, an object, a "
    "list, true, false or null); check the text at this column",
    "Expecting property name enclosed in double quotes": "expected a key in double quotes here; "
    'write "key": value (JSON has no single quotes, bare keys or comments)',
    "Expecting ':' delimiter": "expected ':' after the key; write \"key\": value",
    "Expecting ',' delimiter": "expected ',' or a closing bracket here; put a comma between items",
    "Invalid control character at": "a control character (a tab, a line break, a NUL) inside "
    "text in quotes; write it escaped (\\t, \\n, \\u0000) or remove it",
    "Unterminated string starting at": "text in quotes with no closing quote; close the quote",
    "Invalid \\escape": "a backslash that starts no escape; write \\\\ for a backslash",
    "Invalid \\uXXXX escape": "a \\u escape without four hex digits; write \\u00e9, say",
    "Extra data": "more text after the JSON value; give one value (one profile per line in JSONL)",
}


def json_error(exc: json.JSONDecodeError) -> str:
    """``invalid JSON: ...`` for a decoding error, said plainly with the fix
    (:data:`JSON_PROBLEMS`); a comma before a closing bracket, which JSON refuses and many editors
    write, is named as such (json says "Expecting value")."""
    closing = exc.doc[exc.pos : exc.pos + 1]
    if closing in ("]", "}") and exc.doc[: exc.pos].rstrip().endswith(","):
        return f"invalid JSON: a comma before the closing '{closing}'; remove the comma"
    if exc.doc.strip() and not exc.doc[exc.pos :].strip():
        return f"invalid JSON: {CUT_SHORT}"
    return f"invalid JSON: {JSON_PROBLEMS.get(exc.msg, exc.msg)}"


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a JSON value (a scalar is 0), without recursion; stops past ``limit``."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > limit:
            break
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


# -- writing -----------------------------------------------------------------------------------


@frozen
class Target(Value):
    """Where ``-o`` writes: ``path`` replaced atomically, or written straight into (``direct``)
    when it is a character device or FIFO, which must never be replaced by a regular file."""

    path: str
    direct: bool = False


# A process's own descriptors (/dev/stdout on a redirect, /dev/fd/3): written into, appended to,
# whatever they turn out to be, never renamed over. Any other path under /proc or /dev is a path.
DESCRIPTOR = re.compile(r"/dev/(stdout|stderr|fd/\d+)|/proc/(self|thread-self|\d+)/fd/\d+")
# The standard streams closed when the command started (``>&-``): the CLI put /dev/null on each
# descriptor (:func:`closed_at_start`), so ``-o /dev/stdout`` would write into nothing.
_closed: set[int] = set()
STREAMS = (("standard input", "stdin"), ("standard output", "stdout"), ("standard error", "stderr"))
WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # only a write fails so
LINKS_FOLLOWED = 40  # symlinks followed to a new file's place, as Linux does before ELOOP


def output_target(
    path: str, inputs: Iterable[str | None] = (), *, update: str | None = None, flag: str = "-o"
) -> Target:
    """Check ``-o PATH`` before any work; UserError (exit 2) for what it must not replace.

    A symlink is followed to its target, as the kernel follows it. A character device or FIFO,
    and a process's own descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N), is written straight
    into. A directory, socket or block device is refused, and so is a file that is one of
    ``inputs`` (``-`` is stdin) or one this command has read (a rule file, a case file), but for
    ``update``: the one file read that the command writes a new version of, on purpose
    (``ask --from p.yaml --save p.yaml``). ``flag`` names the option in messages (``--save``).
    """
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file, or a symlink to one
    except NotADirectoryError:  # "cannot write here: Not a directory" named no fix
        if path.endswith(("/", os.sep)):
            problem = f"names a directory (it ends with /); {flag} needs a file name"
        else:
            problem = "cannot write here: a part of the path before the file name is a file, "
            problem += f"not a directory; choose another {flag} file"
        raise UserError(problem, path) from None
    except OSError as exc:
        raise UserError(f"cannot write here: {exc.strerror}", path) from None
    if st is None:
        return Target(_new_file(path, flag))
    if _is_input(st, inputs, update):
        raise UserError(f"the output would replace the input; choose another {flag} file", path)
    if DESCRIPTOR.fullmatch(os.path.abspath(path)) and not stat.S_ISDIR(st.st_mode):
        _refuse_closed(path, flag)
        return Target(path, direct=True)  # /dev/stdout on a redirect, /dev/fd/3: never renamed
    if not stat.S_ISREG(st.st_mode):
        return _special(path, st.st_mode, flag)
    real = os.path.realpath(path)  # it exists, so every part of it is resolved as the kernel does
    _writable(os.path.dirname(real), path)
    if not os.access(real, os.W_OK):  # a rename needs only the directory: `>` would refuse it
        raise UserError(
            f"cannot write here: the file is read-only; make it writable, or choose another {flag}"
            " file",
            path,
        )
    return Target(real)


def closed_at_start(fd: int) -> None:
    """Note that standard descriptor ``fd`` was closed when the command started and now holds
    /dev/null, a stand-in for the life of the process."""
    _closed.add(fd)


def _refuse_closed(path: str, flag: str) -> None:
    """UserError for ``-o /dev/stdout`` (or /dev/fd/1, /proc/self/fd/1) when stdout was closed
    at start, as ``-o -`` is refused: the stand-in would lose the output and exit 0."""
    fd = _own_descriptor(path)
    if fd is not None and fd in _closed:
        long, short = STREAMS[fd]
        problem = f"{long} is closed: write to a file with {flag} FILE, or open {short}"
        raise UserError(problem, path)


def _new_file(path: str, flag: str) -> str:
    """Where writing ``path`` would make a new file: its directory as the kernel resolves it
    (``missing/../out.json`` is refused, not read as ``out.json``), a dangling symlink followed
    to the place it names."""
    given = path
    for _ in range(LINKS_FOLLOWED):
        parent, name = os.path.split(path)
        if not name:
            what = "names a directory (it ends with /)"
            what = what if path == given else f"is a link to {path}, which {what}"
            raise UserError(f"{what}; {flag} needs a file name", given)
        try:
            st = os.stat(parent or ".")
        except FileNotFoundError:
            missing = f"cannot write here: the directory {parent} does not exist"
            raise UserError(missing, given) from None
        except OSError as exc:
            raise UserError(f"cannot write here: {parent}: {exc.strerror}", given) from None
        if not stat.S_ISDIR(st.st_mode):
            raise UserError(f"cannot write here: {parent} is not a directory", given)
        try:
            link = os.readlink(path)
        except OSError:  # not a link: nothing there yet
            real = os.path.join(os.path.realpath(parent or "."), name)
            _writable(os.path.dirname(real), given)
            return real
        path = os.path.join(parent, link)  # a relative link is read from its own directory
    raise UserError("cannot write here: too many levels of symbolic links", given)


def _writable(directory: str, path: str) -> None:
    if os.access(directory, os.W_OK | os.X_OK):
        return
    if _read_only(directory):  # "no permission" sent a user to chmod, which cannot help
        problem = f"{directory} is on a read-only file system; write the file somewhere else"
        raise UserError(f"cannot write here: {problem}", path)
    raise UserError(f"cannot write here: no permission to write in {directory}", path)


def _read_only(directory: str) -> bool:
    """Whether ``directory`` is on a file system mounted read-only (EROFS, whoever asks)."""
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _special(path: str, mode: int, flag: str) -> Target:
    if stat.S_ISCHR(mode):
        _openable(path, flag)
        return Target(path, direct=True)
    if stat.S_ISFIFO(mode):  # not opened to check: closing it would end a reader's input
        return Target(path, direct=True)
    what = file_kind(mode)
    hint = "a file name such as results.jsonl" if stat.S_ISDIR(mode) else "a regular file"
    raise UserError(f"is {what}; {flag} needs {hint}", path)


# Opening a device for writing: no wait (O_NONBLOCK), and a terminal never becomes this
# process's controlling terminal (O_NOCTTY).
_DEVICE_FLAGS = (
    os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
)


def _openable(path: str, flag: str) -> None:
    """A character device is opened once before any work, so that one that cannot be written
    (``/dev/tty`` with no controlling terminal: ENXIO) is refused at once, saying why, not
    after the work with a wrong reason ("no process is reading the FIFO")."""
    try:
        os.close(os.open(path, _DEVICE_FLAGS))
    except OSError as exc:
        raise UserError(f"cannot write here: {_device_problem(path, exc, flag)}", path) from None


def _device_problem(path: str, exc: OSError, flag: str = "-o") -> str:
    """Why a device cannot be written, and what to do instead."""
    if exc.errno == errno.ENXIO and os.path.realpath(path) == "/dev/tty":
        return (
            "this process has no terminal (it runs from cron, a service or a detached "
            f"session); drop {flag} to write to stdout, or give a file"
        )
    return f"{exc.strerror}; give a file, or - for stdout"


def _is_input(st: os.stat_result, inputs: Iterable[str | None], update: str | None = None) -> bool:
    """Whether the regular file ``st`` (an output) is one of ``inputs`` (``-``: stdin) or a file
    this command has read, other than ``update``: writing it would destroy an input."""
    if not stat.S_ISREG(st.st_mode):
        return False
    key = (st.st_dev, st.st_ino)
    read = key in _read and (update is None or _file_key(update) != key)
    return read or any(_file_key(name) == key for name in inputs if name)


def _file_key(name: str) -> tuple[int, int] | None:
    with contextlib.suppress(OSError, ValueError):
        st = os.fstat(0) if name == "-" else os.stat(name)
        return st.st_dev, st.st_ino
    return None


def refuse_stdout_input(inputs: Iterable[str | None] = ()) -> None:
    """UserError when stdout is a file this command reads (``batch in.jsonl >> in.jsonl`` would
    read its own records back for ever), as ``cat`` refuses "input file is output file"."""
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError):  # no stdout, or one with no descriptor (a test's capture)
        return
    if _is_input(st, inputs):
        raise UserError(
            "<stdout> is a file this command reads; send the output elsewhere, or use -o FILE"
        )


@contextlib.contextmanager
def output_stream(
    path: str, inputs: Iterable[str | None] = (), *, update: str | None = None, flag: str = "-o"
) -> Iterator[TextIO]:
    """Text to ``-o PATH``: checked first (:func:`output_target`), then written atomically, or
    straight into a device or FIFO. Text that cannot be encoded (a lone surrogate) is replaced."""
    target = output_target(path, inputs, update=update, flag=flag)
    try:
        if target.direct:
            with _direct(target.path) as handle:
                yield handle
        else:
            with atomic_writer(target.path) as handle:
                yield handle  # type: ignore[misc]
    except OSError as exc:
        if exc.errno in WRITE_ERRNOS and not exc.filename:
            exc.filename = path  # "No space left on device" says which file it was writing
        raise


@contextlib.contextmanager
def _direct(path: str) -> Iterator[TextIO]:
    """Open a device or FIFO for writing; a FIFO nobody reads is refused rather than waited on.
    One of this process's own descriptors that cannot be opened again by name (a socket: Linux
    answers ENXIO) is written through a copy of the descriptor itself."""
    try:
        fd = os.open(path, _DEVICE_FLAGS)
    except OSError as exc:
        own = _own_descriptor(path)
        if exc.errno != errno.ENXIO or own is None:
            raise UserError(f"cannot write here: {_unopened(path, exc)}", path) from None
        fd = os.dup(own)
    _blocking(fd)
    with open(fd, "w", encoding="utf-8", errors="replace") as handle:
        yield handle


def _unopened(path: str, exc: OSError) -> str:
    """Why ``path`` (a FIFO or a device, found so before the work) could not be opened now."""
    with contextlib.suppress(OSError):
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(os.stat(path).st_mode):
            return "no process is reading the FIFO"
    return _device_problem(path, exc)


def _own_descriptor(path: str) -> int | None:
    """The descriptor number of /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N."""
    found = DESCRIPTOR.fullmatch(os.path.abspath(path))
    if found is None or found.group(2) not in (None, "self", "thread-self", str(os.getpid())):
        return None
    name = path.rsplit("/", 1)[-1]
    return {"stdout": 1, "stderr": 2}.get(name, int(name) if name.isdigit() else None)


def _blocking(fd: int) -> None:
    """Writes wait for a slow reader instead of failing with EAGAIN."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)


def write_output(
    path: str,
    text: str,
    inputs: Iterable[str | None] = (),
    *,
    update: str | None = None,
    flag: str = "-o",
) -> None:
    """``text`` to ``-o PATH`` (see :func:`output_stream`)."""
    with output_stream(path, inputs, update=update, flag=flag) as handle:
        handle.write(text)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Signals wait while a temporary file is made and noted, so none can strand it."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    old = mask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str], mode: str = "w", *, keep_mode: bool = True
) -> Iterator[IO[Any]]:
    """Yield a file object; on success it replaces ``path`` whole (a symlink itself, not what it
    points at: :func:`output_target` resolves ``-o`` links first). On any error or signal the
    temporary file is removed and ``path`` is left as it was. Only a regular file or a symlink
    is ever replaced: renaming over ``/dev/null`` as root would destroy the device.
    ``keep_mode``: a file replaced keeps who may read and write it (see :func:`_keep_access`)."""
    target = os.fspath(path)
    _replaceable(target)
    directory, name = os.path.split(os.path.abspath(target))
    prefix = f".{_cut(name)}."
    tmp = None
    try:
        with _signals_held():
            fd, tmp = _temporary(directory, prefix, str(path))
        _keep_access(fd, target if keep_mode else None)
        text = "b" not in mode
        with os.fdopen(
            fd, mode, encoding="utf-8" if text else None, errors="replace" if text else None
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            if tmp is None:  # unnamed so far: named just before it replaces the target
                with _signals_held():
                    tmp = _name(fd, directory, prefix, str(path))
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _not_replaced(exc, tmp, str(path)) from None
        tmp = None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _not_replaced(exc: OSError, tmp: str, path: str) -> UserError:
    """Why the output could not take the old file's place (an append-only or sticky directory
    lets a file be made but not renamed over another), with the temporary file removed, or named
    when even that is refused: the message named the temporary file alone, as the fault's."""
    try:
        os.unlink(tmp)
        left = ""
    except OSError:
        left = f"; the directory would not let its temporary file go either: remove {tmp}"
    return UserError(
        f"cannot replace it: {exc.strerror} (an append-only or sticky directory?); "
        f"write the output elsewhere{left}",
        path,
    )


def _temporary(directory: str, prefix: str, path: str) -> tuple[int, str | None]:
    """A new file in ``directory`` to write the output into: (its descriptor, its name).

    On Linux it has no name while it is written (``O_TMPFILE``), so a SIGKILL, which no handler
    sees, leaves nothing behind: a named temporary file of a killed ``batch -o`` was left in the
    user's directory (up to the whole output). Elsewhere, or where the file system cannot make
    one (NFS, an old overlayfs), it is a named one (``tempfile.mkstemp``); so it is where /proc
    is not mounted (a chroot, a bare container), as :func:`_name` could never name it: every
    ``-o`` failed after the work with "cannot write here: No such file or directory"."""
    if sys.platform.startswith("linux") and hasattr(os, "O_TMPFILE"):
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY, 0o600)
            if os.path.exists(f"/proc/self/fd/{fd}"):
                return fd, None
            os.close(fd)
    import tempfile  # costs ~5 ms of imports; only paid when something is written

    try:
        return tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UserError(f"cannot write here: {exc.strerror}", path) from None


def _name(fd: int, directory: str, prefix: str, path: str) -> str:
    """A name in ``directory`` for the unnamed file ``fd`` (``O_TMPFILE``), as open(2) says to
    give one: ``linkat`` of ``/proc/self/fd/N`` with ``AT_SYMLINK_FOLLOW``. ``os.link`` calls
    ``linkat`` only when given a directory descriptor (else ``link``, which links the ``/proc``
    entry itself: EXDEV), so the name is given relative to the directory's."""
    try:
        where = os.open(directory, os.O_PATH | os.O_DIRECTORY)  # no read right needed
    except OSError as exc:
        raise UserError(f"cannot write here: {exc.strerror}", path) from None
    try:
        while True:
            name = f"{prefix}{os.urandom(4).hex()}.tmp"
            try:
                os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=where, follow_symlinks=True)
            except FileExistsError:
                continue
            except OSError as exc:
                raise UserError(f"cannot write here: {exc.strerror}", path) from None
            return os.path.join(directory, name)
    finally:
        os.close(where)


def _cut(name: str, limit: int = 200) -> str:
    """``name`` cut to ``limit`` bytes: the temporary file's name adds ~14 to the target's, and
    a target name of 242 to 255 bytes (legal) made it too long for the file system."""
    return os.fsdecode(os.fsencode(name)[:limit])


def _replaceable(path: str) -> None:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return  # nothing there yet (or nothing we can see): mkstemp will say
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise UserError(f"is {file_kind(mode)}; only a regular file is ever replaced", path)


def _keep_access(fd: int, target: str | None) -> None:
    """Who may read and write an existing ``target`` passes to the file that replaces it: its
    owner and group, its permission bits less setuid, setgid and sticky, and its access ACL (as
    ``sed -i`` keeps them). Without this, root rewriting a user's report made it root's, and a
    file shared through an ACL lost the share. An owner that cannot be given (not root) is left
    as the new file's. A new file (or None: nothing of the old one counts) gets 0o666 less the
    umask (mkstemp makes 0o600)."""
    if not hasattr(os, "fchmod"):  # Windows: a new file's mode is all it has
        return
    try:
        st = None if target is None else os.lstat(target)
    except OSError:
        st = None
    if target is None or st is None or not stat.S_ISREG(st.st_mode):
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    with contextlib.suppress(OSError):  # chown needs root, or chgrp a group one is in
        os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, st.st_mode & 0o777)  # after chown, which may clear bits
    acl = _acl(target)
    if acl is not None:
        with contextlib.suppress(OSError):  # a file system without ACLs keeps the bits alone
            os.setxattr(fd, ACL, acl)


ACL = "system.posix_acl_access"  # where Linux keeps a file's access ACL


def _acl(path: str) -> bytes | None:
    """The access ACL of ``path``, or None when it has none (or the platform has no xattrs)."""
    if not hasattr(os, "getxattr"):
        return None
    try:
        return os.getxattr(path, ACL, follow_symlinks=False)
    except OSError:
        return None


def write_text_atomic(path: str | os.PathLike[str], text: str, *, keep_mode: bool = True) -> None:
    with atomic_writer(path, keep_mode=keep_mode) as handle:
        handle.write(text)


def point_at_null(fd: int) -> None:
    """Descriptor ``fd`` (a standard stream that can no longer be written: a closed pipe, a full
    disk, a closed terminal) becomes the null device, so that what is still buffered for it, a
    child that inherits it and the interpreter's flush at exit all succeed. Nothing if even that
    fails."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


def make_dirs(path: str | os.PathLike[str]) -> None:
    """``path`` and every missing directory above it, as ``os.makedirs(path, exist_ok=True)``
    makes them, but without recursion: a path of thousands of parts (``a/a/a/...``) made
    ``os.makedirs`` and ``Path.mkdir(parents=True)`` raise RecursionError. OSError as the kernel
    says it (no permission, a name too long); NotADirectoryError naming a part that is a file,
    where mkdir would say only "File exists"."""
    missing, name = [], os.fspath(path)
    while name and not os.path.isdir(name):
        missing.append(name)
        head = os.path.dirname(name.rstrip(os.sep)) if name.rstrip(os.sep) else name
        if head == name:
            break
        name = head
    for name in reversed(missing):
        try:
            os.mkdir(name)
        except FileExistsError:
            if not os.path.isdir(name):
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", name) from None


def write_derived(path: str | os.PathLike[str], text: str) -> None:
    """``text`` to a cache file. What stands in its place and is no regular file, link or
    directory (a FIFO, a device node) is a cache gone wrong: it is removed, so the cache is
    rebuilt rather than refused on every run. (A user's ``-o`` target is never removed.) It
    gets a new file's mode: a cache someone made unreadable (``chmod 000``) would otherwise stay
    unreadable, and be rebuilt on every run."""
    with contextlib.suppress(OSError):
        mode = os.lstat(path).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode)):
            os.unlink(path)
    write_text_atomic(path, text, keep_mode=False)
