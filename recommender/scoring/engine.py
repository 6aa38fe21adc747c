"""The scoring core: pure functions from normalised answers (and optional probe facts) to a Recommendation.

No I/O happens here. :class:`Scorer` is the rule base compiled once into per-framework score vectors, so the
"what would change this?" search and batch scoring re-score many profiles cheaply.
"""

from __future__ import annotations

from dataclasses import asdict, field

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import Companion, Question, Record, Rule, RuleBase, record
from recommender.rulebase.profiles import Normal, denormalize

TYPE_CHECKING = False  # typing costs ~2 ms of startup; annotations are strings (PEP 563) anyway
if TYPE_CHECKING:
    from typing import Any

UNANSWERED = "(unanswered)"


@record
class Reason(Record):
    """One rule's contribution to a framework's score, with its explanation and source."""

    rule: str
    points: float
    because: str
    source: str


@record
class Standing(Record):
    """A framework's place in the ranking: its score, the reasons, and any deal-breakers."""

    framework: str
    name: str
    score: float
    reasons: tuple[Reason, ...] = ()
    dealbreakers: tuple[Reason, ...] = ()

    @property
    def excluded(self) -> bool:
        return bool(self.dealbreakers)


@record
class Change(Record):
    """One different answer to one question, and the outcome it would lead to."""

    question: str
    answer: str  # an option id, "+opt"/"-opt" for a multi question, or "(unanswered)"
    winner: str | None
    tie: tuple[str, ...] = ()


@record
class WhyNot(Record):
    """What the runner-up lost on: the rules that gave the winner the most points over it."""

    framework: str
    gap: float
    lost_on: tuple[Reason, ...]  # points = what the winner gained over it on that rule


@record
class Recommendation(Record):
    """The result for one profile: ranking, winner or tie, companion, and the explanations."""

    profile: str | None
    answers: dict[str, Any]
    ranking: tuple[Standing, ...]
    winner: str | None
    tie: tuple[str, ...] = ()
    companion: Companion | None = None
    avoid: tuple[Companion, ...] = ()
    unanswered: tuple[str, ...] = ()
    open_questions: tuple[str, ...] = ()
    what_would_change: tuple[Change, ...] = ()
    why_not: WhyNot | None = None
    ignored: tuple[str, ...] = ()  # answered follow-ups whose question does not apply
    fired: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``recommend --format json``."""
        return {
            "profile": self.profile,
            "winner": self.winner,
            "tie": list(self.tie),
            "ranking": [
                {
                    "framework": s.framework,
                    "name": s.name,
                    "score": _num(s.score),
                    "excluded": s.excluded,
                    "reasons": [_reason(r) for r in s.reasons],
                    "dealbreakers": [_reason(r) for r in s.dealbreakers],
                }
                for s in self.ranking
            ],
            "companion": _companion(self.companion) if self.companion else None,
            "avoid": [_companion(c) for c in self.avoid],
            "unanswered": list(self.unanswered),
            "open_questions": list(self.open_questions),
            "what_would_change": [asdict(c) | {"tie": list(c.tie)} for c in self.what_would_change],
            "why_not": None
            if self.why_not is None
            else {
                "framework": self.why_not.framework,
                "gap": _num(self.why_not.gap),
                "lost_on": [_reason(r) for r in self.why_not.lost_on],
            },
            "answers": self.answers,
            "ignored": list(self.ignored),
        }


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 3)


def _reason(r: Reason) -> dict[str, Any]:
    return {"rule": r.rule, "points": _num(r.points), "because": r.because, "source": r.source}


def _companion(c: Companion) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "package": c.package,
        "status": c.status,
        "status_as_of": c.status_as_of,
        "note": c.note,
        "source": c.source,
    }


class Scorer:
    """The rule base compiled for speed: one score vector and one deal-breaker mask per rule."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self.ids = rules.framework_ids
        self.follow_ups = [
            (q.id, q.ask_when.test) for q in rules.questions if q.ask_when is not None
        ]
        self.compiled = [
            (
                r.when.test,
                tuple(r.score.get(f, 0.0) for f in self.ids),
                tuple(f in r.dealbreaker for f in self.ids),
                r,
            )
            for r in rules.rules
        ]

    def applicable(self, answers: Normal, facts: Facts | None = None) -> Normal:
        """``answers`` without follow-up answers whose question no longer applies (edge_target without edge)."""
        for qid, asked in self.follow_ups:
            if qid in answers and not asked(answers, facts):
                answers = {k: v for k, v in answers.items() if k != qid}
        return answers

    def totals(
        self, answers: Normal, facts: Facts | None = None
    ) -> tuple[list[float], list[bool], list[Rule]]:
        answers = self.applicable(answers, facts)
        scores = [0.0] * len(self.ids)
        blocked = [False] * len(self.ids)
        fired = []
        for test, vector, mask, rule in self.compiled:
            if test(answers, facts):
                fired.append(rule)
                for i, points in enumerate(vector):
                    scores[i] += points
                    blocked[i] = blocked[i] or mask[i]
        return scores, blocked, fired

    def outcome(
        self, answers: Normal, facts: Facts | None = None
    ) -> tuple[str | None, tuple[str, ...]]:
        scores, blocked, _ = self.totals(answers, facts)
        return decide(self.ids, scores, blocked)


def decide(
    ids: tuple[str, ...], scores: list[float], blocked: list[bool]
) -> tuple[str | None, tuple[str, ...]]:
    """(winner, tie): the one best framework not excluded, or None and the frameworks tied for first."""
    open_ = [(round(s, 6), f) for f, s, b in zip(ids, scores, blocked) if not b]
    if not open_:
        return None, ()
    best = max(s for s, _ in open_)
    top = tuple(f for s, f in open_ if s == best)
    return (top[0], ()) if len(top) == 1 else (None, top)


def rank(
    answers: Normal,
    rules: RuleBase,
    *,
    profile: str | None = None,
    facts: Facts | None = None,
    scorer: Scorer | None = None,
    explore: bool = True,
) -> Recommendation:
    """Rank the frameworks for one profile and explain the result.

    ``explore`` adds "what would change this" and the open questions (many re-scorings; batch turns it off).
    """
    scorer = scorer or Scorer(rules)
    given = answers
    answers = scorer.applicable(answers, facts)
    scores, blocked, fired = scorer.totals(answers, facts)
    winner, tie = decide(scorer.ids, scores, blocked)
    ranking = standings(rules, scorer.ids, scores, fired)
    unanswered = tuple(
        q.id for q in rules.questions if q.id not in answers and _asked(q, answers, facts)
    )
    companion, avoid = _companions(rules, winner, answers, facts)
    changes: tuple[Change, ...] = ()
    open_questions: tuple[str, ...] = ()
    if explore:
        changes = tuple(what_would_change(answers, rules, scorer, facts))
        changed = {c.question for c in changes}
        open_questions = tuple(q for q in unanswered if q in changed)
    return Recommendation(
        profile,
        denormalize(answers, rules),
        ranking,
        winner,
        tie,
        companion,
        avoid,
        unanswered,
        open_questions,
        changes,
        why_not(ranking, winner),
        tuple(q for q in given if q not in answers),
        tuple(r.id for r in fired),
    )


def standings(
    rules: RuleBase, ids: tuple[str, ...], scores: list[float], fired: list[Rule]
) -> tuple[Standing, ...]:
    """The frameworks ranked: excluded last, then by score, then in rule-base order; each with its reasons."""
    out = []
    for i, fid in enumerate(ids):
        reasons = sorted(
            (Reason(r.id, r.score[fid], r.because, r.source) for r in fired if r.score.get(fid)),
            key=lambda x: -x.points,
        )
        breakers = tuple(
            Reason(r.id, 0.0, r.because, r.source) for r in fired if fid in r.dealbreaker
        )
        out.append(Standing(fid, rules.framework(fid).name, scores[i], tuple(reasons), breakers))
    order = {f: i for i, f in enumerate(ids)}
    return tuple(sorted(out, key=lambda s: (s.excluded, -round(s.score, 6), order[s.framework])))


def _asked(q: Question, answers: Normal, facts: Facts | None) -> bool:
    return q.ask_when is None or q.ask_when.test(answers, facts)


def _companions(
    rules: RuleBase, winner: str | None, answers: Normal, facts: Facts | None
) -> tuple[Companion | None, tuple[Companion, ...]]:
    if winner is None:
        return None, ()
    companions = rules.framework(winner).companions
    pick = next(
        (
            c
            for c in companions
            if c.status == "active" and (c.pick_when is None or c.pick_when.test(answers, facts))
        ),
        None,
    )
    return pick, tuple(c for c in companions if c.status != "active")


def why_not(ranking: tuple[Standing, ...], winner: str | None) -> WhyNot | None:
    """What the runner-up lost on: the rules that gave the winner the most points over it."""
    if winner is None:
        return None
    contenders = [s for s in ranking if not s.excluded]
    if len(contenders) < 2:
        return None
    first, second = contenders[0], contenders[1]
    rules = {r.rule: r for r in (*first.reasons, *second.reasons)}
    points_first = {r.rule: r.points for r in first.reasons}
    points_second = {r.rule: r.points for r in second.reasons}
    diffs = [
        Reason(rid, points_first.get(rid, 0.0) - points_second.get(rid, 0.0), r.because, r.source)
        for rid, r in rules.items()
    ]
    lost_on = tuple(sorted((d for d in diffs if d.points > 0), key=lambda d: -d.points)[:5])
    return WhyNot(second.framework, first.score - second.score, lost_on)


def alternatives(q: Question, answers: Normal) -> list[tuple[str, Normal]]:
    """Every single different answer to ``q``: each other option, each toggle of a multi option, or none."""
    current = answers.get(q.id)
    out = []
    for opt in q.option_ids:
        if q.kind == "multi":
            chosen = set(current or ())
            label = f"-{opt}" if opt in chosen else f"+{opt}"
            chosen ^= {opt}
            new = frozenset(chosen)
        else:
            if current is not None and opt in current:
                continue
            label, new = opt, frozenset((opt,))
        changed = {k: v for k, v in answers.items() if k != q.id}
        if new:
            changed[q.id] = new
        out.append((label, changed))
    if current is not None and q.kind != "multi":
        out.append((UNANSWERED, {k: v for k, v in answers.items() if k != q.id}))
    return out


def what_would_change(
    answers: Normal, rules: RuleBase, scorer: Scorer | None = None, facts: Facts | None = None
) -> list[Change]:
    """For each question that is asked, the single different answers that would change the outcome."""
    scorer = scorer or Scorer(rules)
    now = scorer.outcome(answers, facts)
    out = []
    for q in rules.questions:
        if not _asked(q, answers, facts):
            continue
        for label, changed in alternatives(q, answers):
            outcome = scorer.outcome(changed, facts)
            if outcome != now:
                out.append(Change(q.id, label, *outcome))
    return out
