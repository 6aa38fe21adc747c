"""Batch and recommend agree record for record, on an answer grid and on a bigger base at random."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from recommender.cli import main
from recommender.rulebase.load import load_rules
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import Recommendation, Scorer, rank

np: ModuleType | None
try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"
sys.path.insert(0, str(ROOT / "benchmarks"))
import _profiles  # noqa: E402  (the benchmarks' seeded profile and synthetic-rule generators)

PATHS = ["scalar", *(["numpy"] if np is not None else [])]


def is_record_of(record: dict, recommendation: Recommendation) -> bool:
    """True when ``record`` says what ``recommendation.to_dict()`` says (batch/recommend agree)."""
    extra = ("row", "margin", "error")
    return {k: v for k, v in record.items() if k not in extra} == recommendation.to_dict()


def grid(rules, questions=None) -> list[dict]:
    """Every combination of the questions' answers, unanswered included (multi: every subset)."""
    chosen = [q for q in rules.questions if questions is None or q.id in questions]

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
        {q.id: v for q, v in zip(chosen, combo, strict=True) if v is not None}
        for combo in itertools.product(*(choices(q) for q in chosen))
    ]


@pytest.fixture(autouse=True)
def mini_rules(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


def test_batch_output_equals_rank_on_the_whole_answer_grid(tmp_path, capsys):
    """Real CLI: each record is ``rank(...).to_dict()`` (no what-ifs) plus row, margin, error."""
    rules = load_rules()
    profiles = grid(rules)
    Path("grid.jsonl").write_text(
        "".join(json.dumps({"name": f"g{i}", **p}) + "\n" for i, p in enumerate(profiles))
    )
    assert main(["batch", "grid.jsonl", "-q"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(got) == len(profiles) == 864
    for i, (p, record) in enumerate(zip(profiles, got, strict=True)):
        expected = rank(normalize_answers(p, rules), rules, profile=f"g{i}", explore=False)
        assert record["row"] == i + 1
        assert is_record_of(record, expected), p


def test_batch_agrees_with_recommend_format_json(tmp_path, capsys):
    """Winner, tie and scores against the real ``recommend --format json``, on a 3-question grid."""
    rules = load_rules()
    profiles = grid(rules, {"audience", "deployment", "os"})
    Path("grid.jsonl").write_text("".join(json.dumps(p) + "\n" for p in profiles))
    assert main(["batch", "grid.jsonl", "-q"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(got) == len(profiles) == 96
    for p, record in zip(profiles, got, strict=True):
        flags = [f"--answer={q}={','.join(v) if isinstance(v, list) else v}" for q, v in p.items()]
        assert main(["recommend", "--format", "json", *flags]) == 0
        single = json.loads(capsys.readouterr().out)
        assert (record["winner"], record["tie"]) == (single["winner"], single["tie"]), p
        assert record["ranking"] == single["ranking"] and record["why_not"] == single["why_not"], p
        assert (
            record["companion"] == single["companion"]
            and record["unanswered"] == single["unanswered"]
        ), p


@pytest.mark.parametrize("path", PATHS)
def test_records_equal_rank_on_random_profiles_of_a_bigger_rule_base(tmp_path, path):
    """160 rules of every condition form, follow-ups, deal-breakers; results built per fired set
    must still match."""
    rules = load_rules(base=_profiles.synthetic_rules(tmp_path / "rules"))
    profiles = list(_profiles.profiles(rules, 1500, seed=11))
    normals = [
        normalize_answers({k: v for k, v in p.items() if k != "name"}, rules) for p in profiles
    ]
    scorer = Scorer(rules)
    vector = scorer.table.vector() if path == "numpy" else None
    named = [(p["name"], n) for p, n in zip(profiles, normals, strict=True)]
    got = scorer.recommend_many(named, None, vector)
    outcomes = {
        (r.winner, tuple(r.tie)) for r in (rank(x, rules, explore=False) for x in normals[:200])
    }
    assert len(outcomes) > 2, "the synthetic base should produce varied outcomes"
    for p, n, result in zip(profiles, normals, got, strict=True):
        expected = rank(n, rules, profile=p["name"], explore=False)
        assert result.to_dict() == expected.to_dict(), p
