"""Which unanswered questions can still change the outcome: the engine's answer for ``ask --short``.

A question matters when some single answer to it, or to a follow-up question that answer opens, changes the
winner (or the set tied for first) given the answers so far. Combinations with other later answers are not
explored: that search grows exponentially, and the question is looked at again after every new answer.
"""

from __future__ import annotations

from recommender.rulebase.model import Question
from recommender.rulebase.profiles import Normal
from recommender.scoring.engine import Scorer, alternatives


def could_change(q: Question, answers: Normal, scorer: Scorer) -> bool:
    """Whether some answer to ``q`` (with the follow-ups it opens) changes the current outcome."""
    now = scorer.outcome(answers)
    for _, changed in alternatives(q, answers):
        if scorer.outcome(changed) != now:
            return True
        if any(
            scorer.outcome(deeper) != now
            for follow_up in _opened(scorer, answers, changed)
            for _, deeper in alternatives(follow_up, changed)
        ):
            return True
    return False


def _opened(scorer: Scorer, before: Normal, after: Normal) -> list[Question]:
    """Unanswered follow-up questions that ``after`` asks and ``before`` did not."""
    rules = scorer.rules
    return [
        q
        for q in rules.questions
        if q.ask_when is not None
        and q.id not in after
        and q.ask_when.test(after, None)
        and not q.ask_when.test(before, None)
    ]
