"""Batch records: the ``recommend --format json`` shape (``Recommendation.to_dict()``) for many profiles at once.

A record is ``{"row": n, **to_dict(), "margin": m, "error": None}`` with the what-if fields empty (batch does not
explore). Everything that depends only on which rules fired (ranking, reasons, winner, tie, why-not, margin) is
built once per distinct fired set with the engine's own functions and shared by every record that has it; the
rest (answers, unanswered, companion) is read off the profile's signature. No I/O happens here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from recommender.rulebase.conditions import Facts
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import Normal
from recommender.scoring.compiled import CompiledRules, lower, py_test
from recommender.scoring.engine import Recommendation, _num, decide

# Outcomes remembered per distinct fired set. Each holds every reason of every framework (kilobytes on a rich
# rule base), so this stays far below compiled.CACHE_LIMIT: 65,536 of them took batch's peak RSS to 431 MB.
OUTCOME_LIMIT = 2048

KEYS = (
    "row",
    "profile",
    "winner",
    "tie",
    "ranking",
    "companion",
    "avoid",
    "unanswered",
    "open_questions",
    "what_would_change",
    "why_not",
    "answers",
    "ignored",
    "margin",
    "error",
)


@dataclass(frozen=True)
class Outcome:
    """The part of a record fixed by the fired rules."""

    winner: str | None
    tie: list[str]
    ranking: list[dict[str, Any]]
    why_not: dict[str, Any] | None
    margin: float | int | None
    avoid: list[dict[str, Any]]


def error_record(row: int, name: str | None, message: str) -> dict[str, Any]:
    """A row that could not be scored: the same keys, empty values, and the error text."""
    return {
        "row": row,
        "profile": name,
        "winner": None,
        "tie": [],
        "ranking": [],
        "companion": None,
        "avoid": [],
        "unanswered": [],
        "open_questions": [],
        "what_would_change": [],
        "why_not": None,
        "answers": {},
        "ignored": [],
        "margin": None,
        "error": message,
    }


class RecordBuilder:
    """Turns chunks of (row, name, normalised answers) into records; counts how often each rule fired."""

    def __init__(
        self, rules: RuleBase, compiled: CompiledRules | None = None, facts: Facts | None = None
    ) -> None:
        self.rules = rules
        self.compiled = compiled or CompiledRules(rules)
        self.facts = facts
        c = self.compiled
        self.questions = [
            (
                q.id,
                c.options[q.id],
                q.kind == "multi",
                None if q.ask_when is None else py_test(lower(q.ask_when, c.bit, c.options, facts)),
                [(c.bit[(q.id, o)], o) for o in q.option_ids],
            )
            for q in rules.questions
        ]
        self.companions: dict[str, list[tuple[Callable[[int], bool], dict[str, Any]]]] = {}
        self.avoid: dict[str, list[dict[str, Any]]] = {}
        for f in rules.frameworks:
            empty = Recommendation(
                None,
                {},
                (),
                f.id,
                companion=None,
                avoid=tuple(x for x in f.companions if x.status != "active"),
            ).to_dict()
            self.avoid[f.id] = empty["avoid"]
            self.companions[f.id] = [
                (
                    py_test(
                        True if x.pick_when is None else lower(x.pick_when, c.bit, c.options, facts)
                    ),
                    Recommendation(None, {}, (), f.id, companion=x).to_dict()["companion"],
                )
                for x in f.companions
                if x.status == "active"
            ]
        self.names = [rules.framework(f).name for f in c.ids]
        self.reason = [
            [
                {"rule": r.id, "points": _num(r.score[f]), "because": r.because, "source": r.source}
                if r.score.get(f)
                else None
                for r in rules.rules
            ]
            for f in c.ids
        ]  # [framework][rule]
        self.breaker = [
            {"rule": r.id, "points": 0, "because": r.because, "source": r.source}
            for r in rules.rules
        ]
        self.negative = [[-x for x in col] for col in c.columns]
        self.fired_count = [0] * len(rules.rules)
        self._outcomes: dict[tuple[int, ...], Outcome] = {}
        self._values: dict[tuple[str, int], Any] = {}

    def records(self, chunk: Sequence[tuple[int, str | None, Normal]]) -> list[dict[str, Any]]:
        """One record per (row, name, answers), in order."""
        c, facts = self.compiled, self.facts
        given = [c.encode(answers) for _, _, answers in chunk]
        sigs = [c.applicable(s, facts) for s in given]
        out = []
        counts = self.fired_count
        for (row, name, answers), raw_sig, sig, fired in zip(
            chunk, given, sigs, c.fired(sigs, facts)
        ):
            for r in fired:
                counts[r] += 1
            o = self._outcome(fired)
            values, unanswered = self._answers(sig)
            out.append(
                {
                    "row": row,
                    "profile": name,
                    "winner": o.winner,
                    "tie": o.tie,
                    "ranking": o.ranking,
                    "companion": self._companion(o.winner, sig),
                    "avoid": o.avoid,
                    "unanswered": unanswered,
                    "open_questions": [],
                    "what_would_change": [],
                    "why_not": o.why_not,
                    "answers": values,
                    "ignored": [q for q in answers if not sig & c.options[q]]
                    if raw_sig != sig
                    else [],
                    "margin": o.margin,
                    "error": None,
                }
            )
        return out

    def _outcome(self, fired: tuple[int, ...]) -> Outcome:
        found = self._outcomes.get(fired)
        if found is None:
            if len(self._outcomes) >= OUTCOME_LIMIT:
                self._outcomes.clear()
            found = self._outcomes[fired] = self._build_outcome(fired)
        return found

    def _build_outcome(self, fired: tuple[int, ...]) -> Outcome:
        """Ranking, winner, tie, why-not and margin of one fired set.

        This mirrors ``engine.standings`` + ``engine.why_not`` + ``Recommendation.to_dict`` on rule indices with
        shared, prebuilt reason dicts (the engine's version costs ~40x more per record); the agreement test
        (tests/test_batch_agreement.py) pins the two together record for record.
        """
        c = self.compiled
        points, breaks = c.points, c.breaks
        scores, blocked = c.totals(fired)
        winner, tie = decide(c.ids, scores, blocked)
        rows = []
        for k, col in enumerate(c.columns):
            mine = list(filter(col.__getitem__, fired))
            mine.sort(
                key=self.negative[k].__getitem__
            )  # stable: equal points keep rule order, as in the engine
            rows.append((k, mine, [r for r in fired if breaks[r][k]] if blocked[k] else []))
        rows.sort(key=lambda x: (bool(x[2]), -round(scores[x[0]], 6), x[0]))
        reason, breaker = self.reason, self.breaker.__getitem__
        ranking = [
            {
                "framework": c.ids[k],
                "name": self.names[k],
                "score": _num(scores[k]),
                "excluded": bool(br),
                "reasons": list(map(reason[k].__getitem__, mine)),
                "dealbreakers": list(map(breaker, br)),
            }
            for k, mine, br in rows
        ]
        open_ = [(k, mine) for k, mine, br in rows if not br]
        margin: float | int | None = None
        why: dict[str, Any] | None = None
        if len(open_) >= 2:
            (k1, first), (k2, second) = open_[0], open_[1]
            margin = 0 if winner is None else _num(scores[k1] - scores[k2])
            if winner is not None:
                diffs = [
                    (points[r][k1] - points[r][k2], r) for r in dict.fromkeys([*first, *second])
                ]
                lost = sorted((d for d in diffs if d[0] > 0), key=lambda d: -d[0])[:5]
                why = {
                    "framework": c.ids[k2],
                    "gap": _num(scores[k1] - scores[k2]),
                    "lost_on": [
                        {
                            "rule": self.rules.rules[r].id,
                            "points": _num(d),
                            "because": self.rules.rules[r].because,
                            "source": self.rules.rules[r].source,
                        }
                        for d, r in lost
                    ],
                }
        return Outcome(
            winner, list(tie), ranking, why, margin, self.avoid[winner] if winner else []
        )

    def _answers(self, sig: int) -> tuple[dict[str, Any], list[str]]:
        """The denormalised answers (as ``profiles.denormalize``) and the unanswered questions that are asked."""
        values: dict[str, Any] = {}
        unanswered = []
        cache = self._values
        for qid, mask, multi, asked, bits in self.questions:
            chosen = sig & mask
            if not chosen:
                if asked is None or asked(sig):
                    unanswered.append(qid)
                continue
            value = cache.get((qid, chosen))
            if value is None:
                picked = [o for b, o in bits if b & chosen]
                value = cache[(qid, chosen)] = picked if multi else picked[0]
            values[qid] = value
        return values, unanswered

    def _companion(self, winner: str | None, sig: int) -> dict[str, Any] | None:
        if winner is None:
            return None
        return next((d for test, d in self.companions[winner] if test(sig)), None)

    def top_rules(self, n: int = 5) -> list[tuple[str, int]]:
        """The rules that fired most, most first (ties in rule order)."""
        ranked = sorted(range(len(self.fired_count)), key=lambda i: -self.fired_count[i])
        return [
            (self.rules.rules[i].id, self.fired_count[i]) for i in ranked[:n] if self.fired_count[i]
        ]


def is_record_of(record: Mapping[str, Any], recommendation: Recommendation) -> bool:
    """True when ``record`` says what ``recommendation.to_dict()`` says (the batch/recommend agreement)."""
    return {
        k: v for k, v in record.items() if k not in ("row", "margin", "error")
    } == recommendation.to_dict()
