"""The answer space split into independent parts, each small enough to enumerate.

Two dimensions belong to one part when some rule's ``when`` reads both, or when one is a follow-up
whose ``ask_when`` reads the other (its answer is dropped when ``ask_when`` fails, so it depends on
what that reads). Every rule then reads one part only, so a framework's score is a sum of one score
vector per part, and the parts vary independently: lint enumerates each part alone and combines them
(see :mod:`recommender.lint.exact`).
"""

from __future__ import annotations

from math import prod

import numpy as np

from recommender.lint.backends import VectorBackend
from recommender.lint.space import AnswerSpace
from recommender.scoring.table import Bits, Node, Table, leaves
from recommender.values import Value, frozen


@frozen
class Part(Value):
    dims: tuple[int, ...]  # indices into space.dims
    rules: tuple[int, ...]  # indices into rules.rules: the rules that read this part
    shape: tuple[int, ...]  # merged choices per dimension

    @property
    def size(self) -> int:
        """Distinct partial profiles: what enumerating this part costs."""
        return prod(self.shape)


@frozen
class Enumerated(Value):
    """Each distinct partial profile of a part: its choice digits, real weight and fired rules."""

    part: Part
    digits: np.ndarray  # (size, len(part.dims)) choice indices, C order over part.shape
    weight: np.ndarray  # (size,) int64: real answers each stands for
    fire: np.ndarray  # (size, len(part.rules)) booleans


def split(table: Table, space: AnswerSpace) -> list[Part]:
    """The independent parts, in dimension order; rules that read nothing share an empty part."""
    parent = list(range(len(space.dims)))

    def root(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    def link(ds: list[int]) -> None:
        for d in ds[1:]:
            parent[root(d)] = root(ds[0])

    for node in table.when:
        link(_dims_read(table, node, space))
    names = {d.name for d in space.dims}
    for mask, node in table.asks:
        question = table.owner(Bits(mask)).id
        if question in names:
            link([space.index(question), *_dims_read(table, node, space)])
    groups: dict[int, list[int]] = {}
    for d in range(len(space.dims)):
        groups.setdefault(root(d), []).append(d)
    rules_of: dict[int, list[int]] = {}
    for i, node in enumerate(table.when):
        read = _dims_read(table, node, space)
        rules_of.setdefault(root(read[0]) if read else -1, []).append(i)
    parts = [
        Part(tuple(ds), tuple(rules_of.get(key, ())), tuple(len(space.dims[d].choices) for d in ds))
        for key, ds in groups.items()
    ]
    if -1 in rules_of:
        parts.append(Part((), tuple(rules_of[-1]), ()))
    return parts


def enumerate_part(table: Table, space: AnswerSpace, part: Part) -> Enumerated:
    digits = (
        np.indices(part.shape, dtype=np.int32).reshape(len(part.shape), -1).T
        if part.shape
        else np.zeros((1, 0), dtype=np.int32)
    )
    weight = np.ones(len(digits), dtype=np.int64)
    for column, d in enumerate(part.dims):
        weight *= np.array([c.weight for c in space.dims[d].choices], dtype=np.int64)[
            digits[:, column]
        ]
    fire = VectorBackend(table, space, dims=part.dims, only=part.rules).fire(digits)
    return Enumerated(part, digits, weight, fire)


def _dims_read(table: Table, node: Node, space: AnswerSpace) -> list[int]:
    names = {table.owner(leaf).id for leaf in leaves(node)}
    return [i for i, d in enumerate(space.dims) if d.name in names]
