"""batch --format html: the records in the page equal batch --format json, the table rows and the
summary are read off the records, error rows keep their messages, user text is escaped; the lede
agrees with the counts, the questions that decide are credited for every net, and each repeated
reason text is written once."""

from __future__ import annotations

import html
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, SHIPPED_RULES, cli, run_cli
from html_support import (
    XSS,
    answers_for,
    block,
    hostile_overlay,
    outside_data,
    random_rows,
    records,
)
from hypothesis import given, settings

import recommender
from recommender import load_rules
from recommender.batch.run import Summary
from recommender.render.html.markup import script_json
from recommender.render.html.tally import Tally, bucket, deciders
from recommender.render.html.team import COLUMNS, TeamWriter
from recommender.scoring.result import Scorer, batch_record

MINI_ENV = {"RECOMMENDER_BASE_RULES": str(MINI), "RECOMMENDER_RULES": ""}
ROWS: list[dict[str, Any]] = [
    {"name": "lab", "audience": "researcher", "deployment": ["server"]},
    {"name": "phone", "audience": "beginner", "deployment": ["mobile"]},
    {"name": "tied", "audience": "beginner", "os": "windows"},
    {"name": "bad", "audience": "novice"},
    {"name": XSS, "deployment": ["edge"], "edge_target": "microcontroller"},
]


@pytest.fixture()
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return path


def test_the_page_carries_the_batch_json_output_exactly(team: Path, tmp_path: Path):
    as_json = run_cli("batch", str(team), "-f", "json", env=MINI_ENV)
    done = run_cli("batch", str(team), "-o", str(tmp_path / "team.html"), env=MINI_ENV)
    assert done.returncode == as_json.returncode == 1  # one bad row
    page = (tmp_path / "team.html").read_text(encoding="utf-8")
    assert records(page) == json.loads(as_json.stdout)  # the shared texts put back
    assert "batch: 5 rows: 4 scored, 1 failed" in done.stderr


def test_the_table_rows_are_read_off_the_records(team: Path):
    page = run_cli("batch", str(team), "-f", "html", env=MINI_ENV).stdout
    table = block(page, "rows-data")
    assert table["columns"] == list(COLUMNS)
    assert [f["id"] for f in table["frameworks"]] == ["tensorflow", "pytorch", "jax"]
    rows = {r[1]: dict(zip(COLUMNS, r, strict=True)) for r in table["rows"]}
    answers = {k: v for k, v in ROWS[0].items() if k != "name"}
    lab = recommender.recommend(answers, recommender.load_rules(base=MINI))
    assert rows["lab"] | {"scores": None} == {
        "row": 1,
        "profile": "lab",
        "outcome": "pytorch",
        "tie": [],
        "margin": 2,
        "confidence": lab.confidence,
        "stack": "PyTorch + torch.nn",
        "error": None,
        "scores": None,
        "excluded": [],
    }
    assert rows["lab"]["scores"] == [0, 4.5, 2.5]  # os unanswered: +0.5 each
    assert rows["tied"]["outcome"] == "tie" and rows["tied"]["tie"] == ["tensorflow", "pytorch"]
    assert rows["bad"]["outcome"] == "error" and 'unknown option "novice"' in rows["bad"]["error"]
    assert rows[XSS]["outcome"] == "tensorflow"  # JAX excluded on a microcontroller


def test_the_summary_counts_and_charts(team: Path):
    page = run_cli("batch", str(team), "-f", "html", env=MINI_ENV).stdout
    records = json.loads(run_cli("batch", str(team), "-f", "json", env=MINI_ENV).stdout)
    close = sum(r["confidence"] == "close" for r in records)
    counts = (("profiles", 5), ("scored", 4), ("ties", 1), ("failed", 1), ("close", close))
    for stat, n in counts:
        assert f'<li data-stat="{stat}"><b>{n}</b>' in page
    for chart in ("winners-chart", "margin-chart", "deciding-chart"):
        assert f'<figure class="chart" id="{chart}">' in page
        assert f'<title id="{chart}-title">' in page and f'<desc id="{chart}-desc">' in page
    assert '<g class="row" data-label="TensorFlow" data-value="2">' in page
    assert 'id="confidence-chart"' in page  # every scored record has a confidence


def test_user_text_is_escaped(team: Path, tmp_path: Path):
    rows = tmp_path / "hostile.jsonl"
    rows.write_text(json.dumps({"name": XSS, "audience": "beginner"}) + "\n")
    done = run_cli("batch", str(rows), "--rules", str(hostile_overlay(tmp_path)), "-f", "html")
    assert done.returncode == 0, done.stderr
    markup = outside_data(done.stdout)
    assert "<img" not in markup and markup.count("<script>") == 1
    assert block(done.stdout, "records")[0]["name"] == XSS


def _record(**extra) -> dict:
    base = {
        "row": 1,
        "profile": "p",
        "winner": "jax",
        "tie": [],
        "ranking": [],
        "error": None,
        "margin": 3,
        "answers": {"hardware": "tpu"},
        "companion": None,
    }
    return base | extra


def test_deciders_prefer_the_per_question_why_not_and_else_credit_rule_questions():
    per_question = {
        "by_question": [
            {"question": "hardware", "answer": "tpu", "net": 4},
            {"question": "audience", "answer": None, "net": -1},
        ]
    }
    assert deciders(per_question, {}, {}) == {"hardware": ("tpu",)}
    lost_on = {"lost_on": [{"rule": "tpu-jax", "points": 4}, {"rule": "gone", "points": 1}]}
    assert deciders(lost_on, {"hardware": "tpu"}, {"tpu-jax": ("hardware", "os")}) == {
        "hardware": ("tpu",),
        "os": (),
    }


def test_the_tally_counts_outcomes_margins_and_confidence():
    tally = Tally()
    for r in (
        _record(),
        _record(margin=0.5, confidence="close"),
        _record(winner=None, tie=["a", "b"]),
        _record(winner=None, error="bad row"),
        _record(winner=None, margin=None),
    ):
        tally.add(r)
    assert tally.outcomes == {"jax": 2, "tie": 1, "error": 1, "none": 1}
    assert tally.margins == {"2\u20133": 1, "\u2264 1": 1, "tie": 1}
    assert tally.close == 2 and tally.confidence == {"close": 1}
    assert [bucket(m) for m in (0.5, 1, 1.5, 10, 11)] == ["≤ 1", "≤ 1", "1–2", "5–10", "> 10"]


def test_the_writer_keeps_compact_rows_and_spools_the_records(mini):
    out = io.StringIO()
    writer = TeamWriter(out, mini)
    big = "x" * 10_000
    writer.write_records(
        [
            _record(row=i, profile=f"p{i}", why_not={"lost_on": [], "big": big})
            for i in range(1, 201)
        ]
    )
    assert out.getvalue() == ""  # nothing is written before finish()
    writer.rows.seek(0, io.SEEK_END)
    assert 0 < writer.rows.tell() < 200 * 200  # the table's rows leave the big field out
    writer.finish(Summary(rows=200))
    page = out.getvalue()
    assert len(block(page, "records")) == 200 and block(page, "records")[7]["why_not"]["big"] == big
    assert page.index('id="rows-data"') < page.index("<script>") < page.index('id="records"')


def test_the_writer_holds_no_row_in_memory(mini):
    # the table's rows were kept as lists, ~180 bytes a row: 330 MB more for 1,000,000 rows
    import tracemalloc

    out = io.StringIO()
    writer = TeamWriter(out, mini)
    chunk = [_record(row=i, profile=f"p{i}") for i in range(1, 1_001)]
    writer.write_records(chunk)  # the first chunk fills what is kept once (buffers, names)
    tracemalloc.start()
    try:
        for _ in range(20):
            writer.write_records(chunk)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 256 << 10
    writer.finish(Summary(rows=21_000))
    rows = block(out.getvalue(), "rows-data")["rows"]
    assert len(rows) == 21_000 and rows[-1][:3] == [1_000, "p1000", "jax"]


def test_html_is_picked_by_extension(team: Path, tmp_path: Path):
    out = tmp_path / "Team.HTML"
    run_cli("batch", str(team), "-o", str(out), env=MINI_ENV)
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_a_batch_with_no_row_scored_still_makes_a_page(tmp_path: Path):
    bad = tmp_path / "none.json"
    bad.write_text('[{"audience": "novice"}]')  # holding no profile at all is refused (exit 2)
    done = run_cli("batch", str(bad), "-f", "html", env=MINI_ENV)
    assert done.returncode == 1 and [r["winner"] for r in block(done.stdout, "records")] == [None]
    assert "No profile could be scored." in done.stdout


def test_recommend_with_no_html_never_imports_the_html_package(tmp_path: Path):
    done = run_cli(
        "recommend", "-a", "audience=beginner", "-f", "json", env={**MINI_ENV, "PYTHONVERBOSE": "1"}
    )
    assert done.returncode == 0
    assert "recommender.render.html" not in done.stderr
    assert recommender  # the package itself imports fine in-process


@pytest.mark.parametrize("how", [["-f", "html"], ["-o", "team.html"]])
def test_a_lone_surrogate_in_a_row_does_not_stop_the_page(tmp_path, how):
    # JSON may escape a lone surrogate ("\ud800"); the page spool could not encode it, so one
    # such row ended the whole batch in an internal error with nothing written (QA, stop 22)
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"name": "good", "audience": "beginner"}\n'
        '{"name": "s\\ud800x", "audience": "beginner"}\n'
        '{"name": "bad answer", "deployment": ["\\ud83d"]}\n',
        encoding="utf-8",
    )
    proc = run_cli("batch", str(rows), *how, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # the third row is an error record
    page = proc.stdout if how[0] == "-f" else (tmp_path / "team.html").read_text("utf-8")
    assert "internal error" not in proc.stderr
    assert all(name in page for name in ("good", "s?x", "bad answer"))


def test_records_over_the_limit_are_left_out_and_the_page_says_so(mini):
    # 100,000 shipped rows made a 1.4 GB page whose tab crashed in chromium before drawing anything
    rows = [_record(row=i, profile=f"p{i}", why_not={"big": "x" * 1_000}) for i in range(1, 41)]
    size = len(",".join(json.dumps(r, separators=(",", ":")) for r in rows[:20]))
    kept, over = io.StringIO(), io.StringIO()
    for out, limit in ((kept, size), (over, size - 1)):
        writer = TeamWriter(out, mini, limit=limit)
        writer.write_records(rows[:20])
        writer.write_records(rows[20:])  # over the limit either way: nothing more is spooled
        note = writer.finish(Summary(rows=40))
        assert writer.spool is None and note is not None and "-o FILE.jsonl" in note
    for out in (kept, over):
        page = out.getvalue()
        assert block(page, "records") is None and len(block(page, "rows-data")["rows"]) == 40
        assert page.count("the full records are not in this page") == 2  # the notice, the footer
    writer = TeamWriter(io.StringIO(), mini, limit=size)
    writer.write_records(rows[:20])
    assert writer.finish(Summary(rows=20)) is None  # at the limit exactly: every record kept


def test_batch_says_when_the_page_leaves_the_records_out(tmp_path: Path, monkeypatch, capsys):
    from recommender.cli import main
    from recommender.render.html import team

    for key, value in MINI_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(team, "RECORDS_LIMIT", 1 << 20)  # ~600 records of the mini rules
    source = tmp_path / "team.jsonl"
    source.write_text('{"audience": "beginner"}\n' * 1_000)
    assert main(["batch", str(source), "-o", str(tmp_path / "team.html"), "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "recommender: the full records are not in this page: over 1 MiB of them, more than a "
        "browser opens well (the counts, charts and table are all here); for the records, run "
        "the batch again with -o FILE.jsonl"
    ]
    page = (tmp_path / "team.html").read_text(encoding="utf-8")
    assert block(page, "records") is None and len(block(page, "rows-data")["rows"]) == 1_000


# -- the team page's deciding questions -----------------------------------------------------------
def test_the_team_page_credits_a_question_read_with_another():
    """research-lab: the NVIDIA GPU gains PyTorch a point over JAX through nvidia-gpu-pytorch,
    which reads hardware and os; the team page's 'Which answers decide most' ('rows whose winner
    gained points over the runner-up through this question') left hardware out."""
    profile = recommender.rulebase.profiles.load_profile(
        "examples/research-lab.yaml", SHIPPED_RULES
    )
    rec = recommender.recommend(profile.answers, SHIPPED_RULES)
    tally = Tally()
    tally.add(batch_record(1, rec))
    assert tally.deciding["hardware"] == 1
    assert tally.deciding_answers["hardware"] == Counter({("nvidia_gpu",): 1})
    assert tally.deciding_answers["os"] == Counter({(): 1})  # read unanswered, as lost_on does


@settings(max_examples=40, deadline=None)
@given(answers=answers_for(SHIPPED_RULES))
def test_the_team_page_credits_every_question_of_each_net_the_winner_gained(answers):
    """(Stop 27: a net of the lean's rules alone credits none: the lean is not a reason.)"""
    rec = Scorer(SHIPPED_RULES).recommend(answers, explore=False)
    tally = Tally()
    tally.add(batch_record(1, rec))
    gained = {
        q for n in (rec.why_not.by_question if rec.why_not else ()) if n.net > 0
        if not all(s.lean for s in n.rules)
        for q in n.reads if not q.startswith("probe:")
    }  # fmt: skip
    assert set(tally.deciding) == gained


def team_page(tmp_path: Path, rows: list[dict[str, Any]], exit_code: int = 0) -> str:
    """The team page of ``rows`` (``batch`` exits 1 when a row failed)."""
    source = tmp_path / "team.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "team.html"
    code, _, err = cli("batch", str(source), "-o", str(out))
    assert code == exit_code, err
    return out.read_text(encoding="utf-8")


def lede(page: str) -> str:
    m = re.search(r'<p class="lede"[^>]*>(.*?)</p>', page, re.S)
    assert m
    return html.unescape(m.group(1))


def heading(page: str) -> str:
    m = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert m
    return html.unescape(m.group(1))


def test_one_scored_tie_is_not_called_unscored(on_mini, tmp_path: Path):
    # the page said "No profile could be scored." above "1 scored · 1 tie" (QA, stop 27)
    page = team_page(tmp_path, [{"name": "only", "answers": {}}])
    assert block(page, "records")[0]["tie"] == ["pytorch", "jax"]
    assert lede(page) == "No framework wins outright in 1 scored profile: 1 tie."
    assert heading(page) == "Which framework fits which team: 1 profile"  # was "1 profiles"


def test_scored_rows_without_a_winner_say_what_they_came_to(on_mini, tmp_path: Path):
    rows = [
        {"name": "a", "answers": {}},
        {"name": "b", "answers": {"os": "windows"}},  # nothing separates them: no recommendation
        {"name": "c", "answers": {"audience": "bogus"}},  # an error row
    ]
    page = team_page(tmp_path, rows, exit_code=1)
    assert [r.get("confidence") for r in block(page, "records")] == ["close", "none", None]
    assert lede(page) == (
        "No framework wins outright in 2 scored profiles: 1 tie and 1 with no recommendation."
    )


def test_only_error_rows(on_mini, tmp_path: Path):
    page = team_page(tmp_path, [{"name": "a", "answers": {"audience": "bogus"}}], exit_code=1)
    assert lede(page) == "No profile could be scored."


def test_frameworks_level_for_the_most_wins_are_all_named(on_mini, tmp_path: Path):
    # the page named the first one counted: "PyTorch fits 1 of 2 scored profiles (50%)."
    rows = [
        {"name": "a", "answers": {"audience": "beginner"}},  # PyTorch
        {"name": "b", "answers": {"os": "linux"}},  # JAX
    ]
    page = team_page(tmp_path, rows)
    assert [r["winner"] for r in block(page, "records")] == ["pytorch", "jax"]
    assert lede(page) == "PyTorch and JAX each fit 1 of 2 scored profiles (50%)."
    rows.append({"name": "c", "answers": {"os": "linux"}})
    assert lede(team_page(tmp_path, rows)) == "JAX fits 2 of 3 scored profiles (67%)."


def test_the_team_page_writes_each_reason_text_once_and_gives_the_records_back(
    shipped_only, tmp_path: Path
):
    # 10,000 shipped rows made a 154 MB page, 70% of it the same because and source texts
    # repeated in every record (QA, stop 28): now 51 MB (benchmarks/bench_team_size.py)
    source, out = tmp_path / "team.jsonl", tmp_path / "team.html"
    rows = random_rows(load_rules(), 60, seed=28)
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("batch", str(source), "-o", str(out))[0] == 0
    code, as_json, _ = cli("batch", str(source), "-f", "json")
    page = out.read_text(encoding="utf-8")
    texts = block(page, "texts")
    assert records(page) == json.loads(as_json)
    assert len(texts) == len(set(texts)) > 20
    for text in texts:  # each once in the page, and only in script#texts
        assert page.count(script_json(text)) == 1
    assert len(page) < len(as_json) / 2


def test_shared_texts_stop_at_their_limit_and_nothing_is_lost(on_mini, monkeypatch):
    from recommender.render.html import team

    monkeypatch.setattr(team, "SHARED_LIMIT", 60)
    rules = load_rules(base=MINI)
    writer = team.TeamWriter(io.StringIO(), rules)
    given = [
        {"row": 1, "why_not": {"because": "a" * 50, "source": "b" * 9, "note": None}},
        {"row": 2, "x": [{"because": "a" * 50}, {"source": "c" * 20}, {"why": "short"}]},
    ]
    packed = [writer.texts.pack(r) for r in given]
    assert writer.texts.listed() == ["a" * 50, "b" * 9]  # the third would pass 60 characters
    assert packed[1]["x"] == [{"because": 0}, {"source": "c" * 20}, {"why": "short"}]
    assert team.unpack(packed[:2], writer.texts.listed()) == given[:2]
