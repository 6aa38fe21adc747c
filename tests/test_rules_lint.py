"""``rules lint``: its reductions are checked against brute force, its output and exit codes exactly."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from recommender.conditions import PROBE_STATUSES
from recommender.engine import Scorer, decide
from recommender.lint.backends import BACKENDS
from recommender.lint.checks import CHECKS
from recommender.lint.run import lint
from recommender.lint.space import build_space
from recommender.model import RuleBase
from recommender.rulebase import load_rules
from recommender.schema import LINT_CHECKS
from tooling_support import MINI, SHIPPED, cli, mini, write  # noqa: F401  (mini is a fixture)

OVERLAY = """\
frameworks:
  - {id: mlx, name: MLX, developed_by: Apple}
  - {id: candle, name: Candle, developed_by: Hugging Face}
questions:
  - id: team_size
    text: How big is the team?
    help: People writing model code.
    kind: single
    options: [{id: solo, label: Solo}, {id: big, label: Big}]
  - id: notebook
    text: Notebooks?
    help: Jupyter.
    kind: yes_no
rules:
  - {id: never, when: {all: [{os: linux}, {os: windows}]}, score: {jax: 1}, because: b, source: s}
  - {id: team-up, when: {team_size: big}, score: {tensorflow: 1}, because: b, source: s}
  - {id: team-down, when: {team_size: [big]}, score: {tensorflow: -1}, because: b, source: s}
  - {id: gpu-probe, when: {probe: {"pytorch.gpu": ok}}, score: {pytorch: 2}, because: b, source: s}
  - {id: multi-any, when: {any: [{deployment: [server, mobile]}, {answered: custom_gradients}]}, score: {mlx: 1},
     because: b, source: s}
"""


def _every_profile(rules: RuleBase):
    """The whole unmerged space: every answer or none to every question, every status of every probe fact."""
    space = build_space(rules)
    facts = [d.name[len("probe:"):] for d in space.dims if d.probe]
    per_question = []
    for q in rules.questions:
        if q.kind == "multi":
            subsets = [frozenset(c) for k in range(len(q.options) + 1) for c in itertools.combinations(q.option_ids, k)]
            per_question.append([s or None for s in subsets])
        else:
            per_question.append([None, *(frozenset((o,)) for o in q.option_ids)])
    statuses = list(PROBE_STATUSES)
    for answers in itertools.product(*per_question):
        for fact_values in itertools.product(statuses, repeat=len(facts)):
            yield ({q.id: a for q, a in zip(rules.questions, answers) if a is not None},
                   dict(zip(facts, fact_values)) if facts else None)


def _brute_force(rules: RuleBase) -> dict:
    scorer = Scorer(rules)
    ids = scorer.ids
    wins = dict.fromkeys(ids, 0)
    ties = total = 0
    decisive = dict.fromkeys((r.id for r in rules.rules), 0)
    fired_any = dict.fromkeys((r.id for r in rules.rules), 0)
    for answers, facts in _every_profile(rules):
        scores, blocked, fired = scorer.totals(answers, facts)
        outcome = decide(ids, scores, blocked)
        total += 1
        if outcome[0]:
            wins[outcome[0]] += 1
        ties += bool(outcome[1])
        for r in fired:
            fired_any[r.id] += 1
            others = [x for x in fired if x is not r]
            s = [sum(x.score.get(f, 0.0) for x in others) for f in ids]
            b = [any(f in x.dealbreaker for x in others) for f in ids]
            decisive[r.id] += decide(ids, s, b) != outcome
    return {"total": total, "wins": wins, "ties": ties, "fired": fired_any, "decisive": decisive}


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    write(tmp_path / "overlay", "lint.yaml", OVERLAY)
    return tmp_path / "overlay"


@pytest.mark.parametrize("with_overlay", [False, True], ids=["mini", "mini+overlay"])
def test_merged_space_gives_the_brute_force_answers(with_overlay, overlay):
    rules = load_rules(*([overlay] if with_overlay else []), base=MINI)
    truth = _brute_force(rules)
    report = lint(rules)
    t = report.totals
    assert report.exhaustive and report.space.full_size == truth["total"] == round(t.weight)
    assert dict(zip(rules.framework_ids, np.round(t.wins).astype(int).tolist())) == truth["wins"]
    assert round(t.ties) == truth["ties"]
    assert dict(zip((r.id for r in rules.rules), np.round(t.fired).astype(int).tolist())) == truth["fired"]
    dead = {rid for rid, n in truth["decisive"].items() if n == 0 and truth["fired"][rid]}
    assert {f.subjects[0][5:] for f in report.findings if f.check == "dead"} == dead


def test_both_backends_fire_the_same_rules_on_every_profile(overlay):
    rules = load_rules(overlay, base=MINI)
    space = build_space(rules)
    digits = np.stack(np.unravel_index(np.arange(space.size), space.shape), axis=1)
    fired = [BACKENDS[name](rules, space).fire(digits) for name in ("vector", "engine")]
    assert (fired[0] == fired[1]).all()


def test_unread_questions_are_not_enumerated_and_alike_answers_merge(overlay):
    space = build_space(load_rules(overlay, base=MINI))
    assert space.unread == ("notebook",)
    assert [(c.label, c.weight) for c in space.dims[space.index("audience")].choices] == [
        ("(unanswered) (+1 alike)", 2), ("beginner", 1), ("researcher", 1)]
    assert [(c.label, c.weight) for c in space.dims[space.index("probe:pytorch.gpu")].choices] == [
        ("absent (+5 alike)", 6), ("ok", 1)]
    assert (space.size, space.full_size) == (1728, 54432)


def test_lint_output_and_exit_code(mini, overlay, capsys):
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "overlay")
    lines = out.splitlines()
    assert lines[:8] == [
        'overlay/lint.yaml:3:5: [warning] framework "candle" never wins; it only ties for first, in 1.0% of '
        "profiles (never-wins)",
        'overlay/lint.yaml:15:5: [warning] rule "never" never fires: its condition holds in no profile (never-true)',
        f'{MINI}/scoring.yaml:27:5: [warning] rule "mcu-no-jax" is dead: it fires in 16.7% of profiles but removing '
        "it changes no winner or tie (dead)",
        'overlay/lint.yaml:5:5: [warning] question "team_size" never changes the winner: no change to it alone '
        "changes the outcome of any profile (no-effect)",
        'overlay/lint.yaml:10:5: [warning] question "notebook" never changes the winner: no rule or ask_when reads '
        "it (no-effect)",
        'overlay/lint.yaml:17:5: [warning] rules "team-up" and "team-down" fire in exactly the same profiles and '
        "give tensorflow opposite points (+1 and -1): merge them (opposing)",
        "[info] 14.1% of profiles end in a tie (ties)",
        "answer space: 54,432 profiles (7 questions, 1 probe fact); 6 questions read by conditions, "
        "1,728 distinct profiles once interchangeable answers are merged",
    ]
    assert lines[8].startswith("scored all 1,728 distinct profiles (the whole space) in ")
    assert lines[9:] == ["winners: tensorflow 47.4%, pytorch 33.5%, jax 2.0%, mlx 3.0%, candle 0.0%, tie 14.1%, "
                         "none 0.0%", "6 warnings"]
    assert rc == 1


def test_acknowledged_warnings_are_info_and_exit_0(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "ack.yaml", """\
        rules:
          - id: mcu-no-jax
            override: true
            when: {edge_target: microcontroller}
            dealbreaker: [jax]
            because: JAX has no microcontroller path.
            source: test
            lint: {allow: [dead], reason: "a safety net; points already rule JAX out"}
        """)
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "overlay")
    assert out.splitlines()[0] == (
        'overlay/ack.yaml:2:5: [info] rule "mcu-no-jax" is dead: it fires in 16.7% of profiles but removing it '
        "changes no winner or tie (allowed: a safety net; points already rule JAX out) (dead)")
    assert out.splitlines()[-1] == "0 warnings, 1 acknowledged in the rule files"
    assert rc == 0


def test_too_big_a_space_is_sampled_and_says_so(mini, capsys):
    rc, out, err = cli(capsys, "rules", "lint", "--limit", "100", "--seed", "7")
    assert "scored a random sample of 100 of 288 distinct profiles (34.72%; seed 7) in " in out
    assert out.count("(in the 100 sampled profiles)") >= 1


def test_every_check_can_be_acknowledged():
    assert set(LINT_CHECKS) == set(CHECKS) - {"ties"}


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped rules/ land on main later")
def test_shipped_base_lints_clean(monkeypatch, capsys):
    monkeypatch.delenv("RECOMMENDER_BASE_RULES", raising=False)
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    rc, out, err = cli(capsys, "rules", "lint")
    assert rc == 0, out


def test_batch_compiled_scorer_fires_the_same_rules(overlay):
    """Once the batch branch lands, its CompiledRules can drive lint (`--backend compiled`)."""
    pytest.importorskip("recommender.compiled")
    rules = load_rules(overlay, base=MINI)
    space = build_space(rules)
    digits = np.stack(np.unravel_index(np.arange(space.size), space.shape), axis=1)
    assert (BACKENDS["compiled"](rules, space).fire(digits) == BACKENDS["vector"](rules, space).fire(digits)).all()
