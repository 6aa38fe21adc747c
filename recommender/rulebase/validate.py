"""``rules validate``: the files to read for the given paths, and all their problems, in one pass.

A directory is checked as an overlay on the shipped base (and on any ``--rules`` overlays), because
that is how it will be used: its rules may name shipped questions and frameworks. A file is checked
the same way, alone on top of the base. A path that is already part of the base or an overlay adds
nothing: it is checked in place. ``-`` is a rule file read from standard input.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from recommender.errors import UserError, UserErrors
from recommender.fileio import dangling, open_input
from recommender.rulebase.load import (
    LOOP,
    file_key,
    first_time,
    load_rules,
    rule_dirs,
    rule_files,
    symlink_loop,
)
from recommender.rulebase.model import RuleBase

PathLike = str | os.PathLike[str]
STDIN_FILE = Path("-")  # a PATH of ``-``: the rule file on standard input


def plan(
    paths: Sequence[PathLike], overlays: Sequence[PathLike] = (), base: PathLike | None = None
) -> tuple[list[Path], list[UserError]]:
    """The files to load, in order, and the problems found while finding them (missing paths)."""
    dirs = rule_dirs(overlays, base)
    files: list[Path] = []
    errors: list[UserError] = []
    seen: set[str] = set()  # each file's file_key: one lookup, not a resolve per file already taken
    extra = [Path(p) for p in paths if str(p) != "-" and Path(p).is_dir()]
    taken = {file_key(d) for d in dirs}
    for directory in [*dirs, *(d for d in extra if file_key(d) not in taken)]:
        try:
            new = rule_files(directory)
        except UserError as exc:
            errors.append(exc)
            continue
        files.extend(f for f in new if first_time(f, seen))
    for p in map(Path, paths):
        if str(p) == "-":  # standard input, read once as one rule file (yamlio: bounded)
            if STDIN_FILE not in files:
                files.append(STDIN_FILE)
        elif p.is_file():
            if first_time(p, seen):
                files.append(p)
        elif not p.exists():
            errors.append(
                UserError(
                    LOOP if symlink_loop(p) else dangling(p) or "no such file or directory", str(p)
                )
            )
        elif not p.is_dir():  # a device, a FIFO, a socket: open_input says which
            try:
                open_input(p).close()
            except UserError as exc:
                errors.append(exc)
    return files, errors


def validate(
    paths: Sequence[PathLike] = (), overlays: Sequence[PathLike] = (), base: PathLike | None = None
) -> tuple[RuleBase | None, list[Path], list[UserError]]:
    """(the rule base or None, the files read, every problem found). Follow-up cycles are among
    them: loading refuses them (:func:`recommender.rulebase.load.follow_up_cycles`), for every
    command."""
    files, errors = plan(paths, overlays, base)
    try:
        rules = load_rules(files=files)
    except UserErrors as exc:
        return None, files, [*errors, *exc.errors]
    except UserError as exc:
        return None, files, [*errors, exc]
    return (None if errors else rules), files, errors
