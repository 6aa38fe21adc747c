"""The result of scoring one profile, built in one place, and its one JSON record.

:class:`Scorer` turns normalised answers into a :class:`Recommendation`. Its numbers (scores,
exclusions, winner or tie, margin) are the table's :class:`~recommender.scoring.table.Outcome` of
the fired rules; the explained part (ranking with reasons, why-not question by question) is a
:class:`Verdict`, built on first use by :meth:`Scorer.verdict`, once per distinct fired set, and
shared. The confidence is :mod:`recommender.scoring.confidence`'s. The rest (answers, ignored
answers, unanswered questions, companion) is read off the profile's signature.

:func:`to_dict` is the JSON contract of ``recommend --format json`` (``recommender schema
recommend``); :func:`batch_record` and :func:`error_record` give batch's records the same keys
from the same code (``recommender schema batch``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from typing import Any

from recommender.rulebase.conditions import PROBE, Facts
from recommender.rulebase.model import Companion, RuleBase
from recommender.scoring import confidence as conf
from recommender.scoring.decide import DECIMALS, points
from recommender.scoring.explore import Change, could_change, what_would_change
from recommender.scoring.stack import (
    DEPLOYMENT,
    HARDWARE,
    Stack,
    stack_dict,
    stack_line,
    stack_of,
)
from recommender.scoring.table import MEMO_LIMIT, Normal, Outcome, Table, Vector, table_for
from recommender.values import Value, frozen

__all__ = ["Change"]  # re-exported: the what-if entry lives with the what-ifs

SCHEMA_VERSION = 1  # of every JSON record (recommend, batch); recommender/schemas/*.schema.json
VERDICT_LIMIT = 2048  # verdicts remembered per scorer: each holds every reason (bounds memory)


@frozen
class Reason(Value):
    """One rule's contribution to a framework's score, with its explanation and source."""

    rule: str
    points: float
    because: str
    source: str
    lean: bool = False  # a default lean's points: they break ties and are not a reason


@frozen
class Standing(Value):
    """A framework's place in the ranking: its score, the reasons, and any deal-breakers."""

    framework: str
    name: str
    score: float
    reasons: tuple[Reason, ...] = ()
    dealbreakers: tuple[Reason, ...] = ()

    @property
    def excluded(self) -> bool:
        return bool(self.dealbreakers)


@frozen
class Share(Value):
    """One fired rule's part in the gap: what it gave the winner and the runner-up."""

    rule: str
    winner: float
    runner_up: float
    net: float  # winner - runner_up, computed exactly
    because: str
    source: str
    lean: bool = False  # a default lean's share (see Reason.lean)


@frozen
class Net(Value):
    """What the winner gained over the runner-up through the rules that read the same inputs.

    ``reads`` are those inputs: one question (most rules), several (a combined condition), probe
    facts (``probe:pytorch.gpu``), or none (a rule that always fires).
    """

    reads: tuple[str, ...]
    net: float
    rules: tuple[Share, ...]

    @property
    def question(self) -> str | None:
        """The one question the rules read, or None for a combination or for no question."""
        one = len(self.reads) == 1 and not self.reads[0].startswith(PROBE)
        return self.reads[0] if one else None


@frozen
class WhyNot(Value):
    """Why the runner-up lost: the gap, and the nets by question that add up to it exactly."""

    framework: str
    gap: float
    by_question: tuple[Net, ...]
    # the other contenders level with the runner-up: as far behind, so it was picked from them
    # by rule-base order alone (the nets are against it; theirs differ)
    level: tuple[str, ...] = ()


@frozen
class Verdict(Value):
    """The explained part of an outcome: the ranking with its reasons, and why-not."""

    ranking: tuple[Standing, ...]
    why_not: WhyNot | None


@frozen
class Dropped(Value):
    """An answer that was not scored: a follow-up whose question does not apply."""

    question: str
    answer: Any  # as a profile file holds it
    why: str


@frozen
class Recommendation(Value):
    """The result for one profile: its outcome, confidence, companion, and the explanations.

    ``outcome`` holds the numbers (scores, exclusions, the decision on points) of the fired
    rules; :attr:`winner` and :attr:`tie` are the decision as reported (no winner when only the
    lean separates the frameworks). The reasons (:attr:`verdict`) are built on first use and
    shared by every profile with the same fired rules, so a batch that writes CSV never builds
    them. ``what_would_change``, ``open_questions``, ``swing`` and ``deciding`` are filled when
    the scorer explores (``recommend``, ``ask``), empty otherwise.
    """

    profile: str | None
    sig: int  # the signature scored: the answers and facts, follow-ups that apply only
    given: int  # the signature as given, follow-ups that do not apply included
    outcome: Outcome
    scorer: Scorer = field(repr=False, compare=False)
    open_questions: tuple[str, ...] = ()
    what_would_change: tuple[Change, ...] = ()
    swing: tuple[Change, ...] = ()  # when close: the answers that would let a rival catch up
    deciding: tuple[str, ...] = ()  # when none: the questions that would separate them most
    level: str | None = None  # the confidence, when computed up front (batch)

    @property
    def table(self) -> Table:
        return self.scorer.table

    @property
    def answers(self) -> dict[str, Any]:
        """The answers scored, as a profile file holds them."""
        return self.table.answers(self.sig)

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The questions asked but not answered."""
        return self.table.unanswered(self.sig)

    @property
    def ignored(self) -> tuple[Dropped, ...]:
        """Answered follow-ups whose question does not apply, with why: the ``ask_when`` explained
        on the answers scored, where an ignored answer that it reads counts as unanswered."""
        if self.given == self.sig:
            return ()
        t = self.table
        given, scored = t.answers(self.given), self.answers
        return tuple(
            Dropped(q.id, given[q.id], f"asked only when {t.explain(q.ask_when, self.sig)}")
            for q in t.rules.questions
            if q.ask_when is not None and t.answered(self.given, q.id) and q.id not in scored
        )

    @property
    def confidence(self) -> str:
        """``none``, ``close`` or ``clear`` (see :mod:`recommender.scoring.confidence`)."""
        return self.level or conf.level(self.table, self.sig, self.outcome, self.given)

    @property
    def by_lean(self) -> bool:
        """The winner leads only by the default lean (a close call)."""
        return conf.by_lean(self.table, self.outcome)

    @property
    def level_with(self) -> tuple[str, ...]:
        """The rivals the winner leads only by the lean (see :func:`confidence.level_rivals`)."""
        return conf.level_rivals(self.table, self.outcome)

    @property
    def ahead_without_lean(self) -> tuple[tuple[str, float], ...]:
        """The rivals ahead of the winner without the lean, with by how many points (see
        :func:`confidence.ahead_without_lean`)."""
        found = conf.ahead_without_lean(self.table, self.outcome)
        return tuple((f, points(gap)) for f, gap in found)

    @property
    def tie_without_lean(self) -> tuple[tuple[str, ...], float] | None:
        """In a tie the lean makes: the tied frameworks that lead without it, and by how many
        points (see :func:`confidence.tie_without_lean`)."""
        found = conf.tie_without_lean(self.table, self.outcome)
        return None if found is None else (found[0], points(found[1]))

    @property
    def winner(self) -> str | None:
        return self.table.reported(self.outcome)[0]

    @property
    def tie(self) -> tuple[str, ...]:
        return self.table.reported(self.outcome)[1]

    @property
    def companion(self) -> Companion | None:
        """The winner's high-level library for these answers."""
        winner = self.winner
        return self.table.companion(winner, self.sig) if winner else None

    @property
    def avoid(self) -> tuple[Companion, ...]:
        """The winner's inactive or maintenance-mode libraries."""
        winner = self.winner
        return self.table.avoid(winner) if winner else ()

    @property
    def stack(self) -> Stack | None:
        """The winner as a stack: companion, runtimes per target, training route; None without a
        winner."""
        winner = self.winner
        return None if winner is None else self.scorer.stack(winner, self.sig)

    @property
    def verdict(self) -> Verdict:
        return self.scorer.verdict(self.outcome)

    @property
    def ranking(self) -> tuple[Standing, ...]:
        return self.verdict.ranking

    @property
    def why_not(self) -> WhyNot | None:
        return self.verdict.why_not

    @property
    def runner_up(self) -> Standing | None:
        """The runner-up's standing (with its own reasons) when there is a winner."""
        why_not = self.why_not
        if why_not is None:
            return None
        return next(s for s in self.ranking if s.framework == why_not.framework)

    @property
    def margin(self) -> float | None:
        """The first contender's lead over the second (0 in a tie); None with fewer than two."""
        margin = self.outcome.margin
        return None if margin is None else points(margin)

    @property
    def fired(self) -> tuple[str, ...]:
        """The ids of the rules that fired, in rule order."""
        ids = self.table.rule_ids
        return tuple(ids[r] for r in self.outcome.fired)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``recommend --format json``."""
        return to_dict(self)


class Scorer:
    """Answers to recommendations for one rule base, on its compiled :class:`Table`."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.table: Table = table_for(rules)
        t = self.table
        self.names = tuple(rules.framework(f).name for f in t.ids)
        self.table_names = dict(zip(t.ids, self.names, strict=True))  # framework id -> name
        # Every reason a rule can give, built once: a verdict only picks them.
        self.reasons = tuple(
            {
                i: Reason(r.id, points(t.points[i][k]), r.because, r.source, r.lean)
                for i, r in enumerate(rules.rules)
                if t.points[i][k]
            }
            for k in range(len(t.ids))
        )
        self.breakers = tuple(Reason(r.id, 0.0, r.because, r.source) for r in rules.rules)
        # per framework: the rules giving it points, most points first, then in rule order, and
        # each rule's place in that order (those giving it no points after them all)
        self.ranked = tuple(_ranked(column) for column in t.columns)
        self.places = tuple(_places(ranked, len(rules.rules)) for ranked in self.ranked)
        # per rule: the inputs its condition reads, in question order (why-not groups by them)
        self.reads = tuple(tuple(d.id for d in t.dims if d.mask & bits) for bits in t.read)
        self._verdicts: dict[tuple[int, ...], Verdict] = {}
        self._nets: dict[tuple[tuple[int, ...], int, int], tuple[int, Net]] = {}
        self.dim_order = {d.id: i for i, d in enumerate(t.dims)}  # why-not's nets, in this order
        # the bits a stack's routes read: the targets, the hardware and the routes' conditions
        self.stack_bits = 0
        for question in (DEPLOYMENT, HARDWARE):
            self.stack_bits |= t.dim[question].mask if question in t.dim else 0
        for route in rules.deploy:
            self.stack_bits |= t.bits_read(route.when)
        for hardware in rules.hardware:
            self.stack_bits |= t.bits_read(hardware.when)
        self._stacks: dict[tuple[str, int, str | None], Stack] = {}
        self._lines: dict[tuple[str, int, str | None], tuple[str, str]] = {}

    def stack(self, winner: str, sig: int) -> Stack:
        """The winner's stack for the answers in ``sig``, remembered per companion and the bits the
        routes read (every batch row asks: it was a sixth of a CSV batch). Keyed by the companion,
        not by the bits its picks read: those made 7x as many keys on bench_batch's profiles
        (15,536 against 2,090 for 20,000 rows), each a stack built again."""
        key, companion = self._stack_key(winner, sig)
        found = self._stacks.get(key)
        if found is None:
            if len(self._stacks) >= MEMO_LIMIT // 8:
                self._stacks.clear()
            found = self._stacks[key] = stack_of(self.table, winner, sig, companion)
        return found

    def _stack_key(
        self, winner: str, sig: int
    ) -> tuple[tuple[str, int, str | None], Companion | None]:
        """(the key :meth:`stack` and :meth:`stack_line` remember a stack under, the companion)."""
        companion = self.table.companion(winner, sig)
        return (winner, sig & self.stack_bits, companion.id if companion else None), companion

    def stack_line(self, winner: str, sig: int) -> tuple[str, str]:
        """(the companion's id or "", :func:`~recommender.scoring.stack.stack_line`) of
        :meth:`stack`, remembered under its key: what a flat batch row shows of the stack, its
        line no longer built again for every row (one of the flat row's shortcuts, measured
        together in :func:`recommender.batch.records.flat`)."""
        key, _ = self._stack_key(winner, sig)
        found = self._lines.get(key)
        if found is None:
            if len(self._lines) >= MEMO_LIMIT // 8:
                self._lines.clear()
            line = stack_line(self.stack(winner, sig), self.table_names)
            found = self._lines[key] = (key[2] or "", line)
        return found

    # -- one profile ------------------------------------------------------------------------------
    def recommend(
        self,
        answers: Normal,
        *,
        profile: str | None = None,
        facts: Facts | None = None,
        explore: bool = True,
    ) -> Recommendation:
        """Rank the frameworks for one profile and explain the result.

        ``explore`` adds what would change it, the open questions, and what makes it close or
        what would decide it (many re-scorings).
        """
        t = self.table
        given = t.encode(answers, facts)
        sig = t.applicable(given)
        result = Recommendation(profile, sig, given, t.outcome(t.fired([sig])[0]), self)
        return self.explore(result) if explore else result

    def explore(self, rec: Recommendation) -> Recommendation:
        """``rec`` with its what-ifs, open questions, confidence, swing and deciding questions."""
        t, sig, given, o = self.table, rec.sig, rec.given, rec.outcome
        changes = tuple(what_would_change(t, sig, given))
        changed = {c.question for c in changes}
        level = conf.level(t, sig, o, given)
        # an unanswered question is open when an answer to it changes the outcome, alone or with
        # a follow-up it opens (deployment: edge, then edge_target): what ``ask --short`` asks
        open_questions = tuple(
            q
            for q in rec.unanswered
            if q in changed or could_change(t, self.rules.question(q), sig, given)
        )
        return dataclasses.replace(
            rec,
            open_questions=open_questions,
            what_would_change=changes,
            swing=conf.swings(t, sig, o, given) if level == conf.CLOSE else (),
            deciding=conf.deciding(t, sig, given) if level == conf.NONE else (),
            level=level,
        )

    # -- many profiles ----------------------------------------------------------------------------
    def recommend_many(
        self,
        profiles: Sequence[tuple[str | None, Normal]],
        facts: Facts | None = None,
        vector: Vector | None = None,
    ) -> list[Recommendation]:
        """:meth:`recommend` without exploring for a chunk of profiles, equal result for result;
        ``vector`` (``Scorer.table.vector()``) finds the fired rules with numpy."""
        t = self.table
        return self.recommend_signatures(
            [(name, t.encode(answers, facts)) for name, answers in profiles], vector
        )

    def recommend_signatures(
        self,
        profiles: Sequence[tuple[str | None, int]],
        vector: Vector | None = None,
        confidence: bool = True,
    ) -> list[Recommendation]:
        """:meth:`recommend_many` of profiles already encoded (``Table.encode``, facts included);
        ``confidence`` computes every confidence up front, for the chunk at once."""
        t = self.table
        given = [sig for _, sig in profiles]
        sigs = [t.applicable(s) for s in given]
        if vector is None:
            outcomes = [t.outcome(f) for f in t.fired(sigs)]
        else:
            outcomes = vector.outcomes(sigs)
        if confidence:
            levels: list[str | None] = list(conf.levels(t, sigs, outcomes, vector, given))
        else:
            levels = [None] * len(sigs)
        return [
            Recommendation(name, sig, raw, outcome, self, level=level)
            for (name, raw), sig, outcome, level in zip(
                profiles, sigs, outcomes, levels, strict=True
            )
        ]

    # -- the reasons of an outcome ----------------------------------------------------------------
    def verdict(self, outcome: Outcome) -> Verdict:
        """The ranking with its reasons, and why-not, of an outcome (remembered)."""
        found = self._verdicts.get(outcome.fired)
        if found is None:
            if len(self._verdicts) >= VERDICT_LIMIT:
                self._verdicts.clear()
            ranking = tuple(self._standing(outcome, k) for k in outcome.order)
            found = self._verdicts[outcome.fired] = Verdict(ranking, self._why_not(outcome))
        return found

    def top_reasons(self, outcome: Outcome, k: int, n: int) -> list[str]:
        """The ids of the ``n`` rules that gave framework ``k`` the most points; what a flat batch
        row shows, without building the verdict."""
        return [self.table.rule_ids[r] for r in self._reasons_of(outcome, k, n)]

    def _reasons_of(self, o: Outcome, k: int, n: int | None = None) -> list[int]:
        """The fired rules that give framework ``k`` points, most first (ties keep rule order),
        the first ``n`` of them: the fired rules' places in :attr:`ranked`, sorted (in C). It
        replaced a walk down all of the framework's ranked rules (~40, against ~13 fired), one
        of the flat row's shortcuts (measured in :func:`recommender.batch.records.flat`);
        sorting the fired ones by a (points, rule) key took twice as long as that walk."""
        ranked = self.ranked[k]
        places = sorted(map(self.places[k].__getitem__, o.fired))[:n]
        return [ranked[p] for p in places if p < len(ranked)]

    def _standing(self, o: Outcome, k: int) -> Standing:
        mine = self._reasons_of(o, k)
        breakers = tuple(self.breakers[r] for r in o.fired if self.table.breaks[r] >> k & 1)
        reasons = tuple(self.reasons[k][r] for r in mine)
        return Standing(self.table.ids[k], self.names[k], points(o.scores[k]), reasons, breakers)

    def _why_not(self, o: Outcome) -> WhyNot | None:
        """The runner-up, the gap, and the nets by question: every fired rule that gave either
        framework points, grouped by what it reads; the nets are whole millionths, so they add
        up to the gap exactly."""
        open_ = o.contenders
        if self.table.reported(o)[0] is None or len(open_) < 2:
            return None
        first, second = open_[0], open_[1]
        groups: dict[tuple[str, ...], list[int]] = {}
        for r in o.fired:
            if self.table.columns[first][r] or self.table.columns[second][r]:
                groups.setdefault(self.reads[r], []).append(r)
        nets = [self._net(tuple(rules), first, second) for rules in groups.values()]
        order = self.dim_order
        nets.sort(key=lambda n: (-n[0], order[n[1].reads[0]] if n[1].reads else len(order)))
        gap = points(o.scores[first] - o.scores[second])
        ids = self.table.ids
        level = tuple(ids[k] for k in open_[2:] if o.scores[k] == o.scores[second])
        return WhyNot(ids[second], gap, tuple(net for _, net in nets), level)

    def _net(self, rules: tuple[int, ...], a: int, b: int) -> tuple[int, Net]:
        """The net of fired ``rules`` that read the same inputs, for framework ``a`` over ``b``.

        Remembered: the same answers fire the same rules in many profiles, and building the
        why-not was half of a JSONL batch record (``benchmarks/bench_batch.py``). Shared nets
        are also what lets the batch encode each one once (``batch.records``).
        """
        key = (rules, a, b)
        found = self._nets.get(key)
        if found is None:
            if len(self._nets) >= MEMO_LIMIT // 8:
                self._nets.clear()
            found = self._nets[key] = self._new_net(rules, a, b)
        return found

    def _new_net(self, rules: tuple[int, ...], a: int, b: int) -> tuple[int, Net]:
        reads = self.reads[rules[0]]  # the rules of a net read the same inputs
        col_a, col_b, given = self.table.columns[a], self.table.columns[b], self.rules.rules
        shares = sorted(rules, key=lambda r: (col_b[r] - col_a[r], r))
        total = sum(col_a[r] - col_b[r] for r in rules)
        return total, Net(
            reads,
            points(total),
            tuple(
                Share(
                    given[r].id,
                    points(col_a[r]),
                    points(col_b[r]),
                    points(col_a[r] - col_b[r]),
                    given[r].because,
                    given[r].source,
                    given[r].lean,
                )
                for r in shares
            ),
        )

    def gains(
        self, fired: Iterable[int], a: int, b: int, limit: int | None = None
    ) -> tuple[Reason, ...]:
        """The fired rules that gave framework ``a`` more points than ``b``, most first (at most
        ``limit``); each Reason's points are that net gain."""
        col_a, col_b, rules = self.table.columns[a], self.table.columns[b], self.rules.rules
        nets = [(col_a[r] - col_b[r], r) for r in fired]
        ahead = sorted((n for n in nets if n[0] > 0), key=lambda n: -n[0])[:limit]  # stable
        return tuple(
            Reason(rules[r].id, points(net), rules[r].because, rules[r].source, rules[r].lean)
            for net, r in ahead
        )


def _places(ranked: tuple[int, ...], rules: int) -> tuple[int, ...]:
    """Per rule, its place in ``ranked``; ``len(ranked)`` for a rule that is not in it."""
    place = [len(ranked)] * rules
    for i, r in enumerate(ranked):
        place[r] = i
    return tuple(place)


def _ranked(column: Sequence[int]) -> tuple[int, ...]:
    """The rules with points in ``column`` (one framework's), most points first, then in rule
    order."""
    return tuple(sorted((r for r, p in enumerate(column) if p), key=lambda r: (-column[r], r)))


def rank(
    answers: Normal,
    rules: RuleBase,
    *,
    profile: str | None = None,
    facts: Facts | None = None,
    explore: bool = True,
) -> Recommendation:
    """Rank the frameworks for one profile (normalised answers) and explain the result."""
    return Scorer(rules).recommend(answers, profile=profile, facts=facts, explore=explore)


# -- the JSON record ------------------------------------------------------------------------------
RECORD_KEYS = (
    "schema_version", "row", "name", "winner", "tie", "confidence", "swing", "deciding",
    "ranking", "companion", "avoid", "stack", "why_not", "what_would_change", "unanswered",
    "open_questions", "answers", "ignored", "margin", "error",
)  # fmt: skip


def number(x: float) -> float | int:
    """Points for JSON: a whole number as an int, else to the tie tolerance's decimals."""
    return int(x) if float(x).is_integer() else round(x, DECIMALS)


def reason_dict(r: Reason) -> dict[str, Any]:
    return {
        "rule": r.rule,
        "points": number(r.points),
        "because": r.because,
        "source": r.source,
        "lean": r.lean,
    }


def companion_dict(c: Companion) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "package": c.package,
        "status": c.status,
        "status_as_of": c.status_as_of,
        "note": c.note,
        "source": c.source,
    }


def change_dict(c: Change) -> dict[str, Any]:
    return {
        "question": c.question,
        "change": c.change,
        "answer": c.answer,
        "winner": c.winner,
        "tie": list(c.tie),
        "undecided": c.undecided,
    }


def net_dict(n: Net, ids: tuple[str, str]) -> dict[str, Any]:
    """One why-not net; ``ids`` are the winner's and the runner-up's."""
    return {
        "question": n.question,
        "reads": list(n.reads),
        "net": number(n.net),
        "rules": [
            {
                "rule": s.rule,
                "net": number(s.net),
                "points": {ids[0]: number(s.winner), ids[1]: number(s.runner_up)},
                "lean": s.lean,
            }
            for s in n.rules
        ],
    }


def verdict_dict(
    rec: Recommendation,
    reason: Callable[[Reason], dict[str, Any]] = reason_dict,
    net: Callable[[Net, tuple[str, str]], dict[str, Any]] = net_dict,
) -> dict[str, Any]:
    """The keys of a record that follow from the fired rules alone; ``reason`` serialises each
    reason and ``net`` each why-not net (batch passes remembering ones). ``why_not`` has no
    answers yet (:func:`to_dict` adds them: they are the profile's)."""
    v = rec.verdict
    return {
        "winner": rec.winner,
        "tie": list(rec.tie),
        "ranking": [
            {
                "framework": s.framework,
                "name": s.name,
                "score": number(s.score),
                "excluded": s.excluded,
                "reasons": list(map(reason, s.reasons)),
                "dealbreakers": list(map(reason, s.dealbreakers)),
            }
            for s in v.ranking
        ],
        "why_not": None if v.why_not is None else _why_not_dict(v.why_not, rec, net),
    }


def _why_not_dict(
    w: WhyNot, rec: Recommendation, net: Callable[[Net, tuple[str, str]], dict[str, Any]]
) -> dict[str, Any]:
    ids = (rec.outcome.winner or "", w.framework)
    return {
        "framework": w.framework,
        "gap": number(w.gap),
        "by_question": [net(n, ids) for n in w.by_question],
        "level": list(w.level),
    }


def _with_answers(why_not: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> Any:
    """A why-not dict with each question's answer (the shared verdict dict is left as it is)."""
    if why_not is None:
        return None
    return {
        **why_not,
        "by_question": [
            {"question": n["question"], "answer": answers.get(n["question"] or "")} | n
            for n in why_not["by_question"]
        ],
    }


def to_dict(rec: Recommendation, verdict: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract of ``recommend --format json``; ``verdict`` is ``verdict_dict(rec)`` when
    the caller already has it (batch shares one per distinct outcome)."""
    v = verdict_dict(rec) if verdict is None else verdict
    answers = rec.answers
    return {
        "schema_version": SCHEMA_VERSION,
        "name": rec.profile,
        "winner": v["winner"],
        "tie": v["tie"],
        "confidence": rec.confidence,
        "swing": [change_dict(c) for c in rec.swing],
        "deciding": list(rec.deciding),
        "ranking": v["ranking"],
        "companion": companion_dict(rec.companion) if rec.companion else None,
        "avoid": [companion_dict(c) for c in rec.avoid],
        "stack": stack_dict(rec.stack),
        "why_not": _with_answers(v["why_not"], answers),
        "what_would_change": [change_dict(c) for c in rec.what_would_change],
        "unanswered": list(rec.unanswered),
        "open_questions": list(rec.open_questions),
        "answers": answers,
        "ignored": [
            {"question": d.question, "answer": d.answer, "why": d.why} for d in rec.ignored
        ],
    }


def batch_record(
    row: int, rec: Recommendation, verdict: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A batch record: :func:`to_dict` plus the row number, the margin and ``error: None``."""
    margin = rec.margin
    record = {"schema_version": SCHEMA_VERSION, "row": row, **to_dict(rec, verdict)}
    record["margin"] = None if margin is None else number(margin)
    record["error"] = None
    return record


LISTS = (
    "tie", "swing", "deciding", "ranking", "avoid", "what_would_change", "unanswered",
    "open_questions", "ignored",
)  # fmt: skip


def error_record(row: int, name: str | None, message: str) -> dict[str, Any]:
    """A row that could not be scored: the same keys, empty values, and the error text."""
    record: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    record |= {"schema_version": SCHEMA_VERSION, "row": row, "name": name, "answers": {}}
    record |= {key: [] for key in LISTS}
    record["error"] = message
    return record
