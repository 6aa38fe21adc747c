"""The proof of issue 6 on the shipped knowledge base: one user rules directory, YAML only, adds a
fourth framework (MLX) and a question with a follow-up, overrides a shipped rule and disables
another; every front end (recommend, batch, ask with real keystrokes, rules lint, rules test) then
shows all four changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from askkit import ENTER, UP
from conftest import ROOT, SHIPPED, run_cli
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import recommender
from recommender.ask.flow import Progress, run_interview
from recommender.ask.prompts import QuestionaryPrompter

EXAMPLE = ROOT / "docs" / "examples" / "mlx"  # the overlay docs/extending.md walks through


@pytest.fixture(scope="module")
def overlay() -> Path:
    return EXAMPLE


def reasons(record: dict) -> set[str]:
    return {r["rule"] for s in record["ranking"] for r in s["reasons"]}


def test_recommend_sees_framework_question_override_and_disable(overlay):
    mac = json.loads(
        run_cli(
            "recommend",
            "--rules",
            str(overlay),
            "-a",
            "apple_silicon=yes",
            "-a",
            "mac_memory=large",
            "-f",
            "json",
        ).stdout
    )
    assert mac["winner"] == "mlx" and {"apple-mlx", "apple-large-mlx"} <= reasons(mac)
    beginner = json.loads(
        run_cli(
            "recommend", "--rules", str(overlay), "-a", "audience=beginner", "-f", "json"
        ).stdout
    )
    assert beginner["winner"] == "tensorflow"
    assert "Keras is the gentlest start (team override)." in json.dumps(beginner)
    assert "default-pytorch-community" not in reasons(beginner)
    # without the overlay, the shipped rule fires and the shipped wording is used
    plain = json.loads(run_cli("recommend", "-a", "audience=beginner", "-f", "json").stdout)
    assert "default-pytorch-community" in reasons(plain)
    assert "team override" not in json.dumps(plain)


def test_batch_sees_the_overlay(overlay, tmp_path):
    rows = tmp_path / "team.jsonl"
    rows.write_text(
        '{"name": "mac", "answers": {"apple_silicon": "yes", "mac_memory": "large"}}\n'
        '{"name": "new-hire", "answers": {"audience": "beginner"}}\n'
        '{"name": "typo", "answers": {"mac_memory": "huge"}}\n'
    )
    proc = run_cli("batch", str(rows), "--rules", str(overlay))
    assert proc.returncode == 1  # the typo row
    mac, hire, typo = (json.loads(line) for line in proc.stdout.splitlines())
    assert mac["winner"] == "mlx" and hire["winner"] == "tensorflow"
    assert "default-pytorch-community" not in reasons(hire)
    assert 'unknown option "huge" for question "mac_memory"' in typo["error"]


def test_ask_asks_the_new_question_and_its_follow_up(overlay):
    rules = recommender.load_rules(overlay, base=SHIPPED)
    # every shipped question keeps its pre-filled default (Enter); the overlay's questions come last
    defaults = recommender.rulebase.profiles.normalize_answers(
        {"audience": "researcher", "deployment": ["none"]}, rules
    )
    # the overlay's two questions come last; shipped follow-ups (edge_target, llm_stage) are skipped
    shipped_asked = [
        q
        for q in rules.questions
        if q.id not in ("apple_silicon", "mac_memory") and q.ask_when is None
    ]
    with create_pipe_input() as keys:
        # a question the profile leaves out starts on "Not sure / skip", the last choice: up
        # twice is Yes, then up once is 64 GB+; Enter at the review
        keys.send_text(ENTER * len(shipped_asked) + UP + UP + ENTER + UP + ENTER + ENTER)
        answers = run_interview(
            rules,
            QuestionaryPrompter(input=keys, output=DummyOutput()),
            Progress(),
            defaults=defaults,
        )
    assert answers["apple_silicon"] == frozenset({"yes"}) and answers["mac_memory"] == frozenset(
        {"large"}
    )
    result = recommender.recommend(
        recommender.rulebase.profiles.denormalize(answers, rules), rules=rules
    )
    assert result.winner == "mlx"


def test_the_example_validates_on_the_shipped_base(overlay):
    proc = run_cli("rules", "validate", str(overlay))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rules_test_runs_the_overlay_cases(overlay):
    proc = run_cli("rules", "test", "--rules", str(overlay), str(overlay), "-v")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mac-team: mlx" in proc.stdout and "beginners-get-keras: tensorflow" in proc.stdout


def test_rules_lint_covers_the_new_framework_and_question(overlay):
    proc = run_cli("rules", "lint", "--rules", str(overlay))
    assert proc.returncode in (0, 1), proc.stderr
    assert "mlx " in proc.stdout.split("winners:")[1]
    questions = len(
        recommender.load_rules(overlay, base=SHIPPED).questions
    )  # the shipped ones plus the overlay's 2
    assert f"{questions} questions" in proc.stdout
    assert 'question "apple_silicon" never changes' not in proc.stdout
