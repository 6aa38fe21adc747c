"""The rule base as plain JSON data for the page's what-if scorer: :func:`export_rules`.

Self-contained on purpose (it reads only the rule-base model), so it can move next to the
scoring core. The format, version ``FORMAT``::

    {"format": "recommender-rules/1",
     "frameworks": [{"id", "name",
                     "companions": [{"id", "name", "package", "status", "pick_when"}]}],
     "questions": [{"id", "text", "help", "kind", "options": [{"id", "label"}], "ask_when"}],
     "rules": [{"id", "when", "points": {framework: number}, "dealbreaker": [framework],
                "because", "source"}],
     "probed": bool}

Frameworks, questions and rules keep the rule base's order, which the scoring depends on. A
condition (``when``, ``ask_when``, ``pick_when``) is a tree of:

* ``true`` / ``false`` -- a constant; probe tests are folded to one with the given ``facts``
  (no ``facts``: every probe test is false, as in the engine);
* ``{"any_of": [question, [option, ...]]}`` -- the answer to ``question`` has one of the options;
* ``{"unanswered": question}`` -- the question has no answer (``answered: q`` is
  ``{"not": {"unanswered": q}}``);
* ``{"all": [node, ...]}``, ``{"any": [node, ...]}``, ``{"not": node}``.

``ask_when`` / ``pick_when`` are ``null`` when absent. Answers are ``{question: [option,
...]}``, an unanswered question absent. The scoring that reads this (``assets/scorer.js``)
follows ``scoring.engine``: follow-up answers whose ``ask_when`` fails are dropped in question
order, fired rules' points are summed per framework in rule order, a fired deal-breaker
excludes, and the winner is the single best score not excluded, compared rounded to 6 decimals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recommender.rulebase.conditions import (
    All,
    Always,
    AnyOf,
    Condition,
    Is,
    Not,
    ProbeFact,
    Unanswered,
)
from recommender.rulebase.model import Companion, Framework, Question, Rule, RuleBase

FORMAT = "recommender-rules/1"


def export_rules(rules: RuleBase, facts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The rule base as JSON-ready data (format above), probe tests folded with ``facts``."""
    return {
        "format": FORMAT,
        "frameworks": [_framework(f, facts) for f in rules.frameworks],
        "questions": [_question(q, facts) for q in rules.questions],
        "rules": [_rule(r, rules.framework_ids, facts) for r in rules.rules],
        "probed": facts is not None,
    }


def lower(cond: Condition | None, facts: Mapping[str, str] | None = None) -> Any:
    """One condition as a JSON tree; ``None`` stays ``None`` (no condition)."""
    if cond is None:
        return None
    if isinstance(cond, Always):
        return True
    if isinstance(cond, Is):
        return {"any_of": [cond.question, sorted(cond.values)]}
    if isinstance(cond, Unanswered):
        node = {"unanswered": cond.question}
        return {"not": node} if cond.negate else node
    if isinstance(cond, ProbeFact):
        return cond.test({}, facts)
    if isinstance(cond, Not):
        return {"not": lower(cond.part, facts)}
    if isinstance(cond, (All, AnyOf)):
        key = "all" if isinstance(cond, All) else "any"
        return {key: [lower(p, facts) for p in cond.parts]}
    raise TypeError(f"cannot export condition {type(cond).__name__}; teach export.lower about it")


def _framework(f: Framework, facts: Mapping[str, str] | None) -> dict[str, Any]:
    return {"id": f.id, "name": f.name, "companions": [_companion(c, facts) for c in f.companions]}


def _companion(c: Companion, facts: Mapping[str, str] | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "package": c.package,
        "status": c.status,
        "pick_when": lower(c.pick_when, facts),
    }


def _question(q: Question, facts: Mapping[str, str] | None) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text,
        "help": q.help,
        "kind": q.kind,
        "options": [{"id": o.id, "label": o.label} for o in q.options],
        "ask_when": lower(q.ask_when, facts),
    }


def _rule(r: Rule, order: tuple[str, ...], facts: Mapping[str, str] | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "when": lower(r.when, facts),
        "points": {f: r.score[f] for f in order if r.score.get(f)},
        "dealbreaker": [f for f in order if f in r.dealbreaker],
        "because": r.because,
        "source": r.source,
    }
