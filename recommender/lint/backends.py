"""How lint finds the rules that fire in many profiles at once: the scoring table's two paths.

``vector`` runs the table's numpy path (:class:`recommender.scoring.table.Vector`) on a whole block;
``scalar`` runs :meth:`recommender.scoring.table.Table.fired_one` profile by profile, exactly as
``recommend`` does: the slow reference the vector path is tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from recommender.lint.space import AnswerSpace
from recommender.scoring.table import Table


class Backend(Protocol):
    def fire(self, digits: np.ndarray) -> np.ndarray:
        """``digits``: (profiles, dimensions) choice indices; returns (profiles, rules) bools."""


class VectorBackend:
    """Signatures built as uint64 words from per-choice tables, then the table's vector path."""

    def __init__(
        self,
        table: Table,
        space: AnswerSpace,
        dims: Sequence[int] | None = None,
        only: Sequence[int] | None = None,
    ) -> None:
        """``dims``: the dimensions the digit columns stand for (default all); ``only``: the
        rules to report. Exact lint enumerates one independent part of the space at a time, so it
        passes that part's dimensions and rules; the other questions stay unanswered."""
        self.vector = table.vector()
        self.columns = list(range(len(space.dims))) if dims is None else list(dims)
        self.choice_words = [
            np.stack([self.vector.words_of(c.bits) for c in space.dims[d].choices])
            for d in self.columns
        ]
        self.only = list(range(len(table.when))) if only is None else list(only)

    def fire(self, digits: np.ndarray) -> np.ndarray:
        words = np.zeros((len(digits), self.vector.words), dtype=np.uint64)
        for c, table in enumerate(self.choice_words):
            words |= table[digits[:, c]]
        fired = self.vector.fired_matrix(self.vector.applicable(words))
        return fired[:, self.only]


class ScalarBackend:
    """One :meth:`Table.fired_one` call per profile, exactly as ``recommend`` scores."""

    def __init__(self, table: Table, space: AnswerSpace) -> None:
        self.table, self.space = table, space

    def fire(self, digits: np.ndarray) -> np.ndarray:
        out = np.zeros((len(digits), len(self.table.when)), dtype=bool)
        for n, row in enumerate(digits):
            sig = self.table.applicable(self.space.signature(row))
            out[n, list(self.table.fired_one(sig))] = True
        return out


BACKENDS: dict[str, Callable[[Table, AnswerSpace], Backend]] = {
    "vector": VectorBackend,
    "scalar": ScalarBackend,
}
DEFAULT = "vector"  # the fast one; "scalar" is the reference
