"""What-ifs and the confidence swing only name answers a user could give: an option marked
``exclusive`` ("none") stands alone, so ticking another option unticks it and ticking it unticks
the others, as ``ask`` does. Every entry is applied to its profile, re-validated and re-scored;
on random rule bases with exclusive options the numpy confidence path tests exactly the
alternatives of the scalar one (:mod:`recommender.scoring.explore`)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import test_scoring_core as core
from hypothesis import assume, given
from hypothesis import strategies as st

import recommender
from recommender.cli import main
from recommender.lint.run import lint
from recommender.rulebase.load import load_rules
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring import confidence
from recommender.scoring.explore import Change, every_alternative
from recommender.scoring.result import rank

np = pytest.importorskip("numpy")

SHIPPED = load_rules()
REPROS = [  # what-ifs and a swing that once ticked an option beside "none"
    ["deployment=none", "team_knows=jax"],
    [
        "domain=other",
        "team_knows=jax",
        "model_zoo=jax_native,torchvision_timm,keras_hub",
        "deployment=none",
        "api_level=low",
        "custom_gradients=yes",
    ],
]


def applied(answers: dict[str, Any], change: str, question: str, answer: str | None) -> dict:
    """The profile (as a profile file holds it) after one single different answer, as its words
    say: ``set`` makes the answer that option alone, ``add``/``remove`` tick or untick one."""
    out = dict(answers)
    held = out.pop(question, None)
    ticked = held if isinstance(held, list) else [] if held is None else [held]
    if change == "set":
        out[question] = answer
    elif change == "add":
        out[question] = [*ticked, answer]
    elif change == "remove":
        out[question] = [o for o in ticked if o != answer] or None
    return {q: v for q, v in out.items() if v is not None}


def check_entry(answers: dict[str, Any], c: dict[str, Any], rules: RuleBase) -> None:
    """The entry's answers are accepted and lead to the outcome it names."""
    changed = applied(answers, c["change"], c["question"], c["answer"])
    rec = rank(normalize_answers(changed, rules), rules, explore=False)  # refused: UserError
    assert (rec.winner, list(rec.tie)) == (c["winner"], c["tie"]), (c, changed)


@pytest.mark.parametrize("flags", REPROS, ids=["what-if", "swing"])
def test_the_reported_what_ifs_and_swings_can_be_applied(flags, capsys):
    argv = [x for flag in flags for x in ("-a", flag)]
    rc = main(["recommend", *argv, "--full", "-f", "json"])
    record = json.loads(capsys.readouterr().out)
    assert rc == 0 and record["what_would_change"]
    entries = record["what_would_change"] + record["swing"]
    for c in entries:
        changed = applied(record["answers"], c["change"], c["question"], c["answer"])
        args = [f"{q}={','.join(v) if isinstance(v, list) else v}" for q, v in changed.items()]
        rc = main(["recommend", *(x for a in args for x in ("-a", a)), "-f", "json"])
        out, err = capsys.readouterr()
        assert rc == 0, (c, err)  # "cannot be combined" exits 2
        got = json.loads(out)
        assert (got["winner"], got["tie"]) == (c["winner"], c["tie"]), c


def test_ticking_beside_none_replaces_it():
    rec = recommender.recommend({"deployment": "none", "team_knows": "jax"}, SHIPPED)
    mobile = [c for c in rec.what_would_change if c.answer == "mobile"]
    assert [(c.question, c.change) for c in mobile] == [("deployment", "set")]
    kept = [c for c in rec.what_would_change if c.question == "team_knows" and c.answer != "none"]
    assert {c.change for c in kept} <= {"add", "remove"}  # jax stays: nothing unticked


def test_random_shipped_profiles_name_only_valid_answers():
    rng = random.Random(7)
    for _ in range(40):
        answers: dict[str, Any] = {}
        for q in SHIPPED.questions:
            if rng.random() < 0.4:
                continue
            alone = [o.id for o in q.options if o.exclusive]
            if q.kind != "multi":
                answers[q.id] = rng.choice(q.option_ids)
            elif alone and rng.random() < 0.5:  # "none" is where the bug lived
                answers[q.id] = [rng.choice(alone)]
            else:
                rest = [o for o in q.option_ids if o not in alone]
                answers[q.id] = rng.sample(rest, rng.randint(1, len(rest)))
        record = recommender.recommend(answers, SHIPPED).to_dict()
        for c in record["what_would_change"] + record["swing"]:
            # the profile as given: a what-if keeps a follow-up answered before its question
            # applies (edge_target without edge), which record["answers"] leaves out
            check_entry(answers, c, SHIPPED)


def _sig_of(row: Any) -> int:
    return int.from_bytes(row.tobytes(), "little")


exclusive_bases = core.rule_bases().filter(lambda b: any(core.alone(q) for q in b[0]))


@core.SETTINGS
@given(data=st.data(), base=exclusive_bases)
def test_every_alternative_is_valid_and_both_confidence_paths_agree(tmp_path_factory, data, base):
    rules = core.write_base(tmp_path_factory.mktemp("base"), *base)
    scorer = recommender.Scorer(rules)
    table, vector = scorer.table, scorer.table.vector()
    facts = data.draw(core.facts_strategy)
    raws = data.draw(st.lists(core.profiles(base[0]), min_size=1, max_size=12))
    lone = {q["id"]: core.alone(q) for q in base[0]}
    assume(any(set(a.get(q, ())) & set(alone) for a in raws for q, alone in lone.items()))
    normals = [normalize_answers(r, rules) for r in raws]
    sigs = [table.signature(n, facts) for n in normals]
    for sig in sigs:
        answers = table.answers(sig)
        for alt in every_alternative(table, sig):
            normalize_answers(table.answers(alt.sig), rules)  # valid: no UserError
            said = applied(answers, alt.change, alt.question, alt.answer)
            assert table.signature(normalize_answers(said, rules), facts) == alt.sig, alt
    words = vector.matrix(sigs)
    for reach in confidence._reach(table):  # the numpy alternatives are the scalar ones
        block = confidence._alternatives(vector, reach, words).reshape(-1, *words.shape)
        q = reach.question.id
        for i, sig in enumerate(sigs):
            scalar = {a.sig for a in every_alternative(table, sig) if a.question == q}
            assert {_sig_of(row) for row in block[:, i]} - {sig} == scalar - {sig}
    outcomes = [table.outcome(table.fired_one(s)) for s in sigs]
    assert confidence.levels(table, sigs, outcomes, vector) == confidence.levels(
        table, sigs, outcomes
    )
    for sig, o in zip(sigs, outcomes, strict=True):
        for c in confidence.swings(table, sig, o):
            assert isinstance(c, Change)
            normalize_answers(applied(table.answers(sig), c.change, c.question, c.answer), rules)


def test_lint_counts_only_answers_that_can_be_given(tmp_path):
    """A multi question with an exclusive option: any set of the other two, or "none" alone."""
    qs = [
        {"id": "q0", "kind": "multi", "options": ["a", "b", "none"], "exclusive": ["none"]},
        {"id": "q1", "kind": "single", "options": ["x", "y"]},
    ]
    rules = [
        {"id": "r0", "when": {"q0": "none"}},
        {"id": "r1", "when": {"all": [{"q0": "a"}, {"q1": "x"}]}},
    ]
    rules = [r | {"score": {"jax": 1}, "because": "b", "source": "s"} for r in rules]
    base = core.write_base(tmp_path / "base", qs, rules)
    truth = core.brute_force(base)
    report = lint(base)
    assert report.space.full_size == int(report.totals.weight) == truth["total"] == (4 + 1) * 3
    assert [int(n) for n in report.totals.fired] == [truth["fired"][r] for r in ("r0", "r1")]
    assert [int(n) for n in report.totals.fired] == [3, 2]  # {none}; {a}, {a, b} with x
