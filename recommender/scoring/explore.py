"""What-ifs: the single different answers that would change a result, and whether a question can
still matter (``ask --short``). Every outcome comes from the scoring table, on signatures.

A *single different answer* to a question that is asked is another option (``set``), one option
ticked or unticked in a multi answer (``add``, ``remove``), or the answer cleared (``clear``: left
unanswered, as ``ask`` allows; a multi answer of one option cleared is that option unticked).
Every other answer stays as given, answers to follow-ups that do not apply now included: a
different answer can make them apply again, as it would in the profile file (``edge_target``
given without ``deployment: edge`` counts once ``edge`` is ticked).
A multi answer stays one ``ask`` and ``recommend`` accept: ticking an option marked ``exclusive``
("none") unticks the others, and ticking another unticks it. A tick that unticks something makes
the answer that option alone, so it is a ``set``: ``add`` keeps every option already ticked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, combinations, islice

from recommender.rulebase.model import Question
from recommender.scoring.table import Dim, Table
from recommender.values import Value, frozen

SET, ADD, REMOVE, CLEAR = "set", "add", "remove", "clear"
CHANGES = (SET, ADD, REMOVE, CLEAR)


@frozen
class Change(Value):
    """One different answer to one question, and the outcome it would lead to."""

    question: str
    change: str  # set | add | remove | clear
    answer: str | None  # the option set, added or removed; None for clear
    winner: str | None
    tie: tuple[str, ...] = ()
    # nothing but the default lean would separate them: no recommendation (winner None, every
    # framework in ``tie``), not a tie on points
    undecided: bool = False
    # the answer adds or lifts a deal-breaker: the frameworks excluded after it are not those
    # excluded now (what a clear call's note may say changes it; not in the JSON record)
    breaks: bool = False


@frozen
class Alternative(Value):
    """A single different answer, and the signature it gives (follow-ups re-checked)."""

    question: str
    change: str
    answer: str | None
    sig: int


def alternatives(
    table: Table, q: Question, sig: int, given: int | None = None
) -> Iterator[tuple[str, str | None, int]]:
    """Every single different answer to ``q``: (change, option, signature before follow-ups are
    re-checked). ``given`` is the signature as given (``sig`` is it with the follow-ups that do
    not apply dropped); the other answers are taken from it."""
    dim = table.dim[q.id]
    current = sig & dim.mask
    rest = (sig if given is None else given) & ~dim.mask
    for bit, opt in dim.options:
        if not current & bit:
            kept = current & ~unticks(dim, bit)
            yield (ADD if dim.multi and kept == current else SET), opt, rest | kept | bit
        elif dim.multi:
            yield REMOVE, opt, rest | (current & ~bit)
    if current and (not dim.multi or current & (current - 1)):  # one tick: its remove clears it
        yield CLEAR, None, rest


def unticks(dim: Dim, bit: int) -> int:
    """The options that ticking ``bit`` unticks, as ``ask`` does: every other one of a single
    question, or when ``bit`` stands alone (``exclusive``); else those that stand alone.
    The numpy path (:mod:`recommender.scoring.confidence`) ticks through this too."""
    if not dim.multi or bit & dim.exclusive:
        return dim.mask & ~bit
    return dim.exclusive


def every_alternative(table: Table, sig: int, given: int | None = None) -> Iterator[Alternative]:
    """The single different answers to every question that is asked, in question order (``given``:
    see :func:`alternatives`)."""
    for q in table.rules.questions:
        if table.asked(q, sig):
            for change, answer, changed in alternatives(table, q, sig, given):
                yield Alternative(q.id, change, answer, table.applicable(changed))


def what_would_change(table: Table, sig: int, given: int | None = None) -> Iterator[Change]:
    """For each question that is asked, the single different answers that change the outcome
    (winner, tie or no recommendation, as reported: see :meth:`Table.decision`)."""
    before = table.outcome(table.fired([sig])[0])
    now = table.as_reported(before)
    for alt in every_alternative(table, sig, given):
        after = table.outcome(table.fired([alt.sig], near=sig)[0])
        outcome = table.as_reported(after)
        if outcome != now:
            breaks = after.blocked != before.blocked
            yield Change(alt.question, alt.change, alt.answer, *outcome, breaks=breaks)


def could_change(table: Table, q: Question, sig: int, given: int | None = None) -> bool:
    """Whether some answer to ``q`` (with the follow-ups it opens) changes the current outcome
    (``given``: see :func:`alternatives`). An unanswered multi question is tried with every
    answer it can take (:func:`answers_to`), not only one option: two targets together can
    decide where each alone does not.

    Combinations with other later answers are not explored: that search grows exponentially, and
    ``ask`` asks again after every new answer.
    """
    now = table.decision(sig)
    dim = table.dim[q.id]
    if dim.multi and not sig & dim.mask:
        rest = (sig if given is None else given) & ~dim.mask
        tries: Iterable[tuple[str, str | None, int]] = (
            (ADD, None, rest | bits) for bits in answers_to(dim)
        )
    else:
        tries = alternatives(table, q, sig, given)
    for _, _, raw in tries:
        changed = table.applicable(raw)
        if table.decision(changed, near=sig) != now:
            return True
        for follow_up in _opened(table, sig, changed):
            for _, _, deeper in alternatives(table, follow_up, changed, raw):
                if table.decision(table.applicable(deeper), near=changed) != now:
                    return True
    return False


MAX_ANSWERS = 1 << 10  # answers tried for one unanswered multi question (smallest first)


def answers_to(dim: Dim) -> Iterator[int]:
    """Every answer a multi question can take, as option bits: each option that stands alone
    (``exclusive``) by itself, then the others' combinations, fewest options first, at most
    :data:`MAX_ANSWERS` in all (a question of up to 10 options that do not stand alone gets every
    combination; a larger one, those of the fewest options)."""
    alone = [bit for bit, _ in dim.options if bit & dim.exclusive]
    others = [bit for bit, _ in dim.options if not bit & dim.exclusive]
    combined = (sum(c) for n in range(1, len(others) + 1) for c in combinations(others, n))
    return islice(chain(alone, combined), MAX_ANSWERS)


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
