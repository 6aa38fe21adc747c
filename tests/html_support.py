"""Shared by the html tests: reading the pages' data blocks, random answers, hostile text, and a
reference evaluator of the exported rules written straight from the scoring core's semantics."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from recommender.rulebase.model import RuleBase
from recommender.scoring.table import table_for

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
MLX = ROOT / "docs" / "examples" / "mlx"

# The browser of the html tests and of benchmarks/bench_html.py: Debian's chromium, not downloaded.
CHROMIUM = os.environ.get("RECOMMENDER_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Hostile text: closes the script element, opens a comment, breaks out of an attribute, and the two
# characters that end a JavaScript line.
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)><!-- \u2028\u2029 &amp;'
PROBE_STATUSES = ("ok", "failed", "unavailable", "skipped", "absent")


def block(page: str, element_id: str) -> Any:
    """The JSON value of ``<script type="application/json" id=element_id>``."""
    m = re.search(
        rf'<script type="application/json" id="{re.escape(element_id)}">(.*?)</script>', page, re.S
    )
    assert m, f"no data block {element_id}"
    return json.loads(m.group(1))


def records(page: str) -> Any:
    """The team page's records as ``batch --format json`` writes them: ``script#records`` with the
    shared texts of ``script#texts`` put back."""
    from recommender.render.html.team import unpack

    return unpack(block(page, "records"), block(page, "texts") or [])


def outside_data(page: str) -> str:
    """The page without its JSON blocks: what the browser parses as markup."""
    return re.sub(r'<script type="application/json" id="[^"]+">.*?</script>', "", page, flags=re.S)


def hostile_overlay(tmp_path: Path) -> Path:
    """An overlay whose rule carries XSS in its id-free text fields, firing for beginners."""
    overlay = tmp_path / "hostile"
    overlay.mkdir()
    text = json.dumps(XSS)
    (overlay / "hostile.yaml").write_text(
        "rules:\n"
        "  - id: hostile-text\n"
        "    when: {audience: beginner}\n"
        "    score: {pytorch: 1}\n"
        f"    because: {text}\n"
        f"    source: {json.dumps(XSS + ' javascript:alert(3) https://example.org/x?a=<b>')}\n",
        encoding="utf-8",
    )
    return overlay


def random_rows(rules: RuleBase, n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` batch input rows: ~30% of questions left out, follow-ups sometimes answered anyway."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row: dict[str, Any] = {"name": f"team-{i:05d}"}
        for q in rules.questions:
            if rng.random() < 0.3:
                continue
            if q.kind == "multi":  # an exclusive option ("none") stands alone
                many = rng.choice((1, 1, 2))
                row[q.id] = rng.sample(q.option_ids if many == 1 else _combinable(q), many)
            else:
                row[q.id] = rng.choice(q.option_ids)
        rows.append(row)
    return rows


def _combinable(q: Any) -> list[str]:
    return [o.id for o in q.options if not o.exclusive]


def answers_for(rules: RuleBase) -> st.SearchStrategy[dict[str, frozenset[str]]]:
    """Normalised answers: any question may be left out; follow-ups drawn even when not asked."""
    parts = {}
    for q in rules.questions:
        if q.kind == "multi":  # an exclusive option ("none") stands alone
            alone = [o for o in q.option_ids if o not in _combinable(q)]
            value = st.frozensets(st.sampled_from(_combinable(q)), min_size=1)
            if alone:
                value = st.one_of(value, st.sampled_from(alone).map(lambda o: frozenset((o,))))
        else:
            value = st.sampled_from(q.option_ids).map(lambda o: frozenset((o,)))
        parts[q.id] = st.one_of(st.none(), value)
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v})


def probe_facts_in(rules: RuleBase) -> list[str]:
    """Every probe fact a rule, follow-up or companion tests."""
    return sorted(table_for(rules).facts_read)


def facts_for(rules: RuleBase) -> st.SearchStrategy[dict[str, str] | None]:
    names = probe_facts_in(rules)
    some = st.fixed_dictionaries({n: st.sampled_from(PROBE_STATUSES) for n in names})
    return st.one_of(st.none(), some)


# -- a reference evaluator of export_rules' format, independent of assets/scorer.js ---------------


def holds(node: Any, answers: Mapping[str, frozenset[str]]) -> bool:
    if isinstance(node, bool):
        return node
    ((key, value),) = node.items()
    if key == "any_of":
        question, options = value
        return bool(answers.get(question, frozenset()) & set(options))
    if key == "unanswered":
        return value not in answers
    if key == "all":
        return all(holds(p, answers) for p in value)
    if key == "any":
        return any(holds(p, answers) for p in value)
    if key == "not":
        return not holds(value, answers)
    raise AssertionError(f"unknown node {node!r}")


def score_exported(model: dict[str, Any], given: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    """winner, tie, the ranking's framework order, scores and exclusions, from the exported data."""
    answers = dict(given)
    for q in model["questions"]:
        if q["ask_when"] is not None and q["id"] in answers and not holds(q["ask_when"], answers):
            del answers[q["id"]]
    ids = [f["id"] for f in model["frameworks"]]
    scores = dict.fromkeys(ids, 0.0)
    blocked = dict.fromkeys(ids, False)
    for rule in model["rules"]:
        if holds(rule["when"], answers):
            for f in ids:
                scores[f] += rule["points"].get(f, 0.0)
                blocked[f] = blocked[f] or f in rule["dealbreaker"]
    open_ = {f: round(scores[f], 6) for f in ids if not blocked[f]}
    best = max(open_.values(), default=None)
    top = [f for f in ids if f in open_ and open_[f] == best]
    real = dict.fromkeys(ids, 0.0)  # without the lean's points
    for rule in model["rules"]:
        if holds(rule["when"], answers) and not rule["lean"]:
            for f in ids:
                real[f] += rule["points"].get(f, 0.0)
    if (
        len(ids) > 1
        and not any(blocked.values())
        and len({round(v, 6) for v in real.values()}) == 1
    ):
        top = ids  # nothing but the lean separates them: no winner, every framework tied
    order = sorted(ids, key=lambda f: (blocked[f], -round(scores[f], 6), ids.index(f)))
    return {
        "winner": top[0] if len(top) == 1 else None,
        "tie": top if len(top) > 1 else [],
        "order": order,
        "scores": scores,
        "excluded": blocked,
    }


def engine_view(rec: Any) -> dict[str, Any]:
    """The same fields from a Recommendation."""
    return {
        "winner": rec.winner,
        "tie": list(rec.tie),
        "order": [s.framework for s in rec.ranking],
        "scores": {s.framework: s.score for s in rec.ranking},
        "excluded": {s.framework: s.excluded for s in rec.ranking},
    }


# In the page: where the text ``needle`` inside ``item`` is drawn (its first text node holding it).
_RECT = """const rect = (item, needle) => {
    const walk = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walk.nextNode()) && !node.data.includes(needle));
    const range = document.createRange();
    range.setStart(node, node.data.indexOf(needle));
    range.setEnd(node, node.data.indexOf(needle) + needle.length);
    return range.getBoundingClientRect();
  };"""

# Where, left to right, the text ``first`` and then ``then`` are drawn in the first element of
# ``selector`` holding both: [first's right, then's left, first's bottom, then's top].
ORDER = (
    "([selector, first, then]) => {\n  "
    + _RECT
    + """
  const item = [...document.querySelectorAll(selector)]
    .find((n) => n.textContent.includes(first) && n.textContent.includes(then));
  const a = rect(item, first), b = rect(item, then);
  return [a.right, b.left, a.bottom, b.top];
}"""
)

# Where ``needle`` (in the first list item of ``selector`` holding it) and that item's source are
# drawn: needle's left, right and bottom, the source's left and top, in CSS pixels.
PLACES = (
    "([selector, needle]) => {\n  "
    + _RECT
    + """
  const item = [...document.querySelectorAll(selector)].find((n) => n.textContent.includes(needle));
  const source = item.querySelector(".source").getBoundingClientRect();
  const text = rect(item, needle);
  return {text: [text.left, text.right, text.bottom], source: [source.left, source.top]};
}"""
)


def in_order(page: Any, selector: str, first: str, then: str) -> bool:
    """``then`` is drawn after ``first``: to its right on the line, or on a line below."""
    right, left, bottom, top = page.evaluate(ORDER, [selector, first, then])
    return left >= right - 0.5 or top >= bottom


RLO = "\u202e"  # right-to-left override
PDI = "\u2069"  # pop directional isolate
FSI = "\u2068"  # first strong isolate


def evil_overlay(tmp_path: Path) -> Path:
    """An overlay adding a framework and its library whose names close an isolate and override
    the direction (PDI, RLO); it wins for beginners on Linux, and is one answer away otherwise."""
    overlay = tmp_path / "evil"
    overlay.mkdir(exist_ok=True)
    (overlay / "frameworks.yaml").write_text(
        "frameworks:\n"
        "  - id: evilfw\n"
        f"    name: {json.dumps(PDI + RLO + 'Evil FW')}\n"
        "    developed_by: X\n"
        "    packages: [evil]\n"
        "    companions:\n"
        f"      - {{id: evc, name: {json.dumps(PDI + RLO + 'Evil Lib')}, package: evil-lib,\n"
        "         status: active, status_as_of: '2026-11', source: test}\n",
        encoding="utf-8",
    )
    (overlay / "rules.yaml").write_text(
        "rules:\n"
        "  - {id: ev, when: {audience: beginner}, score: {evilfw: 2.2}, because: b, source: s}\n",
        encoding="utf-8",
    )
    return overlay


LONG = "Supercalifragilistic" * 12  # 240 letters and no break opportunity
FLIP = RLO + "flip " + LONG + " 🚀🚀"


def hostile_rules(tmp_path: Path) -> Path:
    """An overlay whose deal-breaker and rule carry a bidi override and a 240-letter word (with
    ``deployment=edge``); with ``edge_target=microcontroller`` too, every framework is excluded."""
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "x.yaml").write_text(
        "rules:\n"
        "  - id: edge-breaks\n"
        "    when: {deployment: edge}\n"
        "    dealbreaker: [pytorch]\n"
        f"    because: {json.dumps(PDI + RLO + 'evil')}\n"  # a stray PDI closed a <bdi>
        "    source: plain\n"
        "  - id: mcu-breaks-tensorflow\n"
        "    when: {edge_target: microcontroller}\n"
        "    dealbreaker: [tensorflow]\n"
        "    because: MCU\n"
        "    source: plain\n"
        "  - id: long-word\n"
        "    when: {deployment: edge}\n"
        "    score: {tensorflow: 1}\n"
        f"    because: {json.dumps(FLIP, ensure_ascii=False)}\n"
        f"    source: {json.dumps(LONG)}\n",
        encoding="utf-8",
    )
    return overlay
