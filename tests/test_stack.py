"""The recommendation as a stack (rules/stack.yaml): complete for the shipped frameworks, one deploy
entry per target answered, the training route for the hardware answered, overlays first, and in
every output format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import MINI, SHIPPED, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tooling_support import write

import recommender
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.stack import NO_TARGET

RULES = recommender.load_rules(base=SHIPPED)


def test_every_shipped_framework_has_a_route_for_every_target_and_hardware():
    deployment, hardware = RULES.question("deployment"), RULES.question("hardware")
    targets = {o for o in deployment.option_ids if o != NO_TARGET}
    for f in RULES.framework_ids:
        assert {d.target for d in RULES.deploy if d.framework == f} == targets, f
        assert {h.answer for h in RULES.hardware if h.framework == f} == set(hardware.option_ids), f


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_stack_is_the_winners_with_one_entry_per_target_answered(data):
    raw = {}
    for q in RULES.questions:
        if data.draw(st.booleans()):
            options = list(q.option_ids)
            if q.kind == "multi":
                picked = data.draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
                alone = [o.id for o in q.options if o.exclusive and o.id in picked]
                raw[q.id] = alone[:1] or picked  # an exclusive option stands alone
            else:
                raw[q.id] = data.draw(st.sampled_from(options))
    rec = recommender.recommend(raw, rules=RULES)
    stack = rec.to_dict()["stack"]
    if rec.winner is None:
        assert stack is None
        return
    assert stack["framework"] == rec.winner
    answered = [t for t in rec.answers.get("deployment", []) if t != NO_TARGET]
    assert [d["target"] for d in stack["deploy"]] == answered
    assert all(d["runtime"] and d["support"] != "unknown" for d in stack["deploy"])
    hardware = rec.answers.get("hardware")
    assert (stack["hardware"] or {}).get("answer") == hardware
    if hardware:
        assert stack["hardware"]["route"] and stack["hardware"]["support"] != "unknown"


def test_a_follow_up_narrows_the_route():
    def route(edge_target: str) -> str:
        rec = recommender.recommend(
            {"deployment": ["edge"], "edge_target": edge_target, "audience": "production"},
            rules=RULES,
        )
        return rec.to_dict()["stack"]["deploy"][0]["runtime"]

    assert route("microcontroller") != route("embedded_linux")


def test_an_overlays_route_comes_first(tmp_path):
    overlay = write(
        tmp_path / "mine",
        "stack.yaml",
        """\
        deploy:
          - framework: pytorch
            target: mobile
            routes:
              - {runtime: Our runtime, path: "export -> ours", support: experimental,
                 source: "our wiki", as_of: "2026-11"}
        """,
    ).parent
    rules = recommender.load_rules(overlay, base=SHIPPED)
    rec = recommender.recommend({"deployment": ["mobile"], "audience": "researcher"}, rules=rules)
    assert rec.winner == "pytorch"
    assert rec.to_dict()["stack"]["deploy"][0]["runtime"] == "Our runtime"


def test_bad_stack_entries_are_reported_with_their_place(tmp_path, monkeypatch):
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    write(
        tmp_path / "bad",
        "stack.yaml",
        """\
        deploy:
          - framework: pytorhc
            target: mobile
            routes: [{runtime: R, path: p, support: supported, source: s, as_of: "2026"}]
          - framework: jax
            target: moble
            routes: [{runtime: R, path: p, support: supported, source: s, as_of: "2026"}]
          - framework: jax
            target: mobile
            routes: [{runtime: R, path: p, support: great, source: s, as_of: "2026"}]
        """,
    )
    proc = run_cli(
        "rules", "validate", str(tmp_path / "bad"), env={"RECOMMENDER_BASE_RULES": str(MINI)}
    )
    assert proc.returncode == 2
    err = proc.stdout
    assert 'deploy entry: unknown framework "pytorhc" (did you mean "pytorch"?)' in err
    assert '"moble" is not an option of question "deployment" (did you mean "mobile"?)' in err
    assert "unknown value 'great'" in err


def test_the_stack_is_in_every_output_format(tmp_path):
    args = ["recommend", "-a", "deployment=mobile", "-a", "hardware=apple_silicon",
            "-a", "audience=researcher"]  # fmt: skip
    table = run_cli(*args).stdout
    assert "Stack:" in table and "ExecuTorch" in table
    markdown = run_cli(*args, "--format", "markdown").stdout
    assert "**Stack:**" in markdown and "ExecuTorch" in markdown
    data = json.loads(run_cli(*args, "--format", "json").stdout)
    assert data["stack"]["deploy"][0]["target"] == "mobile"
    profiles = tmp_path / "p.jsonl"
    profiles.write_text('{"deployment": ["mobile"], "audience": "researcher"}\n')
    rows = list(csv.DictReader(io.StringIO(run_cli("batch", str(profiles), "-f", "csv").stdout)))
    assert "ExecuTorch" in rows[0]["stack"]
    record = json.loads(run_cli("batch", str(profiles)).stdout)
    assert record["stack"] == json.loads(
        json.dumps(
            recommender.recommend(
                normalize_answers({"deployment": ["mobile"], "audience": "researcher"}, RULES),
                rules=RULES,
            ).to_dict()["stack"]
        )
    )


@pytest.mark.parametrize(
    "support", ["supported", "limited", "experimental", "unsupported", "deprecated"]
)
def test_support_levels_are_the_documented_vocabulary(support):
    used = {r.support for d in RULES.deploy for r in d.routes} | {h.support for h in RULES.hardware}
    assert used <= {"supported", "limited", "experimental", "unsupported", "deprecated"}
    assert support in used or support in ("limited", "experimental", "unsupported", "deprecated")
