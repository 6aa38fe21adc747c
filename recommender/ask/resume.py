"""The resume file: what ``ask`` keeps when it is interrupted, so ``ask --resume`` can carry on.

It lives in the user state directory (``RECOMMENDER_STATE_DIR`` overrides it, for tests) and holds a profile
plus ``asked:``, the questions already put to the user, answered or skipped.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from recommender.ask.flow import Progress
from recommender.errors import UserError
from recommender.fileio import write_text_atomic
from recommender.paths import state_dir
from recommender.rulebase import schema
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers, profile_yaml
from recommender.rulebase.yamlio import load_yaml

FILE_NAME = "ask-resume.yaml"


def resume_path() -> Path:
    return Path(state_dir()) / FILE_NAME


def save(progress: Progress, rules: RuleBase, path: Path | None = None) -> Path:
    """Write the progress atomically; the path written."""
    path = path or resume_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Kept by `recommender ask` when it was interrupted; `recommender ask --resume` carries on.\n"
    text = profile_yaml("resumed", progress.answers, rules, header)
    asked = "".join(f"- {q.id}\n" for q in rules.questions if q.id in progress.visited)
    write_text_atomic(path, f"{text}asked:\n{asked}" if asked else text)
    return path


def load(rules: RuleBase, path: Path | None = None) -> Progress:
    """The progress kept by an interrupted ``ask``; a UserError when there is none or it does not fit the rules."""
    path = path or resume_path()
    if not path.is_file():
        raise UserError(f"nothing to resume: no interrupted questionnaire at {path}")
    doc = load_yaml(path)
    problems = schema.check(doc, schema.RESUME, str(path), "resume file")
    if problems:
        raise problems[0]
    answers = normalize_answers(doc.get("answers") or {}, rules, str(path), doc.get("answers"))
    known = {q.id for q in rules.questions}
    asked = [qid for qid in doc.get("asked") or [] if qid in known]
    return Progress(answers, [*asked, *(q for q in answers if q not in asked)])


def clear(path: Path | None = None) -> None:
    """Forget the kept progress once the questionnaire is finished."""
    with contextlib.suppress(FileNotFoundError):
        (path or resume_path()).unlink()
