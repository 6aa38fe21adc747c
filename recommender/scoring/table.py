"""The rule base compiled once into a table: option bits, points, exclusions and lowered conditions.

A profile is a *signature*: one ``int`` with one bit per (question, option). Probe facts are answers
to pseudo-questions (``probe:pytorch.gpu``, one option per probe status), so a signature holds
everything a condition can read. Every condition is lowered, through the one walk
:func:`recommender.rulebase.conditions.core`, to mask tests on that integer (:class:`Bits`),
combined with and/or/not (:class:`Op`); nothing is evaluated as code.

"Which rules fire" has two paths over the same lowered conditions:

* :meth:`Table.fired_one`: one signature, a closure per condition (``recommend``, ``ask``), and
  :meth:`Table.fired_near`, the same from a neighbour's fired set (what-ifs);
* :class:`Vector`: N signatures at once as an N x words ``uint64`` matrix, one vectorised AND per
  distinct mask (batch and lint, when numpy is importable).

Property tests (``tests/test_scoring_core.py``) pin them together on random rule bases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from recommender.rulebase.conditions import (
    PROBE,
    PROBE_STATUSES,
    All,
    Condition,
    Core,
    Facts,
    Is,
    Not,
    as_answers,
    core,
    probe_facts_read,
)
from recommender.rulebase.model import (
    Companion,
    DeployRoutes,
    HardwareRoute,
    Need,
    Question,
    RuleBase,
)
from recommender.scoring.decide import top_code, top_codes, units, verdict
from recommender.values import Value, frozen

Normal = Mapping[str, frozenset[str]]
MEMO_LIMIT = 1 << 16  # fired sets remembered per table; bounds memory on endless streams
WORD = 64


@frozen
class Bits(Value):
    """Holds when the signature has any bit of ``mask`` (none of them, when ``negate``)."""

    mask: int
    negate: bool = False


@frozen
class Op(Value):
    kind: str  # "and" | "or" | "not"
    parts: tuple[Node, ...]


Node = Bits | Op | bool
Test = Callable[[int], bool]


@frozen
class Dim(Value):
    """One question of the signature (a real one, or a probe fact's pseudo-question)."""

    id: str
    mask: int  # all of its option bits
    options: tuple[tuple[int, str], ...]  # (bit, option id) in option order
    multi: bool
    probe: bool = False
    exclusive: int = 0  # the bits of the options that stand alone ("none" of a multi question)

    def chosen(self, sig: int) -> list[str]:
        """The options of this question set in ``sig``, in option order."""
        return [o for b, o in self.options if b & sig]


@frozen
class Outcome(Value):
    """What follows from one fired set alone, shared by every profile that fires the same rules.

    ``scores`` are whole millionths (see :mod:`recommender.scoring.decide`); ``blocked`` has bit k
    set when framework k is excluded; ``order`` is the ranking as framework indices: excluded last,
    then by score, then in rule-base order.
    """

    fired: tuple[int, ...]
    scores: tuple[int, ...]
    blocked: int
    order: tuple[int, ...]
    winner: str | None
    tie: tuple[str, ...]
    margin: int | None  # the first contender's lead over the second (0 in a tie)
    real: tuple[int, ...]  # the scores without the points of the lean rules (Table.without_lean)

    @property
    def lean_only(self) -> bool:
        """Nothing but the lean separates the frameworks: none is excluded and, without the
        lean's points, every framework scores the same."""
        real = self.real
        return len(real) > 1 and not self.blocked and real.count(real[0]) == len(real)

    @property
    def contenders(self) -> tuple[int, ...]:
        return tuple(k for k in self.order if not self.blocked >> k & 1)


class Table:
    """The compiled rule base; build it once per rule base (see :func:`table_for`)."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.ids = rules.framework_ids
        self.rule_ids = tuple(r.id for r in rules.rules)
        conditions = _conditions(rules)
        self.facts_read = frozenset().union(*map(probe_facts_read, conditions))
        self.dims = _dims(rules.questions, sorted(self.facts_read))
        self.dim = {d.id: d for d in self.dims}
        self.bit = {(d.id, o): b for d in self.dims for b, o in d.options}
        self.nbits = sum(len(d.options) for d in self.dims)
        self.options = {d.id: frozenset(o for _, o in d.options) for d in self.dims}
        self.points = tuple(
            tuple(units(r.score.get(f, 0.0)) for f in self.ids) for r in rules.rules
        )
        self.columns = tuple(tuple(p[k] for p in self.points) for k in range(len(self.ids)))
        self.breaks = tuple(
            sum(1 << k for k, f in enumerate(self.ids) if f in r.dealbreaker) for r in rules.rules
        )
        self.lean = tuple(i for i, r in enumerate(rules.rules) if r.lean)  # the default lean
        self.when = tuple(self.lower(r.when) for r in rules.rules)
        self.tests = tuple(map(compile_test, self.when))
        # the signature bits each rule's test reads: it holds or not on ``sig & read[i]`` alone
        self.read = tuple(map(_bits_of, self.when))
        # follow-ups, in question order: (the question's option bits, its lowered ask_when)
        self.asks = tuple(
            (self.dim[q.id].mask, self.lower(q.ask_when))
            for q in rules.questions
            if q.ask_when is not None
        )
        self.follow_ups = tuple((mask, compile_test(node)) for mask, node in self.asks)
        # per framework, its active companions in order, each with its lowered pick_when
        self.picks = {
            f.id: tuple(
                (c, compile_test(True if c.pick_when is None else self.lower(c.pick_when)))
                for c in f.companions
                if c.status == "active"
            )
            for f in rules.frameworks
        }
        # the stack's entries per (framework, deployment target or hardware answer), in order,
        # each with its compiled ``when`` (see :meth:`deploy_route`, :meth:`hardware_route`)
        self.deploy_entries: dict[tuple[str, str], list[tuple[DeployRoutes, Test]]] = {}
        for d in rules.deploy:
            key = (d.framework, d.target)
            self.deploy_entries.setdefault(key, []).append((d, self._test(d.when)))
        self.hardware_entries: dict[tuple[str, str], list[tuple[HardwareRoute, Test]]] = {}
        for h in rules.hardware:
            key = (h.framework, h.answer)
            self.hardware_entries.setdefault(key, []).append((h, self._test(h.when)))
        self.pick_bits = _union(
            self.bits_read(c.pick_when) for f in rules.frameworks for c in f.companions
        )
        self._companions: dict[tuple[str, int], Companion | None] = {}
        self._holds: dict[Condition, Test] = {}
        self._memo: dict[int, tuple[int, ...]] = {}
        self._outcomes: dict[tuple[int, ...], Outcome] = {}
        self._values: dict[tuple[str, int], Any] = {}
        self._bits: dict[tuple[str, frozenset[str]], int] = {}
        self._codes: dict[int, tuple[str | None, tuple[str, ...]]] = {}

    # -- conditions -------------------------------------------------------------------------------
    def lower(self, cond: Condition) -> Node:
        """A condition as mask tests on a signature, constants folded."""
        return _lower(core(cond, self.options), self.bit)

    def _test(self, cond: Condition | None) -> Test:
        return compile_test(True if cond is None else self.lower(cond))

    def bits_read(self, cond: Condition | None) -> int:
        """The signature bits a condition's test reads: it holds or not on ``sig & bits`` alone."""
        return 0 if cond is None else _bits_of(self.lower(cond))

    def holds(self, cond: Condition, sig: int) -> bool:
        """Whether ``cond`` holds for the signature (lowered once per condition)."""
        test = self._holds.get(cond)
        if test is None:
            test = self._holds[cond] = compile_test(self.lower(cond))
        return test(sig)

    def reads(self, cond: Condition) -> frozenset[str]:
        """The questions (and ``probe:`` pseudo-questions) a condition reads."""
        return frozenset(self.owner(leaf).id for leaf in leaves(self.lower(cond)))

    def owner(self, leaf: Bits) -> Dim:
        """The one question a mask test reads (a condition atom names one question)."""
        return next(d for d in self.dims if d.mask & leaf.mask)

    # -- signatures -------------------------------------------------------------------------------
    def encode(self, answers: Normal, facts: Facts | None = None) -> int:
        """Normalised answers (and probe facts) as a signature, follow-ups kept even when they do
        not apply (see :meth:`signature`)."""
        sig = 0
        bits = self._bits
        for item in (*answers.items(), *as_answers(facts, self.facts_read).items()):
            found = bits.get(item)
            if found is None:
                found = self._encode_one(*item)
                if len(bits) < MEMO_LIMIT:  # a batch repeats the same answers endlessly
                    bits[item] = found
            sig |= found
        return sig

    def _encode_one(self, qid: str, chosen: frozenset[str]) -> int:
        out = 0
        for opt in chosen:
            bit = self.bit.get((qid, opt))
            if bit is None:
                raise ValueError(f"not a normalised answer: {qid}={opt!r}")
            out |= bit
        return out

    def applicable(self, sig: int) -> int:
        """``sig`` without answers to follow-ups whose ``ask_when`` fails, in question order."""
        for mask, asked in self.follow_ups:
            if sig & mask and not asked(sig):
                sig &= ~mask
        return sig

    def signature(self, answers: Normal, facts: Facts | None = None) -> int:
        """What the rules are scored on: the answers and facts, follow-ups that apply only."""
        return self.applicable(self.encode(answers, facts))

    def answered(self, sig: int, question: str) -> bool:
        return bool(sig & self.dim[question].mask)

    def answers(self, sig: int) -> dict[str, Any]:
        """The real questions answered in ``sig``, as a profile file holds them (multi: a list)."""
        out: dict[str, Any] = {}
        for q in self.rules.questions:
            d = self.dim[q.id]
            chosen = sig & d.mask
            if chosen:
                value = self._values.get((q.id, chosen))
                if value is None:
                    picked = d.chosen(chosen)
                    value = self._values[(q.id, chosen)] = picked if d.multi else picked[0]
                out[q.id] = value
        return out

    def normal(self, sig: int) -> dict[str, frozenset[str]]:
        """The real questions answered in ``sig``, in normal form."""
        return {d.id: frozenset(d.chosen(sig)) for d in self.dims if not d.probe and sig & d.mask}

    def unanswered(self, sig: int) -> tuple[str, ...]:
        """The questions left unanswered that are asked, given the answers in ``sig``."""
        return tuple(
            q.id
            for q in self.rules.questions
            if not sig & self.dim[q.id].mask and self.asked(q, sig)
        )

    def asked(self, q: Question, sig: int) -> bool:
        return q.ask_when is None or self.holds(q.ask_when, sig)

    # -- which rules fire -------------------------------------------------------------------------
    def fired_one(self, sig: int) -> tuple[int, ...]:
        """The indices of the rules whose ``when`` holds for ``sig``, in rule order."""
        return tuple(i for i, test in enumerate(self.tests) if test(sig))

    def fired_near(self, sig: int, base: int, base_fired: tuple[int, ...]) -> tuple[int, ...]:
        """:meth:`fired_one` of ``sig``, from the fired set of a signature ``base`` close to it.

        A rule's test reads only the bits in ``read``; only the rules reading a bit where ``sig``
        and ``base`` differ are tested again. A what-if changes one answer, so ~5 of ~80 rules are
        tested instead of all: the what-ifs, confidence and deciding questions of one
        ``recommend`` took ~40% of its run before (``benchmarks/bench_recommend.py``). A property
        test (``tests/test_scoring_core.py``) pins it to :meth:`fired_one`.
        """
        diff = sig ^ base
        kept = [i for i in base_fired if not self.read[i] & diff]
        tested = [i for i, m in enumerate(self.read) if m & diff and self.tests[i](sig)]
        return tuple(sorted(kept + tested)) if tested else tuple(kept)

    def fired(
        self, sigs: Sequence[int], vector: Vector | None = None, near: int | None = None
    ) -> list[tuple[int, ...]]:
        """:meth:`fired_one` for many signatures, remembered per distinct signature; ``vector``
        (from :meth:`vector`) computes the new ones with numpy, and ``near``, a signature close to
        them all (the profile of its what-ifs), with :meth:`fired_near`."""
        memo = self._memo
        out = [memo.get(s) for s in sigs]
        missing = list(dict.fromkeys(s for s, f in zip(sigs, out, strict=True) if f is None))
        if not missing:
            return out  # type: ignore[return-value]
        if vector is not None:
            computed = vector.fired(missing)
        elif near is not None:
            near_fired = self.fired([near])[0]
            computed = [self.fired_near(s, near, near_fired) for s in missing]
        else:
            computed = list(map(self.fired_one, missing))
        found = dict(zip(missing, computed, strict=True))
        if len(memo) + len(found) > MEMO_LIMIT:
            memo.clear()  # only after every look-up above is done
        if len(found) <= MEMO_LIMIT:
            memo.update(found)
        return [f if f is not None else found[s] for s, f in zip(sigs, out, strict=True)]

    def forget(self) -> None:
        """Drop the memos (for benchmarks that time cold runs)."""
        self._memo.clear()
        self._outcomes.clear()
        self._companions.clear()

    def vector(self) -> Vector:
        """The numpy path (raises ImportError without numpy)."""
        return Vector(self)

    # -- outcomes ---------------------------------------------------------------------------------
    def totals(self, fired: Iterable[int]) -> tuple[tuple[int, ...], int]:
        """(scores in whole millionths, excluded-framework bits) of a fired set."""
        fired = tuple(fired)
        scores = tuple(sum(map(column.__getitem__, fired)) for column in self.columns)
        blocked = 0
        for r in fired:
            blocked |= self.breaks[r]
        return scores, blocked

    def outcome(self, fired: tuple[int, ...]) -> Outcome:
        """Scores, exclusions, the decision and the ranking order of a fired set (remembered)."""
        found = self._outcomes.get(fired)
        if found is None:
            scores, blocked = self.totals(fired)
            ranked = sorted((blocked >> k & 1, -s, k) for k, s in enumerate(scores))
            order = tuple(k for _, _, k in ranked)
            open_ = [-s for excluded, s, _ in ranked if not excluded]
            margin = open_[0] - open_[1] if len(open_) > 1 else None
            winner, tie = self.verdict(top_code(scores, blocked))
            real = self.without_lean(fired, scores)
            found = Outcome(fired, scores, blocked, order, winner, tie, margin, real)
            if len(self._outcomes) >= MEMO_LIMIT // 8:
                self._outcomes.clear()
            self._outcomes[fired] = found
        return found

    def verdict(self, code: int) -> tuple[str | None, tuple[str, ...]]:
        """(winner, tie) of a top code (remembered: there are few codes)."""
        found = self._codes.get(code)
        if found is None:
            found = self._codes[code] = verdict(self.ids, code)
        return found

    def without_lean(self, fired: tuple[int, ...], scores: tuple[int, ...]) -> tuple[int, ...]:
        """``scores`` less the points of the lean rules in ``fired``; computed once per outcome
        (reading it per use was a sixth of a CSV batch)."""
        lean = [r for r in self.lean if r in fired]
        if not lean:
            return scores
        return tuple(s - sum(self.columns[k][r] for r in lean) for k, s in enumerate(scores))

    def reported(self, o: Outcome) -> tuple[str | None, tuple[str, ...]]:
        """(winner, tie) as reported: when only the lean separates them, no winner, and every
        framework tied (the lean breaks exact ties between real reasons, never decides alone)."""
        return (None, self.ids) if o.lean_only else (o.winner, o.tie)

    def decision(
        self, sig: int, near: int | None = None
    ) -> tuple[str | None, tuple[str, ...], bool]:
        """(winner, tie, undecided) as reported, for one signature (``near``: see :meth:`fired`);
        ``undecided``: only the lean separates them, which is no recommendation, not a tie."""
        return self.as_reported(self.outcome(self.fired([sig], near=near)[0]))

    def as_reported(self, o: Outcome) -> tuple[str | None, tuple[str, ...], bool]:
        """(winner, tie, undecided) of an outcome, as a what-if reports it (:meth:`decision`)."""
        return (*self.reported(o), o.lean_only)

    def explain(self, cond: Condition, sig: int) -> str:
        """``cond`` explained on the answers (and facts) in ``sig``: each part, held or not."""
        return cond.explain(lambda c: self.holds(c, sig), _Chosen(self, sig))

    # -- what goes with a winner ------------------------------------------------------------------
    def companion(self, framework: str, sig: int) -> Companion | None:
        """The framework's first active companion whose ``pick_when`` holds (or has none);
        remembered per the bits the picks read (a batch asks once or twice per row)."""
        key = (framework, sig & self.pick_bits)
        if key in self._companions:
            return self._companions[key]
        found = next((c for c, test in self.picks[framework] if test(sig)), None)
        if len(self._companions) >= MEMO_LIMIT // 8:
            self._companions.clear()
        self._companions[key] = found
        return found

    def deploy_route(self, framework: str, target: str, sig: int) -> DeployRoutes | None:
        """The first ``deploy:`` entry for the framework and target whose ``when`` holds."""
        entries = self.deploy_entries.get((framework, target), ())
        return next((entry for entry, test in entries if test(sig)), None)

    def hardware_route(self, framework: str, answer: str, sig: int) -> HardwareRoute | None:
        """The first ``hardware:`` entry for the framework and answer whose ``when`` holds."""
        entries = self.hardware_entries.get((framework, answer), ())
        return next((entry for entry, test in entries if test(sig)), None)

    def avoid(self, framework: str) -> tuple[Companion, ...]:
        return tuple(c for c in self.rules.framework(framework).companions if c.status != "active")

    def needs(self, sig: int) -> tuple[Need, ...]:
        """The needs (``rules/evidence.yaml``) these answers state."""
        return tuple(n for n in self.rules.needs if self.holds(n.when, sig))


class _Chosen(Mapping[str, frozenset[str]]):
    """The options chosen in a signature per question (or ``probe:`` fact), each worked out only
    when an explanation reads it: building them all was most of explaining a dropped follow-up,
    which a batch does for every record that has one."""

    def __init__(self, table: Table, sig: int) -> None:
        self.table, self.sig = table, sig

    def __getitem__(self, question: str) -> frozenset[str]:
        d = self.table.dim[question]
        if not self.sig & d.mask:
            raise KeyError(question)
        return frozenset(d.chosen(self.sig))

    def __iter__(self) -> Iterator[str]:
        return (d.id for d in self.table.dims if self.sig & d.mask)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_TABLES: dict[int, tuple[RuleBase, Table]] = {}


def table_for(rules: RuleBase) -> Table:
    """The one table of a rule base, built on first use (a few recent rule bases are kept)."""
    hit = _TABLES.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_TABLES) >= 8:
        _TABLES.clear()
    table = Table(rules)
    _TABLES[id(rules)] = (rules, table)
    return table


def _conditions(rules: RuleBase) -> list[Condition]:
    out: list[Condition] = [r.when for r in rules.rules]
    out += [q.ask_when for q in rules.questions if q.ask_when is not None]
    out += [c.pick_when for f in rules.frameworks for c in f.companions if c.pick_when is not None]
    out += [n.when for n in rules.needs]
    out += [d.when for d in rules.deploy if d.when is not None]
    out += [h.when for h in rules.hardware if h.when is not None]
    return out


def _dims(questions: Sequence[Question], facts: Sequence[str]) -> tuple[Dim, ...]:
    dims, n = [], 0
    alone = {q.id: frozenset(o.id for o in q.options if o.exclusive) for q in questions}
    for qid, options, multi, probe in (
        *((q.id, q.option_ids, q.kind == "multi", False) for q in questions),
        *((PROBE + f, PROBE_STATUSES, False, True) for f in facts),
    ):
        bits = tuple((1 << (n + i), o) for i, o in enumerate(options))
        n += len(options)
        exclusive = sum(b for b, o in bits if o in alone.get(qid, ()))
        dims.append(Dim(qid, sum(b for b, _ in bits), bits, multi, probe, exclusive))
    return tuple(dims)


def _lower(node: Core, bit: Mapping[tuple[str, str], int]) -> Node:
    if isinstance(node, bool):
        return node
    if isinstance(node, Is):
        mask = sum(bit.get((node.question, v), 0) for v in node.values)
        return Bits(mask) if mask else False
    if isinstance(node, Not):
        part = _lower(node.part, bit)  # type: ignore[arg-type]
        if isinstance(part, bool):
            return not part
        return Bits(part.mask, not part.negate) if isinstance(part, Bits) else Op("not", (part,))
    kind, unit = ("and", True) if isinstance(node, All) else ("or", False)
    parts = []
    for p in node.parts:
        low = _lower(p, bit)  # type: ignore[arg-type]
        if isinstance(low, bool):
            if low is not unit:
                return low  # a false part of an `and`, a true part of an `or`
            continue
        parts.append(low)
    if not parts:
        return unit
    return parts[0] if len(parts) == 1 else Op(kind, tuple(parts))


def _union(masks: Iterable[int]) -> int:
    out = 0
    for mask in masks:
        out |= mask
    return out


def _bits_of(node: Node) -> int:
    """The signature bits a lowered condition reads: it holds or not on ``sig & bits`` alone."""
    return _union(leaf.mask for leaf in leaves(node))


def leaves(node: Node) -> list[Bits]:
    """The mask tests of a lowered condition."""
    if isinstance(node, Bits):
        return [node]
    if isinstance(node, Op):
        return [leaf for p in node.parts for leaf in leaves(p)]
    return []


def compile_test(node: Node) -> Test:
    """A closure testing one signature (built from data; nothing is evaluated as code)."""
    if isinstance(node, bool):
        return (lambda s: True) if node else (lambda s: False)
    if isinstance(node, Bits):
        m = node.mask
        return (lambda s: not s & m) if node.negate else (lambda s: bool(s & m))
    parts = tuple(compile_test(p) for p in node.parts)
    if node.kind == "not":
        inner = parts[0]
        return lambda s: not inner(s)
    if node.kind == "and":
        return lambda s: all(p(s) for p in parts)
    return lambda s: any(p(s) for p in parts)


class Vector:
    """The numpy path: every rule over a chunk of signatures, one uint64 AND per distinct mask word.

    Kept beside :meth:`Table.fired_one` for speed (batch: ~10x fewer Python calls per profile);
    ``tests/test_scoring_core.py`` pins the two together.
    """

    def __init__(self, table: Table) -> None:
        import numpy as np

        self.np = np
        self.table = table
        self.words = max(1, -(-table.nbits // WORD))
        distinct = list(dict.fromkeys(leaf.mask for node in table.when for leaf in leaves(node)))
        self.column = {mask: j for j, mask in enumerate(distinct)}
        word_mask = (1 << WORD) - 1
        self.by_word = []  # per word: the leaf columns with bits in it, and those bits
        for w in range(self.words):
            cols = [j for j, m in enumerate(distinct) if (m >> (WORD * w)) & word_mask]
            masks = [(distinct[j] >> (WORD * w)) & word_mask for j in cols]
            self.by_word.append((np.array(cols, dtype=np.intp), np.array(masks, dtype=np.uint64)))
        self.nleaves = len(distinct)
        self._parts: dict[tuple[int, ...], list[tuple[Any, Any]]] = {}
        self.plain = [
            (i, self.column[n.mask], n.negate)
            for i, n in enumerate(table.when)
            if isinstance(n, Bits)
        ]
        k = len(table.ids)
        # the points and exclusions as matrices, one row per rule: built here only
        self.units = np.array(table.points, dtype=np.int64).reshape(-1, k)
        self.points = self.units.astype(np.float64)
        self.breaks = np.array(table.breaks, dtype=np.int64)
        self.excludes = (self.breaks[:, None] >> np.arange(k, dtype=np.int64)) & 1 == 1
        self.lean = np.array(table.lean, dtype=np.intp)  # the rules of the default lean

    def matrix(self, sigs: Sequence[int]) -> Any:
        """Signatures as an N x words uint64 matrix."""
        raw = b"".join(s.to_bytes(8 * self.words, "little") for s in sigs)
        return self.np.frombuffer(raw, dtype="<u8").reshape(len(sigs), self.words)

    def words_of(self, mask: int) -> Any:
        """An int mask as one row of uint64 words."""
        return self.matrix([mask])[0]

    def holds(self, node: Node, words: Any) -> Any:
        """N booleans: ``node`` tested on each row of an N x words signature matrix."""
        np = self.np
        if isinstance(node, bool):
            return np.full(len(words), node)
        if isinstance(node, Bits):
            hit = ((words & self.words_of(node.mask)[None, :]) != 0).any(axis=1)
            return ~hit if node.negate else hit
        parts = [self.holds(p, words) for p in node.parts]
        if node.kind == "not":
            return ~parts[0]
        reduce = np.logical_and if node.kind == "and" else np.logical_or
        return reduce.reduce(parts)

    def applicable(self, words: Any) -> Any:
        """:meth:`Table.applicable` on each row of a signature matrix (a new matrix)."""
        out = words.copy()
        for mask, node in self.table.asks:
            m = self.words_of(mask)
            drop = ((out & m[None, :]) != 0).any(axis=1) & ~self.holds(node, out)
            out[drop] &= ~m
        return out

    def leaf_matrix(self, words: Any, by_word: list[tuple[Any, Any]] | None = None) -> Any:
        """N x leaves booleans: each distinct mask test of the rules, on each row (only those in
        ``by_word``, a part of :attr:`by_word`, when given; the others stay False)."""
        np = self.np
        hit = np.zeros((len(words), self.nleaves), dtype=bool)
        for w, (cols, masks) in enumerate(self.by_word if by_word is None else by_word):
            if len(cols):
                hit[:, cols] |= (words[:, w, None] & masks[None, :]) != 0
        return hit

    def _by_word_of(self, rules: tuple[int, ...]) -> list[tuple[Any, Any]]:
        """:attr:`by_word` cut to the leaves of ``rules`` (remembered: asked once per question)."""
        found = self._parts.get(rules)
        if found is None:
            np = self.np
            mine = {self.column[leaf.mask] for r in rules for leaf in leaves(self.table.when[r])}
            found = []
            for cols, masks in self.by_word:
                keep = np.array([c in mine for c in cols.tolist()], dtype=bool)
                found.append((cols[keep], masks[keep]) if len(cols) else (cols, masks))
            self._parts[rules] = found
        return found

    def rules_matrix(self, words: Any, rules: Sequence[int]) -> Any:
        """N x len(rules) booleans: whether each of ``rules`` fires on each row (the columns of
        :meth:`fired_matrix` for those rules alone; only their mask tests are computed)."""
        np = self.np
        hit = self.leaf_matrix(words, self._by_word_of(tuple(rules)))
        out = np.zeros((len(words), len(rules)), dtype=bool)
        for j, r in enumerate(rules):
            node = self.table.when[r]
            if isinstance(node, bool):
                out[:, j] = node
            else:
                out[:, j] = self._eval(node, hit)
        return out

    def fired_matrix(self, words: Any) -> Any:
        """N x R booleans, rule r fired for profile i, from an N x words signature matrix."""
        np = self.np
        hit = self.leaf_matrix(words)
        fired = np.zeros((len(words), len(self.table.when)), dtype=bool)
        for i, col, negate in self.plain:
            fired[:, i] = ~hit[:, col] if negate else hit[:, col]
        for i, node in enumerate(self.table.when):
            if node is True:
                fired[:, i] = True
            elif isinstance(node, Op):
                fired[:, i] = self._eval(node, hit)
        return fired

    def fired(self, sigs: Sequence[int]) -> list[tuple[int, ...]]:
        """:meth:`Table.fired_one` for each signature."""
        return self._tuples(self.fired_matrix(self.matrix(sigs)))

    def _tuples(self, fired: Any) -> list[tuple[int, ...]]:
        rows, cols = self.np.nonzero(fired)
        bounds = self.np.searchsorted(rows, self.np.arange(len(fired) + 1)).tolist()
        flat = cols.tolist()
        return [tuple(flat[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def outcomes(self, sigs: Sequence[int]) -> list[Outcome]:
        """:meth:`Table.outcome` of each signature's fired rules, computed for the whole list at
        once (batch: the per-profile Python work of :meth:`Table.outcome` was a third of a CSV
        batch's time). ``tests/test_scoring_core.py`` pins the two together."""
        np = self.np
        distinct = list(dict.fromkeys(sigs))
        fired = self.fired_matrix(self.matrix(distinct))
        scores, blocked = self.totals(fired)
        k = scores.shape[1]
        excluded = (blocked[:, None] >> np.arange(k, dtype=np.int64)[None, :]) & 1
        index = np.broadcast_to(np.arange(k), scores.shape)
        order = np.lexsort((index, -scores, excluded), axis=1)
        open_scores = np.sort(np.where(excluded == 1, np.iinfo(np.int64).min, scores), axis=1)
        open_count = k - excluded.sum(axis=1)
        margins = (open_scores[:, -1] - open_scores[:, -2]) if k > 1 else np.zeros(len(distinct))
        codes = top_codes(scores, blocked).tolist()
        # Table.without_lean for every row at once: per row it was a third of this method's time
        lean = fired[:, self.lean].astype(np.float64) @ self.points[self.lean]
        real = scores - lean.astype(np.int64)
        made = {}
        for sig, fired_, row, real_, b, o, m, n, code in zip(
            distinct, self._tuples(fired), scores.tolist(), real.tolist(), blocked.tolist(),
            order.tolist(), margins.tolist(), open_count.tolist(), codes, strict=True,
        ):  # fmt: skip
            winner, tie = self.table.verdict(code)
            scores_ = tuple(row)
            margin = m if n > 1 else None
            made[sig] = Outcome(fired_, scores_, b, tuple(o), winner, tie, margin, tuple(real_))
        return [made[s] for s in sigs]

    def totals(self, fired: Any) -> tuple[Any, Any]:
        """(N x K scores in whole millionths, N excluded-framework masks) of an N x R fired matrix.

        The product runs in float64: every partial sum is a whole number below 2**53, so it is
        exact in any order and equals :meth:`Table.totals`.
        """
        np = self.np
        scores = (fired.astype(np.float64) @ self.points).astype(np.int64)
        blocked = np.bitwise_or.reduce(np.where(fired, self.breaks[None, :], 0), axis=1)
        return scores, blocked

    def _eval(self, node: Node, hit: Any) -> Any:
        np = self.np
        if isinstance(node, Bits):
            col = hit[:, self.column[node.mask]]
            return ~col if node.negate else col
        assert isinstance(node, Op)
        parts = [self._eval(p, hit) for p in node.parts]
        if node.kind == "not":
            return ~parts[0]
        reduce = np.logical_and if node.kind == "and" else np.logical_or
        return reduce.reduce(parts)
