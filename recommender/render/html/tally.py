"""What the team page summarises, counted record by record as the batch streams past.

A :class:`Tally` holds counters only (outcomes, margin buckets, confidence, deciding questions),
so its size does not grow with the number of rows. "Deciding" questions are read from each
record's why-not: issue 12's per-question nets when the record has them, else the rules the
runner-up lost on, each credited to the questions its condition reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from recommender.render.html.labels import dicts, mapping, strings
from recommender.rulebase.conditions import PROBE

# (upper bound, label) for the margin between the winner and the runner-up
BUCKETS = ((1, "\u2264 1"), (2, "1\u20132"), (3, "2\u20133"), (5, "3\u20135"), (10, "5\u201310"))
OVER = "> 10"
CLOSE = 1  # a margin of at most this many points counts as a close call on the page


@dataclass(slots=True)
class Tally:
    """Counters over the records seen so far (mutable: it is filled as rows stream)."""

    rule_questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rows: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # framework id, tie, none, error
    margins: Counter[str] = field(default_factory=Counter)  # bucket label -> rows with a winner
    close: int = 0
    confidence: Counter[str] = field(default_factory=Counter)
    deciding: Counter[str] = field(default_factory=Counter)  # question -> rows it helped decide
    deciding_answers: dict[str, Counter[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, record: Mapping[str, Any]) -> None:
        self.rows += 1
        kind = outcome(record)
        self.outcomes[kind] += 1
        if isinstance(record.get("confidence"), str):
            self.confidence[record["confidence"]] += 1
        if kind not in ("error", "none", UNDECIDED):
            self._margin(kind, record.get("margin"))
        if record.get("winner"):
            self._decided(record)

    def _margin(self, kind: str, margin: Any) -> None:
        if kind == "tie":
            self.margins["tie"] += 1
            self.close += 1
        elif isinstance(margin, (int, float)):
            self.margins[bucket(margin)] += 1
            self.close += margin <= CLOSE

    def _decided(self, record: Mapping[str, Any]) -> None:
        answers = mapping(record.get("answers"))
        found = deciders(mapping(record.get("why_not")), answers, self.rule_questions)
        for question, answer in found.items():
            self.deciding[question] += 1
            self.deciding_answers.setdefault(question, Counter())[answer] += 1


UNDECIDED = "undecided"  # confidence "none": nothing but the default lean separates them


def outcome(record: Mapping[str, Any]) -> str:
    """``error``, the winner's id, ``undecided`` (no recommendation), ``tie`` or ``none``
    (every framework excluded)."""
    if record.get("error") is not None:
        return "error"
    if record.get("winner"):
        return str(record["winner"])
    if record.get("confidence") == "none":
        return UNDECIDED
    return "tie" if record.get("tie") else "none"


def bucket(margin: float) -> str:
    return next((label for top, label in BUCKETS if margin <= top), OVER)


def deciders(
    why_not: Mapping[str, Any], answers: Mapping[str, Any], rule_questions: Mapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """{question: its answer} for each question that gained the winner points over the runner-up:
    alone, or with others its rules read too (``hardware`` and ``os`` for an NVIDIA GPU), as the
    rules the runner-up lost on credit every question they read. A net of the lean's rules alone
    credits nothing: the lean is not a reason (``team_knows`` unanswered was credited on every
    row PyTorch's lean helped, the first bar of the chart)."""
    found: dict[str, tuple[str, ...]] = {}
    if "by_question" in why_not:
        for q in dicts(why_not.get("by_question")):
            if not isinstance(q.get("net"), (int, float)) or q["net"] <= 0:
                continue
            rules = dicts(q.get("rules"))
            if rules and all(r.get("lean") is True for r in rules):
                continue
            if q.get("question"):
                found.setdefault(str(q["question"]), _key(q.get("answer")))
            for read in strings(q.get("reads")):
                if not read.startswith(PROBE):
                    found.setdefault(read, _key(answers.get(read)))
        return found
    for reason in dicts(why_not.get("lost_on")):
        for q in rule_questions.get(str(reason.get("rule")), ()):
            found.setdefault(q, _key(answers.get(q)))
    return found


def _key(answer: Any) -> tuple[str, ...]:
    """An answer as a hashable tuple of option ids; () for unanswered."""
    if answer is None:
        return ()
    return tuple(map(str, answer)) if isinstance(answer, list) else (str(answer),)
