"""Names for ids, read from the exported rule base, and the small wording helpers of both pages.

The pages are rendered from JSON data only (the record and :func:`export.export_rules`), so
every look-up here tolerates ids it does not know (an overlay removed since, a newer record) by
showing the id itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from recommender.render.html.markup import isolated
from recommender.render.text import UNDECIDED
from recommender.scoring.decide import text_of
from recommender.values import Value, frozen


@frozen
class Names(Value):
    """Framework names, question texts and option labels by id, with the framework order."""

    frameworks: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)
    options: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Mapping[str, Any]) -> Names:
        """Each text isolated (an overlay's name with an override reversed the rest of a line)."""
        return cls(
            {f["id"]: isolated(f["name"]) for f in model.get("frameworks", [])},
            {q["id"]: isolated(q["text"]) for q in model.get("questions", [])},
            {
                (q["id"], o["id"]): isolated(o["label"])
                for q in model.get("questions", [])
                for o in q["options"]
            },
        )

    def framework(self, fid: Any) -> str:
        return "no framework" if fid is None else self.frameworks.get(str(fid), str(fid))

    def index(self, fid: Any) -> int:
        """The framework's place in the rule base (its colour); unknown ones share the last."""
        order = list(self.frameworks)
        return order.index(fid) % 6 if fid in order else 5

    def question(self, qid: Any) -> str:
        return self.questions.get(str(qid), str(qid))

    def option(self, qid: Any, oid: Any) -> str:
        return self.options.get((str(qid), str(oid)), str(oid))

    def answer(self, qid: Any, value: Any) -> str:
        """A profile answer (text or list) as option labels."""
        values = value if isinstance(value, list) else [value]
        return ", ".join(self.option(qid, v) for v in values) or "nothing"

    def outcome(self, winner: Any, tie: Any, undecided: Any = False) -> str:
        if winner:
            return self.framework(winner)
        if undecided is True:
            return UNDECIDED
        if strings(tie):
            return "a tie between " + and_list([self.framework(f) for f in strings(tie)])
        return "no framework (every one is excluded)"


def and_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def signed(x: Any) -> str:
    """A score or points as +6 / −1.5 / +10.333334 (to the tie tolerance's decimals, as the JSON
    holds them; a typographic minus); anything else as text."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return "" if x is None else str(x)
    return text_of(x).replace("-", "\u2212")


def dicts(value: Any) -> list[dict[str, Any]]:
    """The mappings in ``value`` if it is a list: a record from a newer writer never crashes us."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def strings(value: Any) -> list[str]:
    return [str(x) for x in value] if isinstance(value, list) else []


def route_label(value: Any) -> str:
    """A stack entry (``deploy[]`` or ``hardware``) as ``target: runtime (support)``, each part
    :func:`isolated` (an overlay names the runtimes: an override in one reversed the line)."""
    entry = mapping(value)
    where = isolated(str(entry.get("target") or entry.get("answer") or ""))
    what = isolated(str(entry.get("runtime") or entry.get("route") or "no route known"))
    support = entry.get("support")
    text = f"{where}: {what}" if where else what
    return f"{text} ({isolated(str(support))})" if support and support != "supported" else text


def label_of(value: Any) -> str:
    """A stack part (a companion library) given as text or as ``{name, id, ...}``, isolated:
    the team table's stack and the report's headline put it in a line with other names."""
    if isinstance(value, dict):
        return isolated(str(value.get("name") or value.get("id") or ""))
    return "" if value is None else isolated(str(value))
