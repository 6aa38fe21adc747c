"""The answer space lint searches: one dimension per question (or probe fact) that some condition reads.

Two answers to a question are interchangeable when every condition atom on that question (``{q: [a, b]}``,
``{unanswered: q}``) gives the same result for both, so only one representative of each such class is scored and
it carries the number of real answers it stands for (its weight). A question no ``when:`` or ``ask_when:`` reads
is not a dimension at all: its answer cannot change any score.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import prod

from recommender.rulebase.conditions import (
    PROBE_STATUSES,
    All,
    AnyOf,
    Condition,
    Is,
    Not,
    ProbeFact,
    Unanswered,
)
from recommender.rulebase.model import Question, RuleBase

UNANSWERED = "(unanswered)"


@dataclass(frozen=True)
class Choice:
    label: str
    answer: (
        frozenset[str] | str | None
    )  # options for a question, a status for a probe fact, None = unanswered
    weight: int  # how many real answers this representative stands for
    members: tuple[str, ...] = ()  # the labels of the answers it stands for


@dataclass(frozen=True)
class Dimension:
    name: str  # a question id, or "probe:framework.check"
    choices: tuple[Choice, ...]
    probe: bool = False

    @property
    def unanswered(self) -> int:
        """The index of the choice that behaves like "no answer" (for a probe fact: "absent")."""
        empty = "absent" if self.probe else UNANSWERED
        return next(i for i, c in enumerate(self.choices) if empty in c.members)

    @property
    def size(self) -> int:
        return sum(c.weight for c in self.choices)


def atoms(cond: Condition | None) -> Iterator[Condition]:
    """The leaves of a compiled condition."""
    if cond is None:
        return
    if isinstance(cond, (All, AnyOf)):
        for part in cond.parts:
            yield from atoms(part)
    elif isinstance(cond, Not):
        yield from atoms(cond.part)
    else:
        yield cond


def scoring_conditions(rules: RuleBase) -> list[Condition]:
    """Every condition that can change a score: rule ``when`` and question ``ask_when`` (not ``pick_when``)."""
    return [
        *(r.when for r in rules.rules),
        *(q.ask_when for q in rules.questions if q.ask_when is not None),
    ]


@dataclass(frozen=True)
class AnswerSpace:
    dims: tuple[Dimension, ...]
    full_size: int  # every real profile: each answer (and unanswered) of every question, probe outcomes too
    unread: tuple[str, ...]  # questions no scoring condition reads

    @property
    def size(self) -> int:
        """Distinct profiles after merging interchangeable answers: what exhaustive lint scores."""
        return prod(len(d.choices) for d in self.dims)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(d.choices) for d in self.dims)

    def index(self, name: str) -> int:
        return next(i for i, d in enumerate(self.dims) if d.name == name)

    def profile(
        self, digits: tuple[int, ...] | list[int]
    ) -> tuple[dict[str, frozenset], dict[str, str] | None]:
        """(answers, probe facts) of one profile given as one choice index per dimension."""
        answers, facts = {}, None
        for dim, i in zip(self.dims, digits):
            answer = dim.choices[int(i)].answer
            if dim.probe:
                facts = facts if facts is not None else {}
                facts[dim.name[len("probe:") :]] = answer
            elif answer is not None:
                answers[dim.name] = answer
        return answers, facts


def build_space(rules: RuleBase) -> AnswerSpace:
    by_question: dict[str, list[Condition]] = {}
    by_fact: dict[str, list[ProbeFact]] = {}
    for cond in scoring_conditions(rules):
        for atom in atoms(cond):
            if isinstance(atom, (Is, Unanswered)):
                by_question.setdefault(atom.question, []).append(atom)
            elif isinstance(atom, ProbeFact):
                by_fact.setdefault(atom.fact, []).append(atom)
    dims = [_question_dim(q, by_question[q.id]) for q in rules.questions if q.id in by_question]
    dims += [_probe_dim(fact, by_fact[fact]) for fact in sorted(by_fact)]
    unread = tuple(q.id for q in rules.questions if q.id not in by_question)
    full = prod(_answer_count(q) for q in rules.questions) * len(PROBE_STATUSES) ** len(by_fact)
    return AnswerSpace(tuple(dims), full, unread)


def _answer_count(q: Question) -> int:
    return 2 ** len(q.options) if q.kind == "multi" else len(q.options) + 1


def _question_dim(q: Question, found: list[Condition]) -> Dimension:
    value_sets = list(dict.fromkeys(a.values for a in found if isinstance(a, Is)))
    presence = any(isinstance(a, Unanswered) for a in found)
    if q.kind == "multi":
        candidates = _multi_candidates(q, value_sets)
    else:
        candidates = [
            Choice(UNANSWERED, None, 1),
            *(Choice(o, frozenset((o,)), 1) for o in q.option_ids),
        ]

    def signature(c: Choice) -> tuple:
        got = c.answer or frozenset()
        return (
            c.answer is not None if presence else None,
            tuple(not v.isdisjoint(got) for v in value_sets),
        )

    return Dimension(q.id, _merge(candidates, signature))


def _multi_candidates(q: Question, value_sets: list[frozenset[str]]) -> list[Choice]:
    """One candidate per set of option classes hit; options in one class are read alike by every atom."""
    classes: dict[tuple, list[str]] = {}
    for o in q.option_ids:
        classes.setdefault(tuple(o in v for v in value_sets), []).append(o)
    groups = list(classes.values())
    out = [Choice(UNANSWERED, None, 1)]
    for k in range(1, len(groups) + 1):
        for combo in itertools.combinations(groups, k):
            weight = prod(2 ** len(g) - 1 for g in combo)
            out.append(
                Choice("+".join(g[0] for g in combo), frozenset(g[0] for g in combo), weight)
            )
    return out


def _probe_dim(fact: str, found: list[ProbeFact]) -> Dimension:
    status_sets = list(dict.fromkeys(a.statuses for a in found))
    candidates = [
        Choice(s, s, 1) for s in ("absent", *(s for s in PROBE_STATUSES if s != "absent"))
    ]
    return Dimension(
        f"probe:{fact}",
        _merge(candidates, lambda c: tuple(c.answer in s for s in status_sets)),
        probe=True,
    )


def _merge(candidates: list[Choice], signature: Callable[[Choice], tuple]) -> tuple[Choice, ...]:
    """One representative per signature (the first), weighted by how many candidates it stands for."""
    groups: dict[tuple, list[Choice]] = {}
    for c in candidates:
        groups.setdefault(signature(c), []).append(c)
    out = []
    for members in groups.values():
        first = members[0]
        out.append(
            Choice(
                first.label if len(members) == 1 else f"{first.label} (+{len(members) - 1} alike)",
                first.answer,
                sum(m.weight for m in members),
                tuple(m.label for m in members),
            )
        )
    return tuple(out)
