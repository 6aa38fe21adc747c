"""Deal-breakers in the explanations: the brief screen shows every one (and counts those it
has no room for), says which answer lifts one when every framework is excluded, an excluded
framework's reasons say it is excluded, and no stack route is offered where a deal-breaker rules
the hardware out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED_RULES, cli
from explainkit import TOLD, always, base_rules

import recommender
from recommender.render import render
from recommender.scoring.result import Scorer

# -- every framework excluded ---------------------------------------------------------------------
KILL_ALL = """
rules:
  - id: kill-all
    when: {hardware: cpu}
    dealbreaker: [tensorflow, pytorch, jax]
    because: nothing on a CPU (test)
    source: test
"""


def test_the_brief_says_which_answer_lifts_a_deal_breaker_when_all_are_excluded(tmp_path: Path):
    """Every framework excluded: the brief screen said nothing of the answers that would change
    it (README: the brief names 'the answers that would change it'), though --full lists them."""
    (tmp_path / "kill.yaml").write_text(KILL_ALL)
    rules = recommender.load_rules(tmp_path)
    rec = recommender.recommend({"hardware": "cpu"}, rules)
    assert (rec.winner, rec.tie, rec.confidence) == (None, (), "clear")
    brief = render("table", rec, rules, full=False, width=None)
    assert (
        "One answer would lift a deal-breaker: hardware: NVIDIA GPU (CUDA) → PyTorch; "
        "hardware: Google Cloud TPU → JAX (and 5 more)."
    ) in brief
    assert all(c.breaks for c in rec.what_would_change)


# -- the stack agrees with the deal-breakers ------------------------------------------------------
def test_no_stack_route_is_offered_where_a_deal_breaker_rules_the_hardware_out():
    """windows-gpu-tf excludes TensorFlow on native Windows with an AMD or Intel GPU ('TensorFlow
    cannot use a GPU on native Windows'), but the stack offered 'AMD-hosted tensorflow-rocm
    wheels (repo.radeon.com), Linux' (limited) and intel-extension-for-tensorflow there."""
    scorer = Scorer(SHIPPED_RULES)
    offered = {"supported", "limited", "experimental"}
    wrong = []
    for hardware in SHIPPED_RULES.question("hardware").option_ids:
        for os_ in SHIPPED_RULES.question("os").option_ids:
            answers = {"hardware": frozenset({hardware}), "os": frozenset({os_})}
            rec = scorer.recommend(answers, explore=False)
            for s in rec.ranking:
                if not any("hardware" in scorer.table.reads(SHIPPED_RULES.rule_by_id[b.rule].when)
                           for b in s.dealbreakers):  # fmt: skip
                    continue
                stack = scorer.stack(s.framework, rec.sig)
                route = stack.hardware[1] if stack.hardware else None
                if route is not None and route.support in offered:
                    wrong.append((s.framework, hardware, os_, route.support))
    assert wrong == []


# -- every deal-breaker on the brief screen ----------------------------------------------------
def breakers(n: int) -> list[dict[str, Any]]:
    """A real point for PyTorch, and ``n`` deal-breakers excluding JAX, all firing."""
    return [
        {"id": "pt", "when": always(), "score": {"pytorch": 1}, **TOLD},
        *(
            {"id": f"no-jax-{i}", "when": always(), "dealbreaker": ["jax"], **TOLD}
            | {"because": f"b{i}"}
            for i in range(n)
        ),
    ]


def test_the_brief_screen_shows_every_deal_breaker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """JAX is excluded by two rules; the brief screen showed the first only ("Excluded: Jax: b0"),
    while Markdown, --full and JSON have both."""
    base_rules(tmp_path, breakers(2), monkeypatch)
    code, out, _ = cli("recommend")
    assert code == 0
    assert [line for line in out.splitlines() if "Excluded" in line] == [
        "Excluded: Jax: b0",
        "Excluded: Jax: b1",
    ]
    _, out, _ = cli("recommend", "--format", "json")
    jax = next(s for s in json.loads(out)["ranking"] if s["framework"] == "jax")
    assert [b["because"] for b in jax["dealbreakers"]] == ["b0", "b1"]


def test_a_brief_screen_too_long_for_every_deal_breaker_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from recommender.render.brief import LINES, render_brief

    rules = base_rules(tmp_path, breakers(30), monkeypatch)
    rec = Scorer(rules).recommend({})
    lines = render_brief(rec, rules, width=80).splitlines()
    assert len(lines) <= LINES
    at = lines.index("Excluded: Jax: b0")
    assert lines[at + 1] == "  … 29 more deal-breakers (--full)"


def test_an_excluded_frameworks_reasons_say_it_is_excluded(shipped_only, tmp_path: Path):
    # "JAX (−7)" headed JAX's reasons in the report's list, as if it were in the running; the
    # deal-breaker that put it out was in another section (QA, stop 28)
    out = tmp_path / "r.html"
    argv = ["-a", "audience=beginner", "-a", "deployment=edge", "-a", "edge_target=microcontroller"]
    assert cli("recommend", *argv, "-o", str(out))[0] == 0
    heads = re.findall(r"<h3>([^<]*)</h3>", out.read_text(encoding="utf-8"))
    assert "JAX (\u22127) \u2014 excluded by a deal-breaker" in heads
    assert "PyTorch (+3.5)" in heads  # a framework in the running, as it was
