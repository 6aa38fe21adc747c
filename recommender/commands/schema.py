"""``recommender schema [NAME]``: print a shipped JSON Schema (draft 2020-12), or list them.

``profile`` describes a profile file (point an editor at it for autocompletion); the others
describe a command's ``--format json`` output (``recommend``, ``batch``, ``probe``...).
"""

from __future__ import annotations

import argparse

from recommender.commands._output import emit, width
from recommender.errors import ExitCode, UserError, did_you_mean
from recommender.fileio import given


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME", help="the schema; none: list them")
    parser.add_argument(
        "--output",
        "-o",
        type=given,
        metavar="FILE",
        help="write here (atomically) instead of stdout",
    )


def run(args: argparse.Namespace) -> int:
    from recommender import schemas

    known = schemas.names()
    if args.name is None:
        emit(_listing(known, width(args.output)), args.output)
        return ExitCode.OK
    if args.name not in known:
        raise UserError(f'unknown schema "{args.name}"{did_you_mean(args.name, known)}')
    emit(_schema(args), args.output)
    return ExitCode.OK


def _listing(names: list[str], columns: int | None) -> str:
    """A line per schema: ``NAME<TAB>TITLE`` for a pipe or a file (``cut -f1`` takes the names);
    on a terminal, where a tab lined up nothing ("questions" is nine letters), in columns and
    wrapped at its width as the other listings are."""
    from recommender import schemas

    if columns is None:
        return "".join(f"{n}\t{schemas.title(n)}\n" for n in names)
    from recommender.render.terminal import printable, wrap

    pad = max(map(len, names))  # a shipped schema's name: a word of ASCII letters
    lines = [
        line
        for n in names
        for line in wrap(f"{n:<{pad}}  {schemas.title(n)}", columns, "", " " * (pad + 2))
    ]
    return printable("\n".join(lines) + "\n")


def _schema(args: argparse.Namespace) -> str:
    """The shipped text; the profile's is made from the rule base, overlays included."""
    from recommender import schemas

    if args.name != "profile":
        return schemas.text(args.name)
    from recommender.commands._common import rulebase
    from recommender.render.jsonout import json_text
    from recommender.schemas.profile import profile_schema

    return json_text(profile_schema(rulebase(args)))
