"""``recommender batch``: score a file of profiles; one record per input row, bad rows reported,
not dropped.

Exit codes: 0 every row scored; 1 some rows failed (or ``--strict`` stopped at one); 2 the input or
the command line is unusable as a whole.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from itertools import chain, islice
from typing import TextIO

from recommender.batch.progress import Progress
from recommender.batch.readers import READERS, Row, input_format, open_source
from recommender.batch.run import Stopped, run_batch
from recommender.batch.writers import WRITERS, summary_lines
from recommender.commands._common import add_probe_argument, probe_facts, rulebase
from recommender.commands._output import add_output_arguments, chosen_format
from recommender.errors import ExitCode
from recommender.fileio import given, output_stream, refuse_stdout_input
from recommender.render.terminal import one_line

DEFAULT = "jsonl"
SHOWN_ERRORS = 20  # bad rows echoed on stderr; every one of them is in the output anyway


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input",
        type=given,
        metavar="INPUT",
        help="profiles: .yaml/.yml, .json, .jsonl/.ndjson or .csv; - reads stdin",
    )
    add_output_arguments(parser, list(WRITERS), DEFAULT)
    parser.add_argument(
        "--input-format", choices=list(READERS), help="input format (default: from the extension)"
    )
    parser.add_argument("--strict", action="store_true", help="stop at the first bad row (exit 1)")
    add_probe_argument(parser, quiet=False)
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, no summary, no row errors"
    )


def run(args: argparse.Namespace) -> int:
    fmt = chosen_format(args, list(WRITERS), DEFAULT, [args.input])  # -o checked first
    # Opened before its format is told from its name: a directory or a socket is named as one,
    # not as "cannot tell the input format". Closed below, on every way out.
    source = open_source(args.input, sys.stdin.buffer)
    try:
        reader = READERS[input_format(args.input, args.input_format)]
        rules = rulebase(args)
    except BaseException:
        source.stream.close()
        raise
    questions = {q.id: q.kind for q in rules.questions}
    progress = Progress.for_terminal(sys.stderr, quiet=args.quiet, total=source.size)
    shown = [0]
    facts, usable = None, None
    if args.probe:
        from recommender.batch.probe import usable_here

        facts = probe_facts(args, rules)[0]
        usable = usable_here(rules, facts)

    def on_error(message: str) -> None:
        shown[0] += 1
        if not args.quiet and shown[0] <= SHOWN_ERRORS:
            progress.close()
            print(one_line(message), file=sys.stderr)

    try:
        with contextlib.closing(source.stream):
            rows = _checked(reader(source, questions))
            with _output(args.output, args.input) as stream:
                writer = WRITERS[fmt](stream, rules, probe=args.probe)
                summary = run_batch(
                    rows,
                    rules,
                    writer,
                    source=source.name,
                    facts=facts,
                    usable=usable,
                    strict=args.strict,
                    on_error=on_error,
                    tick=lambda rows: progress.update(rows, source.bytes_read),
                )
                note = writer.finish(summary)
    except Stopped as stop:
        progress.close()
        print(one_line(f"recommender: {stop} (stopped by --strict)"), file=sys.stderr)
        return ExitCode.FINDINGS
    except BrokenPipeError as exc:  # the reader closed the pipe: rows that failed still count
        exc.exit_code = ExitCode.FINDINGS if shown[0] else ExitCode.OK  # type: ignore[attr-defined]
        raise
    finally:  # also on an error or a signal: the bar is wiped before the one line about it
        progress.close()
    if not args.quiet:
        if shown[0] > SHOWN_ERRORS:
            print(
                f"... and {shown[0] - SHOWN_ERRORS:,} more bad rows (see the error records)",
                file=sys.stderr,
            )
        if not writer.summary_inside or args.output:
            print("\n".join(summary_lines(summary, rules)), file=sys.stderr)
    if note:  # even under --quiet: what the output leaves out is not a progress message
        print(f"recommender: {note}", file=sys.stderr)
    return ExitCode.FINDINGS if summary.failed else ExitCode.OK


def _checked(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, the first one read before any output: what refuses the input as a whole (a
    bad CSV header, a JSON document that is not a list, an empty file) shows up there, and
    stdout must not get a half-written document (a lone ``[``, a header) before exit 2."""
    first = list(islice(rows, 1))
    return chain(first, rows)


@contextlib.contextmanager
def _output(path: str | None, input_path: str) -> Iterator[TextIO]:
    """``-o``'s file, written atomically (removed on any error or signal), else stdout."""
    if path and path != "-":
        with output_stream(path, [input_path]) as handle:
            yield handle
    else:
        refuse_stdout_input([input_path])
        yield sys.stdout
