"""The rule base compiled to bit masks, for scoring many normalised profiles at once.

A profile is encoded as a *signature*: one Python ``int`` with one bit per (question, option). Every condition
is lowered to tests on that integer (``sig & mask != 0``), so no rule text is ever evaluated and the tests are
the same under both backends:

* ``numpy`` (when importable): a chunk of signatures becomes an ``N x words`` uint64 matrix; each distinct mask
  test is one vectorised AND over the chunk; rule scores are one ``fired @ points`` matrix product.
* ``python`` (the fallback; numpy is not a dependency): an inverted index from each option bit to the rules it
  fires, plus a closure per compound condition, so a profile costs its answered options, not every rule.

Both memoise the fired rules per distinct signature, so repeated profiles are scored once.

The fast path for "score N profiles -> winners" (``batch``, exhaustive ``rules lint``)::

    compiled = CompiledRules(rules)
    sigs = [compiled.signature(answers) for answers in profiles]   # normalised answers -> int
    compiled.outcomes(sigs)                                          # [(winner, tie), ...]

Probe facts are constant for a run, so ``{probe: ...}`` conditions fold to constants: every method takes an
optional ``facts`` mapping ``{"framework.check": status}`` and keeps one compiled program per distinct facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import fsum
from typing import Any

from recommender.rulebase.conditions import (
    All,
    Always,
    AnyOf,
    Condition,
    Facts,
    Is,
    Not,
    ProbeFact,
    Unanswered,
)
from recommender.rulebase.model import RuleBase
from recommender.scoring.engine import decide

try:  # an optional accelerator, never a dependency
    import numpy as np
except ImportError:  # pragma: no cover - exercised by the no-numpy test in a subprocess
    np = None

CACHE_LIMIT = (
    1 << 16
)  # distinct signatures remembered per program; bounds memory on endless streams
WORD = 64
VECTOR_CHUNK = (
    1 << 14
)  # signatures per matrix product in outcomes(): ~R x 16k bytes of booleans at a time
BACKENDS = ("auto", "numpy", "python")


# -- the lowered condition language: masks, and/or/not, constants ---------------------------------------------


@dataclass(frozen=True)
class Bits:
    """Holds when the signature has any bit of ``mask`` (or none of them, when ``negate``)."""

    mask: int
    negate: bool = False


@dataclass(frozen=True)
class Op:
    kind: str  # "and" | "or" | "not"
    parts: tuple[Node, ...]


Node = Any  # Bits | Op | bool


def lower(
    cond: Condition,
    bit: Mapping[tuple[str, str], int],
    options: Mapping[str, int],
    facts: Facts | None,
) -> Node:
    """A condition as mask tests on a signature; probe facts and constants are folded away."""
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Is):
        mask = 0
        for value in cond.values:
            mask |= bit.get((cond.question, value), 0)
        return Bits(mask) if mask else False
    if isinstance(cond, Unanswered):
        mask = options.get(cond.question, 0)
        return Bits(mask, negate=not cond.negate) if mask else not cond.negate
    if isinstance(cond, ProbeFact):
        return cond.test({}, facts)
    if isinstance(cond, Not):
        part = lower(cond.part, bit, options, facts)
        if isinstance(part, bool):
            return not part
        return Bits(part.mask, not part.negate) if isinstance(part, Bits) else Op("not", (part,))
    if isinstance(cond, (All, AnyOf)):
        kind, unit = ("and", True) if isinstance(cond, All) else ("or", False)
        parts = []
        for p in cond.parts:
            low = lower(p, bit, options, facts)
            if isinstance(low, bool):
                if low is not unit:
                    return low  # a false part of an `and`, a true part of an `or`
                continue
            parts.append(low)
        if not parts:
            return unit
        return parts[0] if len(parts) == 1 else Op(kind, tuple(parts))
    raise TypeError(
        f"cannot compile condition {type(cond).__name__}; teach compiled.lower about it"
    )


def leaves(node: Node) -> list[Bits]:
    if isinstance(node, Bits):
        return [node]
    if isinstance(node, Op):
        return [leaf for p in node.parts for leaf in leaves(p)]
    return []


def py_test(node: Node) -> Callable[[int], bool]:
    """A closure testing one signature (built from data; nothing is evaluated as code)."""
    if isinstance(node, bool):
        return (lambda s: True) if node else (lambda s: False)
    if isinstance(node, Bits):
        m = node.mask
        return (lambda s: not s & m) if node.negate else (lambda s: bool(s & m))
    parts = tuple(py_test(p) for p in node.parts)
    if node.kind == "not":
        inner = parts[0]
        return lambda s: not inner(s)
    if node.kind == "and":
        return lambda s: all(p(s) for p in parts)
    return lambda s: any(p(s) for p in parts)


# -- the compiled rule base -----------------------------------------------------------------------------------


@dataclass
class Scored:
    """Scores of N profiles: ``scores`` and ``blocked`` are N x K (K = len(ids)); ``fired[i]`` holds rule indices.

    Under the numpy backend ``scores``/``blocked`` are arrays, under the python backend lists of lists.
    """

    scores: Any
    blocked: Any
    fired: list[tuple[int, ...]]


class CompiledRules:
    """The rule base as bit masks; see the module docstring for the fast path."""

    def __init__(self, rules: RuleBase, *, backend: str = "auto") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        if backend == "numpy" and np is None:
            raise ValueError("backend 'numpy' asked for, but numpy is not importable")
        self.backend = "numpy" if backend in ("auto", "numpy") and np is not None else "python"
        self.rules = rules
        self.ids: tuple[str, ...] = rules.framework_ids
        self.rule_ids: tuple[str, ...] = tuple(r.id for r in rules.rules)
        self.bit: dict[tuple[str, str], int] = {}
        self.options: dict[str, int] = {}  # question id -> mask of all its option bits ("answered")
        n = 0
        for q in rules.questions:
            mask = 0
            for opt in q.option_ids:
                self.bit[(q.id, opt)] = 1 << n
                mask |= 1 << n
                n += 1
            self.options[q.id] = mask
        self.nbits = n
        self.points = [tuple(r.score.get(f, 0.0) for f in self.ids) for r in rules.rules]
        self.breaks = [tuple(f in r.dealbreaker for f in self.ids) for r in rules.rules]
        self.columns = [
            [p[k] for p in self.points] for k in range(len(self.ids))
        ]  # framework -> points per rule
        # Points like 2, -3 or 0.5 add up exactly in any order, so a C-level sum equals the engine's left-to-right
        # float sum; other points (0.1) are summed left to right, as the engine does.
        self.exact = all(_dyadic(x) for p in self.points for x in p) and len(self.points) < 1 << 20
        self._programs: dict[frozenset, _Program] = {}
        self._sets: dict[tuple[str, frozenset], int] = {}

    # signatures ---------------------------------------------------------------------------------------------
    def encode(self, answers: Mapping[str, frozenset]) -> int:
        """Normalised answers as a signature, follow-ups kept even when they do not apply (see ``signature``)."""
        sig = 0
        sets = self._sets
        for qid, chosen in answers.items():
            key = (qid, chosen)
            bits = sets.get(key)
            if bits is None:
                bits = 0
                for opt in chosen:
                    try:
                        bits |= self.bit[(qid, opt)]
                    except KeyError:
                        raise ValueError(f"not a normalised answer: {qid}={opt!r}") from None
                if len(sets) < CACHE_LIMIT:
                    sets[key] = bits
            sig |= bits
        return sig

    def applicable(self, sig: int, facts: Facts | None = None) -> int:
        """``sig`` without follow-ups whose ``ask_when`` fails, in question order (as ``Scorer.applicable``)."""
        for mask, asked in self._program(facts).follow_ups:
            if sig & mask and not asked(sig):
                sig &= ~mask
        return sig

    def signature(self, answers: Mapping[str, frozenset], facts: Facts | None = None) -> int:
        """Normalised answers (``profiles.normalize_answers``) -> the signature the rules are scored on."""
        return self.applicable(self.encode(answers), facts)

    def answered(self, sig: int, question: str) -> bool:
        return bool(sig & self.options[question])

    # scoring ------------------------------------------------------------------------------------------------
    def fired(self, sigs: Sequence[int], facts: Facts | None = None) -> list[tuple[int, ...]]:
        """For each signature, the indices (into ``rule_ids``) of the rules whose ``when`` holds, in rule order."""
        return self._program(facts).fired(sigs)

    def score(self, sigs: Sequence[int], facts: Facts | None = None) -> Scored:
        """Scores, deal-breaker masks and fired rules of a chunk of signatures."""
        fired = self.fired(sigs, facts)
        if self.backend == "numpy":
            matrix = np.zeros((len(fired), len(self.rule_ids)), dtype=np.float64)
            for i, rows in enumerate(fired):
                matrix[i, list(rows)] = 1.0
            points, breaks = self._arrays()
            scores = (
                matrix @ points
                if self.exact
                else np.array([self.totals(rows)[0] for rows in fired])
            )
            return Scored(scores.reshape(len(fired), len(self.ids)), (matrix @ breaks) > 0, fired)
        scores, blocked = [], []
        for rows in fired:
            s, b = self.totals(rows)
            scores.append(s)
            blocked.append(b)
        return Scored(scores, blocked, fired)

    def totals(self, fired: Sequence[int]) -> tuple[list[float], list[bool]]:
        """Scores and deal-breaker flags of one fired set, equal to ``Scorer.totals`` to the last bit."""
        k = len(self.ids)
        if self.exact:
            breaks = self.breaks
            blocked = [False] * k
            for r in fired:
                if True in breaks[r]:
                    blocked = [a or b for a, b in zip(blocked, breaks[r])]
            return [fsum(map(col.__getitem__, fired)) for col in self.columns], blocked
        scores, blocked = [0.0] * k, [False] * k
        for r in fired:
            vector, mask = self.points[r], self.breaks[r]
            for i in range(k):
                scores[i] += vector[i]
                blocked[i] = blocked[i] or mask[i]
        return scores, blocked

    def outcomes(
        self, sigs: Sequence[int], facts: Facts | None = None
    ) -> list[tuple[str | None, tuple[str, ...]]]:
        """(winner, tie) per signature, as ``engine.decide``: the fast path for "N profiles -> winners".

        Outcomes are memoised per distinct fired set, and each is decided once with ``engine.decide`` on scores
        summed in rule order, so they match ``rank()`` exactly under both backends.
        """
        vector = self._program(facts).vector
        if vector is not None and self.exact:
            return self._vector_outcomes(vector, sigs)
        memo: dict[tuple[int, ...], tuple[str | None, tuple[str, ...]]] = {}
        out = []
        for rows in self.fired(sigs, facts):
            result = memo.get(rows)
            if result is None:
                result = memo[rows] = decide(self.ids, *self.totals(rows))
            out.append(result)
        return out

    def _vector_outcomes(
        self, vector: _Vector, sigs: Sequence[int]
    ) -> list[tuple[str | None, tuple[str, ...]]]:
        """numpy: scores by one matrix product per chunk, then the top set of each row as a K-bit code.

        Only used when every point is dyadic (``self.exact``): then the product is exact in any summation order
        and distinct totals differ by at least 1/1024, so exact equality is ``decide``'s rounded equality.
        """
        k = len(self.ids)
        table = [
            decide(self.ids, [1.0 if code >> j & 1 else 0.0 for j in range(k)], [False] * k)
            if code
            else (None, ())
            for code in range(1 << k)
        ]
        points, breaks = self._arrays()
        weights = (1 << np.arange(k)).astype(np.int64)
        out: list[tuple[str | None, tuple[str, ...]]] = []
        for start in range(0, len(sigs), VECTOR_CHUNK):
            fired = vector.fired_matrix(sigs[start : start + VECTOR_CHUNK]).astype(np.float64)
            blocked = (fired @ breaks) > 0
            scores = np.where(blocked, -np.inf, fired @ points)
            top = (scores == scores.max(axis=1, keepdims=True)) & ~blocked
            out.extend(map(table.__getitem__, (top @ weights).tolist()))
        return out

    def _arrays(self) -> tuple[Any, Any]:
        shape = (len(self.rule_ids), len(self.ids))
        return (
            np.array(self.points, dtype=np.float64).reshape(shape),
            np.array(self.breaks, dtype=np.float64).reshape(shape),
        )

    def _program(self, facts: Facts | None) -> _Program:
        key = frozenset(facts.items()) if facts is not None else None
        program = self._programs.get(key)  # type: ignore[arg-type]
        if program is None:
            program = self._programs[key] = _Program(self, facts)  # type: ignore[index]
        return program


def _dyadic(x: float) -> bool:
    """A multiple of 1/1024 below 2**20: sums of up to 2**20 of them are exact in a float64."""
    return abs(x) < 1 << 20 and (x * 1024).is_integer()


class _Program:
    """The rules lowered for one set of probe facts, with the fired-rule memo."""

    def __init__(self, compiled: CompiledRules, facts: Facts | None) -> None:
        rules = compiled.rules
        lowered = [lower(r.when, compiled.bit, compiled.options, facts) for r in rules.rules]
        self.follow_ups = [
            (
                compiled.options[q.id],
                py_test(lower(q.ask_when, compiled.bit, compiled.options, facts)),
            )
            for q in rules.questions
            if q.ask_when is not None
        ]
        self.always = tuple(i for i, node in enumerate(lowered) if node is True)
        # inverted index: option bit -> rules that fire when it is set (plain `{question: value}` rules)
        self.index: dict[int, tuple[int, ...]] = {}
        self.compound: list[tuple[int, Callable[[int], bool]]] = []
        for i, node in enumerate(lowered):
            if isinstance(node, Bits) and not node.negate:
                mask = node.mask
                while mask:
                    low = mask & -mask
                    self.index[low] = (*self.index.get(low, ()), i)
                    mask ^= low
            elif not isinstance(node, bool):
                self.compound.append((i, py_test(node)))
        self.lowered = lowered
        self.memo: dict[int, tuple[int, ...]] = {}
        self.vector = _Vector(lowered, compiled.nbits) if compiled.backend == "numpy" else None

    def fired(self, sigs: Sequence[int]) -> list[tuple[int, ...]]:
        memo = self.memo
        missing = [s for s in dict.fromkeys(sigs) if s not in memo]
        if missing:
            if len(memo) + len(missing) > CACHE_LIMIT:
                memo.clear()
            found = (
                self.vector.fired(missing)
                if self.vector is not None
                else map(self.fired_one, missing)
            )
            memo.update(zip(missing, found))
        return [memo[s] for s in sigs]

    def fired_one(self, sig: int) -> tuple[int, ...]:
        hits = set(self.always)
        index = self.index
        s = sig
        while s:
            low = s & -s
            hits.update(index.get(low, ()))
            s ^= low
        hits.update(i for i, test in self.compound if test(sig))
        return tuple(sorted(hits))


class _Vector:
    """numpy evaluation of every rule over a chunk: one uint64 AND per distinct mask word."""

    def __init__(self, lowered: list[Node], nbits: int) -> None:
        self.words = max(1, -(-nbits // WORD))
        distinct = list(dict.fromkeys(leaf.mask for node in lowered for leaf in leaves(node)))
        self.leaf_col = {mask: j for j, mask in enumerate(distinct)}
        # per word: the leaf columns that have bits in it, and those bits
        self.by_word = []
        for w in range(self.words):
            cols = [j for j, m in enumerate(distinct) if (m >> (WORD * w)) & 0xFFFF_FFFF_FFFF_FFFF]
            masks = np.array(
                [(distinct[j] >> (WORD * w)) & 0xFFFF_FFFF_FFFF_FFFF for j in cols], dtype=np.uint64
            )
            self.by_word.append((np.array(cols, dtype=np.intp), masks))
        self.nleaves = len(distinct)
        self.lowered = lowered
        self.plain = [
            (i, self.leaf_col[n.mask]) for i, n in enumerate(lowered) if isinstance(n, Bits)
        ]
        self.negated = np.array([lowered[i].negate for i, _ in self.plain], dtype=bool)

    def matrix(self, sigs: Sequence[int]) -> Any:
        raw = b"".join(s.to_bytes(8 * self.words, "little") for s in sigs)
        return np.frombuffer(raw, dtype="<u8").reshape(len(sigs), self.words)

    def fired(self, sigs: Sequence[int]) -> list[tuple[int, ...]]:
        fired = self.fired_matrix(sigs)
        rows, cols = np.nonzero(fired)
        bounds = np.searchsorted(rows, np.arange(len(sigs) + 1))
        flat = cols.tolist()
        return [tuple(flat[a:b]) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]

    def fired_matrix(self, sigs: Sequence[int]) -> Any:
        """N x R booleans: rule r fired for signature i."""
        words = self.matrix(sigs)
        hit = np.zeros((len(sigs), self.nleaves), dtype=bool)
        for w, (cols, masks) in enumerate(self.by_word):
            if len(cols):
                hit[:, cols] |= (words[:, w, None] & masks[None, :]) != 0
        fired = np.zeros((len(sigs), len(self.lowered)), dtype=bool)
        if self.plain:
            rules, cols = zip(*self.plain)
            fired[:, list(rules)] = hit[:, list(cols)] ^ self.negated[None, :]
        for i, node in enumerate(self.lowered):
            if node is True:
                fired[:, i] = True
            elif isinstance(node, Op):
                fired[:, i] = self._eval(node, hit)
        return fired

    def _eval(self, node: Node, hit: Any) -> Any:
        if isinstance(node, Bits):
            col = hit[:, self.leaf_col[node.mask]]
            return ~col if node.negate else col
        parts = [self._eval(p, hit) for p in node.parts]
        if node.kind == "not":
            return ~parts[0]
        return np.logical_and.reduce(parts) if node.kind == "and" else np.logical_or.reduce(parts)
