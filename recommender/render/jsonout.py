"""The report as JSON: ``Recommendation.to_dict()``, the contract scripts rely on
(``recommender schema recommend``), and :func:`json_text`, the one way JSON is printed."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from recommender.rulebase.model import RuleBase
from recommender.scoring.result import Recommendation

if TYPE_CHECKING:
    from recommender.scoring.evidence import Evidence


# what json leaves as it is but a terminal acts on: C1 controls, bidirectional overrides; and the
# line and paragraph separators, which line splitters take for a line's end (Python's
# str.splitlines, JavaScript before ES2019 inside a string): a raw one split a JSONL record in two
UNSAFE = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(data: Any) -> str:
    """``data`` as indented JSON, non-ASCII kept, controls escaped (:func:`safe_json`)."""
    return safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def texts(value: Any) -> Iterator[str]:
    """Every string inside ``value``: fields of frozen values, tuples, lists, sets, dict keys and
    values."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from texts(k)
            yield from texts(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from texts(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from texts(getattr(value, f.name))


def unsafe(value: Any) -> bool:
    """Whether any string inside ``value`` holds what :func:`safe_json` escapes."""
    return any(UNSAFE.search(text) for text in texts(value))


def safe_json(text: str) -> str:
    """JSON text with C1 controls, bidirectional overrides and line separators escaped too
    (``json`` escapes C0 ones only), so no string in it acts on a terminal or ends a line; they
    stand only inside strings, so the JSON means the same."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_json(
    rec: Recommendation,
    rules: RuleBase,
    evidence: Evidence | None = None,
    *,
    full: bool = True,
    width: int | None = None,
) -> str:
    data = rec.to_dict()
    if evidence is not None:
        data["evidence"] = evidence.to_dict()
    return json_text(data)
