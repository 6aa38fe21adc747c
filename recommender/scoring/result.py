"""The result of scoring one profile, built in one place, and its one JSON record.

:class:`Scorer` turns normalised answers into a :class:`Recommendation`. What follows from the fired
rules alone (winner, tie, ranking with reasons, why-not, margin) is a :class:`Verdict`, built once per
distinct fired set by :meth:`Scorer.verdict` and shared by every profile that fires the same rules;
the rest (answers, unanswered questions, companion) is read off the profile's signature.

:func:`to_dict` is the JSON contract of ``recommend --format json``; :func:`batch_record` and
:func:`error_record` give batch's records the same keys from the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Companion, RuleBase
from recommender.scoring.decide import points
from recommender.scoring.table import Normal, Outcome, Table, Vector, table_for

WHY_NOT_RULES = 5  # the rules why-not lists
VERDICT_LIMIT = 2048  # verdicts remembered per scorer: each holds every reason (bounds memory)


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule's contribution to a framework's score, with its explanation and source."""

    rule: str
    points: float
    because: str
    source: str


@dataclass(frozen=True, slots=True)
class Standing:
    """A framework's place in the ranking: its score, the reasons, and any deal-breakers."""

    framework: str
    name: str
    score: float
    reasons: tuple[Reason, ...] = ()
    dealbreakers: tuple[Reason, ...] = ()

    @property
    def excluded(self) -> bool:
        return bool(self.dealbreakers)


@dataclass(frozen=True, slots=True)
class Change:
    """One different answer to one question, and the outcome it would lead to."""

    question: str
    answer: str  # an option id, "+opt"/"-opt" for a multi question, or "(unanswered)"
    winner: str | None
    tie: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WhyNot:
    """What the runner-up lost on: the rules that gave the winner the most points over it."""

    framework: str
    gap: float
    lost_on: tuple[Reason, ...]  # points = what the winner gained over it on that rule


@dataclass(frozen=True, slots=True)
class Verdict:
    """What follows from one fired set alone."""

    winner: str | None
    tie: tuple[str, ...]
    ranking: tuple[Standing, ...]
    why_not: WhyNot | None
    margin: float | None  # the first contender's lead over the second (0 in a tie)
    fired: tuple[str, ...]  # rule ids, in rule order


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The result for one profile: its verdict, companion, and the explanations."""

    profile: str | None
    answers: dict[str, Any]
    verdict: Verdict
    companion: Companion | None = None
    avoid: tuple[Companion, ...] = ()
    unanswered: tuple[str, ...] = ()
    open_questions: tuple[str, ...] = ()
    what_would_change: tuple[Change, ...] = ()
    ignored: tuple[str, ...] = ()  # answered follow-ups whose question does not apply

    @property
    def winner(self) -> str | None:
        return self.verdict.winner

    @property
    def tie(self) -> tuple[str, ...]:
        return self.verdict.tie

    @property
    def ranking(self) -> tuple[Standing, ...]:
        return self.verdict.ranking

    @property
    def why_not(self) -> WhyNot | None:
        return self.verdict.why_not

    @property
    def fired(self) -> tuple[str, ...]:
        return self.verdict.fired

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
        # Every reason a rule can give, built once: a verdict only picks them.
        self.reasons = tuple(
            {
                i: Reason(r.id, points(t.points[i][k]), r.because, r.source)
                for i, r in enumerate(rules.rules)
                if t.points[i][k]
            }
            for k in range(len(t.ids))
        )
        self.breakers = tuple(Reason(r.id, 0.0, r.because, r.source) for r in rules.rules)
        self._verdicts: dict[tuple[int, ...], Verdict] = {}

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

        ``explore`` adds "what would change this" and the open questions (many re-scorings).
        """
        t = self.table
        given = t.encode(answers, facts)
        sig = t.applicable(given)
        result = self.result(profile, sig, self.verdict(t.fired([sig])[0]), given)
        if not explore:
            return result
        from recommender.scoring.explore import what_would_change

        changes = tuple(what_would_change(self, sig, facts))
        changed = {c.question for c in changes}
        open_questions = tuple(q for q in result.unanswered if q in changed)
        return Recommendation(
            result.profile,
            result.answers,
            result.verdict,
            result.companion,
            result.avoid,
            result.unanswered,
            open_questions,
            changes,
            result.ignored,
        )

    def result(self, profile: str | None, sig: int, verdict: Verdict, given: int) -> Recommendation:
        """The profile-dependent parts around a verdict (``given``: the signature before
        follow-ups that do not apply were dropped)."""
        t = self.table
        winner = verdict.winner
        ignored = (
            ()
            if given == sig
            else tuple(d.id for d in t.dims if given & d.mask and not sig & d.mask)
        )
        return Recommendation(
            profile,
            t.answers(sig),
            verdict,
            t.companion(winner, sig) if winner else None,
            t.avoid(winner) if winner else (),
            t.unanswered(sig),
            ignored=ignored,
        )

    # -- many profiles ----------------------------------------------------------------------------
    def recommend_many(
        self,
        profiles: Sequence[tuple[str | None, Normal]],
        facts: Facts | None = None,
        vector: Vector | None = None,
    ) -> list[Recommendation]:
        """:meth:`recommend` without what-ifs for a chunk of profiles, equal result for result;
        ``vector`` (``Scorer.table.vector()``) finds the fired rules with numpy."""
        t = self.table
        given = [t.encode(answers, facts) for _, answers in profiles]
        sigs = [t.applicable(s) for s in given]
        fired = t.fired(sigs, vector)
        return [
            self.result(name, sig, self.verdict(f), raw)
            for (name, _), raw, sig, f in zip(profiles, given, sigs, fired, strict=True)
        ]

    # -- the verdict of a fired set ---------------------------------------------------------------
    def verdict(self, fired: tuple[int, ...]) -> Verdict:
        """Winner, tie, ranking, why-not and margin of a fired set (remembered)."""
        found = self._verdicts.get(fired)
        if found is None:
            if len(self._verdicts) >= VERDICT_LIMIT:
                self._verdicts.clear()
            found = self._verdicts[fired] = self._build(self.table.outcome(fired))
        return found

    def _build(self, o: Outcome) -> Verdict:
        t = self.table
        winner, tie = t.verdict(o)
        ranking = tuple(self._standing(o, k) for k in o.order)
        margin = None if o.margin is None else points(o.margin)
        fired = tuple(t.rule_ids[r] for r in o.fired)
        return Verdict(winner, tie, ranking, self._why_not(o) if winner else None, margin, fired)

    def _standing(self, o: Outcome, k: int) -> Standing:
        mine = [r for r in o.fired if r in self.reasons[k]]
        mine.sort(key=lambda r: -self.table.points[r][k])  # stable: ties keep rule order
        breakers = tuple(self.breakers[r] for r in o.fired if self.table.breaks[r] >> k & 1)
        reasons = tuple(self.reasons[k][r] for r in mine)
        return Standing(self.table.ids[k], self.names[k], points(o.scores[k]), reasons, breakers)

    def _why_not(self, o: Outcome) -> WhyNot | None:
        open_ = o.contenders
        if len(open_) < 2:
            return None
        first, second = open_[0], open_[1]
        lost_on = self.gains(o.fired, first, second)[:WHY_NOT_RULES]
        gap = points(o.scores[first] - o.scores[second])
        return WhyNot(self.table.ids[second], gap, lost_on)

    def gains(self, fired: Iterable[int], a: int, b: int) -> tuple[Reason, ...]:
        """The fired rules that gave framework ``a`` more points than ``b``, most first; each
        Reason's points are that net gain."""
        pts, rules = self.table.points, self.rules.rules
        nets = [(pts[r][a] - pts[r][b], r) for r in fired]
        ahead = sorted((n for n in nets if n[0] > 0), key=lambda n: -n[0])  # stable: rule order
        return tuple(
            Reason(rules[r].id, points(net), rules[r].because, rules[r].source) for net, r in ahead
        )


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
    "row", "profile", "winner", "tie", "ranking", "companion", "avoid", "unanswered",
    "open_questions", "what_would_change", "why_not", "answers", "ignored", "margin", "error",
)  # fmt: skip


def number(x: float) -> float | int:
    """A score for JSON: a whole number as an int, else rounded to 3 decimals."""
    return int(x) if float(x).is_integer() else round(x, 3)


def reason_dict(r: Reason) -> dict[str, Any]:
    return {"rule": r.rule, "points": number(r.points), "because": r.because, "source": r.source}


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


def verdict_dict(v: Verdict) -> dict[str, Any]:
    """The keys of a record that follow from the verdict alone."""
    return {
        "winner": v.winner,
        "tie": list(v.tie),
        "ranking": [
            {
                "framework": s.framework,
                "name": s.name,
                "score": number(s.score),
                "excluded": s.excluded,
                "reasons": list(map(reason_dict, s.reasons)),
                "dealbreakers": list(map(reason_dict, s.dealbreakers)),
            }
            for s in v.ranking
        ],
        "why_not": None
        if v.why_not is None
        else {
            "framework": v.why_not.framework,
            "gap": number(v.why_not.gap),
            "lost_on": list(map(reason_dict, v.why_not.lost_on)),
        },
    }


def to_dict(rec: Recommendation, verdict: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract of ``recommend --format json``; ``verdict`` is ``verdict_dict(rec.verdict)``
    when the caller already has it (batch shares one per distinct verdict)."""
    v = verdict_dict(rec.verdict) if verdict is None else verdict
    return {
        "profile": rec.profile,
        "winner": v["winner"],
        "tie": v["tie"],
        "ranking": v["ranking"],
        "companion": companion_dict(rec.companion) if rec.companion else None,
        "avoid": [companion_dict(c) for c in rec.avoid],
        "unanswered": list(rec.unanswered),
        "open_questions": list(rec.open_questions),
        "what_would_change": [
            {"question": c.question, "answer": c.answer, "winner": c.winner, "tie": list(c.tie)}
            for c in rec.what_would_change
        ],
        "why_not": v["why_not"],
        "answers": rec.answers,
        "ignored": list(rec.ignored),
    }


def batch_record(
    row: int, rec: Recommendation, verdict: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A batch record: :func:`to_dict` plus the row number, the margin and ``error: None``."""
    margin = rec.verdict.margin
    record = {"row": row, **to_dict(rec, verdict)}
    record["margin"] = None if margin is None else number(margin)
    record["error"] = None
    return record


def error_record(row: int, name: str | None, message: str) -> dict[str, Any]:
    """A row that could not be scored: the same keys, empty values, and the error text."""
    empty = {
        "row": row,
        "profile": name,
        "ranking": [],
        "tie": [],
        "avoid": [],
        "unanswered": [],
        "open_questions": [],
        "what_would_change": [],
        "answers": {},
        "ignored": [],
    }
    return {key: empty.get(key) for key in RECORD_KEYS} | {"error": message}


def fired_counts(recs: Iterable[Recommendation], counts: dict[str, int]) -> None:
    """Add how often each rule fired in ``recs`` to ``counts``."""
    for rec in recs:
        for rule in rec.verdict.fired:
            counts[rule] = counts.get(rule, 0) + 1
