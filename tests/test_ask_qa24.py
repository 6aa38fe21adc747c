"""QA pass 24 for ``ask``, with real keystrokes: the checkbox's bulk keys ('a' ticks all, 'i'
inverts) keep an option that stands alone by itself; a ``--save`` or ``--html`` that fails after
the questions loses no answer (the real command in a pseudo-terminal)."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from askkit import DOWN, ENTER, SPACE, UP, answer, finish, spawn_ask
from html_support import block
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from recommender import load_rules
from recommender.ask import resume
from recommender.ask.flow import Progress, Step
from recommender.ask.prompts import ask_multi
from recommender.rulebase.profiles import load_profile, normalize_answers

SHIPPED = load_rules()
DEPLOYMENT = SHIPPED.question("deployment")  # server, mobile, edge, browser, none (alone); skip
COMBINABLE = frozenset(o.id for o in DEPLOYMENT.options if not o.exclusive)


@pytest.fixture
def keys() -> Iterator:
    with create_pipe_input() as pipe:
        yield pipe


def tick(keys, typed: str, default: frozenset[str] | None = None) -> frozenset[str] | None:
    keys.send_text(typed + ENTER)
    return ask_multi(DEPLOYMENT, default, Step(1, 1), input=keys, output=DummyOutput())


def accepted(answer: frozenset[str] | None) -> bool:
    """Whether ``recommend`` takes the answer (an exclusive option never beside another)."""
    if not answer:
        return True
    return normalize_answers({"deployment": sorted(answer)}, SHIPPED)["deployment"] == answer


@pytest.mark.parametrize(
    ("typed", "default", "expected"),
    [
        ("a", None, COMBINABLE),  # all: every option that goes with the others
        (DOWN * 4 + "a", None, COMBINABLE),  # with "none" under the cursor too
        (UP + "a", None, COMBINABLE),  # and with "Not sure / skip" under it
        ("aa", None, None),  # all again: nothing ticked, so skipped
        ("i", None, COMBINABLE),  # invert nothing
        (SPACE + "i", None, COMBINABLE - {"server"}),  # invert one: not "none" beside them
        ("a" + "i", None, None),  # invert all: nothing, not "none"
        ("i", frozenset({"none"}), COMBINABLE),  # from a --from profile's "none"
        ("i", COMBINABLE, None),
        ("i" + DOWN * 4 + SPACE, None, frozenset({"none"})),  # "none" after a bulk tick
    ],
)
def test_bulk_keys_keep_an_answer_recommend_accepts(keys, typed, default, expected):
    assert tick(keys, typed, default) == expected


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    typed=st.lists(st.sampled_from([SPACE, UP, DOWN, "a", "i"]), max_size=12),
    default=st.sampled_from([None, frozenset({"none"}), frozenset({"server", "edge"})]),
)
def test_any_keys_give_an_answer_recommend_accepts(typed, default):
    with create_pipe_input() as keys:
        assert accepted(tick(keys, "".join(typed), default))


# -- a --save or --html that fails after the questions ----------------------------------------

INTERVIEW = (  # the mini questionnaire: Researchers, then every default
    ("Who is it for?", DOWN + ENTER),
    ("Where will it run?", ENTER),
    ("Which OS?", ENTER),
    ("Custom gradients?", ENTER),
    ("Your answers", ENTER),
    ("Show the full report?", ENTER),
)
ANSWERS = {"audience": "researcher", "os": "linux", "custom_gradients": "yes"}


def _gone(tmp: Path) -> str:
    (tmp / "out").mkdir()
    return "out/p.yaml"


def _gone_after(tmp: Path) -> None:
    shutil.rmtree(tmp / "out")


def _dir_after(tmp: Path) -> None:
    (tmp / "p.yaml").mkdir()


def _link(tmp: Path) -> str:
    (tmp / "link.yaml").symlink_to("real.yaml")
    return "link.yaml"


def _link_after(tmp: Path) -> None:
    (tmp / "link.yaml").unlink()
    (tmp / "link.yaml").symlink_to("gone/p.yaml")


# What goes wrong between the first question and the save: (set-up giving --save's path, the
# change made while the questions are answered, what the one line says).
FAULTS = {
    "missing-directory": (_gone, _gone_after, "the directory out does not exist"),
    "now-a-directory": (lambda tmp: "p.yaml", _dir_after, "is a directory"),
    "symlink-elsewhere": (_link, _link_after, "the directory gone does not exist"),
    "full-device": (lambda tmp: "/dev/full", None, "No space left on device"),
    "read-only": (lambda tmp: "/sys/recommender-qa24.yaml", None, "Permission denied"),
}


def run_to_the_save(tmp: Path, fault: str, extra: tuple[str, ...] = ()):
    """``ask --save PATH`` with ``fault`` happening while the questions are answered."""
    if fault == "read-only" and os.geteuid() != 0:
        pytest.skip("only root gets past the permission check into read-only /sys")
    setup, during, said = FAULTS[fault]
    path = setup(tmp)
    child = spawn_ask(["--save", path, *extra], tmp / "state", cwd=tmp)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
        if prompt == "Who is it for?" and during is not None:
            during(tmp)
    child.expect_exact(f"recommender: --save {path}: ")
    child.expect_exact("; your answers are not lost")
    line = child.before
    assert said in line and "\n" not in line.strip()
    return child, path


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_save_that_fails_offers_another_file(tmp_path: Path, mini, fault: str):
    child, path = run_to_the_save(tmp_path, fault)
    answer(child, "Save them to another file?", "elsewhere.yaml" + ENTER)
    child.expect_exact("Saved to elsewhere.yaml")
    answer(child, "as a web page", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 0
    saved = load_profile(str(tmp_path / "elsewhere.yaml"), mini)
    assert saved.answers == normalize_answers(ANSWERS, mini)
    if fault == "symlink-elsewhere":  # never replaced by a file
        assert os.readlink(tmp_path / "link.yaml") == "gone/p.yaml"
    if fault == "full-device":
        assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_save_that_fails_then_declined_keeps_the_answers_for_resume(tmp_path: Path, mini):
    child, _ = run_to_the_save(tmp_path, "missing-directory")
    answer(child, "Save them to another file?", "/dev/full" + ENTER)
    child.expect_exact("recommender: /dev/full: No space left on device")  # and asked again
    answer(child, "Save them to another file?", ENTER)  # declined
    answer(child, "as a web page", ENTER)  # declined too
    out = finish(child)
    assert child.exitstatus == 2
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert f"3 answer(s) kept in {kept}" in out and "recommender ask --resume" in out
    assert resume.load(mini, kept).answers == normalize_answers(ANSWERS, mini)


def report_dir_gone(tmp_path: Path) -> pexpect.spawn:
    """``ask --html out/r.html`` whose directory is removed during the interview, up to the
    report; the answers not saved as a profile."""
    (tmp_path / "out").mkdir()
    child = spawn_ask(["--html", "out/r.html"], tmp_path / "state", cwd=tmp_path)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
        if prompt == "Who is it for?":
            shutil.rmtree(tmp_path / "out")
    answer(child, "Save these answers as a profile?", ENTER)  # declined
    return child


def test_a_report_that_cannot_be_written_offers_another_file(tmp_path: Path, mini):
    child = report_dir_gone(tmp_path)
    child.expect_exact(
        "recommender: --html out/r.html: cannot write here: the directory out does not exist"
    )
    answer(child, "Write the report to another file?", "r.html" + ENTER)
    child.expect_exact("Wrote the report to r.html")
    finish(child)
    assert child.exitstatus == 0
    assert block((tmp_path / "r.html").read_text(encoding="utf-8"), "report-data")["winner"]


def test_a_report_that_cannot_be_written_keeps_unsaved_answers(tmp_path: Path, mini):
    child = report_dir_gone(tmp_path)
    answer(child, "Write the report to another file?", ENTER)  # declined too
    out = finish(child)
    assert child.exitstatus == 2
    kept = tmp_path / "state" / "ask-resume.yaml"
    assert f"3 answer(s) kept in {kept}" in out
    assert resume.load(mini, kept).answers == normalize_answers(ANSWERS, mini)


def test_save_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path, mini):
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    child = spawn_ask(["--save", "link.yaml"], tmp_path / "state", cwd=tmp_path)
    for prompt, keys in INTERVIEW:
        answer(child, prompt, keys)
    child.expect_exact("Saved to link.yaml")
    answer(child, "as a web page", ENTER)
    finish(child)
    assert child.exitstatus == 0
    assert os.readlink(tmp_path / "link.yaml") == "real.yaml"
    assert load_profile(str(tmp_path / "real.yaml"), mini).answers == normalize_answers(
        ANSWERS, mini
    )


def test_resumed_answers_saved_before_the_report_failed_are_not_kept_twice(tmp_path: Path, mini):
    """Resumed, saved to a profile, then --html failed (/dev/full): the profile holds the
    answers, so the resume file is done with, as after a run that wrote everything."""
    given = normalize_answers(ANSWERS, mini)
    every = [q.id for q in mini.questions]
    kept = resume.save(Progress(dict(given), every), mini, tmp_path / "state" / "kept.yaml")
    args = ["--resume", str(kept), "--save", "p.yaml", "--html", "/dev/full"]
    child = spawn_ask(args, tmp_path / "state", cwd=tmp_path)
    answer(child, "Your answers", ENTER)
    answer(child, "Show the full report?", ENTER)
    child.expect_exact("Saved to p.yaml")
    child.expect_exact("recommender: --html /dev/full: No space left on device")
    answer(child, "Write the report to another file?", ENTER)  # declined
    finish(child)
    assert child.exitstatus == 2
    assert load_profile(str(tmp_path / "p.yaml"), mini).answers == given
    assert not kept.exists()
