"""What every command does the same way with its output: ``--format``, ``-o FILE`` (the format
from the file's extension unless ``--format`` says otherwise; ``-`` is stdout), the width to wrap
at, and writing the text (atomically to a file)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import Any

from recommender.errors import UserError
from recommender.fileio import given

EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}


def add_output_arguments(
    parser: argparse.ArgumentParser, formats: Sequence[str], default: str
) -> None:
    """``--format/-f`` (one of ``formats``) and ``--output/-o FILE``."""
    parser.add_argument(
        "--format",
        "-f",
        choices=list(formats),
        help=f"output format (default: from the -o extension, else {default})",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=given,
        metavar="FILE",
        help="write here (atomically) instead of stdout; the extension names the format",
    )


def output_format(
    explicit: str | None, output: str | None, formats: Sequence[str], default: str
) -> str:
    """``--format`` if given; else the format ``-o FILE``'s extension names; else ``default``."""
    if explicit:
        return explicit
    if not output or output == "-":
        return default
    suffix = PurePath(output).suffix.lower()
    found = EXTENSIONS.get(suffix)
    if found is not None and found not in formats:  # known, but not this command's
        raise UserError(
            f'"{suffix}" names the {found} format, which this command does not write; '
            f"use --format ({', '.join(formats)}) or another extension",
            output,
        )
    if found is None:
        raise UserError(
            f'cannot tell the output format from "{suffix or "no extension"}"; use --format '
            f"({', '.join(formats)})",
            output,
        )
    return found


def chosen_format(
    args: argparse.Namespace,
    formats: Sequence[str],
    default: str,
    inputs: Iterable[str | None] = (),
) -> str:
    """The format, with ``-o FILE`` checked before any work: a directory, a socket, or one of
    the ``inputs`` the command reads is refused here (:func:`recommender.fileio.output_target`).
    A device or FIFO without an extension gets the format stdout would."""
    if to_file(args.output):
        from recommender.fileio import output_target

        target = output_target(args.output, inputs)
        if target.direct and not PurePath(args.output).suffix:
            return args.format or default  # /dev/stdout, a FIFO: what stdout would get
    return output_format(args.format, args.output, formats, default)


def to_file(output: str | None) -> bool:
    return bool(output) and output != "-"


def width(output: str | None) -> int | None:
    """The width to wrap at: the terminal's when the text goes to one, else None."""
    if to_file(output):
        return None
    from recommender.render.terminal import width_of

    return width_of(sys.stdout)


def report(
    fmt: str,
    as_dict: Callable[[], Any],
    as_markdown: Callable[[], str],
    as_table: Callable[[], str],
) -> str:
    """A report's text in ``fmt``: the JSON of ``as_dict()``, else the markdown or the table."""
    if fmt == "json":
        from recommender.render.jsonout import json_text

        return json_text(as_dict())
    return as_markdown() if fmt == "markdown" else as_table()


def emit(text: str, output: str | None, inputs: Iterable[str | None] = ()) -> None:
    """Print ``text``, or write it to ``output``: atomically to a regular file, straight into a
    device or FIFO, never over one of ``inputs`` or a file the command read
    (:func:`recommender.fileio.write_output`)."""
    if to_file(output):
        from recommender.fileio import write_output

        write_output(str(output), text, inputs)
    else:
        from recommender.fileio import refuse_stdout_input

        refuse_stdout_input(inputs)  # `recommend --profile p.yaml >> p.yaml`
        sys.stdout.write(text)


@contextlib.contextmanager
def keeping(code: int) -> Iterator[None]:
    """Write the output of a run that ends with exit code ``code``: when the reader closes the
    pipe early (``| head``), the BrokenPipeError carries the code to ``cli.main``, so a run that
    found failures still exits with them."""
    try:
        yield
    except BrokenPipeError as exc:
        exc.exit_code = code  # type: ignore[attr-defined]
        raise
