"""``recommender explain``: every rule, matched or not, with Condition.explain, and final scores."""

from __future__ import annotations

import json

import pytest
import tooling_support
from conftest import MINI, shipped_with
from tooling_support import cli, write

import recommender

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it


def test_explain_traces_every_rule(mini, tmp_path, capsys):
    write(
        tmp_path,
        "p.yaml",
        "name: edge-researcher\nanswers: {audience: researcher, deployment: server, "
        "edge_target: microcontroller}\n",
    )
    rc, out, err = cli(capsys, "explain", "--profile", "p.yaml", "--answer", "os=linux")
    s = f"{MINI}/scoring.yaml"
    assert out.splitlines() == [
        "Profile: edge-researcher",
        "Answers: audience=researcher, deployment=server, os=linux",
        "Not asked, answer ignored: edge_target (asked only when deployment is edge (no: server))",
        "",
        "Rules (3 of 9 matched)",
        "  [ ] beginner-keras: no effect",
        f"        when audience is beginner (no: researcher)  ({s}:2:5)",
        "  [x] research-pytorch: pytorch +3, jax +2",
        f"        when audience is researcher (yes: researcher)  ({s}:7:5)",
        "  [ ] mobile-tf: no effect",
        f"        when deployment is mobile (no: server)  ({s}:12:5)",
        "  [x] server-any: pytorch +1",
        f"        when deployment is server (yes: server)  ({s}:17:5)",
        "  [ ] mcu-tf: no effect",
        "        when deployment is edge (no: server) and edge_target is microcontroller (no: "
        f"unanswered)  ({s}:22:5)",
        "  [ ] mcu-no-jax: no effect",
        f"        when edge_target is microcontroller (no: unanswered)  ({s}:27:5)",
        "  [ ] custom-grad: no effect",
        f"        when custom_gradients is yes (no: unanswered)  ({s}:32:5)",
        "  [ ] os-unknown: no effect",
        f"        when os is unanswered (no)  ({s}:37:5)",
        "  [x] not-windows: jax +0.5",
        f"        when not [os is windows (no: linux)]  ({s}:42:5)",
        "",
        "Scores",
        "  PyTorch      +4",
        "  JAX          +2.5",
        "  TensorFlow   +0",
        "",
        "Recommended: PyTorch, a close call",  # adding mobile: TensorFlow +4 ties PyTorch's 4
    ]
    assert rc == 0


def test_explain_names_the_deal_breaker(mini, capsys):
    rc, out, err = cli(
        capsys, "explain", "-a", "deployment=edge", "-a", "edge_target=microcontroller"
    )
    assert "  JAX          +0.5  excluded by mcu-no-jax" in out.splitlines()


def test_explain_json_and_markdown(mini, tmp_path, capsys):
    rc, out, err = cli(
        capsys,
        "explain",
        "-a",
        "deployment=mobile",
        "-a",
        "edge_target=microcontroller",
        "-f",
        "json",
    )
    data = json.loads(out)
    assert (rc, data["schema_version"], data["winner"]) == (0, 1, "tensorflow")
    assert [r["rule"] for r in data["rules"] if r["matched"]] == [
        "mobile-tf",
        "os-unknown",
        "not-windows",
    ]
    assert data["ignored"][0]["question"] == "edge_target"
    rc, out, err = cli(capsys, "explain", "-a", "deployment=mobile", "-o", str(tmp_path / "e.md"))
    text = (tmp_path / "e.md").read_text()
    assert text.startswith("## Recommended: TensorFlow") and "| x | `mobile-tf` |" in text


# A follow-up of a follow-up: chain2 is asked only when chain1 is "a", and chain1 only when the
# audience is researcher (an overlay may chain follow-ups: docs/extending.md).
CHAIN = """\
questions:
  - id: chain1
    text: First follow-up?
    help: h
    kind: single
    ask_when: {audience: researcher}
    options:
      - {id: a, label: Option A}
      - {id: b, label: Option B}
  - id: chain2
    text: Second follow-up?
    help: h
    kind: yes_no
    ask_when: {chain1: a}
rules:
  - id: chain2-jax
    when: {chain2: "yes"}
    score: {jax: 1}
    because: b
    source: s
"""


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> recommender.RuleBase:
    return shipped_with(tmp_path_factory.mktemp("chain"), "chain.yaml", CHAIN)


def test_a_follow_up_of_an_ignored_follow_up_is_ignored_for_a_true_reason(chained):
    # chain1 is ignored (the audience is not researcher), so chain2 is not asked either; its reason
    # read "asked only when chain1 is a (yes: a)": the condition shown as holding, on the answer
    # that was itself ignored
    answers = {"audience": "beginner", "chain1": "a", "chain2": "yes"}
    rec = recommender.recommend(answers, rules=chained)
    why = {d.question: d.why for d in rec.ignored}
    assert set(why) == {"chain1", "chain2"}
    assert why["chain1"] == "asked only when audience is researcher (no: beginner)"
    assert "(yes:" not in why["chain2"]
    assert why["chain2"] == "asked only when chain1 is a (no: unanswered)"
