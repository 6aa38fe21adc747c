"""The real ``recommender ask``: in a pseudo-terminal with pexpect, and with no terminal at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from askkit import (
    CTRL_C,
    DOWN,
    ENTER,
    IMPORT_RECORDER,
    SPACE,
    answer,
    ask_without_a_terminal,
    defaults_to_the_save_offer,
    env,
    finish,
    screen_text,
    spawn,
    spawn_ask,
)
from conftest import MINI, ROOT

from recommender import load_rules
from recommender.ask import resume
from recommender.ask.flow import in_force
from recommender.render.text import headline
from recommender.rulebase.profiles import load_profile, normalize_answers
from recommender.scoring.result import rank
from recommender.scoring.table import table_for


def test_a_person_answers_in_a_terminal_and_the_saved_profile_gives_the_same_winner(
    tmp_path: Path, mini
):
    saved = tmp_path / "mine.yaml"
    child = spawn_ask(["--save", str(saved)], tmp_path)
    answer(child, "Who is it for?", DOWN + ENTER)  # Researchers
    answer(child, "Where will it run?", SPACE + ENTER)  # Server
    answer(child, "Which OS?", DOWN + ENTER)  # Windows
    answer(child, "Custom gradients?", ENTER)  # Yes
    answer(child, "Your answers", ENTER)
    child.expect_exact("More: --full shows")  # the brief screen first
    answer(child, "Show the full report?", "y")
    child.expect_exact("Saved to")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0

    profile = load_profile(str(saved), mini)
    assert profile.name == "mine"
    assert profile.answers == normalize_answers(
        {
            "audience": "researcher",
            "deployment": ["server"],
            "os": "windows",
            "custom_gradients": "yes",
        },
        mini,
    )
    expected = rank(profile.answers, mini, profile=profile.name)
    assert expected.winner == "pytorch"  # hand-checked: 3 + 1 + 1 against JAX's 2 + 1
    screen = child.logfile_read.getvalue()
    brief, full = screen.split("Show the full report?", 1)
    assert headline(expected, mini) in brief and "More: --full shows" in brief
    assert "◀ winner" not in brief  # the bars are the full report's
    assert f"{mini.framework(expected.winner).name} " in next(
        line for line in full.splitlines() if "◀ winner" in line
    )


def test_ctrl_c_keeps_the_answers_and_resume_carries_on(tmp_path: Path, mini):
    child = spawn_ask([], tmp_path)
    answer(child, "Who is it for?", DOWN + DOWN + ENTER)  # A production team
    answer(child, "Where will it run?", DOWN + SPACE + ENTER)  # Mobile
    child.expect_exact("Which OS?")
    child.send(CTRL_C)
    child.expect_exact("carry on with: recommender ask --resume")
    finish(child)
    assert child.exitstatus == 130
    kept = tmp_path / "ask-resume.yaml"
    assert kept.is_file()

    saved = tmp_path / "done.yaml"
    child = spawn_ask(["--resume", "--save", str(saved)], tmp_path)
    child.expect_exact("Carrying on: 2 question(s)")
    answer(child, "Which OS?", ENTER)  # Linux: audience and deployment are not re-asked
    answer(child, "Custom gradients?", DOWN + ENTER)  # No
    answer(child, "Your answers", ENTER)
    answer(child, "Show the full report?", ENTER)  # declined
    child.expect_exact("Saved to")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0
    assert load_profile(str(saved), mini).answers == normalize_answers(
        {
            "audience": "production",
            "deployment": ["mobile"],
            "os": "linux",
            "custom_gradients": "no",
        },
        mini,
    )
    assert not kept.exists()  # finished: nothing left to resume


def test_without_save_the_questionnaire_offers_to_save_at_the_end(tmp_path: Path, mini):
    child = spawn_ask([], tmp_path, cwd=tmp_path)
    defaults_to_the_save_offer(child)
    answer(child, "Save these answers as a profile?", "missing-dir/x.yaml" + ENTER)
    child.expect_exact("missing-dir does not exist")  # said, then asked again
    answer(child, "Save these answers as a profile?", "offered.yaml" + ENTER)
    child.expect_exact("Saved to offered.yaml")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0
    assert load_profile(str(tmp_path / "offered.yaml"), mini).answers == normalize_answers(
        {"audience": "beginner", "os": "linux", "custom_gradients": "yes"}, mini
    )


def test_save_into_a_missing_directory_fails_before_any_question(tmp_path: Path):
    child = spawn_ask(["--save", str(tmp_path / "nope" / "x.yaml")], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    missing = f"cannot write here: the directory {tmp_path / 'nope'} does not exist"
    assert missing in out and "Who is it for?" not in out


def test_resume_with_nothing_kept_says_so(tmp_path: Path):
    child = spawn_ask(["--resume"], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    assert (
        f"nothing to resume: no interrupted questionnaire at {tmp_path / 'ask-resume.yaml'}" in out
    )


def test_from_pre_fills_the_answers(tmp_path: Path, mini):
    start = tmp_path / "start.yaml"
    start.write_text(
        "name: start\nanswers: {audience: beginner, deployment: [mobile], os: windows, "
        "custom_gradients: no}\n"
    )
    saved = tmp_path / "out.yaml"
    child = spawn_ask(["--from", str(start), "--save", str(saved)], tmp_path)
    defaults_to_the_save_offer(child)
    child.expect_exact("Saved to")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert load_profile(str(saved), mini).answers == load_profile(str(start), mini).answers


def test_a_question_added_in_an_overlay_is_asked(tmp_path: Path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "questions.yaml").write_text(
        "questions:\n  - id: licence\n    text: Must everything be Apache-2.0 licensed?\n"
        "    help: Some legal teams insist.\n    kind: yes_no\n"
    )
    child = spawn_ask(["--rules", str(overlay)], tmp_path)
    for prompt in ("Who is it for?", "Where will it run?", "Which OS?", "Custom gradients?"):
        answer(child, prompt, ENTER)
    child.expect_exact("Must everything be Apache-2.0 licensed?")
    child.expect_exact("Some legal teams insist.")  # the help text is shown
    child.send(CTRL_C)
    finish(child)
    assert child.exitstatus == 130


def test_the_first_question_comes_without_importing_a_framework(tmp_path: Path):
    record = tmp_path / "imports.txt"
    child = pexpect.spawn(
        sys.executable,
        ["-c", IMPORT_RECORDER, str(record), "ask"],
        env=env(tmp_path),
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 120),
    )
    child.expect_exact("Who is it for?")
    child.send(CTRL_C)
    finish(child)
    tried = set(record.read_text().split())
    assert "questionary" in tried  # the recorder does see imports
    assert not tried & {"torch", "tensorflow", "jax", "keras", "flax"}


def test_recommend_never_imports_questionary(tmp_path: Path):
    record = tmp_path / "imports.txt"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_RECORDER,
            str(record),
            "recommend",
            "--answer",
            "deployment=mobile",
        ],
        env=env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    tried = set(record.read_text().split())
    assert "yaml" in tried
    assert not tried & {"questionary", "prompt_toolkit"}


@pytest.mark.parametrize(
    "shell",
    [
        "{ask} </dev/null",  # no terminal on stdin
        "{ask} | cat",  # no terminal on stdout
    ],
)
def test_without_a_terminal_ask_says_so_in_one_line(tmp_path: Path, shell: str):
    ask = f"{sys.executable} -m recommender ask"
    script = f"set -o pipefail; {shell.format(ask=ask)}; echo rc=$?"
    child = pexpect.spawn(
        "bash", ["-c", script], env=env(tmp_path), cwd=str(ROOT), encoding="utf-8", timeout=20
    )
    out = finish(child).replace("\r\n", "\n")
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines == [
        "recommender: ask needs an interactive terminal (stdin and stdout must be a terminal); "
        "without one, use: recommender recommend --answer QUESTION=VALUE ...",
        "rc=2",
    ]


def test_without_a_terminal_at_all(tmp_path: Path):
    done = ask_without_a_terminal([], tmp_path, ROOT)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "recommender recommend --answer" in done.stderr


def test_save_into_a_directory_names_the_save_option(tmp_path: Path):
    child = spawn_ask(["--save", str(tmp_path)], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    assert "is a directory; --save needs a file name such as results.jsonl" in out


def test_from_and_save_of_one_file_edit_it_in_place(tmp_path: Path, mini):
    """The one write that may replace a file the command read: -o never may."""
    start = tmp_path / "start.yaml"
    start.write_text("name: start\nanswers: {audience: beginner, os: windows}\n")
    child = spawn_ask(["--from", str(start), "--save", str(start)], tmp_path)
    answer(child, "Who is it for?", DOWN + ENTER)  # beginner -> the next option
    for prompt in ("Where will it run?", "Which OS?", "Custom gradients?", "Your answers"):
        answer(child, prompt, ENTER)
    answer(child, "Show the full report?", ENTER)
    child.expect_exact("Saved to")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0
    assert load_profile(str(start), mini).answers["audience"] != frozenset({"beginner"})


def test_save_or_html_over_a_file_the_run_read_is_refused_before_any_question(tmp_path: Path):
    """--save once replaced an overlay's rule file with a profile, and --html onto the --from
    profile was refused only after every question, naming -o."""
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    rule = "rules:\n  - {id: qa, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"
    (overlay / "extra.yml").write_text(rule)
    start = tmp_path / "start.yaml"
    start.write_text("name: start\nanswers: {audience: beginner}\n")
    for args, flag, target in (
        (["--rules", str(overlay), "--save", str(overlay / "extra.yml")], "--save",
         overlay / "extra.yml"),
        (["--from", str(start), "--html", str(start)], "--html", start),
    ):  # fmt: skip
        before = target.read_text()
        child = spawn_ask(args, tmp_path)
        out = finish(child)
        assert child.exitstatus == 2 and "Who is it for?" not in out
        assert f"the output would replace the input; choose another {flag} file" in out
        assert target.read_text() == before


def mini_until_the_review(tmp: Path) -> Any:
    """The mini questionnaire: a beginner deploying to the edge (a microcontroller), Linux, custom
    gradients; at the review, the deployment changed to a server, so the edge device is stale."""
    child = spawn(tmp, 120)
    answer(child, "Who is it for?", ENTER)
    answer(child, "Where will it run?", DOWN + DOWN + SPACE + ENTER)
    answer(child, "Which edge device?", ENTER)
    answer(child, "Which OS?", ENTER)
    answer(child, "Custom gradients?", ENTER)
    answer(child, "Pick an answer to change it", DOWN + DOWN + ENTER)  # the deployment
    answer(child, "none ticked = skip)", SPACE + DOWN + DOWN + SPACE + ENTER)  # server, no edge
    child.expect_exact("Pick an answer to change it")
    return child


def test_a_stale_follow_up_is_not_counted_as_kept(tmp_path: Path):
    # "5 answer(s) kept": the edge device's answer no longer applies (the deployment is a
    # server), and a recommendation from the kept answers leaves it out
    child = mini_until_the_review(tmp_path)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert child.exitstatus == 130
    assert f"recommender: ask interrupted; 4 answer(s) kept in {kept}" in screen_text(child)
    rules = load_rules(base=MINI)
    progress = resume.load(rules, kept)
    assert progress.answers["edge_target"] == {"microcontroller"}  # back if the edge is
    assert sorted(in_force(table_for(rules), progress.answers)) == [
        "audience",
        "custom_gradients",
        "deployment",
        "os",
    ]
