"""export_rules: the documented format, and the same outcome as the engine on random answers (a
reference evaluator of the exported data, no browser needed)."""

from __future__ import annotations

import json

import pytest
from conftest import MINI, ROOT
from html_support import answers_for, engine_view, facts_for, score_exported
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tooling_support import write

import recommender
from recommender.scoring.export import FORMAT, export_rules
from recommender.scoring.result import rank

BASES = {
    "mini": lambda: recommender.load_rules(base=MINI),
    "shipped": lambda: recommender.load_rules(),
    "mlx overlay": lambda: recommender.load_rules(ROOT / "docs" / "examples" / "mlx"),
}


@pytest.fixture(scope="module", params=list(BASES))
def rules(request):
    return BASES[request.param]()


def test_the_mini_base_exports_in_rule_base_order(mini):
    model = export_rules(mini)
    assert model["format"] == FORMAT and model["probed"] is False
    assert [f["id"] for f in model["frameworks"]] == ["tensorflow", "pytorch", "jax"]
    assert [q["id"] for q in model["questions"]] == [q.id for q in mini.questions]
    edge = next(q for q in model["questions"] if q["id"] == "edge_target")
    assert edge["ask_when"] == {"any_of": ["deployment", ["edge"]]}
    assert edge["kind"] == "single" and edge["options"][0] == {
        "id": "microcontroller",
        "label": "Microcontroller",
        "exclusive": False,
    }
    by_id = {r["id"]: r for r in model["rules"]}
    assert by_id["beginner-keras"]["points"] == {"tensorflow": 2, "pytorch": 2, "jax": -3}
    assert by_id["mcu-no-jax"] == {
        "id": "mcu-no-jax",
        "when": {"any_of": ["edge_target", ["microcontroller"]]},
        "points": {},
        "dealbreaker": ["jax"],
        "lean": False,
        "because": "JAX has no microcontroller path.",
        "source": "test",
    }
    assert by_id["os-unknown"]["when"] == {"not": {"any_of": ["os", ["linux", "windows"]]}}
    assert by_id["not-windows"]["when"] == {"not": {"any_of": ["os", ["windows"]]}}
    assert by_id["mcu-tf"]["when"] == {
        "all": [
            {"any_of": ["deployment", ["edge"]]},
            {"any_of": ["edge_target", ["microcontroller"]]},
        ]
    }
    lightning = model["frameworks"][1]["companions"][0]
    assert lightning["pick_when"] == {"any_of": ["audience", ["beginner", "production"]]}
    assert model["frameworks"][1]["companions"][1]["pick_when"] is None


CONDITIONS = """\
rules:
  - {id: c-is, when: {os: [windows, linux]}, score: {jax: 1}, because: b, source: s}
  - {id: c-answered, when: {answered: os}, score: {jax: 1}, because: b, source: s}
  - {id: c-probe, when: {probe: {"jax.export": ok}}, score: {jax: 1}, because: b, source: s}
  - {id: c-absent, when: {probe: {"jax.gpu": absent}}, score: {jax: 1}, because: b, source: s}
  - {id: c-folded, when: {not: {any: [{probe: {"jax.gpu": absent}}, {os: linux}]}}, score: {jax: 1},
     because: b, source: s}
"""


@pytest.mark.parametrize(
    ("rule", "facts", "tree"),
    [
        ("c-is", None, {"any_of": ["os", ["linux", "windows"]]}),
        ("c-answered", None, {"any_of": ["os", ["linux", "windows"]]}),
        ("c-probe", None, False),
        ("c-probe", {"jax.export": "ok"}, True),
        ("c-probe", {"jax.export": "failed"}, False),
        ("c-absent", {}, True),  # a fact not probed is absent
        ("c-folded", {}, False),
        ("c-folded", None, {"not": {"any_of": ["os", ["linux"]]}}),
    ],
)
def test_each_condition_exports_to_the_documented_tree(tmp_path, rule, facts, tree):
    overlay = write(tmp_path / "overlay", "conditions.yaml", CONDITIONS).parent
    rules = recommender.load_rules(overlay, base=MINI)
    by_id = {r["id"]: r for r in export_rules(rules, facts)["rules"]}
    assert by_id[rule]["when"] == tree


def test_the_export_is_json_and_carries_every_rule(rules):
    model = json.loads(json.dumps(export_rules(rules)))
    assert [r["id"] for r in model["rules"]] == [r.id for r in rules.rules]
    assert [f["name"] for f in model["frameworks"]] == [f.name for f in rules.frameworks]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_exported_rules_score_as_the_engine(rules, data):
    answers = data.draw(answers_for(rules), label="answers")
    facts = data.draw(facts_for(rules), label="facts")
    expected = engine_view(rank(answers, rules, facts=facts, explore=False))
    assert score_exported(export_rules(rules, facts), answers) == expected


def test_a_follow_up_is_dropped_when_its_question_no_longer_applies(mini):
    model = export_rules(mini)
    answers = {"edge_target": frozenset({"microcontroller"}), "deployment": frozenset({"server"})}
    # edge_target is not asked without edge, so the deal-breaker on JAX does not fire
    assert score_exported(model, answers)["excluded"]["jax"] is False
    answers["deployment"] = frozenset({"edge"})
    assert score_exported(model, answers)["excluded"]["jax"] is True
