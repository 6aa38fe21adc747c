"""``recommender rules freshness``: check what the rules say about packages against a package index.

This module is imported whenever ``rules`` is chosen, so it only declares arguments; the network
code is imported when the command runs.
"""

from __future__ import annotations

import argparse
from datetime import UTC
from typing import TYPE_CHECKING

from recommender.commands._args import seconds
from recommender.commands._output import add_output_arguments
from recommender.fileio import given

if TYPE_CHECKING:
    from datetime import date

FORMATS = (
    "table",
    "json",
    "markdown",
)  # recommender.freshness.render.FORMATS; a test keeps them equal
TIMEOUT = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index-url",
        type=given,
        metavar="URL",
        help="the package index to ask (PEP 691 JSON simple API); default: pip's, else PyPI",
    )
    parser.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="judge the claims as of this day (default: today, UTC)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds(3600),
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"give up on the index after this long in all (default {TIMEOUT:g})",
    )
    add_output_arguments(parser, FORMATS, "table")


def run(args: argparse.Namespace) -> int:
    import os
    import time
    from datetime import datetime

    from recommender.commands._common import rulebase
    from recommender.commands._output import chosen_format, emit, keeping, width
    from recommender.freshness.fetch import http_fetch
    from recommender.freshness.pipconf import choose_index
    from recommender.freshness.render import FORMATS as RENDER
    from recommender.freshness.render import render_table
    from recommender.freshness.run import conclude, freshness

    fmt = chosen_format(args, FORMATS, "table")
    index = choose_index(args.index_url, os.environ)
    rules = rulebase(args)
    today = args.today or datetime.now(UTC).date()
    deadline = time.monotonic() + args.timeout
    report = freshness(rules, index, today, http_fetch(deadline), deadline)
    text = render_table(report, width(args.output)) if fmt == "table" else RENDER[fmt](report)
    with keeping(1 if report.findings else 0):
        return conclude(report, text, lambda text: emit(text, args.output))


def _day(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a day as YYYY-MM-DD, got {text!r}") from None
