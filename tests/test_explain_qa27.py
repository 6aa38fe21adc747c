"""QA, stop 27: the explanations add up. The confidence counts a lean that can outweigh a real
reason, a tie made by the lean says so, every deal-breaker is shown, and the text, Markdown, JSON
and HTML outputs say the same of the same numbers. Each case is a small rule base written to a
temporary folder (``write_base``) or an overlay on the shipped rules."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import batch_confidence, cli
from html_support import answers_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_honest_outputs import changed
from test_scoring_core import rule_bases, scored_at_random, units, write_base

import recommender
from recommender.render import render
from recommender.render.text import confidence_note, headline
from recommender.rulebase.model import RuleBase
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.decide import text_of
from recommender.scoring.result import Recommendation, Scorer, to_dict

SHIPPED = recommender.load_rules()

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TOLD = {"because": "b", "source": "s"}
YES_NO = [
    {"id": "q0", "kind": "yes_no", "options": ["yes", "no"]},
    {"id": "q1", "kind": "yes_no", "options": ["yes", "no"]},
]


def always() -> dict:
    """A condition that holds for every profile (a fresh dict: YAML refuses aliases)."""
    return {"any": [{"answered": "q0"}, {"unanswered": "q0"}]}


def base_rules(tmp_path: Path, rules: list[dict], monkeypatch: pytest.MonkeyPatch) -> RuleBase:
    """The rule base written to ``tmp_path`` and made the CLI's base, with no overlay."""
    folder = tmp_path / "base"
    loaded = write_base(folder, YES_NO, rules)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(folder))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    monkeypatch.chdir(tmp_path)
    return loaded


# -- 1. a lean that outweighs a real reason: one answer hands a rival the lead -------------------
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


# -- 2. a tie that the lean makes -----------------------------------------------------------------
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


# -- 3. every deal-breaker on the brief screen ----------------------------------------------------
def breakers(n: int) -> list[dict[str, Any]]:
    """A real point for PyTorch, and ``n`` deal-breakers excluding JAX, all firing."""
    return [
        {"id": "pt", "when": always(), "score": {"pytorch": 1}, **TOLD},
        *(
            {"id": f"no-jax-{i}", "when": always(), "dealbreaker": ["jax"], **TOLD}
            | {"because": f"b{i}"}
            for i in range(n)
        ),
    ]


def test_the_brief_screen_shows_every_deal_breaker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """JAX is excluded by two rules; the brief screen showed the first only ("Excluded: Jax: b0"),
    while Markdown, --full and JSON have both."""
    base_rules(tmp_path, breakers(2), monkeypatch)
    code, out, _ = cli("recommend")
    assert code == 0
    assert [line for line in out.splitlines() if "Excluded" in line] == [
        "Excluded: Jax: b0",
        "Excluded: Jax: b1",
    ]
    _, out, _ = cli("recommend", "--format", "json")
    jax = next(s for s in json.loads(out)["ranking"] if s["framework"] == "jax")
    assert [b["because"] for b in jax["dealbreakers"]] == ["b0", "b1"]


def test_a_brief_screen_too_long_for_every_deal_breaker_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from recommender.render.brief import LINES, render_brief

    rules = base_rules(tmp_path, breakers(30), monkeypatch)
    rec = Scorer(rules).recommend({})
    lines = render_brief(rec, rules, width=80).splitlines()
    assert len(lines) <= LINES
    at = lines.index("Excluded: Jax: b0")
    assert lines[at + 1] == "  … 29 more deal-breakers (--full)"


# -- the outputs agree with each other and with the points -----------------------------------------
def brief_of(rec: Recommendation, rules: RuleBase) -> str:
    return render("table", rec, rules, full=False)


@SETTINGS
@given(data=st.data(), base=rule_bases())
def test_a_clear_call_is_changed_only_through_a_deal_breaker(tmp_path_factory, data, base):
    """On a clear call, every answer that changes the outcome moves a deal-breaker (so the note
    "Clear on the points, but a deal-breaker can still change it" is true), checked by scoring
    the changed profile again."""
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    if rec.confidence != "clear":
        return
    for c in rec.what_would_change:
        after = scorer.recommend(changed(answers, c, rules), facts=facts, explore=False)
        assert after.outcome.blocked != rec.outcome.blocked, c


@SETTINGS
@given(data=st.data(), base=rule_bases())
def test_the_words_match_the_numbers_in_every_format(tmp_path_factory, data, base):
    """The brief screen, the full report, Markdown and JSON say the same of one result: the
    confidence word, the gap of why-not (the nets add up to it, and it is the margin), and what
    a tie or a lead by the lean rests on, from the scores without the lean."""
    rules, scorer, facts, answers, rec = scored_at_random(tmp_path_factory, data, base)
    check_words(rec, rules)


FRACTIONS = """
rules:
  - id: frac-tf-long
    when: {project_lifetime: long}
    score: {tensorflow: 0.25}
    because: "A quarter point (test overlay)."
    source: "test"
  - id: frac-jax-vmap
    when: {vectorization: "yes"}
    score: {jax: 0.75, pytorch: 0.5}
    because: "Fractions (test overlay)."
    source: "test"
  - id: lean-tf-macos
    when: {os: macos}
    score: {tensorflow: 1.25}
    lean: true
    because: "A lean bigger than a real point (test overlay)."
    source: "test"
"""


@pytest.fixture(scope="module")
def fractions(tmp_path_factory: pytest.TempPathFactory) -> RuleBase:
    folder = tmp_path_factory.mktemp("fractions")
    (folder / "fractions.yaml").write_text(FRACTIONS)
    return recommender.load_rules(folder)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_words_match_the_numbers_on_an_overlay_with_fractions(fractions, data):
    """The same on the shipped rules with an overlay of fractional points and a lean that
    outweighs a real point; and each swing, scored again, lets a rival catch up."""
    answers = data.draw(answers_for(fractions))
    scorer = Scorer(fractions)
    rec = scorer.recommend(answers)
    check_words(rec, fractions)
    for c in rec.swing:
        after = scorer.recommend(changed(answers, c, fractions), explore=False).outcome
        ids = rec.table.ids
        win = ids.index(rec.winner or "")
        rivals = [k for k in after.contenders if k in rec.outcome.contenders and k != win]
        assert any(
            after.real[k] >= after.real[win] or after.scores[k] >= after.scores[win] for k in rivals
        ), c


def check_words(rec: Recommendation, rules: RuleBase) -> None:
    """What :func:`test_the_words_match_the_numbers_in_every_format` checks of one result."""
    record = to_dict(rec)
    brief, full = brief_of(rec, rules), render("table", rec, rules, full=True)
    markdown = render("markdown", rec, rules)
    first = brief.splitlines()[0]
    assert first == headline(rec, rules)
    assert markdown.startswith(f"## {headline(rec, rules)}\n")
    if record["winner"]:
        assert first.startswith(f"Recommended: {rules.framework(record['winner']).name}, a ")
        assert first.endswith(f"a {record['confidence']} call")
    ids, o = rec.table.ids, rec.outcome
    w = record["why_not"]
    if w is not None:
        assert units(w["gap"]) == o.margin == sum(units(n["net"]) for n in w["by_question"])
        said = f"Why not {rules.framework(w['framework']).name} ({text_of(w['gap'], sign=False)}"
        assert said in brief and said in full
    real = {f: o.real[k] for k, f in enumerate(ids)}
    # the JSON alone tells the lean apart: its reasons without the lean's add up to these
    assert {
        s["framework"]: sum(units(r["points"]) for r in s["reasons"] if not r["lean"])
        for s in record["ranking"]
    } == real
    tied_by_lean = rec.tie_without_lean
    if record["tie"] and record["confidence"] != "none":
        level = len({real[f] for f in record["tie"]}) == 1
        assert (tied_by_lean is None) == level
        assert first.endswith(": the rules cannot separate them") == level
    note = confidence_note(rec, rules)
    if record["winner"] and record["confidence"] == "close":  # a close call says why
        assert note.startswith("Close call: ")
        assert confidence_note(rec, rules, 2) in brief  # the brief names two answers at most
    if tied_by_lean:
        leaders, gap = tied_by_lean
        rest = [f for f in record["tie"] if f not in leaders]
        assert units(gap) == real[leaders[0]] - max(real[f] for f in rest)
        assert note in brief and note in full and note in markdown
    for i, (f, gap) in enumerate(rec.ahead_without_lean):
        assert units(gap) == real[f] - real[record["winner"]] > 0
        assert f"{rules.framework(f).name}{' leads' * (not i)} by {text_of(gap, False)}" in note
        assert note in brief and note in full and note in markdown


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

    assert not lean_can_outweigh(table_for(SHIPPED))
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


@pytest.mark.usefixtures("shipped_only")
def test_the_markdown_batch_table_states_each_rows_confidence(tmp_path: Path) -> None:
    """The Markdown batch table had no confidence column, while the terminal table and CSV
    have one: a close call, decided by the lean, read as plainly as a clear one. Each row's
    cell is the CSV's."""
    rows = [
        {"audience": "beginner"},
        {"audience": "production", "deployment": ["mobile"]},
        {
            "audience": "production",
            "existing_code": "pytorch",
            "hardware": "amd_gpu",
            "os": "windows",
        },
        {},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"name": f"p{i}", "answers": a}) + "\n" for i, a in enumerate(rows))
    )
    code, csv_out, _ = cli("batch", str(src), "-f", "csv", "-q")
    assert code == 0
    expected = [r["confidence"] for r in csv.DictReader(csv_out.splitlines())]
    assert {"close", "clear", "none"} <= set(expected)
    code, md, _ = cli("batch", str(src), "-f", "markdown", "-q")
    table = [line.split(" | ") for line in md.splitlines() if line.startswith("| ")]
    column = table[0].index("confidence")
    assert [cells[column] for cells in table[2 : 2 + len(rows)]] == expected


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("command", [["explain", "-a", "audience=beginner"], ["compare"]])
def test_an_extension_another_command_writes_is_named_as_such(tmp_path: Path, command):
    """``explain -o x.html`` said it "cannot tell the output format from .html", which it can:
    explain just does not write HTML. Nothing is written."""
    out = tmp_path / "x.html"
    code, stdout, err = cli(*command, "-o", str(out))
    assert (code, stdout, err) == (
        2,
        "",
        f'{out}: ".html" names the html format, which this command does not write; '
        "use --format (table, json, markdown) or another extension\n",
    )
    assert not out.exists()
