"""What each output says is true: every what-if, applied to the profile and scored again, gives
the outcome it names (no recommendation is not a tie), on the shipped rules and on random rule
bases (tests/test_scoring_core.py's generators)."""

from __future__ import annotations

import json
import re

from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring_core import (
    facts_strategy,
    profiles,
    rule_bases,
    scored_at_random,
    write_base,
)

from recommender.rulebase.model import Case, RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.cases import failure_diff, run_cases
from recommender.scoring.decide import units
from recommender.scoring.explore import Change, every_alternative
from recommender.scoring.result import Scorer

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def changed(answers: dict, c: Change, rules: RuleBase) -> dict:
    """The answers with exactly the change ``c`` made, as a user would make it in the file."""
    out = dict(answers)
    now = out.pop(c.question, frozenset())
    if c.change == "add":
        out[c.question] = now | {c.answer}
    elif c.change == "remove" and now - {c.answer}:
        out[c.question] = now - {c.answer}
    elif c.change == "set":  # another option; for a multi question, that option alone
        out[c.question] = frozenset({c.answer})
    return out


@SETTINGS
@given(data=st.data(), base=rule_bases())
def test_every_what_if_names_the_outcome_it_leads_to(tmp_path_factory, data, base):
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    for c in (*rec.what_would_change, *rec.swing):
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False)
        said = (c.winner, c.tie, c.undecided)
        assert said == (after.winner, after.tie, after.confidence == "none"), c


def test_a_what_if_to_no_recommendation_is_not_called_a_tie():
    """With visualization answered Yes, PyTorch leads TensorFlow by the lean alone; answering No
    leaves nothing but the lean (PyTorch +0.5, the others 0): no recommendation, not a tie."""
    args = ("recommend", "--answer", "visualization=yes")
    full = run_cli(*args, "--full").stdout
    line = next(x for x in full.splitlines() if x.strip().startswith("visualization:"))
    assert "tie" not in line and line.count("→ no recommendation (nothing you answered") == 2
    record = json.loads(run_cli(*args, "-f", "json").stdout)
    entries = [c for c in record["what_would_change"] if c["question"] == "visualization"]
    assert [c["undecided"] for c in entries] == [True, True]
    after = run_cli("recommend", "--answer", "visualization=no").stdout
    assert after.startswith("No recommendation yet")
    page = re.sub(r"</?bdi>", "", run_cli(*args, "-f", "html").stdout)  # isolates, not words
    assert "No \u2192 no recommendation (nothing you answered separates them)" in page


@SETTINGS
@given(data=st.data(), base=rule_bases())
def test_each_deciding_question_has_an_answer_that_gives_a_recommendation(
    tmp_path_factory, data, base
):
    """'Answer these to get a recommendation': for each question named, some single different
    answer names a winner (a real lead that the lean's points turn into a tie does not)."""
    rules = write_base(tmp_path_factory.mktemp("base"), *base)
    scorer = Scorer(rules)
    t = scorer.table
    facts = data.draw(facts_strategy)
    rec = scorer.recommend(normalize_answers(data.draw(profiles(base[0])), rules), facts=facts)
    winning = {a.question for a in every_alternative(t, rec.sig, rec.given) if t.decision(a.sig)[0]}
    assert set(rec.deciding) <= winning


def test_a_lead_the_lean_turns_into_a_tie_decides_nothing(tmp_path):
    """q0=yes gives TensorFlow a real half point, and the lean PyTorch a half point: a tie, so
    q0 is not a question that would give a recommendation."""
    qs = [{"id": "q0", "kind": "yes_no", "options": ["yes", "no"]}]
    told = {"because": "b", "source": "s"}
    rules: list[dict] = [
        {"id": "tf", "when": {"q0": "yes"}, "score": {"tensorflow": 0.5}, **told},
        {"id": "lean", "when": {"q0": "yes"}, "score": {"pytorch": 0.5}, "lean": True, **told},
    ]
    base = write_base(tmp_path, qs, rules)
    scorer = Scorer(base)
    assert scorer.recommend({"q0": frozenset({"yes"})}).tie == ("tensorflow", "pytorch")
    rec = scorer.recommend({})
    assert (rec.confidence, rec.deciding) == ("none", ())


@SETTINGS
@given(data=st.data(), base=rule_bases())
def test_a_failing_case_shows_rules_that_add_up_to_the_lead(tmp_path_factory, data, base):
    """``rules test``'s "decided by (A over B)" lists the rules on both sides: their points add up
    to A's lead over B (unless B is excluded, which the line says)."""
    rules = write_base(tmp_path_factory.mktemp("base"), *base)
    answers = data.draw(profiles(base[0]))
    expected = data.draw(st.sampled_from(rules.framework_ids))
    (result,) = run_cases(rules, [Case("c", answers, expected)])
    scores = {s.framework: units(s.score) for s in result.result.ranking} if result.result else {}
    for line in failure_diff(result, rules):
        found = re.fullmatch(r"  decided by \((\S+) over (\S+)\): (.*)", line)
        if found and "excluded by" not in line:
            a, b, rules_shown = found.groups()
            points = re.findall(r" ([+-][\d.]+)", rules_shown)
            assert sum(units(float(x)) for x in points) == scores[a] - scores[b], line
