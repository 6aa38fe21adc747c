"""Issue 9: the CSV batch's score, confidence and flat-row steps do less; each shortcut is pinned to
what it stands for.

* a flat row's stack cells come from :meth:`Scorer.stack_line`, remembered per stack key: they are
  the companion and :func:`~recommender.scoring.stack.stack_line` of the recommendation's stack;
* the top reasons are the fired rules' places in the framework's ranked rules, sorted: the walk
  down those rules they replace, and the verdict's first reasons;
* the numpy confidence path scores each row as the question sees it once (rows alike share it):
  the scalar path's levels, with repeated rows and follow-ups answered where they do not apply.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
import test_scoring_core as core
from hypothesis import given
from hypothesis import strategies as st

from recommender.batch.readers import Row
from recommender.batch.records import TOP_REASONS, columns
from recommender.batch.run import run_batch
from recommender.batch.writers import CsvWriter
from recommender.cli import main
from recommender.errors import UserError
from recommender.rulebase.load import load_rules
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring import confidence
from recommender.scoring import result as result_module
from recommender.scoring import table as table_module
from recommender.scoring.result import Recommendation, Scorer, rank
from recommender.scoring.stack import stack_line, stack_of

np = pytest.importorskip("numpy")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import _profiles  # noqa: E402  (the benchmarks' seeded profiles and issue 9's survey)

SHIPPED = load_rules()
SEEDS = st.integers(0, 2**32 - 1)


def shipped_profiles(seed: int, n: int) -> list[dict[str, Any]]:
    """``n`` random valid profiles for the shipped rules (benchmarks/_profiles.py's), the first
    few repeated: a batch's rows repeat."""
    rng = random.Random(seed)
    made = [_profiles.random_answers(SHIPPED, rng) for _ in range(n)]
    return made + made[: n // 3]


def expected_cells(rec: Recommendation, row: int, name: str) -> list[str]:
    """A CSV row as the recommendation's public API says it, through the verdict (the reasons
    built) and the stack (built afresh): what the flat row must show."""
    lead = rec.ranking[0] if rec.outcome.winner or rec.outcome.tie else None
    reasons = [] if lead is None else [r.rule for r in lead.reasons][:TOP_REASONS]
    by_id = {s.framework: s for s in rec.ranking}
    stack = rec.stack
    cells = [
        row,
        name,
        rec.winner or "",
        ";".join(rec.tie),
        rec.confidence,
        *(result_module.number(by_id[f].score) for f in rec.table.ids),
        ";".join(f for f in rec.table.ids if by_id[f].excluded),
        "" if rec.margin is None else result_module.number(rec.margin),
        stack.companion.id if stack and stack.companion else "",
        stack_line(stack, rec.scorer.table_names),
        ";".join(reasons),
        "",
    ]
    return [str(c) for c in cells]


def csv_rows(rules: RuleBase, raws: list[dict[str, Any]], chunk: int = 7) -> list[list[str]]:
    out = io.StringIO()
    rows = [Row(i + 1, f"p{i}", raw) for i, raw in enumerate(raws)]
    writer = CsvWriter(out, rules)
    writer.finish(run_batch(rows, rules, writer, source="t", chunk=chunk))
    return list(csv.reader(io.StringIO(out.getvalue())))


@core.SETTINGS
@given(seed=SEEDS)
def test_a_csv_row_is_what_the_recommendation_says_on_the_shipped_rules(monkeypatch, seed):
    """Every cell of every row, stack lines with routes and companions included, past the memos
    (each holds two entries here)."""
    monkeypatch.setattr(table_module, "MEMO_LIMIT", 16)
    monkeypatch.setattr(result_module, "MEMO_LIMIT", 16)
    raws = shipped_profiles(seed, 12)
    got = csv_rows(SHIPPED, raws)
    assert got[0] == columns(SHIPPED)
    for i, (raw, cells) in enumerate(zip(raws, got[1:], strict=True)):
        rec = rank(normalize_answers(raw, SHIPPED), SHIPPED, explore=False)
        assert cells == expected_cells(rec, i + 1, f"p{i}")


@core.SETTINGS
@given(data=st.data(), base=core.rule_bases())
def test_a_csv_row_is_what_the_recommendation_says_on_random_rule_bases(
    tmp_path_factory, data, base
):
    rules = core.write_base(tmp_path_factory.mktemp("base"), *base)
    raws = data.draw(st.lists(core.profiles(base[0]), min_size=1, max_size=20))
    got = csv_rows(rules, raws + raws[:5], chunk=4)
    for i, (raw, cells) in enumerate(zip(raws + raws[:5], got[1:], strict=True)):
        rec = rank(normalize_answers(raw, rules), rules, explore=False)
        assert cells == expected_cells(rec, i + 1, f"p{i}")


@core.SETTINGS
@given(fired=st.sets(st.integers(0, len(SHIPPED.rules) - 1)), n=st.integers(0, 5))
def test_top_reasons_are_the_walk_down_the_ranked_rules(fired, n):
    """The sorted places of the fired rules are the walk they replace: the ranked rules that
    fired, most points first, then in rule order; ``n`` of them are its first ``n``."""
    scorer = Scorer(SHIPPED)
    outcome = scorer.table.outcome(tuple(sorted(fired)))
    for k in range(len(scorer.table.ids)):
        walk = [r for r in scorer.ranked[k] if r in fired]
        assert scorer._reasons_of(outcome, k) == walk
        ids = [scorer.table.rule_ids[r] for r in walk[:n]]
        assert scorer.top_reasons(outcome, k, n) == ids


@core.SETTINGS
@given(seed=SEEDS)
def test_remembered_stack_cells_are_the_stacks_companion_and_line(monkeypatch, seed):
    """Asked twice, and past a memo of two entries: the companion whose ``pick_when`` holds first
    and the stack's line, for every framework as the winner."""
    monkeypatch.setattr(result_module, "MEMO_LIMIT", 16)
    scorer = Scorer(SHIPPED)
    t = scorer.table
    sigs = [t.signature(normalize_answers(a, SHIPPED)) for a in shipped_profiles(seed, 8)]
    for sig in [*sigs, *sigs]:
        for f in SHIPPED.frameworks:
            picks = [c for c in f.companions if c.status == "active"]
            held = (c for c in picks if c.pick_when is None or t.holds(c.pick_when, sig))
            first = next(held, None)
            line = stack_line(stack_of(t, f.id, sig, first), scorer.table_names)
            assert scorer.stack_line(f.id, sig) == (first.id if first else "", line)


@core.SETTINGS
@given(seed=SEEDS, survey=st.booleans())
def test_the_numpy_confidence_path_scores_rows_alike_once_and_agrees(tmp_path, seed, survey):
    """Shipped rules, rows repeated and rows alike for most questions (issue 9's survey), follow-
    ups given where they do not apply: the numpy path's levels are the scalar path's."""
    t = Scorer(SHIPPED).table
    if survey:
        made = tmp_path / "survey.jsonl"
        _profiles.write_survey(made, SHIPPED, 30, seed=seed)
        lines = made.read_text(encoding="utf-8").splitlines()
        raws = [json.loads(line)["answers"] for line in lines]
    else:
        raws = shipped_profiles(seed, 24)
    normals = []
    for raw in raws:
        try:
            normals.append(normalize_answers(raw, SHIPPED))
        except UserError:  # the survey's bad rows ("none" with a target): not scored
            continue
    given_ = [t.encode(n) for n in normals]
    sigs = [t.applicable(g) for g in given_]
    outcomes = [t.outcome(t.fired_one(s)) for s in sigs]
    vector = confidence.levels(t, sigs, outcomes, t.vector(), given_)
    assert vector == confidence.levels(t, sigs, outcomes, None, given_)
    assert vector == [rank(n, SHIPPED, explore=False).confidence for n in normals]


def test_a_csv_batch_of_the_survey_is_its_records(tmp_path, capsys):
    """The CLI end to end on issue 9's survey: each CSV row is the JSONL record's, bad rows
    included."""
    made = tmp_path / "survey.jsonl"
    _profiles.write_survey(made, SHIPPED, 60)
    assert main(["batch", str(made), "-o", str(tmp_path / "out.csv"), "--quiet"]) == 1
    assert main(["batch", str(made), "-o", str(tmp_path / "out.jsonl"), "--quiet"]) == 1
    capsys.readouterr()
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(rows) == len(records) == 60
    for cells, record in zip(rows, records, strict=True):
        assert cells[:3] == [str(record["row"]), record["name"], record["winner"] or ""]
        assert cells[4] == (record["confidence"] or "")
        assert cells[-1] == (record["error"] or "")
        stack = record["stack"]
        companion = stack["companion"] if stack else None
        assert cells[-4] == (companion["id"] if companion else "")
