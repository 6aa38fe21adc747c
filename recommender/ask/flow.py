"""The questionnaire's flow, with no terminal I/O: which question comes next, ``--short``, and the review.

Every prompt goes through a :class:`Prompter` (the seam): ``recommender.ask.prompts`` is the questionary one, and
tests pass it pipe input. The flow records progress in a :class:`Progress` it is given, so whoever catches
Ctrl-C (``commands/ask.py``, in one place) still holds every answer given so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.engine import Scorer
from recommender.scoring.relevance import could_change


@dataclass(frozen=True)
class Step:
    """Where a prompt stands: question ``number`` of about ``total``; ``again`` when edited from the review."""

    number: int
    total: int
    again: bool = False


@dataclass
class Progress:
    """The answers so far, and every question already put to the user (answered or skipped)."""

    answers: Normal = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)


class Prompter(Protocol):
    def question(
        self, q: Question, default: frozenset[str] | None, step: Step
    ) -> frozenset[str] | None:
        """Ask ``q``; the chosen option ids, or None for "not sure / skip"."""

    def review(self, rows: Sequence[tuple[Question, frozenset[str] | None]]) -> str | None:
        """Show every answer; the id of the question to change, or None when the user is done."""


def applicable(q: Question, answers: Normal) -> bool:
    return q.ask_when is None or q.ask_when.test(answers, None)


def next_question(
    rules: RuleBase, progress: Progress, scorer: Scorer, short: bool
) -> Question | None:
    """The first question, in file order, that applies, was not asked yet and (with ``short``) still matters."""
    for q in rules.questions:
        if q.id in progress.visited or not applicable(q, progress.answers):
            continue
        if short and not could_change(q, progress.answers, scorer):
            continue
        return q
    return None


def remaining(rules: RuleBase, progress: Progress) -> int:
    return sum(
        1
        for q in rules.questions
        if q.id not in progress.visited and applicable(q, progress.answers)
    )


def review_rows(rules: RuleBase, answers: Normal) -> list[tuple[Question, frozenset[str] | None]]:
    """Every question that applies to these answers, with its answer (None when unanswered)."""
    return [(q, answers.get(q.id)) for q in rules.questions if applicable(q, answers)]


def run_interview(
    rules: RuleBase,
    prompter: Prompter | None = None,
    progress: Progress | None = None,
    *,
    defaults: Mapping[str, frozenset[str]] | None = None,
    short: bool = False,
    review: bool = True,
    **prompt_kwargs: Any,
) -> Normal:
    """Ask, review, and return the answers in normal form (follow-ups that no longer apply dropped).

    ``defaults`` pre-select answers (``--from``); ``progress`` carries on from earlier answers (``--resume``)
    and is updated in place. Without a ``prompter`` the questionary one is built with ``prompt_kwargs``
    (``input=``, ``output=``), which is how tests feed keystrokes.
    """
    if prompter is None:
        from recommender.ask.prompts import QuestionaryPrompter

        prompter = QuestionaryPrompter(**prompt_kwargs)
    progress = progress if progress is not None else Progress()
    defaults = defaults or {}
    scorer = Scorer(rules)
    _ask_all(rules, prompter, progress, defaults, scorer, short)
    while review:
        chosen = prompter.review(review_rows(rules, progress.answers))
        if chosen is None:
            break
        q = rules.question(chosen)
        _put(q, prompter, progress, progress.answers.get(q.id), Step(0, 0, again=True))
        _ask_all(rules, prompter, progress, defaults, scorer, short)
    return scorer.applicable(progress.answers)


def _ask_all(
    rules: RuleBase,
    prompter: Prompter,
    progress: Progress,
    defaults: Mapping[str, frozenset[str]],
    scorer: Scorer,
    short: bool,
) -> None:
    while (q := next_question(rules, progress, scorer, short)) is not None:
        step = Step(len(progress.visited) + 1, len(progress.visited) + remaining(rules, progress))
        _put(q, prompter, progress, defaults.get(q.id), step)


def _put(
    q: Question, prompter: Prompter, progress: Progress, default: frozenset[str] | None, step: Step
) -> None:
    answer = prompter.question(q, default, step)
    if answer:
        progress.answers[q.id] = frozenset(answer)
    else:
        progress.answers.pop(q.id, None)
    if q.id not in progress.visited:
        progress.visited.append(q.id)
