"""The questionnaire's flow, with no terminal I/O: which question comes next, ``--short``, and the
review.

Every prompt goes through a :class:`Prompter` (the seam): ``recommender.ask.prompts`` is the
questionary one, and tests pass it pipe input. The flow records progress in a :class:`Progress` it
is given, so whoever catches Ctrl-C (``commands/ask.py``, in one place) still holds every answer
given so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from recommender.rulebase.model import Question, RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.explore import could_change
from recommender.scoring.table import Table, table_for
from recommender.values import Value, frozen


@frozen
class Step(Value):
    """Where a prompt stands: question ``number`` of about ``total``; ``again`` when edited from
    the review; ``prefilled`` when the answers came from a profile (``--from``), so a question it
    leaves out starts on "Not sure / skip" and Enter keeps it unanswered instead of inventing
    one."""

    number: int
    total: int
    again: bool = False
    prefilled: bool = False


@dataclass
class Progress:
    """The answers so far, every question already put to the user (answered or skipped), and the
    answers ``--from`` pre-selects (``prefill``), kept with the rest on Ctrl-C: without them
    ``ask --resume`` put the questions not reached yet with no pre-selection, so Enter replaced
    the profile's answers with each question's first option."""

    answers: Normal = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    prefill: Normal = field(default_factory=dict)


class Prompter(Protocol):
    def question(
        self, q: Question, default: frozenset[str] | None, step: Step
    ) -> frozenset[str] | None:
        """Ask ``q``; the chosen option ids, or None for "not sure / skip"."""

    def review(self, rows: Sequence[tuple[Question, frozenset[str] | None]]) -> str | None:
        """Show every answer; the id of the question to change, or None when the user is done."""


def applicable(table: Table, q: Question, answers: Normal) -> bool:
    """Whether ``q`` is asked, given these answers (a follow-up's ``ask_when``)."""
    return table.asked(q, table.encode(answers))


def next_question(table: Table, progress: Progress, short: bool) -> Question | None:
    """The first question, in file order, that applies, was not asked yet and (with ``short``)
    still matters."""
    sig = table.signature(progress.answers)
    for q in table.rules.questions:
        if q.id in progress.visited or not applicable(table, q, progress.answers):
            continue
        if short and not could_change(table, q, sig):
            continue
        return q
    return None


def remaining(table: Table, progress: Progress) -> int:
    return sum(
        1
        for q in table.rules.questions
        if q.id not in progress.visited and applicable(table, q, progress.answers)
    )


def review_rows(table: Table, answers: Normal) -> list[tuple[Question, frozenset[str] | None]]:
    """Every question that applies to these answers, with its answer (None when unanswered)."""
    return [(q, answers.get(q.id)) for q in table.rules.questions if applicable(table, q, answers)]


def run_interview(
    rules: RuleBase,
    prompter: Prompter,
    progress: Progress | None = None,
    *,
    defaults: Mapping[str, frozenset[str]] | None = None,
    short: bool = False,
    review: bool = True,
) -> Normal:
    """Ask, review, and return the answers in normal form (follow-ups that no longer apply dropped).

    ``defaults`` pre-select answers (``--from``); ``progress`` carries on from earlier answers
    (``--resume``) and is updated in place. ``prompter`` is the seam: ``ask`` passes the
    questionary one, and tests pass it pipe input to type real keystrokes.
    """
    progress = progress if progress is not None else Progress()
    prefilled = defaults is not None
    defaults = defaults or {}
    table = table_for(rules)
    # A pre-filled answer stands until its question is put: ``--short`` judges what still matters
    # with it, and a question it leaves out keeps it (it was dropped, so `--from p --short --save
    # p` lost the profile's answers to those questions, and the review said "not answered").
    for qid, picked in defaults.items():
        if qid not in progress.visited:
            progress.answers.setdefault(qid, picked)
    _ask_all(table, prompter, progress, defaults, short, prefilled)
    while review:
        chosen = prompter.review(review_rows(table, progress.answers))
        if chosen is None:
            break
        q = rules.question(chosen)
        _put(q, prompter, progress, progress.answers.get(q.id), Step(0, 0, again=True))
        _ask_all(table, prompter, progress, defaults, short, prefilled)
    return in_force(table, progress.answers)


def in_force(table: Table, answers: Normal) -> Normal:
    """The answers a recommendation uses: a follow-up whose question's answer changed since (its
    ``ask_when`` no longer holds) is left out. The flow keeps such an answer, so that it is back
    if the answer changes back, but it is not one of the user's answers until then."""
    return table.normal(table.signature(answers))


def _ask_all(
    table: Table,
    prompter: Prompter,
    progress: Progress,
    defaults: Mapping[str, frozenset[str]],
    short: bool,
    prefilled: bool,
) -> None:
    while (q := next_question(table, progress, short)) is not None:
        done = len(progress.visited)
        step = Step(done + 1, done + remaining(table, progress), prefilled=prefilled)
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
