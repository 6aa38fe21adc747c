"""What-ifs: the single different answers that would change a result, and whether a question can
still matter (``ask --short``). Every outcome comes from the scoring table, on signatures."""

from __future__ import annotations

from collections.abc import Iterator

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Question
from recommender.scoring.result import Change, Scorer
from recommender.scoring.table import Table

UNANSWERED = "(unanswered)"


def alternatives(table: Table, q: Question, sig: int) -> Iterator[tuple[str, int]]:
    """Every single different answer to ``q``: each other option, each toggle of a multi option,
    or no answer; as (label, signature before follow-ups are re-checked)."""
    dim = table.dim[q.id]
    current = sig & dim.mask
    rest = sig & ~dim.mask
    for bit, opt in dim.options:
        if dim.multi:
            yield (f"-{opt}" if current & bit else f"+{opt}"), rest | (current ^ bit)
        elif not current & bit:
            yield opt, rest | bit
    if current and not dim.multi:
        yield UNANSWERED, rest


def what_would_change(scorer: Scorer, sig: int, facts: Facts | None = None) -> Iterator[Change]:
    """For each question that is asked, the single different answers that change the outcome."""
    table = scorer.table
    now = table.decision(sig)
    for q in scorer.rules.questions:
        if not table.asked(q, sig):
            continue
        for label, changed in alternatives(table, q, sig):
            outcome = table.decision(table.applicable(changed))
            if outcome != now:
                yield Change(q.id, label, *outcome)


def could_change(table: Table, q: Question, sig: int) -> bool:
    """Whether some answer to ``q`` (with the follow-ups it opens) changes the current outcome.

    Combinations with other later answers are not explored: that search grows exponentially, and
    ``ask`` asks again after every new answer.
    """
    now = table.decision(sig)
    for _, changed in alternatives(table, q, sig):
        changed = table.applicable(changed)
        if table.decision(changed) != now:
            return True
        for follow_up in _opened(table, sig, changed):
            for _, deeper in alternatives(table, follow_up, changed):
                if table.decision(table.applicable(deeper)) != now:
                    return True
    return False


def _opened(table: Table, before: int, after: int) -> list[Question]:
    """Unanswered follow-up questions that ``after`` asks and ``before`` did not."""
    return [
        q
        for q in table.rules.questions
        if q.ask_when is not None
        and not table.answered(after, q.id)
        and table.holds(q.ask_when, after)
        and not table.holds(q.ask_when, before)
    ]
