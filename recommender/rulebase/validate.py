"""``rules validate``: the files to read for the given paths, and all their problems, in one pass.

A directory is checked as an overlay on the shipped base (and on any ``--rules`` overlays), because
that is how it will be used: its rules may name shipped questions and frameworks. A file is checked
the same way, alone on top of the base. A path that is already part of the base or an overlay adds
nothing: it is checked in place.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

from recommender.errors import UserError, UserErrors
from recommender.fileio import open_input
from recommender.rulebase.load import (
    LOOP,
    load_rules,
    rule_files,
    shipped_rules_dir,
    symlink_loop,
)
from recommender.rulebase.model import Question, RuleBase

PathLike = str | os.PathLike[str]


def plan(
    paths: Sequence[PathLike], overlays: Sequence[PathLike] = (), base: PathLike | None = None
) -> tuple[list[Path], list[UserError]]:
    """The files to load, in order, and the problems found while finding them (missing paths)."""
    dirs = [Path(base) if base is not None else shipped_rules_dir(), *map(Path, overlays)]
    files: list[Path] = []
    errors: list[UserError] = []
    extra = [Path(p) for p in paths if Path(p).is_dir()]
    for directory in [*dirs, *(d for d in extra if not any(_same(d, x) for x in dirs))]:
        try:
            new = rule_files(directory)
        except UserError as exc:
            errors.append(exc)
            continue
        files.extend(f for f in new if not any(_same(f, g) for g in files))
    for p in map(Path, paths):
        if p.is_file():
            if not any(_same(p, f) for f in files):
                files.append(p)
        elif not p.exists():
            errors.append(
                UserError(LOOP if symlink_loop(p) else "no such file or directory", str(p))
            )
        elif not p.is_dir():  # a device, a FIFO, a socket: open_input says which
            try:
                open_input(p).close()
            except UserError as exc:
                errors.append(exc)
    return files, errors


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file; a path that does not resolve (a symlink loop) is only the
    same as itself, and loading it reports the loop."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return os.path.abspath(a) == os.path.abspath(b)


def validate(
    paths: Sequence[PathLike] = (), overlays: Sequence[PathLike] = (), base: PathLike | None = None
) -> tuple[RuleBase | None, list[Path], list[UserError]]:
    """(the rule base or None, the files read, every problem found). Follow-up cycles are looked
    for once the rule base loads: finding them takes its compiled conditions."""
    files, errors = plan(paths, overlays, base)
    try:
        rules = load_rules(files=files)
    except UserErrors as exc:
        return None, files, [*errors, *exc.errors]
    except UserError as exc:
        return None, files, [*errors, exc]
    errors += follow_up_cycles(rules)
    return (None if errors else rules), files, errors


def follow_up_cycles(rules: RuleBase) -> list[UserError]:
    """Follow-ups ``ask`` can never reach: a question whose ``ask_when`` reads its own answer, or
    questions whose ``ask_when`` read each other's, directly or through a chain. One error per
    cycle, at the ``ask_when`` of its first question in file order."""
    from recommender.scoring.table import table_for  # the one walk over conditions

    table = table_for(rules)
    ids = frozenset(q.id for q in rules.questions)
    reads = {q.id: table.reads(q.ask_when) & ids for q in rules.questions if q.ask_when is not None}
    errors, seen = [], set()
    for q in rules.questions:
        cycle = _cycle(q.id, reads) if q.id not in seen else []
        seen.update(cycle)
        if cycle:
            chain = " → ".join(f'"{qid}"' for qid in [*cycle, q.id])
            why, who, one = (
                ("its ask_when reads its own answer", "it", "its")
                if len(cycle) == 1
                else ("each ask_when reads the next question's answer", "them", "one")
            )
            message = (
                f"follow-up cycle: {chain} ({why}), so `ask` can never reach {who}; "
                f"make {one} ask_when read an earlier question instead"
            )
            errors.append(UserError(message, *_where(q)))
    return errors


def _where(q: Question) -> tuple[str | None, int | None, int | None]:
    """The file, line and column of ``q``'s ``ask_when`` (of ``q`` when that is not known)."""
    if q.origin is None:
        return None, None, None
    line, col = getattr(q.raw_ask_when, "pos", None) or (q.origin.line, q.origin.col)
    return q.origin.file, line, col


def _cycle(start: str, reads: Mapping[str, frozenset[str]]) -> list[str]:
    """The shortest chain of questions from ``start`` whose ``ask_when`` reads lead back to it
    (``start`` first), or [] when none does."""
    came: dict[str, str] = {}
    queue = deque([start])
    while queue:
        qid = queue.popleft()
        for read in sorted(reads.get(qid, ())):
            if read == start:
                chain = [qid]
                while chain[-1] != start:
                    chain.append(came[chain[-1]])
                return chain[::-1]
            if read not in came:
                came[read] = qid
                queue.append(read)
    return []
