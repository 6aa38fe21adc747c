"""The result of scoring one profile, built in one place, and its one JSON record.

:class:`Scorer` turns normalised answers into a :class:`Recommendation`. Its numbers (scores,
exclusions, winner or tie, margin) are the table's :class:`~recommender.scoring.table.Outcome` of
the fired rules; the explained part (ranking with reasons, why-not) is a :class:`Verdict`, built on
first use by :meth:`Scorer.verdict`, once per distinct fired set, and shared. The rest (answers,
unanswered questions, companion) is read off the profile's signature.

:func:`to_dict` is the JSON contract of ``recommend --format json``; :func:`batch_record` and
:func:`error_record` give batch's records the same keys from the same code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from typing import Any

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Companion, RuleBase
from recommender.scoring.decide import points
from recommender.scoring.stack import Stack, stack_dict, stack_of
from recommender.scoring.table import Normal, Outcome, Table, Vector, table_for
from recommender.values import Value, frozen

WHY_NOT_RULES = 5  # the rules why-not lists
VERDICT_LIMIT = 2048  # verdicts remembered per scorer: each holds every reason (bounds memory)


@frozen
class Reason(Value):
    """One rule's contribution to a framework's score, with its explanation and source."""

    rule: str
    points: float
    because: str
    source: str


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
class Change(Value):
    """One different answer to one question, and the outcome it would lead to."""

    question: str
    answer: str  # an option id, "+opt"/"-opt" for a multi question, or "(unanswered)"
    winner: str | None
    tie: tuple[str, ...] = ()


@frozen
class WhyNot(Value):
    """What the runner-up lost on: the rules that gave the winner the most points over it."""

    framework: str
    gap: float
    lost_on: tuple[Reason, ...]  # points = what the winner gained over it on that rule


@frozen
class Verdict(Value):
    """The explained part of an outcome: the ranking with its reasons, and why-not."""

    ranking: tuple[Standing, ...]
    why_not: WhyNot | None


@frozen
class Recommendation(Value):
    """The result for one profile: its outcome, companion, and the explanations.

    ``outcome`` holds the numbers (scores, exclusions, winner or tie) of the fired rules; the
    reasons (:attr:`verdict`) are built on first use and shared by every profile with the same
    fired rules, so a batch that writes CSV never builds them.
    """

    profile: str | None
    sig: int  # the signature scored: the answers and facts, follow-ups that apply only
    given: int  # the signature as given, follow-ups that do not apply included
    outcome: Outcome
    scorer: Scorer = field(repr=False, compare=False)
    open_questions: tuple[str, ...] = ()
    what_would_change: tuple[Change, ...] = ()

    @property
    def answers(self) -> dict[str, Any]:
        """The answers scored, as a profile file holds them."""
        return self.scorer.table.answers(self.sig)

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The questions asked but not answered."""
        return self.scorer.table.unanswered(self.sig)

    @property
    def ignored(self) -> tuple[str, ...]:
        """Answered follow-ups whose question does not apply."""
        if self.given == self.sig:
            return ()
        return tuple(
            d.id for d in self.scorer.table.dims if self.given & d.mask and not self.sig & d.mask
        )

    @property
    def companion(self) -> Companion | None:
        """The winner's high-level library for these answers."""
        winner = self.outcome.winner
        return self.scorer.table.companion(winner, self.sig) if winner else None

    @property
    def avoid(self) -> tuple[Companion, ...]:
        """The winner's inactive or maintenance-mode libraries."""
        winner = self.outcome.winner
        return self.scorer.table.avoid(winner) if winner else ()

    @property
    def stack(self) -> Stack | None:
        """The winner as a stack: companion, runtimes per target, training route; None in a tie."""
        winner = self.outcome.winner
        if winner is None:
            return None
        return stack_of(self.scorer.table, winner, self.sig, self.companion)

    @property
    def winner(self) -> str | None:
        return self.outcome.winner

    @property
    def tie(self) -> tuple[str, ...]:
        return self.outcome.tie

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
    def margin(self) -> float | None:
        """The first contender's lead over the second (0 in a tie); None with fewer than two."""
        margin = self.outcome.margin
        return None if margin is None else points(margin)

    @property
    def fired(self) -> tuple[str, ...]:
        """The ids of the rules that fired, in rule order."""
        ids = self.scorer.table.rule_ids
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
                i: Reason(r.id, points(t.points[i][k]), r.because, r.source)
                for i, r in enumerate(rules.rules)
                if t.points[i][k]
            }
            for k in range(len(t.ids))
        )
        self.breakers = tuple(Reason(r.id, 0.0, r.because, r.source) for r in rules.rules)
        # per framework: the rules that give it points, and a sort key (most points, then rule order)
        self.giving = tuple(frozenset(r for r, p in enumerate(column) if p) for column in t.columns)
        self.rank_keys = tuple(tuple((-p, r) for r, p in enumerate(column)) for column in t.columns)
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
        result = Recommendation(profile, sig, given, t.outcome(t.fired([sig])[0]), self)
        if not explore:
            return result
        from recommender.scoring.explore import what_would_change

        changes = tuple(what_would_change(self, sig, facts))
        changed = {c.question for c in changes}
        open_questions = tuple(q for q in result.unanswered if q in changed)
        return dataclasses.replace(result, open_questions=open_questions, what_would_change=changes)

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
        return self.recommend_signatures(
            [(name, t.encode(answers, facts)) for name, answers in profiles], vector
        )

    def recommend_signatures(
        self, profiles: Sequence[tuple[str | None, int]], vector: Vector | None = None
    ) -> list[Recommendation]:
        """:meth:`recommend_many` of profiles already encoded (``Table.encode``, facts included)."""
        t = self.table
        given = [sig for _, sig in profiles]
        sigs = [t.applicable(s) for s in given]
        if vector is None:
            outcomes = [t.outcome(f) for f in t.fired(sigs)]
        else:
            outcomes = vector.outcomes(sigs)
        return [
            Recommendation(name, sig, raw, outcome, self)
            for (name, raw), sig, outcome in zip(profiles, sigs, outcomes, strict=True)
        ]

    # -- the reasons of an outcome ----------------------------------------------------------------
    def verdict(self, outcome: Outcome) -> Verdict:
        """The ranking with its reasons, and why-not, of an outcome (remembered)."""
        found = self._verdicts.get(outcome.fired)
        if found is None:
            if len(self._verdicts) >= VERDICT_LIMIT:
                self._verdicts.clear()
            ranking = tuple(self._standing(outcome, k) for k in outcome.order)
            why_not = self._why_not(outcome) if outcome.winner else None
            found = self._verdicts[outcome.fired] = Verdict(ranking, why_not)
        return found

    def top_reasons(self, outcome: Outcome, k: int, n: int) -> list[str]:
        """The ids of the ``n`` rules that gave framework ``k`` the most points; what a flat batch
        row shows, without building the verdict."""
        return [self.table.rule_ids[r] for r in self._reasons_of(outcome, k)[:n]]

    def _reasons_of(self, o: Outcome, k: int) -> list[int]:
        """The fired rules that give framework ``k`` points, most first (ties keep rule order)."""
        return sorted(self.giving[k].intersection(o.fired), key=self.rank_keys[k].__getitem__)

    def _standing(self, o: Outcome, k: int) -> Standing:
        mine = self._reasons_of(o, k)
        breakers = tuple(self.breakers[r] for r in o.fired if self.table.breaks[r] >> k & 1)
        reasons = tuple(self.reasons[k][r] for r in mine)
        return Standing(self.table.ids[k], self.names[k], points(o.scores[k]), reasons, breakers)

    def _why_not(self, o: Outcome) -> WhyNot | None:
        open_ = o.contenders
        if len(open_) < 2:
            return None
        first, second = open_[0], open_[1]
        lost_on = self.gains(o.fired, first, second, WHY_NOT_RULES)
        gap = points(o.scores[first] - o.scores[second])
        return WhyNot(self.table.ids[second], gap, lost_on)

    def gains(
        self, fired: Iterable[int], a: int, b: int, limit: int | None = None
    ) -> tuple[Reason, ...]:
        """The fired rules that gave framework ``a`` more points than ``b``, most first (at most
        ``limit``); each Reason's points are that net gain."""
        col_a, col_b, rules = self.table.columns[a], self.table.columns[b], self.rules.rules
        nets = [(col_a[r] - col_b[r], r) for r in fired]
        ahead = sorted((n for n in nets if n[0] > 0), key=lambda n: -n[0])[:limit]  # stable
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
    "open_questions", "what_would_change", "why_not", "answers", "ignored", "stack", "margin",
    "error",
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


def verdict_dict(
    rec: Recommendation, reason: Callable[[Reason], dict[str, Any]] = reason_dict
) -> dict[str, Any]:
    """The keys of a record that follow from the fired rules alone; ``reason`` serialises each
    reason (batch passes a remembering one)."""
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
        "why_not": None
        if v.why_not is None
        else {
            "framework": v.why_not.framework,
            "gap": number(v.why_not.gap),
            "lost_on": list(map(reason, v.why_not.lost_on)),
        },
    }


def to_dict(rec: Recommendation, verdict: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract of ``recommend --format json``; ``verdict`` is ``verdict_dict(rec)`` when
    the caller already has it (batch shares one per distinct outcome)."""
    v = verdict_dict(rec) if verdict is None else verdict
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
        "stack": stack_dict(rec.stack),
    }


def batch_record(
    row: int, rec: Recommendation, verdict: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A batch record: :func:`to_dict` plus the row number, the margin and ``error: None``."""
    margin = rec.margin
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
