"""The resume file: what ``ask`` keeps when it is interrupted, so ``ask --resume`` can carry on.

It lives in the user state directory (``RECOMMENDER_STATE_DIR`` overrides it, for tests) and holds
a profile plus ``asked:``, the questions already put to the user, answered or skipped (an answer
to a question not in it is one ``--from`` pre-selects, not put yet). ``asked:``
is also what marks a resume file: ask writes it into every one (something was always put to the
user before anything is kept), and no profile may have it (``recommend --profile`` refuses the
key). ``--resume`` rewrites its file on Ctrl-C and removes it once finished, so a file without it
(a user's own profile) is refused rather than rewritten or removed. A kept file is never replaced
by another questionnaire's answers: a second one is kept beside it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from recommender.ask.flow import Progress
from recommender.errors import UserError
from recommender.fileio import file_kind, make_dirs, write_text_atomic
from recommender.paths import state_dir
from recommender.rulebase import schema
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal, normalize_answers, profile_yaml
from recommender.rulebase.yamlio import load_yaml

FILE_NAME = "ask-resume.yaml"
HEADER = (
    "# Kept by `recommender ask` when it was interrupted; `recommender ask --resume` carries on.\n"
)


def resume_path() -> Path:
    return Path(state_dir()) / FILE_NAME


def pending() -> list[Path]:
    """Every kept questionnaire, oldest name first: ask-resume.yaml, ask-resume-2.yaml, ..."""
    directory = Path(state_dir())
    try:
        found = [p for p in directory.glob("ask-resume*.yaml") if p.is_file()]
    except OSError:  # a state directory that cannot be listed (its name too long): none kept
        return []
    return sorted(found, key=lambda p: (len(p.name), p.name))


def claim_path() -> Path:
    """Where a new questionnaire's answers go: the usual file, or the first free numbered one,
    taken at once (made empty, with ``O_EXCL``; :func:`save` replaces it whole). Two questionnaires
    interrupted at one moment (a terminal window of two tabs closed) both found the usual file
    free, and the second replaced the first one's answers."""
    path, n = resume_path(), 1
    while True:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:  # a file, a link, anything: another questionnaire's
            n += 1
            path = resume_path().with_name(f"ask-resume-{n}.yaml")


def save(progress: Progress, rules: RuleBase, path: Path | None = None) -> Path:
    """Write the progress atomically to ``path`` (default: a path claimed for it); the path."""
    text = profile_yaml("resumed", kept_answers(progress), rules, HEADER)
    asked = "".join(f"- {q.id}\n" for q in rules.questions if q.id in progress.visited)
    make_dirs((path or resume_path()).parent)
    claimed, path = path is None, path or claim_path()
    try:
        write_text_atomic(path, f"{text}asked:\n{asked}" if asked else text)
    except BaseException:
        if claimed:  # no empty file is left to be taken for a kept questionnaire
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return path


def kept_answers(progress: Progress) -> Normal:
    """What a resume file holds: the answers, and beside them a pre-filled answer not put yet
    (left out of ``asked:``)."""
    unput = {q: a for q, a in progress.prefill.items() if q not in progress.visited}
    return {**unput, **progress.answers}


def load(rules: RuleBase, path: Path | None = None) -> Progress:
    """The progress kept by an interrupted ``ask``; a UserError when there is none or it does not
    fit the rules."""
    path = path or resume_path()
    _kept_file(path)
    doc = load_yaml(path)
    problems = schema.check(doc, schema.RESUME, str(path), "resume file")
    if problems:
        raise problems[0]
    if "asked" not in doc:  # a profile: --resume would rewrite it on Ctrl-C, remove it at the end
        raise UserError(
            "is not a questionnaire kept by `recommender ask` (it has no `asked:` list); to "
            f"start from a profile, use: recommender ask --from {path}",
            str(path),
        )
    answers = normalize_answers(doc.get("answers") or {}, rules, str(path), doc.get("answers"))
    known = {q.id for q in rules.questions}
    # each once: a question listed twice (a file edited by hand) was counted twice as put
    asked = list(dict.fromkeys(qid for qid in doc.get("asked") or [] if qid in known))
    # An answer to a question not in ``asked:`` was pre-filled by ``--from`` and not put yet: it
    # is pre-selected when that question comes.
    given = {q: a for q, a in answers.items() if q in asked}
    return Progress(given, asked, {q: a for q, a in answers.items() if q not in asked})


def _kept_file(path: Path) -> None:
    """Refuse, in one line, a path that holds no kept questionnaire: a missing one is "nothing to
    resume", but a FIFO, a device or a directory there is named as what it is (all were "nothing
    to resume", as if the path were free). The read itself refuses one that changes after this."""
    try:
        mode = path.stat().st_mode
    except OSError:  # missing, a dangling link, a name too long: nothing kept there
        mode = None
    if mode is None:
        raise UserError(f"nothing to resume: no interrupted questionnaire at {path}")
    if not stat.S_ISREG(mode):
        raise UserError(
            f"is {file_kind(mode)}, not a file kept by `recommender ask`; give the file named "
            "when ask was interrupted",
            str(path),
        )


def clear(path: Path | None = None) -> None:
    """Forget the kept progress once the questionnaire is finished."""
    with contextlib.suppress(FileNotFoundError):
        (path or resume_path()).unlink()
