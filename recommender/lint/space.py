"""The answer space lint searches: one dimension per question (or probe fact) that some condition
reads, on the scoring table's signature bits.

Two answers to a question are interchangeable when every mask test on that question gives the same
result for both, so only one representative of each such class is scored and it carries the number
of real answers it stands for (its weight). A question no ``when:`` or ``ask_when:`` reads is not a
dimension at all: its answer cannot change any score.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from math import prod

from recommender.errors import UserError
from recommender.lint import LIMIT
from recommender.rulebase.conditions import PROBE_STATUSES
from recommender.rulebase.model import Question
from recommender.scoring.table import Dim, Node, Table, leaves
from recommender.values import Value, frozen

UNANSWERED = "(unanswered)"


@frozen
class Choice(Value):
    label: str
    bits: int  # the option bits this answer sets in a signature (0: unanswered)
    weight: int  # how many real answers this representative stands for
    members: tuple[str, ...] = ()  # the labels of the answers it stands for


@frozen
class Dimension(Value):
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


def scoring_nodes(table: Table) -> list[Node]:
    """Every lowered condition that can change a score: rules' ``when`` and follow-ups' ``ask_when``
    (not ``pick_when``, which only picks a companion)."""
    return [*table.when, *(node for _, node in table.asks)]


def masks_by_dim(table: Table, nodes: list[Node]) -> dict[str, list[int]]:
    """Per dimension of the table, the distinct mask tests the nodes make on it."""
    out: dict[str, list[int]] = {}
    for node in nodes:
        for leaf in leaves(node):
            dim = table.owner(leaf)
            masks = out.setdefault(dim.id, [])
            if leaf.mask not in masks:
                masks.append(leaf.mask)
    return out


@frozen
class AnswerSpace(Value):
    dims: tuple[Dimension, ...]
    full_size: int  # every real profile: each answer (and unanswered) of every question, probes too
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

    def signature(self, digits: Iterator[int] | list[int] | tuple[int, ...]) -> int:
        """The signature of one profile given as one choice index per dimension."""
        sig = 0
        for dim, i in zip(self.dims, digits, strict=True):
            sig |= dim.choices[int(i)].bits
        return sig


def build_space(table: Table, limit: int = LIMIT) -> AnswerSpace:
    """Raises :class:`UserError` when a multi question's answers lint tells apart number more than
    ``limit`` (at least :data:`LIMIT`): listing them is itself the cost lint bounds."""
    read = masks_by_dim(table, scoring_nodes(table))
    dims = [
        _question_dim(q, table.dim[q.id], read[q.id], max(limit, LIMIT))
        for q in table.rules.questions
        if q.id in read
    ]
    probes = [d for d in table.dims if d.probe and d.id in read]
    dims += [_probe_dim(d, read[d.id]) for d in probes]
    unread = tuple(q.id for q in table.rules.questions if q.id not in read)
    full = prod(_answer_count(q) for q in table.rules.questions) * len(PROBE_STATUSES) ** len(
        probes
    )
    return AnswerSpace(tuple(dims), full, unread)


def _answer_count(q: Question) -> int:
    """Unanswered and every valid answer: a multi answer is any set of the options that do not
    stand alone, or one that does (``exclusive``)."""
    if q.kind != "multi":
        return len(q.options) + 1
    alone = sum(o.exclusive for o in q.options)
    return 2 ** (len(q.options) - alone) + alone


def _question_dim(q: Question, dim: Dim, masks: list[int], limit: int) -> Dimension:
    if dim.multi:
        candidates = _multi_candidates(q, dim, masks, limit)
    else:
        candidates = [Choice(UNANSWERED, 0, 1), *(Choice(o, b, 1) for b, o in dim.options)]
    return Dimension(q.id, _merge(candidates, lambda c: tuple(bool(c.bits & m) for m in masks)))


def _multi_candidates(q: Question, dim: Dim, masks: list[int], limit: int) -> list[Choice]:
    """One candidate per set of option classes hit; options in one class are read alike by every
    mask test. An option that stands alone (``exclusive``) is only ever an answer by itself.

    There are 2 ** classes of them, so they are counted before any is built: over ``limit``, the
    question is refused (a 2.7 KB overlay with 26 options read apart made 67 million)."""
    classes: dict[tuple[bool, ...], list[tuple[int, str]]] = {}
    for bit, o in dim.options:
        if not bit & dim.exclusive:
            classes.setdefault(tuple(bool(bit & m) for m in masks), []).append((bit, o))
    groups = list(classes.values())
    alone = sum(bool(bit & dim.exclusive) for bit, _ in dim.options)
    count = 2 ** len(groups) + alone
    if count > limit:
        where = q.origin
        read = (
            f"{len(groups)} options"
            if len(groups) == len(dim.options) - alone
            else f"{len(groups)} groups of options"
        )
        raise UserError(
            f'question "{q.id}": the conditions tell {read} of this multi question apart, '
            f"{count:,} answers for lint to enumerate, over lint's limit of {limit:,} (--limit); "
            "split it into smaller questions, or have the rules read its options in fewer groups",
            where.file if where else None,
            where.line if where else None,
            where.col if where else None,
        )
    out = [Choice(UNANSWERED, 0, 1)]
    for k in range(1, len(groups) + 1):
        for combo in itertools.combinations(groups, k):
            weight = prod(2 ** len(g) - 1 for g in combo)
            label = "+".join(g[0][1] for g in combo)
            out.append(Choice(label, sum(g[0][0] for g in combo), weight))
    return out + [Choice(o, bit, 1) for bit, o in dim.options if bit & dim.exclusive]


def _probe_dim(dim: Dim, masks: list[int]) -> Dimension:
    statuses = {o: b for b, o in dim.options}
    order = ("absent", *(s for s in PROBE_STATUSES if s != "absent"))
    candidates = [Choice(s, statuses[s], 1) for s in order]
    merged = _merge(candidates, lambda c: tuple(bool(c.bits & m) for m in masks))
    return Dimension(dim.id, merged, probe=True)


def _merge(
    candidates: list[Choice], signature: Callable[[Choice], tuple[bool, ...]]
) -> tuple[Choice, ...]:
    """One representative per signature (the first), weighted by how many it stands for."""
    groups: dict[tuple[bool, ...], list[Choice]] = {}
    for c in candidates:
        groups.setdefault(signature(c), []).append(c)
    out = []
    for members in groups.values():
        first = members[0]
        alike = len(members) - 1
        label = first.label if not alike else f"{first.label} (+{alike} alike)"
        weight = sum(m.weight for m in members)
        out.append(Choice(label, first.bits, weight, tuple(m.label for m in members)))
    return tuple(out)
