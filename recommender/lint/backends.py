"""How lint scores many profiles at once. A backend answers one question: which rules fire in each profile.

``engine`` runs :class:`recommender.scoring.engine.Scorer` profile by profile: the reference, slow but obviously right.
``vector`` evaluates each condition once for a whole block of profiles with numpy; a test keeps the two equal.
When the batch scorer (``recommender.scoring.compiled.CompiledRules``) lands, it becomes one more entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from recommender.lint.space import AnswerSpace
from recommender.rulebase.conditions import (
    All,
    Always,
    AnyOf,
    Condition,
    Is,
    Not,
    ProbeFact,
    Unanswered,
)
from recommender.rulebase.model import RuleBase
from recommender.scoring.engine import Scorer


class Backend(Protocol):
    def fire(self, digits: np.ndarray) -> np.ndarray:
        """``digits`` is (profiles, dimensions) choice indices; the result is (profiles, rules) booleans."""


class EngineBackend:
    """One :meth:`Scorer.totals` call per profile, exactly as ``recommend`` scores."""

    def __init__(self, rules: RuleBase, space: AnswerSpace) -> None:
        self.space, self.scorer = space, Scorer(rules)
        self.column = {r.id: i for i, r in enumerate(rules.rules)}

    def fire(self, digits: np.ndarray) -> np.ndarray:
        out = np.zeros((len(digits), len(self.column)), dtype=bool)
        for n, row in enumerate(digits):
            answers, facts = self.space.profile(row)
            for rule in self.scorer.totals(answers, facts)[2]:
                out[n, self.column[rule.id]] = True
        return out


class VectorBackend:
    """Each condition atom becomes a lookup table over its dimension's choices; conditions become array logic."""

    def __init__(
        self,
        rules: RuleBase,
        space: AnswerSpace,
        dims: Sequence[int] | None = None,
        only: Sequence[int] | None = None,
    ) -> None:
        """``dims``: the dimensions the digit columns stand for (default all); ``only``: the rules to evaluate.

        Exact lint enumerates one independent part of the space at a time, so it passes that part's dimensions
        and rules; follow-ups outside the part cannot touch it and are left out.
        """
        self.space, self.rules = space, rules
        self.columns = list(range(len(space.dims))) if dims is None else list(dims)
        self.dim = {space.dims[d].name: c for c, d in enumerate(self.columns)}
        self.only = list(range(len(rules.rules))) if only is None else list(only)
        self.follow_ups = [
            (self.dim[q.id], q.ask_when)
            for q in rules.questions
            if q.ask_when is not None and q.id in self.dim
        ]

    def fire(self, digits: np.ndarray) -> np.ndarray:
        digits = digits.copy()
        for c, ask_when in self.follow_ups:  # same order and effect as Scorer.applicable
            asked = self._eval(ask_when, digits)
            digits[~asked, c] = self.space.dims[self.columns[c]].unanswered
        out = np.empty((len(digits), len(self.only)), dtype=bool)
        for i, r in enumerate(self.only):
            out[:, i] = self._eval(self.rules.rules[r].when, digits)
        return out

    def _eval(self, cond: Condition, digits: np.ndarray) -> np.ndarray:
        if isinstance(cond, (All, AnyOf)):
            parts = [self._eval(p, digits) for p in cond.parts]
            return (
                np.logical_and.reduce(parts)
                if isinstance(cond, All)
                else np.logical_or.reduce(parts)
            )
        if isinstance(cond, Not):
            return ~self._eval(cond.part, digits)
        if isinstance(cond, Always):
            return np.ones(len(digits), dtype=bool)
        d, table = self._table(cond)
        return table[digits[:, d]]

    def _table(self, atom: Condition) -> tuple[int, np.ndarray]:
        """The atom's truth value for each choice of the one dimension it reads."""
        if isinstance(atom, ProbeFact):
            c = self.dim[f"probe:{atom.fact}"]
            choices = self.space.dims[self.columns[c]].choices
            return c, np.array([atom.test({}, {atom.fact: str(ch.answer)}) for ch in choices])
        if not isinstance(atom, (Is, Unanswered)):
            raise TypeError(f"lint cannot vectorise the condition {atom!r}")
        c = self.dim[atom.question]
        dim = self.space.dims[self.columns[c]]
        return c, np.array(
            [
                atom.test({dim.name: ch.answer} if ch.answer is not None else {})  # type: ignore[dict-item]
                for ch in dim.choices
            ]
        )


class CompiledBackend:
    """batch's scorer (``recommender.scoring.compiled.CompiledRules``): signatures per profile, fired sets per chunk."""

    def __init__(self, rules: RuleBase, space: AnswerSpace) -> None:
        from recommender.scoring.compiled import CompiledRules  # lands with the batch branch

        self.space, self.compiled = space, CompiledRules(rules)

    def fire(self, digits: np.ndarray) -> np.ndarray:
        groups: dict[tuple, tuple[dict[str, str] | None, list[int], list[int]]] = {}
        for n, row in enumerate(digits):
            answers, facts = self.space.profile(row)
            key = tuple(sorted(facts.items())) if facts is not None else ()
            group = groups.setdefault(key, (facts, [], []))
            group[1].append(n)
            group[2].append(self.compiled.signature(answers, facts))
        out = np.zeros((len(digits), len(self.compiled.rule_ids)), dtype=bool)
        for facts, rows, sigs in groups.values():
            for n, fired in zip(rows, self.compiled.fired(sigs, facts)):
                out[n, list(fired)] = True
        return out


BACKENDS: dict[str, Callable[[RuleBase, AnswerSpace], Backend]] = {
    "vector": VectorBackend,
    "engine": EngineBackend,
    "compiled": CompiledBackend,
}
DEFAULT = "vector"  # the fastest for lint (see benchmarks/bench_lint.py); any name above works
