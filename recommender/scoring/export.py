"""The rule base as plain JSON data for the page's what-if scorer: :func:`export_rules`.

Every condition is exported from the scoring table's lowered form (the one walk over the condition
language), so the page tests exactly what the engine tests. The format, version ``FORMAT``::

    {"format": "recommender-rules/1",
     "frameworks": [{"id", "name",
                     "companions": [{"id", "name", "package", "status", "pick_when"}]}],
     "questions": [{"id", "text", "help", "kind", "options": [{"id", "label", "exclusive"}],
                    "ask_when"}],
     "rules": [{"id", "when", "points": {framework: number}, "dealbreaker": [framework],
                "lean": bool, "because", "source"}],
     "probed": bool}

Frameworks, questions and rules keep the rule base's order, which the scoring depends on. A
condition (``when``, ``ask_when``, ``pick_when``) is a tree of:

* ``true`` / ``false`` -- a constant; probe tests are folded to one with the given ``facts``
  (no ``facts``: every probe test is false, as in the engine);
* ``{"any_of": [question, [option, ...]]}`` -- the answer to ``question`` has one of the options
  (``unanswered: q`` is ``{"not": {"any_of": [q, [every option of q]]}}``);
* ``{"all": [node, ...]}``, ``{"any": [node, ...]}``, ``{"not": node}``.

``ask_when`` / ``pick_when`` are ``null`` when absent. An option marked ``exclusive`` stands alone:
the page's what-if ticks it as :func:`recommender.scoring.explore.unticks` does. Answers are
``{question: [option, ...]}``, an unanswered question absent. The scoring that reads this
(``assets/scorer.js``) follows :mod:`recommender.scoring`: follow-up answers whose ``ask_when``
fails are dropped in question order, fired rules' points are summed per framework in rule order, a
fired deal-breaker excludes, and the winner is the single best score not excluded, compared rounded
to 6 decimals; when nothing is excluded and, without the points of ``lean`` rules, every framework
scores the same, there is no winner and every framework is tied (``Table.reported``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recommender.rulebase.conditions import Condition
from recommender.rulebase.model import Companion, Framework, Question, Rule, RuleBase
from recommender.scoring.table import Bits, Node, Op, Table, table_for

FORMAT = "recommender-rules/1"


def export_rules(rules: RuleBase, facts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The rule base as JSON-ready data (format above), probe tests folded with ``facts``."""
    ex = _Exporter(table_for(rules), facts)
    return {
        "format": FORMAT,
        "frameworks": [_framework(f, ex) for f in rules.frameworks],
        "questions": [_question(q, ex) for q in rules.questions],
        "rules": [_rule(r, rules.framework_ids, ex) for r in rules.rules],
        "probed": facts is not None,
    }


class _Exporter:
    """Lowered conditions as JSON trees, probe tests folded with the facts."""

    def __init__(self, table: Table, facts: Mapping[str, str] | None) -> None:
        self.table = table
        self.facts = table.encode({}, facts)

    def __call__(self, cond: Condition | None) -> Any:
        return None if cond is None else self.node(self.table.lower(cond))

    def node(self, node: Node) -> Any:
        if isinstance(node, bool):
            return node
        if isinstance(node, Op):
            return self.op(node.kind, [self.node(p) for p in node.parts])
        return self.leaf(node)

    def op(self, kind: str, parts: list[Any]) -> Any:
        """An and/or/not, folded where the facts made a part constant."""
        if kind == "not":
            return not parts[0] if isinstance(parts[0], bool) else {"not": parts[0]}
        unit = kind == "and"
        if any(p is (not unit) for p in parts):
            return not unit  # a false part of an and, a true part of an or
        kept = [p for p in parts if not isinstance(p, bool)]
        if not kept:
            return unit
        return kept[0] if len(kept) == 1 else {"all" if unit else "any": kept}

    def leaf(self, leaf: Bits) -> Any:
        dim = self.table.owner(leaf)
        if dim.probe:  # a probe test: a constant on this machine's facts
            return bool(leaf.mask & self.facts) != leaf.negate
        test = {"any_of": [dim.id, [o for b, o in dim.options if b & leaf.mask]]}
        return {"not": test} if leaf.negate else test


def _framework(f: Framework, ex: _Exporter) -> dict[str, Any]:
    return {"id": f.id, "name": f.name, "companions": [_companion(c, ex) for c in f.companions]}


def _companion(c: Companion, ex: _Exporter) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "package": c.package,
        "status": c.status,
        "pick_when": ex(c.pick_when),
    }


def _question(q: Question, ex: _Exporter) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text,
        "help": q.help,
        "kind": q.kind,
        "options": [{"id": o.id, "label": o.label, "exclusive": o.exclusive} for o in q.options],
        "ask_when": ex(q.ask_when),
    }


def _rule(r: Rule, order: tuple[str, ...], ex: _Exporter) -> dict[str, Any]:
    return {
        "id": r.id,
        "when": ex(r.when),
        "points": {f: r.score[f] for f in order if r.score.get(f)},
        "dealbreaker": [f for f in order if f in r.dealbreaker],
        "lean": r.lean,
        "because": r.because,
        "source": r.source,
    }
