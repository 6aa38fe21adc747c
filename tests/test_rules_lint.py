"""``rules lint``: its exact method and its reductions are checked against brute force (the scoring
table's scalar path on every real profile), its output and exit codes exactly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tooling_support
from conftest import MINI
from lint_truth import brute_force, random_base
from tooling_support import SHIPPED, cli, write

from recommender.lint.backends import BACKENDS
from recommender.lint.checks import CHECKS
from recommender.lint.exact import ExactTotals
from recommender.lint.run import LintReport, lint
from recommender.lint.space import build_space
from recommender.rulebase.load import load_rules
from recommender.rulebase.model import RuleBase
from recommender.rulebase.schema import LINT_CHECKS
from recommender.scoring.table import table_for

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

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
  - {id: multi-any, when: {any: [{deployment: [server, mobile]}, {answered: custom_gradients}]},
     score: {mlx: 1}, because: b, source: s}
"""


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    write(tmp_path / "overlay", "lint.yaml", OVERLAY)
    return tmp_path / "overlay"


def _figures(report: LintReport) -> dict:
    """Lint's figures in brute_force's terms (real profiles, by rule / framework / dimension id)."""
    t, rules = report.totals, report.rules
    ids, rule_ids = rules.framework_ids, [r.id for r in rules.rules]

    def counts(values) -> list[int]:
        return np.round(np.asarray(values, dtype=float)).astype(int).tolist()

    return {
        "total": round(float(t.weight)),
        "wins": dict(zip(ids, counts(t.wins), strict=True)),
        "tied": dict(zip(ids, counts(t.tied), strict=True)),
        "ties": round(float(t.ties)),
        "nothing": round(float(t.nothing)),
        "fired": dict(zip(rule_ids, counts(t.fired), strict=True)),
        "decisive": dict(zip(rule_ids, counts(t.decisive), strict=True)),
        "no_effect": {*report.no_effect, *report.space.unread},
    }


def _opposing(truth: dict, rules: RuleBase) -> set[frozenset[str]]:
    def clash(a: str, b: str) -> bool:
        pa, pb = rules.rule(a).score, rules.rule(b).score
        return any(pa.get(f, 0) * pb.get(f, 0) < 0 for f in rules.framework_ids)

    return {pair for pair in truth["same_fire"] if clash(*pair)}


def _bases(tmp_path: Path, which: str) -> RuleBase:
    if which == "mini":
        return load_rules(base=MINI)
    if which == "mini+overlay":
        write(tmp_path / "overlay", "lint.yaml", OVERLAY)
        return load_rules(tmp_path / "overlay", base=MINI)
    return load_rules(base=random_base(tmp_path / "base", int(which.removeprefix("random-"))))


_TRUTH: dict[str, dict] = {}  # brute force is the slow part: once per base, shared by both methods


# random-1, -4, -5: opposing pairs within a part; -3, -5: dead rules and no-effect questions; -11:
# every framework excluded in some profiles; each has its two "fire everywhere" rules in different
# parts
@pytest.mark.parametrize(
    "which", ["mini", "mini+overlay", "random-1", "random-3", "random-4", "random-5", "random-11"]
)
@pytest.mark.parametrize("method", ["exact", "enumerate"])
def test_lint_gives_the_brute_force_answers(which, method, tmp_path):
    rules = _bases(tmp_path, which)
    truth = _TRUTH[which] if which in _TRUTH else _TRUTH.setdefault(which, brute_force(rules))
    report = lint(rules, method=method)
    assert report.method == method and report.exhaustive and not report.fallback
    figures = _figures(report)
    assert figures == {k: truth[k] for k in figures}
    assert figures["total"] == truth["total"] == report.space.full_size
    dead = {rid for rid, n in truth["decisive"].items() if n == 0 and truth["fired"][rid]}
    assert {f.subjects[0][5:] for f in report.findings if f.check == "dead"} == dead
    assert {
        frozenset(s[5:] for s in f.subjects) for f in report.findings if f.check == "opposing"
    } == _opposing(truth, rules)


def test_random_bases_cover_what_they_claim(tmp_path):
    """The random bases exercise what the exact method must get right, not only easy cases."""
    seen = {"parts": 0, "dead": 0, "no_effect": 0, "nothing": 0, "opposing": 0}
    for seed in (1, 3, 4, 5, 11):
        rules = load_rules(base=random_base(tmp_path / str(seed), seed))
        report = lint(rules)
        assert isinstance(report.totals, ExactTotals)
        seen["parts"] = max(seen["parts"], len(report.totals.parts))
        seen["nothing"] += report.totals.nothing > 0
        for f in report.findings:
            key = f.check.replace("-", "_")
            seen[key] = seen.get(key, 0) + 1
    assert seen["parts"] >= 3 and min(seen.values()) >= 1, seen


def test_both_backends_fire_the_same_rules_on_every_profile(overlay):
    table = table_for(load_rules(overlay, base=MINI))
    space = build_space(table)
    digits = np.stack(np.unravel_index(np.arange(space.size), space.shape), axis=1)
    fired = [BACKENDS[name](table, space).fire(digits) for name in ("vector", "scalar")]
    assert (fired[0] == fired[1]).all()


def test_unread_questions_are_not_enumerated_and_alike_answers_merge(overlay):
    space = build_space(table_for(load_rules(overlay, base=MINI)))
    assert space.unread == ("notebook",)
    assert [(c.label, c.weight) for c in space.dims[space.index("audience")].choices] == [
        ("(unanswered) (+1 alike)", 2),
        ("beginner", 1),
        ("researcher", 1),
    ]
    assert [(c.label, c.weight) for c in space.dims[space.index("probe:pytorch.gpu")].choices] == [
        ("absent (+5 alike)", 6),
        ("ok", 1),
    ]
    assert (space.size, space.full_size) == (1728, 54432)


def test_lint_output_and_exit_code(mini, overlay, capsys):
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "overlay")
    lines = out.splitlines()
    assert lines[:8] == [
        'overlay/lint.yaml:3:5: [warning] framework "candle" never wins; it only ties for first, '
        "in 1.0% of profiles (never-wins)",
        'overlay/lint.yaml:15:5: [warning] rule "never" never fires: its condition holds in no '
        "profile (never-true)",
        f'{MINI}/scoring.yaml:27:5: [warning] rule "mcu-no-jax" is dead: it fires in 16.7% of '
        "profiles but removing it changes no winner or tie (dead)",
        'overlay/lint.yaml:5:5: [warning] question "team_size" never changes the winner: no change '
        "to it alone changes the outcome of any profile (no-effect)",
        'overlay/lint.yaml:10:5: [warning] question "notebook" never changes the winner: no rule '
        "or ask_when reads it (no-effect)",
        'overlay/lint.yaml:17:5: [warning] rules "team-up" and "team-down" fire in exactly the '
        "same profiles and give tensorflow opposite points (+1 and -1): merge them (opposing)",
        "[info] 14.1% of profiles end in a tie (ties)",
        "answer space: 54,432 profiles (7 questions, 1 probe fact); 6 questions read by "
        "conditions, 1,728 distinct profiles once interchangeable answers are merged",
    ]
    assert lines[8].startswith("exhaustive (exact): all 54,432 profiles in ")
    assert lines[8].endswith(
        "; 5 independent parts, 58 partial profiles enumerated (largest part: deployment, "
        "edge_target, custom_gradients, 48)"
    )
    assert lines[9:] == [
        "winners: tensorflow 47.4%, pytorch 33.5%, jax 2.0%, mlx 3.0%, candle 0.0%, tie 14.1%, "
        "none 0.0%",
        "6 warnings",
    ]
    assert rc == 1


def test_acknowledged_warnings_are_info_and_exit_0(mini, tmp_path, capsys):
    write(
        tmp_path / "overlay",
        "ack.yaml",
        """\
        rules:
          - id: mcu-no-jax
            override: true
            when: {edge_target: microcontroller}
            dealbreaker: [jax]
            because: JAX has no microcontroller path.
            source: test
            lint: {allow: [dead], reason: "a safety net; points already rule JAX out"}
        """,
    )
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "overlay")
    assert out.splitlines()[0] == (
        'overlay/ack.yaml:2:5: [info] rule "mcu-no-jax" is dead: it fires in 16.7% of profiles but '
        "removing it changes no winner or tie (allowed: a safety net; points already rule JAX out) "
        "(dead)"
    )
    assert out.splitlines()[-1] == "0 warnings, 1 acknowledged in the rule files"
    assert rc == 0


def test_too_big_a_part_is_sampled_and_says_so(mini, capsys):
    rc, out, err = cli(capsys, "rules", "lint", "--limit", "10", "--seed", "7")
    assert (
        "not exact: the part of the space read together by deployment, edge_target has 16 distinct "
        "profiles, over the limit of 10\nscored a random sample of 10 of 288 distinct profiles "
        "(3.47%; seed 7) in "
    ) in out
    assert out.count("(in the 10 sampled profiles)") >= 1


def test_points_finer_than_the_tie_tolerance_are_refused(mini, tmp_path, capsys):
    """Points are kept to 6 decimals (the tie tolerance), so lint is always exact on them."""
    write(
        tmp_path / "overlay",
        "fine.yaml",
        """\
        rules:
          - {id: fine, when: {os: linux}, score: {jax: 0.0000001}, because: b, source: s}
        """,
    )
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "overlay")
    assert rc == 2 and err.startswith("overlay/fine.yaml:2:")
    assert "points are kept to 6 decimals; got 1e-07" in err


def test_too_many_score_states_fall_back_to_enumeration(mini, monkeypatch, capsys):
    monkeypatch.setattr("recommender.lint.exact.STATES", 3)
    rc, out, err = cli(capsys, "rules", "lint")
    assert (
        "not exact: the score distribution grows past 3 states\nscored all 288 distinct profiles"
        in out
    )
    assert 'rule "mcu-no-jax" is dead' in out


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped rules/ land on main later")
def test_shipped_base_is_covered_exactly():
    report = lint(load_rules(base=SHIPPED))
    assert report.method == "exact" and not report.fallback
    assert report.totals.weight == report.space.full_size


def test_every_check_can_be_acknowledged():
    assert set(LINT_CHECKS) == set(CHECKS) - {"ties"}


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped rules/ land on main later")
def test_shipped_base_lints_clean(monkeypatch, capsys):
    monkeypatch.delenv("RECOMMENDER_BASE_RULES", raising=False)
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    rc, out, err = cli(capsys, "rules", "lint")
    assert rc == 0, out


def test_clamping_keeps_every_outcome():
    """A framework marked hopeless must be in no outcome, whatever states within reach are added."""
    from recommender.lint.dist import Dist, Reach, canonical, clamp, codes, mask

    rng = np.random.default_rng(0)
    frameworks = 4
    rest_s = rng.integers(-6, 7, size=(400, frameworks))
    rest_b = mask(rng.random((400, frameworks)) < 0.15)
    part_s = rng.integers(-3, 4, size=(30, frameworks))
    part_b = mask(rng.random((30, frameworks)) < 0.1)
    rest = Dist(canonical(rest_s, rest_b), rest_b, np.ones(400, dtype=np.int64))
    clamped = clamp(rest, Reach.of(part_s, part_b))
    assert len(clamped) < len(rest) and clamped.weight.sum() == 400

    def outcome_counts(d: Dist) -> dict:
        grid = codes(d.scores[:, None, :] + part_s[None], d.blocked[:, None] | part_b[None])
        counts: dict = {}
        for row, w in zip(grid, d.weight, strict=True):
            counts[tuple(row)] = counts.get(tuple(row), 0) + int(w)
        return counts

    assert outcome_counts(clamped) == outcome_counts(rest)


def _big_multi_question(directory: Path, options: int) -> None:
    """A multi question whose every option one rule reads alone: 2 ** options answers lint must
    tell apart, in a file of a few kilobytes."""
    listed = "\n".join(f"      - {{id: o{i}, label: O{i}}}" for i in range(options))
    rules = "\n".join(
        f"  - {{id: r{i}, when: {{bigq: o{i}}}, score: {{jax: {i + 1}}}, because: b, source: s}}"
        for i in range(options)
    )
    directory.mkdir()
    (directory / "q.yaml").write_text(
        "questions:\n  - id: bigq\n    text: T\n    help: H\n    kind: multi\n    options:\n"
        f"{listed}\nrules:\n{rules}\n"
    )


def test_a_multi_question_with_too_many_answers_is_refused_before_they_are_listed(tmp_path):
    """26 options read apart are 2 ** 26 answers: lint listed them all (and died of memory, exit 3)
    before any limit applied. Now they are counted first: one line, exit 2, in a process whose
    address space is capped well below what listing them took."""
    _big_multi_question(tmp_path / "ovl", 26)
    capped = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1500 << 20, 1500 << 20))\n"
        "from recommender.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", capped, "rules", "lint", "--rules", "ovl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == (
        'ovl/q.yaml:2:5: question "bigq": the conditions tell 26 options of this multi question '
        "apart, 67,108,864 answers for lint to enumerate, over lint's limit of 1,048,576 "
        "(--limit); split it into smaller questions, or have the rules read its options in fewer "
        "groups\n"
    )


def test_a_multi_question_within_the_limit_is_linted(mini, capsys):
    """The limit is --limit's, never below its default: under a small --limit, 2 ** 12 answers
    are still listed, and lint samples as before."""
    _big_multi_question(Path("ovl"), 12)
    rc, out, err = cli(capsys, "rules", "lint", "--rules", "ovl", "--limit", "10")
    assert rc in (0, 1) and "answer space:" in out and not err
