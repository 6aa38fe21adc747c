"""How sure a result is: ``none``, ``close`` or ``clear``, computed exactly from the scoring table.

* ``none``: nothing but the default lean separates the frameworks (:attr:`Outcome.lean_only`): none
  is excluded and, without the points of the rules marked ``lean: true``, all score the same. No
  winner is named; :func:`deciding` names the questions whose answers would separate them most.
* ``close``: a tie; or the winner leads by the lean alone; or one single different answer to a
  question that is asked (another option, one option ticked or unticked, the answer cleared; see
  :mod:`recommender.scoring.explore`) would give another framework that is not excluded now at
  least the winner's points, either without the lean or with it (a rule base whose lean can
  outweigh a real reason: lean points for several frameworks, or points finer than the lean, so
  one answer can hand a rival the lead by the lean, and that is not a clear call). A deal-breaker
  is a constraint, not a margin: a rival excluded now stays out, and a rival the answer would
  exclude does not catch up under it. :func:`swings` names those answers (none when a rival is
  level already).
* ``clear``: every other result, including "every framework is excluded".

Points are whole millionths, so every comparison is exact. :func:`levels` decides a list of
results; with a :class:`~recommender.scoring.table.Vector` it tests the single different answers
of every profile at once with numpy (batch), and a property test pins that path to the scalar one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from itertools import combinations, permutations
from typing import Any

from recommender.rulebase.model import Question
from recommender.scoring.explore import Alternative, Change, every_alternative, unticks
from recommender.scoring.table import Node, Outcome, Table, Vector
from recommender.values import Value, frozen

NONE, CLOSE, CLEAR = "none", "close", "clear"
LEVELS = (NONE, CLOSE, CLEAR)
DECIDING = 3  # questions named when nothing decides


def level(table: Table, sig: int, o: Outcome, given: int | None = None) -> str:
    """The confidence of one result (``o`` is the outcome of ``sig``; ``given``, the signature as
    given, with the answers to follow-ups that do not apply: see
    :func:`~recommender.scoring.explore.alternatives`)."""
    return _quick(table, o) or (CLOSE if next(_swung(table, sig, o, given), None) else CLEAR)


def levels(
    table: Table,
    sigs: Sequence[int],
    outcomes: Sequence[Outcome],
    vector: Vector | None = None,
    given: Sequence[int] | None = None,
) -> list[str]:
    """:func:`level` of each (signature, outcome, signature as given); ``vector`` tests the
    alternatives with numpy."""
    out = [_quick(table, o) for o in outcomes]
    todo = [i for i, found in enumerate(out) if found is None]
    if todo:
        some = [sigs[i] for i in todo]
        these = [outcomes[i] for i in todo]
        raw = some if given is None else [given[i] for i in todo]
        if vector is None:
            triples = zip(some, these, raw, strict=True)
            caught = [next(_swung(table, s, o, g), None) is not None for s, o, g in triples]
        else:
            caught = _caught_many(vector, some, these, raw)
        for i, close in zip(todo, caught, strict=True):
            out[i] = CLOSE if close else CLEAR
    return out  # type: ignore[return-value]


def _quick(table: Table, o: Outcome) -> str | None:
    """The level when no alternative answer needs scoring, else None."""
    if o.lean_only:
        return NONE
    real = o.real
    if o.tie:
        return CLOSE
    if o.winner is None:
        return CLEAR
    win = table.ids.index(o.winner)
    rivals = [s for k, s in enumerate(real) if k != win and not o.blocked >> k & 1]
    if not rivals:
        return CLEAR
    return CLOSE if max(rivals) >= real[win] else None


def by_lean(table: Table, o: Outcome) -> bool:
    """The winner leads only by the lean: without it, a rival scores as much."""
    return bool(level_rivals(table, o))


def level_rivals(table: Table, o: Outcome) -> tuple[str, ...]:
    """The rivals not excluded that score at least the winner's points without the lean, in
    ranking order: those the winner leads only by the lean. They need not be the runner-up on
    points: with lean points for several frameworks, the runner-up may trail without them."""
    if o.winner is None or o.lean_only:
        return ()
    real = o.real
    win = real[table.ids.index(o.winner)]
    return tuple(table.ids[k] for k in _rivals(table, o) if real[k] >= win)


def ahead_without_lean(table: Table, o: Outcome) -> tuple[tuple[str, int], ...]:
    """Of :func:`level_rivals`, those ahead of the winner without the lean, each with how far
    (whole millionths), in ranking order: where the lean outweighs a real reason, the winner
    leads them only by its points, and "leads X only by the lean" alone would hide that X is
    ahead on the real reasons."""
    if o.winner is None or o.lean_only:
        return ()
    real = o.real
    win = real[table.ids.index(o.winner)]
    return tuple((table.ids[k], real[k] - win) for k in _rivals(table, o) if real[k] > win)


def tie_without_lean(table: Table, o: Outcome) -> tuple[tuple[str, ...], int] | None:
    """For a tie on the points that the lean makes (the frameworks tied differ without it): the
    tied frameworks that lead without the lean, and by how much over the next one tied (whole
    millionths); None for a tie on the real reasons too, and for no tie. The decision stays on the
    points, lean included, as everywhere; this says what the tie rests on."""
    if not o.tie or o.lean_only:
        return None
    real = [o.real[table.ids.index(f)] for f in o.tie]
    top = max(real)
    rest = [r for r in real if r != top]
    if not rest:
        return None
    leaders = tuple(f for f, r in zip(o.tie, real, strict=True) if r == top)
    return leaders, top - max(rest)


def _rivals(table: Table, o: Outcome) -> list[int]:
    """The frameworks not excluded now, other than the winner."""
    return [k for k in o.contenders if table.ids[k] != o.winner]


def _swung(
    table: Table, sig: int, o: Outcome, given: int | None = None
) -> Iterator[tuple[int, Alternative, Outcome]]:
    """(how far the best rival gets ahead without the lean, the answer, its outcome) for each
    single different answer that lets a rival reach the winner's points, without the lean or
    with it (a rival excluded now, or by the answer, does not count). Counting the lean too
    matters only where it can outweigh a real reason: there one answer can hand a rival the lead
    by the lean while the winner still leads on the real reasons, and the call was named clear."""
    rivals = _rivals(table, o)
    if o.winner is None or not rivals:
        return
    win = table.ids.index(o.winner)
    for alt in every_alternative(table, sig, given):
        changed = table.outcome(table.fired([alt.sig], near=sig)[0])
        standing = [k for k in rivals if not changed.blocked >> k & 1]
        if not standing:
            continue
        real, total = changed.real, changed.scores
        ahead = max(real[k] for k in standing) - real[win]
        if ahead >= 0 or max(total[k] for k in standing) >= total[win]:
            yield ahead, alt, changed


def swings(table: Table, sig: int, o: Outcome, given: int | None = None) -> tuple[Change, ...]:
    """The single different answers that would let another framework catch the winner, furthest
    ahead first (then in question order), each with the outcome it would lead to. None when a
    rival has caught up already (the winner leads by the lean alone): every answer, one that
    changes nothing included, would "let" it, so naming them would say nothing."""
    if by_lean(table, o):
        return ()
    found = sorted(_swung(table, sig, o, given), key=lambda item: -item[0])
    return tuple(
        Change(
            alt.question,
            alt.change,
            alt.answer,
            *table.as_reported(changed),
            breaks=changed.blocked != o.blocked,
        )
        for _, alt, changed in found
    )


def deciding(
    table: Table, sig: int, given: int | None = None, n: int = DECIDING
) -> tuple[str, ...]:
    """The questions whose single different answers would separate the frameworks most: by the
    largest lead (lean not counted) one answer to them gives, then in question order. Only an
    answer that names a winner counts: with the lean's points, a lead can end in a tie. Every
    answer that names one counts, with no lead on the real reasons too (a winner by deal-breakers,
    or by lean points that outweigh a real one): "answer these to get a recommendation" is true
    of it, and "no single answer separates them" would not be."""
    lead: dict[str, int] = {}
    for alt in every_alternative(table, sig, given):
        o = table.outcome(table.fired([alt.sig], near=sig)[0])
        if table.reported(o)[0] is None:
            continue
        real = sorted((o.real[k] for k in o.contenders), reverse=True)
        gap = real[0] - real[1] if len(real) > 1 else 0
        lead[alt.question] = max(lead.get(alt.question, 0), gap)
    ranked = sorted(lead, key=lambda q: -lead[q])
    return tuple(ranked[:n])


# -- the numpy path ---------------------------------------------------------------------------
@frozen
class Reach(Value):
    """What changing one question's answer can touch: the follow-ups it can open or close (in
    question order, as (option bits, lowered ask_when)) and the rules that read either."""

    question: Question
    asks: tuple[tuple[int, Node], ...]
    rules: tuple[int, ...]
    # the most one different answer can gain any framework over another (lean not counted): a
    # rule read turns on or off, so the gain is at most the sum of its point differences
    swing: int
    swing_all: int  # the same, the lean counted
    # the bits of a row that its alternatives and the rules above read (the question, its
    # ask_when, the follow-ups it moves and their ask_when), and the follow-ups' option bits
    # whose given answers it can put back: rows alike in these are alike for this question
    reads: int
    opens: int


@functools.lru_cache(maxsize=8)
def _reach(table: Table) -> tuple[Reach, ...]:
    """Per question: the rules and follow-ups a different answer to it can change (built once
    per table). A rule reading none of them fires alike before and after.

    The questions that can move the scores most come first: they catch most close rows, which
    are then not tested again, and the rows left lead by more than the later questions can
    swing. In question order a CSV batch spent ~50% more time on confidence
    (``benchmarks/bench_batch.py --phases``)."""
    reads = [table.reads(r.when) for r in table.rules.rules]
    k = len(table.ids)
    conds = {q.id: q.ask_when for q in table.rules.questions if q.ask_when}
    asked = {f: table.reads(c) for f, c in conds.items()}
    out = []
    for q in table.rules.questions:
        moved = {q.id}
        while grown := {f for f, on in asked.items() if on & moved} - moved:
            moved |= grown
        asks = tuple((table.dim[f].mask, table.lower(conds[f]))
                     for f in asked if f in moved and f != q.id)  # fmt: skip
        rules = tuple(r for r, on in enumerate(reads) if on & moved)
        counted = [table.points[r] for r in rules if r not in table.lean]
        every = [table.points[r] for r in rules]
        moves = [f for f in asked if f in moved and f != q.id]
        opens = sum(table.dim[f].mask for f in moves)
        seen = table.dim[q.id].mask | table.bits_read(q.ask_when) | opens
        for bits in [*(table.read[r] for r in rules), *(table.bits_read(conds[f]) for f in moves)]:
            seen |= bits
        out.append(Reach(q, asks, rules, _most(counted, k), _most(every, k), seen, opens))
    return tuple(sorted(out, key=lambda reach: -reach.swing))  # stable: then question order


@functools.lru_cache(maxsize=8)
def lean_can_outweigh(table: Table) -> bool:
    """Whether the lean can ever count apart from the real reasons: a rival that reaches the
    winner's points with the lean but not without it. Real scores differ by whole multiples of
    the greatest common divisor of the real points; when every lean rule firing at once gives no
    framework that much over another, a rival level or ahead on the points is level or ahead
    without the lean too (the shipped rules: whole real points, a half-point lean). Then the
    batch path skips scoring every alternative a second time, with the lean."""
    lean = set(table.lean)
    step = math.gcd(*(p for r, row in enumerate(table.points) if r not in lean for p in row))
    rows = [table.points[r] for r in table.lean]
    pairs = permutations(range(len(table.ids)), 2)
    most = max((sum(max(0, p[a] - p[b]) for p in rows) for a, b in pairs), default=0)
    return step > 0 and most >= step


def _most(points: list[tuple[int, ...]], k: int) -> int:
    """The most these rules' points can move one of ``k`` frameworks against another."""
    pairs = combinations(range(k), 2)
    return max((sum(abs(p[a] - p[b]) for p in points) for a, b in pairs), default=0)


def _caught_many(
    vector: Vector, sigs: list[int], outcomes: list[Outcome], given: list[int]
) -> list[bool]:
    """For each result with a winner and a rival: whether a single different answer lets a rival
    reach the winner's points, without the lean or with it (``next(_swung(...))`` for every row
    at once). Question by question, only the rows not caught yet are tested, and only the rules
    the question can touch are re-tested: the others' points stay as they are. A row whose
    winner leads by more than the question's :attr:`Reach.swing` (and, the lean counted, by more
    than :attr:`Reach.swing_all`) cannot be caught by it and is not tested (most clear rows skip
    most questions)."""
    np = vector.np
    table = vector.table
    k = len(table.ids)
    words = vector.matrix(sigs)
    win = np.array([table.ids.index(o.winner) for o in outcomes], dtype=np.intp)
    blocked = np.array([o.blocked for o in outcomes], dtype=np.int64)
    rival = (blocked[:, None] >> np.arange(k)[None, :]) & 1 == 0
    rival[np.arange(len(sigs)), win] = False
    real = np.array([o.real for o in outcomes], dtype=np.int64).reshape(len(sigs), k)
    total = np.array([o.scores for o in outcomes], dtype=np.int64).reshape(len(sigs), k)
    lowest = np.iinfo(np.int64).min
    rows = np.arange(len(sigs))
    lead = real[rows, win] - np.where(rival, real, lowest).max(axis=1)
    with_lean = lean_can_outweigh(table)
    lead_all = total[rows, win] - np.where(rival, total, lowest).max(axis=1)
    if not with_lean:  # a rival level with the lean is level without it: no row is near by it
        lead_all[:] = np.iinfo(np.int64).max
    caught = np.zeros(len(sigs), dtype=bool)
    live = np.arange(len(sigs))
    breakers = [r for r, bits in enumerate(table.breaks) if bits]  # the deal-breaker rules
    fired_breakers = vector.rules_matrix(words, breakers)  # as they fire now
    for reach in _reach(table):
        # the rows this question could catch
        near = live[(lead[live] <= reach.swing) | (lead_all[live] <= reach.swing_all)]
        if not len(near) or not reach.rules:
            continue
        rows = near.tolist()
        after, after_all, excluded = _after(
            vector,
            reach,
            ([sigs[i] for i in rows], [given[i] for i in rows]),
            (real[near], total[near] if with_lean else None),
            breakers,
            fired_breakers[near],
        )
        standing = rival[near][None, :, :] & ~excluded  # an answer that excludes a rival: out
        for changed in (after, after_all) if with_lean else (after,):
            mine = np.take_along_axis(changed, win[near][None, :, None], axis=2)[:, :, 0]
            best = np.where(standing, changed, lowest).max(axis=2)
            caught[near[(best >= mine).any(axis=0)]] = True
        live = live[~caught[live]]
    return caught.tolist()


def _after(
    vector: Vector,
    reach: Reach,
    rows: tuple[list[int], list[int]],
    now: tuple[Any, Any | None],
    breakers: list[int],
    fired_breakers: Any,
) -> tuple[Any, Any, Any]:
    """Alternatives x rows x frameworks: the scores after each single different answer to the
    question, for the rows (signatures, and as given), without the lean and with it (``now``:
    rows x frameworks, each as it is; None for the one with it leaves it uncomputed), from the
    rules it can touch, and which frameworks it leaves excluded (the deal-breaker rules it
    cannot touch, ``breakers``, fire as now: ``fired_breakers``, rows x those rules)."""
    np = vector.np
    table = vector.table
    # Scored once per distinct row as the question sees it (Reach.reads, Reach.opens), then
    # spread back to the rows: of a chunk's ~900 rows that the first question tests, it sees
    # ~330 distinct ones on bench_batch's shipped mix and 18 on issue 9's survey. That took
    # 12,034 instructions off a CSV row on the first (2.8%), 14,885 on the second (4.2%)
    # (benchmarks/instructions.py --rows 500).
    mine, mine_given, inverse = _distinct(vector, reach, *rows)
    block = _alternatives(vector, reach, mine, mine_given)
    rules = list(reach.rules)
    fired_now = vector.rules_matrix(mine, rules)
    after = vector.rules_matrix(block, rules).reshape(-1, len(mine), len(rules))
    points = vector.points[rules]
    real_points = points.copy()
    real_points[[i for i, r in enumerate(rules) if r in table.lean]] = 0.0
    moved = after.astype(np.float64) - fired_now[None, :, :]
    touched = set(rules)
    kept = [j for j, r in enumerate(breakers) if r not in touched]
    blocked = np.bitwise_or.reduce(
        np.where(fired_breakers[:, kept], vector.breaks[[breakers[j] for j in kept]], 0),
        axis=1,
        initial=0,
    )[None, :]
    inside = [i for i, r in enumerate(rules) if table.breaks[r]]
    if inside:
        breaks = vector.breaks[[rules[i] for i in inside]]
        made = np.bitwise_or.reduce(np.where(after[:, :, inside], breaks, 0), axis=2, initial=0)
        blocked = blocked | made[:, inverse]
    excluded = (blocked[:, :, None] >> np.arange(len(table.ids), dtype=np.int64)) & 1 == 1
    real, total = now
    gained = (moved @ real_points).astype(np.int64)[:, inverse]
    if total is None:
        return real[None, :, :] + gained, None, excluded
    gained_all = (moved @ points).astype(np.int64)[:, inverse]
    return real[None, :, :] + gained, total[None, :, :] + gained_all, excluded


def _distinct(
    vector: Vector, reach: Reach, sigs: list[int], given: list[int]
) -> tuple[Any, Any | None, Any]:
    """The distinct rows as ``reach``'s question sees them (their bits in :attr:`Reach.reads`,
    and the given answers in :attr:`Reach.opens`) as signature matrices, and for each row its
    index among them. A dict of ints: ``numpy.unique`` over the rows' words (a sort of void
    records) cost nearly all the scoring it saved (79.6k against 78.2k instructions a row for
    the step, 73.2k this way)."""
    seen: dict[tuple[int, int], int] = {}
    reads, opens = reach.reads, reach.opens
    pairs = zip(sigs, given, strict=True)
    inverse = [seen.setdefault((s & reads, g & opens), len(seen)) for s, g in pairs]
    mine = vector.matrix([s for s, _ in seen])
    opened = vector.matrix([g for _, g in seen]) if opens else None
    return mine, opened, vector.np.array(inverse, dtype=vector.np.intp)


def _alternatives(vector: Vector, reach: Reach, words: Any, given: Any = None) -> Any:
    """The single different answers to the question of every row, stacked (alternatives x rows,
    then words), follow-ups re-checked; a row whose question is not asked keeps its signature.
    Per option, as :func:`~recommender.scoring.explore.alternatives`: unticked when ticked (multi),
    else ticked, unticking what :func:`~recommender.scoring.explore.unticks` says (a single
    question's option already chosen gives the row itself, which cannot catch the winner); then
    the answer cleared.

    ``given`` (the rows as given) puts back the answers to the follow-ups this question can open,
    dropped now: an answer that opens one makes its given answer apply again. The follow-ups it
    cannot open stay dropped, as :meth:`~recommender.scoring.table.Table.applicable` would leave
    them."""
    np = vector.np
    q = reach.question
    dim = vector.table.dim[q.id]
    base = words
    if given is not None and reach.asks:
        opened = 0
        for mask, _ in reach.asks:
            opened |= mask
        base = words | (given & vector.words_of(opened)[None, :])
    made = []
    for bit, _ in dim.options:
        b = vector.words_of(bit)[None, :]
        ticked = base & ~vector.words_of(unticks(dim, bit))[None, :] | b
        if dim.multi:
            on = ((base & b) != 0).any(axis=1)
            made.append(np.where(on[:, None], base & ~b, ticked))
        else:
            made.append(ticked)
    # cleared: for a multi answer of one tick (or none) the same as a row above, or the row
    # itself, which cannot catch the winner either
    made.append(base & ~vector.words_of(dim.mask)[None, :])
    block = np.stack(made)
    if q.ask_when is not None:
        asked = vector.holds(vector.table.lower(q.ask_when), words)
        block[:, ~asked, :] = words[~asked]
    block = block.reshape(-1, words.shape[1])
    for mask, node in reach.asks:  # Table.applicable, for the follow-ups this answer can move
        m = vector.words_of(mask)
        drop = ((block & m[None, :]) != 0).any(axis=1) & ~vector.holds(node, block)
        block[drop] &= ~m
    return block
