"""recommend --format html: the page carries the JSON output exactly, escapes every user string, and
renders whatever the record holds (fields missing, fields from later issues) without failing."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import MINI, ROOT, cli, run_cli
from html_support import (
    XSS,
    block,
    hostile_overlay,
    hostile_rules,
    outside_data,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import recommender
from recommender.render.html.report import render_html, report_page
from recommender.scoring.export import export_rules

MINI_ENV = {"RECOMMENDER_BASE_RULES": str(MINI), "RECOMMENDER_RULES": ""}


def test_the_page_carries_the_json_output_exactly(tmp_path: Path):
    args = ["recommend", "--profile", "examples/research-lab.yaml", "-a", "hardware=tpu"]
    expected = json.loads(run_cli(*args, "-f", "json").stdout)
    done = run_cli(*args, "-o", str(tmp_path / "report.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert block(page, "report-data") == expected
    assert block(page, "rules-data") == json.loads(
        json.dumps(export_rules(recommender.load_rules()))
    )
    assert page.startswith("<!doctype html>") and page.endswith("</html>\n")


@pytest.mark.parametrize(
    ("args", "is_html"),
    [
        (["-o", "{dir}/r.html"], True),
        (["-o", "{dir}/r.HTM"], True),
        (["-f", "html", "-o", "{dir}/r.txt"], True),
        (["-f", "table", "-o", "{dir}/r.html"], False),
        (["-o", "{dir}/r.json"], False),
    ],
)
def test_the_format_comes_from_the_flag_else_the_extension(tmp_path: Path, args, is_html):
    args = [a.format(dir=tmp_path) for a in args]
    assert run_cli("recommend", "-a", "audience=beginner", *args, env=MINI_ENV).returncode == 0
    text = Path(args[-1]).read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") is is_html


def test_html_to_stdout(tmp_path: Path):
    done = run_cli("recommend", "-a", "deployment=mobile", "-f", "html", env=MINI_ENV)
    assert done.returncode == 0 and done.stdout.startswith("<!doctype html>")
    assert block(done.stdout, "report-data")["winner"] == "tensorflow"


def test_user_text_is_escaped_everywhere(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: {json.dumps(XSS)}\nanswers: {{audience: beginner}}\n")
    out = tmp_path / "x.html"
    done = run_cli(
        "recommend",
        "--rules",
        str(hostile_overlay(tmp_path)),
        "--profile",
        str(profile),
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    markup = outside_data(page)
    assert "<img" not in markup and "alert(1)</script>" not in markup
    assert markup.count("<script>") == 1  # the page's own code, nothing else
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)" in markup
    assert 'href="javascript' not in page and "https://example.org/x?a=" in markup
    data = block(page, "report-data")
    assert data["name"] == XSS  # the data block still holds the exact text
    assert any(r["because"] == XSS for s in data["ranking"] for r in s["reasons"])


def test_no_network_in_the_page(mini):
    page = render_html(recommender.recommend({"audience": "beginner"}, mini), mini)
    markup = outside_data(page)
    assert not re.search(
        r"""(src|href)=["']?(https?:)?//""", re.sub(r'<a href="https?://', "", markup)
    )
    assert re.search(
        r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;none", page
    )


def _record(mini) -> dict:
    rec = recommender.recommend({"audience": "beginner", "deployment": ["mobile"]}, mini)
    return rec.to_dict()


def test_fields_of_the_later_issues_are_shown(mini):
    data = _record(mini) | {
        "schema_version": 2,
        "confidence": "close",
        "stack": {
            "framework": "tensorflow",
            "companion": {"id": "keras", "name": "Keras 3"},
            "deploy": [
                {"target": "mobile", "runtime": "LiteRT", "support": "supported"},
                {"target": "browser", "runtime": "TensorFlow.js", "support": "deprecated"},
            ],
            "hardware": {"answer": "nvidia_gpu", "route": "CUDA wheels", "support": "supported"},
        },
        "why_not": {
            "framework": "pytorch",
            "gap": 1,
            "by_question": [
                {
                    "question": "deployment",
                    "answer": ["mobile"],
                    "net": 4,
                    "rules": [{"rule": "mobile-tf"}],
                },
                {
                    "question": "audience",
                    "answer": "beginner",
                    "net": -3,
                    "rules": ["beginner-keras"],
                },
            ],
        },
        "what_would_change": [
            {
                "question": "deployment",
                "change": "add",
                "answer": "server",
                "winner": "pytorch",
                "tie": [],
            },
            {
                "question": "audience",
                "change": "clear",
                "answer": None,
                "winner": None,
                "tie": ["a", "b"],
            },
        ],
    }
    page = report_page(data, export_rules(mini))
    assert block(page, "report-data") == data
    assert 'class="badge close"' in page and "a close call" in page
    for chip in (
        "Keras 3",
        "mobile: LiteRT",
        "browser: TensorFlow.js (deprecated)",
        "on nvidia_gpu: CUDA wheels",
    ):
        assert f"<li>{chip}</li>" in page
    assert "the nets add up to the gap" in page and "<td>Android / iOS app" not in page
    assert "<td>Mobile</td>" in page and "mobile-tf" in page
    text = re.sub(r"</?bdi>", "", page)  # each label and outcome is isolated (QA, stop 27)
    assert (
        "adding Server → PyTorch" in text
        and "leaving it unanswered → a tie between a and b" in text
    )


MISSING = st.sampled_from(
    [
        "winner",
        "tie",
        "ranking",
        "companion",
        "avoid",
        "why_not",
        "answers",
        "ignored",
        "what_would_change",
        "open_questions",
        "name",
        "unanswered",
        "confidence",
        "swing",
        "deciding",
    ]
)
JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(drop=st.sets(MISSING), junk=st.dictionaries(MISSING, JUNK, max_size=3))
def test_a_record_with_missing_or_odd_fields_still_renders(mini, drop, junk):
    data = {k: v for k, v in _record(mini).items() if k not in drop} | junk
    page = report_page(data, export_rules(mini))
    assert block(page, "report-data") == data and page.endswith("</html>\n")


def test_evidence_is_shown_when_given(mini):
    data = _record(mini) | {
        "evidence": {
            "needs": [
                {
                    "need": "gpu",
                    "text": "GPU training",
                    "framework": "tensorflow",
                    "fact": "tensorflow.gpu",
                    "status": "unavailable",
                },
                {
                    "need": "gpu",
                    "text": "GPU training",
                    "framework": "pytorch",
                    "fact": "pytorch.gpu",
                    "status": "ok",
                },
            ],
            "versions": [
                {
                    "framework": "tensorflow",
                    "installed": "2.22.0",
                    "checked_against": "2.21",
                    "stale": True,
                }
            ],
            "probe": {"tensorflow": "ok"},
        }
    }
    page = report_page(data, export_rules(mini))
    assert 'id="evidence"' in page and 'data-status="unavailable"' in page
    assert "✓ ok" in page and "newer than the knowledge" in page


def test_the_assets_ship_as_package_data():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["recommender.render.html"]
    assets = sorted(p.name for p in (ROOT / "recommender/render/html/assets").iterdir())
    assert all(any(Path("assets", a).match(p) for p in patterns) for a in assets)
    assert "recommender.render.html" in config["packages"]


def test_under_probe_the_page_scores_with_the_facts_recommend_used(tmp_path: Path):
    """The real probe (cached after the first run): the what-if's rules fold the same facts."""
    probe = run_cli("probe", "--format", "json")
    assert probe.returncode == 0, probe.stderr
    facts = json.loads(probe.stdout)["facts"]
    args = ["recommend", "--probe", "-a", "deployment=mobile", "-a", "hardware=nvidia_gpu"]
    out = tmp_path / "probed.html"
    assert run_cli(*args, "-o", str(out)).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert block(page, "report-data") == json.loads(run_cli(*args, "-f", "json").stdout)
    model = block(page, "rules-data")
    assert model["probed"] is True
    assert model == json.loads(json.dumps(export_rules(recommender.load_rules(), facts)))
    assert 'id="evidence"' in page


def test_every_framework_excluded_is_not_called_a_clear_call(on_mini, tmp_path: Path):
    # recommend's confidence is "clear" when every framework is excluded (scoring.confidence);
    # the page glossed it "a clear call" under "No framework fits" (QA, stop 27)
    overlay = hostile_rules(tmp_path)
    args = ["recommend", "--rules", str(overlay), "-a", "deployment=edge"]
    args += ["-a", "edge_target=microcontroller"]
    code, out, _ = cli(*args, "-f", "json")
    rec = json.loads(out)
    assert (rec["winner"], rec["tie"], rec["confidence"]) == (None, [], "clear")
    assert all(s["excluded"] for s in rec["ranking"])
    page = tmp_path / "r.html"
    assert cli(*args, "-o", str(page))[0] == 0
    text = page.read_text(encoding="utf-8")
    assert block(text, "report-data") == rec
    m = re.search(r'<p class="confidence">(.*?)</p>', text, re.S)
    assert m and re.sub(r"<[^>]+>", "", html.unescape(m.group(1))) == (
        "Confidence: clear not a call on points: every framework is excluded by a deal-breaker"
    )
