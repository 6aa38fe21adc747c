"""Evidence from this machine: needs checked against probe facts, versions against the knowledge.

The unit tests feed probe facts as data; the end-to-end tests run the real probe on the real
frameworks and check that `recommend --probe` and `batch --probe` report exactly what the probe
(`recommender probe`) found."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from conftest import SHIPPED, run_cli

import recommender
from recommender.scoring.evidence import gather

RULES = recommender.load_rules(base=SHIPPED)


def evidence_for(answers, facts, installed=None):
    result = recommender.recommend(answers, rules=RULES, facts=facts)
    from recommender.rulebase.profiles import normalize_answers

    return result, gather(RULES, normalize_answers(answers, RULES), result, facts, installed or {})


ALL_OK = {
    f"{fw}.{x}": "ok" for fw in ("tensorflow", "pytorch", "jax") for x in ("probe", "installed")
}


def test_a_failed_need_makes_the_winner_unusable_here():
    facts = {**ALL_OK, "pytorch.gpu": "unavailable", "tensorflow.gpu": "ok", "jax.gpu": "ok"}
    result, ev = evidence_for({"audience": "researcher", "hardware": "nvidia_gpu"}, facts)
    assert result.winner == "pytorch"
    [problem] = ev.problems("pytorch")
    assert (problem.need, problem.fact, problem.status) == (
        "accelerator",
        "pytorch.gpu",
        "unavailable",
    )
    assert not ev.usable("pytorch") and ev.usable("tensorflow")


def test_needs_are_only_those_the_answers_state():
    _, ev = evidence_for({"custom_gradients": "yes"}, ALL_OK)
    assert {c.need for c in ev.needs} == {"custom-gradients"}
    assert {c.status for c in ev.needs} == {"not probed"}  # no custom_gradient fact in these facts


def fired(result) -> set[str]:
    return {r.rule for s in result.ranking for r in s.reasons}


def test_probe_fact_rules_fire_only_with_facts():
    # Probe honesty (issue 11): only a repeatable failure (failed, crashed) moves a score; a timeout
    # or a converter that merely happens to be installed does not.
    answers = {"audience": "researcher"}
    plain = recommender.recommend(answers, rules=RULES)
    assert "broken-install-pytorch" not in fired(plain)
    crashed = recommender.recommend(answers, rules=RULES, facts={"pytorch.probe": "crashed"})
    assert "broken-install-pytorch" in fired(crashed)
    for transient in (
        {"pytorch.probe": "timeout"},
        {"tensorflow.tflite": "ok", "jax.export": "ok"},
    ):
        result = recommender.recommend(answers, rules=RULES, facts=transient)
        assert result.to_dict()["ranking"] == plain.to_dict()["ranking"], transient


def test_an_installed_version_newer_than_the_knowledge_is_flagged():
    _, ev = evidence_for(
        {}, ALL_OK, {"tensorflow": "2.22.0", "pytorch": "2.13.0+cpu", "jax": "0.10.2"}
    )
    stale = {v.framework: (v.checked_against, v.stale) for v in ev.versions}
    assert stale == {
        "tensorflow": ("2.21", True),
        "pytorch": ("2.15", False),
        "jax": ("0.12", False),
    }


@pytest.fixture(scope="module")
def probed():
    """The real probe of the real frameworks (then cached in the session's private cache dir)."""
    proc = run_cli("probe", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_recommend_probe_reports_what_the_probe_found(probed):
    proc = run_cli(
        "recommend",
        "--probe",
        "-f",
        "json",
        "-a",
        "audience=researcher",
        "-a",
        "hardware=nvidia_gpu",
        "-a",
        "custom_gradients=yes",
        "-a",
        "deployment=mobile",
    )
    assert proc.returncode == 0, proc.stderr
    evidence = json.loads(proc.stdout)["evidence"]
    for row in evidence["needs"]:
        assert row["status"] == probed["facts"].get(row["fact"], "not probed"), row
    assert {r["need"] for r in evidence["needs"]} == {
        "accelerator",
        "custom-gradients",
        "mobile-edge-export",
    }
    installed = {v["framework"]: v["installed"] for v in evidence["versions"]}
    assert installed == {
        "pytorch": version("torch"),
        "tensorflow": version("tensorflow-cpu"),
        "jax": version("jax"),
    }
    # custom gradients really work in all three here
    assert {r["status"] for r in evidence["needs"] if r["need"] == "custom-gradients"} == {"ok"}


def test_recommend_probe_table_has_the_evidence_section(probed):
    brief = run_cli("recommend", "--probe", "-a", "hardware=nvidia_gpu")
    assert "This machine: " in brief.stdout and "stated needs verified" in brief.stdout
    proc = run_cli("recommend", "--probe", "--full", "-a", "hardware=nvidia_gpu")
    assert "Evidence from this machine (recommender probe):" in proc.stdout
    gpu = probed["facts"]["pytorch.gpu"]
    assert f"{'✓' if gpu == 'ok' else '✗'} {gpu}" in proc.stdout


def test_batch_probe_marks_winners_not_usable_here(probed, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"name": "gpu-lab", "answers": {"audience": "researcher", "hardware": "nvidia_gpu"}}\n'
        '{"name": "phone", "answers": {"deployment": ["mobile"]}}\n'
    )
    proc = run_cli("batch", str(rows), "--probe")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    lab = records[0]
    gpu_ok = probed["facts"][f"{lab['winner']}.gpu"] == "ok"
    assert lab["usable_here"] is gpu_ok
    assert bool(lab["unusable_because"]) is not gpu_ok
    if not gpu_ok:
        assert "winners not usable on this machine (--probe)" in proc.stderr


def test_explain_probe_traces_the_rules_recommend_probe_scores(probed, tmp_path):
    # explain had no --probe: it traced a rule on a probe fact as never matched, so its trace
    # disagreed with what recommend --probe scored (QA, stop 23)
    fact = next(f for f, status in sorted(probed["facts"].items()) if status == "ok")
    (tmp_path / "probe.yaml").write_text(
        "rules:\n"
        f"  - {{id: fact-ok, when: {{probe: {{{fact}: ok}}}}, score: {{jax: 50}}, because: b,"
        " source: s}\n"
    )
    args = ["--rules", str(tmp_path), "-q", "-f", "json", "-a", "audience=researcher"]
    rec = json.loads(run_cli("recommend", "--probe", *args).stdout)
    proc = run_cli("explain", "--probe", *args)
    assert proc.returncode == 0, proc.stderr
    trace = json.loads(proc.stdout)
    assert rec["winner"] == trace["winner"] == "jax"  # the rule on the fact fired in both
    assert [(s["framework"], s["score"]) for s in trace["ranking"]] == [
        (s["framework"], s["score"]) for s in rec["ranking"]
    ]
    matched = {r["rule"] for r in trace["rules"] if r["matched"]}
    fired = {reason["rule"] for s in rec["ranking"] for reason in s["reasons"]}
    assert "fact-ok" in matched and matched >= fired
