"""The default lean (the rule that breaks a tie on taste, not on a fact) as every explanation
shows it: a lead or a tie the lean makes says so, the close-call note names the rivals level
without it, it lists no swing and is no deal-breaker, explain and why-not mark it, the team page
credits no question for it, and the batch path scores it only where it can outweigh a real
reason."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED_RULES, batch_confidence, cli
from explainkit import ONE_YES_NO, SIXTY_EXAMPLES, TOLD, always, base_rules, real_lead
from hypothesis import given
from hypothesis import strategies as st
from test_scoring_core import facts_strategy, profiles, rule_bases, write_base

import recommender
from recommender.render.text import confidence_note
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import Scorer


# -- the close-call note names the rivals level without the lean ----------------------------------
def test_the_lean_note_names_the_rival_level_without_the_lean_not_the_runner_up(tmp_path: Path):
    """Two frameworks get lean points: TensorFlow leads by them, and PyTorch is second on points
    but trails TensorFlow by 0.25 without them; JAX is level without them. The note named
    PyTorch, the runner-up on points ("leads Pytorch only by the default lean")."""
    rules = write_base(
        tmp_path,
        ONE_YES_NO,
        [
            {
                "id": "lean",
                "when": always(),
                "score": {"tensorflow": 1.5, "pytorch": 0.5},
                "lean": True,
                **TOLD,
            },
            {"id": "minus", "when": always(), "score": {"pytorch": -0.25}, **TOLD},
        ],  # fmt: skip
    )
    rec = Scorer(rules).recommend({})
    assert (rec.winner, rec.why_not and rec.why_not.framework) == ("tensorflow", "pytorch")
    assert (
        confidence_note(rec, rules) == "Close call: Tensorflow leads Jax only by the default lean."
    )


@SIXTY_EXAMPLES
@given(data=st.data(), base=rule_bases())
def test_every_rival_the_lean_note_names_is_level_without_the_lean(tmp_path_factory, data, base):
    rules = write_base(tmp_path_factory.mktemp("base"), *base)
    scorer = Scorer(rules)
    answers = normalize_answers(data.draw(profiles(base[0])), rules)
    rec = scorer.recommend(answers, facts=data.draw(facts_strategy), explore=False)
    note = confidence_note(rec, rules)
    # stop 27: the rivals ahead without the lean (a lean that outweighs a real reason) follow
    lean_note = (
        r"Close call: .+ leads (.+) only by the default lean(; without it, .+ leads by .+)?\."
    )
    found = re.fullmatch(lean_note, note)
    if rec.confidence != "close" or rec.winner is None or real_lead(rec) > 0:
        assert found is None, note
        return
    o, ids = rec.outcome, rec.table.ids
    win = o.real[ids.index(rec.winner or "")]
    level = [ids[k] for k in o.contenders if ids[k] != rec.winner and o.real[k] >= win]
    names = [rules.framework(f).name for f in level]
    assert found is not None and found[1] == (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    )
    assert (found[2] is not None) == any(o.real[k] > win for k in o.contenders)


# -- a swing moves a rival ------------------------------------------------------------------------
def test_a_lead_by_the_lean_lists_no_swing():
    """visualization=yes: PyTorch leads TensorFlow by the lean alone. The JSON swing listed 33
    answers, among them every operating system, which change nothing at all."""
    rec = recommender.recommend({"visualization": "yes"})
    assert (rec.winner, rec.confidence, rec.by_lean) == ("pytorch", "close", True)
    assert rec.swing == ()


# -- a clear call's note --------------------------------------------------------------------------
def test_a_call_changed_by_the_lean_is_not_said_to_be_a_deal_breaker(tmp_path: Path):
    """TensorFlow leads by 0.25; answering q0 Yes gives PyTorch the lean's 0.5 and the lead. No
    framework is excluded either way, but the note said "a deal-breaker can still change it".
    (Stop 27: one answer changes the winner on the points, so the call is close, not clear.)"""
    rules = write_base(
        tmp_path,
        ONE_YES_NO,
        [
            {"id": "tf", "when": always(), "score": {"tensorflow": 1}, **TOLD},
            {"id": "pt", "when": always(), "score": {"pytorch": 0.75}, **TOLD},
            {"id": "lean", "when": {"q0": "yes"}, "score": {"pytorch": 0.5}, "lean": True, **TOLD},
        ],
    )
    rec = Scorer(rules).recommend({"q0": frozenset({"no"})})
    assert (rec.winner, rec.confidence) == ("tensorflow", "close")
    assert confidence_note(rec, rules) == (
        "Close call: one answer would let a rival catch up: q0: Yes → Pytorch."
    )


# -- a lean that outweighs a real reason: one answer hands a rival the lead -------------------
LEAN_FLIP: list[dict[str, Any]] = [
    {"id": "real", "when": always(), "score": {"pytorch": 1}, **TOLD},
    {"id": "big-lean", "when": {"q1": "yes"}, "score": {"tensorflow": 2}, "lean": True, **TOLD},
]


def test_an_answer_that_hands_a_rival_the_lead_by_the_lean_makes_a_close_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """PyTorch leads by one real point; answering q1 Yes gives TensorFlow two lean points, and
    TensorFlow wins. The call was "clear" (the lean was not counted at all), while one answer
    changed the winner on the points."""
    rules = base_rules(tmp_path, LEAN_FLIP, monkeypatch)
    answers = {"q1": "no"}
    rec = Scorer(rules).recommend(normalize_answers(answers, rules))
    assert (rec.winner, rec.confidence) == ("pytorch", "close")
    assert [(c.question, c.answer, c.winner) for c in rec.swing] == [("q1", "yes", "tensorflow")]
    assert batch_confidence(answers, rules) == "close"  # the numpy path agrees
    flipped = Scorer(rules).recommend(normalize_answers({"q1": "yes"}, rules), explore=False)
    assert flipped.winner == "tensorflow"  # the swing really swings

    code, out, err = cli("recommend", "--answer", "q1=no")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Recommended: Pytorch, a close call"
    assert "Close call: one answer would let a rival catch up: q1: Yes → Tensorflow." in out
    code, out, _ = cli("recommend", "--answer", "q1=no", "--format", "json")
    data = json.loads(out)
    assert (code, data["confidence"]) == (0, "close")
    assert [(s["question"], s["answer"], s["winner"]) for s in data["swing"]] == [
        ("q1", "yes", "tensorflow")
    ]


def test_a_lead_by_a_lean_that_outweighs_a_real_reason_says_the_rival_is_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """TensorFlow's two lean points beat PyTorch's one real point. The note said "Tensorflow
    leads Pytorch and Jax only by the default lean", as if they were all level without it:
    PyTorch leads."""
    base_rules(tmp_path, LEAN_FLIP, monkeypatch)
    code, out, _ = cli("recommend", "--answer", "q1=yes")
    assert code == 0
    assert out.splitlines()[0] == "Recommended: Tensorflow, a close call"
    assert (
        "Close call: Tensorflow leads Pytorch and Jax only by the default lean; without it, Pytorch"
        " leads by 1." in out
    )


# -- a tie that the lean makes -----------------------------------------------------------------
LEAN_TIE: list[dict[str, Any]] = [
    {"id": "real", "when": always(), "score": {"tensorflow": 0.5}, **TOLD},
    {"id": "lean", "when": always(), "score": {"pytorch": 0.5}, "lean": True, **TOLD},
    {"id": "jax", "when": {"q1": "yes"}, "score": {"jax": 1}, **TOLD},
]


TIE_LINE = "Tie between Tensorflow and Pytorch on points, only through the default lean"


TIE_NOTE = "Close call: without the default lean, Tensorflow leads Pytorch by 0.5."


def test_a_tie_the_lean_makes_says_so_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """TensorFlow has half a real point; PyTorch has the lean's half point. Every format said
    "Tie between Tensorflow and Pytorch: the rules cannot separate them", though the rules do:
    without the lean TensorFlow leads. It stays a tie (the decision is on the points, lean
    included, in every path), and every format says what the tie rests on."""
    base_rules(tmp_path, LEAN_TIE, monkeypatch)
    code, out, _ = cli("recommend")
    assert code == 0
    assert out.splitlines()[0] == TIE_LINE
    assert TIE_NOTE in out.splitlines()
    code, out, _ = cli("recommend", "--full")
    assert TIE_LINE in out.splitlines() and TIE_NOTE in out.splitlines()
    code, out, _ = cli("recommend", "--format", "markdown")
    assert out.splitlines()[0] == f"## {TIE_LINE}"
    assert TIE_NOTE in out.splitlines()
    code, out, _ = cli("recommend", "--format", "json")
    data = json.loads(out)
    assert (data["winner"], data["tie"], data["confidence"]) == (
        None,
        ["tensorflow", "pytorch"],
        "close",
    )
    code, out, _ = cli("recommend", "--format", "html")
    assert "the rules cannot separate them" not in out
    assert 'Tie: Tensorflow and Pytorch<span class="with"> — on points, only through the' in out
    assert f'id="confidence-note">{TIE_NOTE}</p>' in out


def test_a_tie_on_the_real_reasons_too_is_still_one_the_rules_cannot_separate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    base_rules(
        tmp_path,
        [
            {"id": "tf", "when": always(), "score": {"tensorflow": 1}, **TOLD},
            {"id": "pt", "when": always(), "score": {"pytorch": 1}, **TOLD},
        ],
        monkeypatch,
    )
    code, out, _ = cli("recommend")
    assert out.splitlines()[0] == (
        "Tie between Tensorflow and Pytorch: the rules cannot separate them"
    )


def test_explain_says_which_rule_is_the_lean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``explain`` ends on "Tie ... only through the default lean" but listed the lean rule as
    "lean: pytorch +0.5", like any reason, and its JSON had no way to tell it apart."""
    base_rules(tmp_path, LEAN_TIE, monkeypatch)
    code, out, _ = cli("explain")
    assert code == 0
    assert "  [x] lean: pytorch +0.5 (the default lean: it breaks ties, it is not a reason)" in (
        out.splitlines()
    )
    assert "  [x] real: tensorflow +0.5" in out.splitlines()
    assert out.splitlines()[-1] == TIE_LINE
    _, out, _ = cli("explain", "--format", "json")
    data = json.loads(out)
    assert {r["rule"]: r["lean"] for r in data["rules"]} == {
        "real": False,
        "lean": True,
        "jax": False,
    }
    _, out, _ = cli("explain", "--format", "markdown")
    assert out.splitlines()[0] == f"## {TIE_LINE}"
    assert "| pytorch +0.5 (the default lean: it breaks ties, it is not a reason) |" in out


def test_the_batch_path_scores_with_the_lean_only_where_it_can_outweigh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The shipped rules have whole real points and a half-point lean: the lean never outweighs
    a real point, so batch's confidence skips scoring with it. The lean-flip base needs it."""
    from recommender.scoring.confidence import lean_can_outweigh
    from recommender.scoring.table import table_for

    assert not lean_can_outweigh(table_for(SHIPPED_RULES))
    assert lean_can_outweigh(table_for(base_rules(tmp_path, LEAN_FLIP, monkeypatch)))


def test_why_not_marks_the_lean(shipped_only):
    """visualization=yes: PyTorch leads TensorFlow by the lean alone, and why-not said
    "team_knows +0.5", as if the team's skills had counted; the JSON could not tell the lean's
    reason from a real one."""
    code, out, _ = cli("recommend", "--answer", "visualization=yes")
    assert code == 0
    assert (  # the gap is the lean's alone, and the line says so (h29)
        "Why not TensorFlow (0.5 behind only by the default lean): team_knows (lean) +0.5"
        in out.splitlines()
    )
    _, out, _ = cli("recommend", "--answer", "visualization=yes", "--full")
    assert "        default-pytorch-community (lean): PyTorch +0.5, TensorFlow +0" in (
        out.splitlines()
    )
    _, out, _ = cli("recommend", "--answer", "visualization=yes", "--format", "json")
    data = json.loads(out)
    pytorch = data["ranking"][0]
    assert [(r["rule"], r["lean"]) for r in pytorch["reasons"]] == [
        ("visualization-tensorboard", False),
        ("default-pytorch-community", True),
    ]
    assert [(s["rule"], s["lean"]) for n in data["why_not"]["by_question"] for s in n["rules"]] == [
        ("default-pytorch-community", True),
        ("visualization-tensorboard", False),
    ]


def test_the_team_page_credits_no_question_for_the_lean(shipped_only, tmp_path: Path):
    """Three rows, none answering team_knows: the deciding chart's first bar was "team_knows 3",
    the question the lean rule reads, though the lean is not a reason (and on visualization=yes
    it was all PyTorch led by)."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"name": "vis", "answers": {"visualization": "yes"}}\n'
        '{"name": "dbg", "answers": {"debugging": "yes"}}\n'
        '{"name": "lab", "answers": {"audience": "researcher", "debugging": "yes"}}\n'
    )
    code, _, _ = cli("batch", str(rows), "-o", str(tmp_path / "team.html"), "--quiet")
    assert code == 0
    page = html.unescape((tmp_path / "team.html").read_text())
    found = re.search(r'<desc id="deciding-chart-desc">([^<]*)</desc>', page)
    assert found is not None
    assert found[1] == (
        "Rows whose winner gained points over the runner-up through this question: "
        "debugging 2; audience 1"
    )


def test_the_lean_is_marked_among_the_reasons_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """In the tie only the lean makes, "Why Pytorch" listed the lean's half point as its reason,
    unmarked, under a headline that says the tie rests on the lean."""
    base_rules(tmp_path, LEAN_TIE, monkeypatch)
    _, out, _ = cli("recommend")
    assert "  +0.5  (lean) b" in out.splitlines()
    assert "  +0.5  b" in out.splitlines()  # TensorFlow's real half point: not marked
    _, out, _ = cli("recommend", "--full")
    assert "  +0.5  (lean) b" in out.splitlines()
    _, out, _ = cli("recommend", "--format", "markdown")
    assert "| +0.5 | (lean) b | s |" in out.splitlines()
    _, out, _ = cli("recommend", "--format", "html")
    assert '<span>(lean) <bdi>b</bdi> <span class="rule-id mono">lean</span></span>' in out
