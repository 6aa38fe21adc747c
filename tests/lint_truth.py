"""The ground truth exact lint is held to: the scoring table's scalar path (as ``recommend`` scores)
on every real profile, and random rule bases to try.

``brute_force`` knows nothing of merged answers, parts or distributions: it enumerates the unmerged
answer space (every valid option subset of a multi question, every status of every probe fact a rule
reads) and scores each profile the way ``recommend`` does. ``random_base`` writes a small rule base
that uses every condition form.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np

from recommender.lint.space import build_space
from recommender.rulebase.conditions import PROBE_STATUSES
from recommender.rulebase.model import RuleBase
from recommender.scoring.decide import decide
from recommender.scoring.table import table_for

STATUSES = PROBE_STATUSES


def axes(rules: RuleBase) -> list[tuple[str, list]]:
    """(dimension name, every answer) per question, then per probe fact some condition reads."""
    out = []
    for q in rules.questions:
        if q.kind == "multi":
            alone = {o.id for o in q.options if o.exclusive}
            subsets = [
                frozenset(c)
                for k in range(len(q.options) + 1)
                for c in itertools.combinations(q.option_ids, k)
                if k < 2 or not alone & set(c)  # an exclusive option stands alone
            ]
            out.append((q.id, [s or None for s in subsets]))
        else:
            out.append((q.id, [None, *(frozenset((o,)) for o in q.option_ids)]))
    facts = [d.name for d in build_space(table_for(rules)).dims if d.probe]
    return out + [(f, list(STATUSES)) for f in facts]


def brute_force(rules: RuleBase) -> dict:
    """Every figure lint reports, by scoring every real profile as ``recommend`` does."""
    table, ids = table_for(rules), rules.framework_ids
    named = axes(rules)
    shape = tuple(len(values) for _, values in named)
    outcome = np.empty(shape, dtype=object)
    wins: dict[str | None, int] = dict.fromkeys(ids, 0)
    tied = dict.fromkeys(ids, 0)
    ties = nothing = 0
    fired_in: dict[str, set[int]] = {r.id: set() for r in rules.rules}
    decisive = dict.fromkeys(fired_in, 0)
    for n, index in enumerate(itertools.product(*(range(k) for k in shape))):
        answers, facts = _profile(named, index)
        fired = table.fired_one(table.signature(answers, facts))
        got = outcome[index] = decide(ids, *table.totals(fired))
        wins[got[0]] = wins.get(got[0], 0) + 1
        for f in got[1]:
            tied[f] += 1
        ties += bool(got[1])
        nothing += got == (None, ())
        for r in fired:
            rid = table.rule_ids[r]
            fired_in[rid].add(n)
            decisive[rid] += decide(ids, *table.totals(x for x in fired if x != r)) != got
    wins.pop(None, None)
    no_effect = {
        name
        for axis, (name, _) in enumerate(named)
        if (outcome == np.take(outcome, [0], axis=axis)).all()
    }
    return {
        "total": int(np.prod(shape)),
        "wins": wins,
        "tied": tied,
        "ties": ties,
        "nothing": nothing,
        "fired": {rid: len(s) for rid, s in fired_in.items()},
        "decisive": decisive,
        "same_fire": _same_fire(fired_in),
        "no_effect": no_effect,
    }


def _profile(named: list[tuple[str, list]], index: tuple[int, ...]) -> tuple[dict, dict | None]:
    answers, facts = {}, None
    for (name, values), i in zip(named, index, strict=True):
        value = values[i]
        if name.startswith("probe:"):
            facts = facts if facts is not None else {}
            facts[name[len("probe:") :]] = value
        elif value is not None:
            answers[name] = value
    return answers, facts


def _same_fire(fired_in: dict[str, set]) -> set[frozenset[str]]:
    """Pairs of rules that fire (somewhere) in exactly the same profiles."""
    return {
        frozenset((a, b))
        for a, b in itertools.combinations(fired_in, 2)
        if fired_in[a] and fired_in[a] == fired_in[b]
    }


FRAMEWORKS = """\
frameworks:
  - {id: tensorflow, name: TensorFlow, developed_by: Google}
  - {id: pytorch, name: PyTorch, developed_by: Meta}
  - {id: jax, name: JAX, developed_by: Google}
  - {id: mlx, name: MLX, developed_by: Apple}
"""
POINTS = (-2, -1, -0.5, -0.3, 0.1, 0.2, 0.5, 1, 1.5, 2, 3)


def random_base(directory: Path, seed: int) -> Path:
    """A rule base of single, multi, yes/no and follow-up questions (one asked only after another
    follow-up), a probe fact, deal-breakers, fractional points and every condition form; small
    enough to brute-force."""
    rng = random.Random(seed)
    questions = {
        "a": ["a1", "a2"],
        "m": ["m1", "m2", "m3"],
        "y": ["yes", "no"],
        "f": ["f1", "f2"],
        "g": ["g1", "g2"],
        "b": ["b1", "b2", "b3"],
    }
    ask = {"f": "{m: m2}", "g": "{any: [{f: f1}, {a: a2}]}"}
    lines = ["questions:"]
    for q, options in questions.items():
        kind = "multi" if q == "m" else "yes_no" if q == "y" else "single"
        lines.append(
            f"  - {{id: {q}, text: {q}?, help: h, kind: {kind}"
            + (
                ""
                if kind == "yes_no"
                else ", options: [" + ", ".join(f"{{id: {o}, label: {o}}}" for o in options) + "]"
            )
            + (f", ask_when: {ask[q]}" if q in ask else "")
            + "}"
        )
    lines.append("rules:")
    for n in range(rng.randint(9, 14)):
        head = f"  - {{id: r{n}, when: {_condition(rng, questions, 2)}, "
        if rng.random() < 0.2:
            body = f"dealbreaker: [{rng.choice(['tensorflow', 'pytorch', 'jax', 'mlx'])}]"
        else:
            picked = rng.sample(["tensorflow", "pytorch", "jax", "mlx"], rng.randint(1, 3))
            body = "score: {" + ", ".join(f"{f}: {rng.choice(POINTS)}" for f in picked) + "}"
        lines.append(head + body + ", because: b, source: s}")
    # fire everywhere, in two independent parts, with opposite points: an opposing pair across parts
    lines.append(
        "  - {id: always-a, when: {any: [{answered: b}, {unanswered: b}]}, score: {jax: 1}, "
        "because: b, source: s}"
    )
    lines.append(
        "  - {id: always-y, when: {not: {all: [{y: 'yes'}, {y: 'no'}]}}, score: {jax: -1}, "
        "because: b, source: s}"
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "frameworks.yaml").write_text(FRAMEWORKS, encoding="utf-8")
    (directory / "rules.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def _condition(rng: random.Random, questions: dict[str, list[str]], depth: int) -> str:
    q = rng.choice(list(questions))
    roll = rng.random() * (
        0.6 if depth < 2 else 0.8
    )  # mostly one question per rule, so parts stay apart
    if roll < 0.3:
        return f"{{{q}: '{rng.choice(questions[q])}'}}"
    if roll < 0.4:
        return f"{{{q}: [{', '.join(repr(o) for o in rng.sample(questions[q], 2))}]}}"
    if roll < 0.5:
        return f"{{{rng.choice(['unanswered', 'answered'])}: {q}}}"
    if roll < 0.6:
        return f"{{probe: {{'pytorch.gpu': [{', '.join(rng.sample(STATUSES, 2))}]}}}}"
    if roll < 0.7 or not depth:
        return f"{{not: {_condition(rng, questions, 0)}}}"
    key = rng.choice(["any", "all"])
    left = _condition(rng, questions, depth - 1)
    right = _condition(rng, questions, depth - 1)
    return f"{{{key}: [{left}, {right}]}}"
