"""The scoring table: its scalar and numpy paths agree with the reference scorer on every profile of
an answer grid, for every condition form."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import reference

from recommender.rulebase.load import load_rules
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.decide import SCALE
from recommender.scoring.table import Table

np: ModuleType | None
try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
PATHS = ["scalar", *(["numpy"] if np is not None else [])]

CONDITIONS = """
questions:
  - {id: a, text: A?, help: h, kind: single,
     options: [{id: x, label: X}, {id: y, label: Y}, {id: z, label: Z}]}
  - {id: m, text: M?, help: h, kind: multi, options: [{id: p, label: P}, {id: q, label: Q}]}
  - {id: f, text: F?, help: h, kind: yes_no, ask_when: {m: q}}
rules:
  - {id: is, when: {a: x}, score: {tensorflow: 1}, because: b, source: s}
  - {id: is-any, when: {a: [y, z]}, score: {pytorch: 1}, because: b, source: s}
  - {id: and, when: {a: x, m: p}, score: {jax: 2}, because: b, source: s}
  - {id: all, when: {all: [{m: p}, {m: q}]}, score: {jax: 1}, because: b, source: s}
  - {id: any, when: {any: [{a: z}, {f: yes}]}, score: {tensorflow: 0.5}, because: b, source: s}
  - {id: not, when: {not: {a: x}}, score: {pytorch: 0.5}, because: b, source: s}
  - {id: not-all, when: {not: {all: [{a: y}, {m: q}]}}, score: {jax: 0.25}, because: b, source: s}
  - {id: unanswered, when: {unanswered: [a, m]}, score: {tensorflow: 3}, because: b, source: s}
  - {id: answered, when: {answered: f}, score: {pytorch: -1}, because: b, source: s}
  - {id: probe, when: {probe: {"jax.gpu": ok}}, score: {jax: 5}, because: b, source: s}
  - {id: not-probe, when: {all: [{a: x}, {not: {probe: {"jax.gpu": [ok, failed]}}}]},
     dealbreaker: [jax], because: b, source: s}
"""


def grid(rules) -> list[dict]:
    """Every combination of every question's answers, unanswered included."""

    def choices(q):
        if q.kind == "multi":
            return [
                None,
                *(
                    [*c]
                    for n in range(1, len(q.option_ids) + 1)
                    for c in itertools.combinations(q.option_ids, n)
                ),
            ]
        return [None, *q.option_ids]

    return [
        {q.id: v for q, v in zip(rules.questions, combo, strict=True) if v is not None}
        for combo in itertools.product(*(choices(q) for q in rules.questions))
    ]


@pytest.fixture(scope="module")
def condition_rules(tmp_path_factory):
    d = tmp_path_factory.mktemp("conditions")
    (d / "frameworks.yaml").write_text(
        (MINI / "frameworks.yaml")
        .read_text()
        .replace("pick_when: {audience: [beginner, production]}", "pick_when: {a: x}")
    )
    (d / "scoring.yaml").write_text(CONDITIONS)
    return load_rules(base=d)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("facts", [None, {}, {"jax.gpu": "ok"}, {"jax.gpu": "failed"}])
@pytest.mark.parametrize("base", ["mini", "conditions"])
def test_fired_and_outcomes_agree_with_the_reference(base, facts, path, condition_rules):
    rules = load_rules(base=MINI) if base == "mini" else condition_rules
    table = Table(rules)
    normals = [normalize_answers(g, rules) for g in grid(rules)]
    sigs = [table.signature(n, facts) for n in normals]
    fired = table.fired(sigs, table.vector() if path == "numpy" else None)
    for i, answers in enumerate(normals):
        ref = reference.score(rules, answers, facts)
        assert [table.rule_ids[r] for r in fired[i]] == list(ref.fired), answers
        outcome = table.outcome(fired[i])
        assert (outcome.winner, outcome.tie) == (ref.winner, ref.tie), answers
        scores = [int(ref.scores[f] * SCALE) for f in rules.framework_ids]
        excluded = [f in ref.excluded for f in rules.framework_ids]
        assert list(outcome.scores) == scores, answers
        assert [bool(outcome.blocked >> k & 1) for k in range(len(scores))] == excluded, answers


def test_the_grid_covers_every_rule(condition_rules):
    table = Table(condition_rules)
    normals = [normalize_answers(g, condition_rules) for g in grid(condition_rules)]
    seen = {r for n in normals for r in table.fired_one(table.signature(n, {"jax.gpu": "ok"}))}
    seen |= {r for n in normals for r in table.fired_one(table.signature(n))}
    assert sorted(table.rule_ids[r] for r in seen) == sorted(table.rule_ids)


def test_follow_ups_that_do_not_apply_are_dropped_before_scoring():
    rules = load_rules(base=MINI)
    table = Table(rules)
    stray = normalize_answers({"edge_target": "microcontroller"}, rules)
    assert table.signature(stray) == 0
    kept = normalize_answers({"deployment": "edge", "edge_target": "microcontroller"}, rules)
    assert table.answered(table.signature(kept), "edge_target")


def test_a_signature_refuses_answers_that_were_not_normalised():
    table = Table(load_rules(base=MINI))
    with pytest.raises(ValueError, match=r"not a normalised answer: audience='wizard'"):
        table.signature({"audience": frozenset({"wizard"})})


def test_fractional_points_add_up_exactly(tmp_path):
    """0.1 and 0.3 have no exact binary form; kept as whole millionths they add up exactly."""
    (tmp_path / "frameworks.yaml").write_text((MINI / "frameworks.yaml").read_text())
    (tmp_path / "questions.yaml").write_text((MINI / "questions.yaml").read_text())
    (tmp_path / "scoring.yaml").write_text(
        "rules:\n"
        + "".join(
            f"  - {{id: r{i}, when: {{audience: beginner}}, score: {{pytorch: 0.1, jax: "
            f"{0.3 if i % 2 else 0.2}}}, because: b, source: s}}\n"
            for i in range(7)
        )
    )
    rules = load_rules(base=tmp_path)
    table = Table(rules)
    answers = normalize_answers({"audience": "beginner"}, rules)
    scores, _ = table.totals(table.fired_one(table.signature(answers)))
    ref = reference.score(rules, answers)
    assert list(scores) == [int(ref.scores[f] * SCALE) for f in rules.framework_ids]
    assert scores[1] == 700_000 and scores[2] == 1_700_000


def test_batch_runs_without_numpy(tmp_path):
    """numpy is optional: without it the scalar path is chosen and the output is the same."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"audience": "beginner", "deployment": ["mobile", "edge"], "edge_target": '
        '"microcontroller"}\n'
        '{"audience": "researcher", "custom_gradients": true}\n'
    )
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from recommender.batch.run import Scorer, _vector\n"
        "from recommender.rulebase.load import load_rules\n"
        "assert _vector(Scorer(load_rules())) is None\n"
        "from recommender.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)}
    outputs = []
    for prefix in (["-c", code], ["-m", "recommender"]):
        done = subprocess.run(
            [sys.executable, *prefix, "batch", str(src), "-q"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 2
