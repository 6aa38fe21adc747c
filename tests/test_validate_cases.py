"""``rules validate`` on mistakes in test cases and on follow-up cycles: each a small overlay on
the mini base, run through the real CLI, with the exact line it prints."""

from __future__ import annotations

from pathlib import Path

import pytest
import tooling_support
from tooling_support import cli, write

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

FRAMEWORKS = "valid values: jax, pytorch, tensorflow"
QUESTIONS = "valid values: audience, custom_gradients, deployment, edge_target, os"
CASE = """\
cases:
  - name: c
    answers: {answers}
    expect_winner: {winner}
    must_not_win: {banned}
"""


def case(answers: str = "{}", winner: str = "tie", banned: str = "[]") -> dict[str, str]:
    return {"tests/cases.yaml": CASE.format(answers=answers, winner=winner, banned=banned)}


def follow_ups(*pairs: tuple[str, str]) -> dict[str, str]:
    """Yes/no questions, each with its ask_when: ``(id, "{other: 'yes'}")``."""
    text = "questions:\n"
    for qid, when in pairs:
        text += f"  - id: {qid}\n    text: t\n    help: h\n    kind: yes_no\n"
        text += f"    ask_when: {when}\n"
    return {"q.yaml": text}


# (name, overlay files, the exact lines validate prints)
CASES = [
    (
        "must-not-win-typo",
        case(banned="[jax, pytorh]"),
        [
            'overlay/tests/cases.yaml:5:25: [error] case "c": unknown framework "pytorh" '
            f'(did you mean "pytorch"?); {FRAMEWORKS}'
        ],
    ),
    (
        "must-not-win-tie",  # "tie" is a winner, never a framework that must not win
        case(banned="[tie]"),
        [f'overlay/tests/cases.yaml:5:20: [error] case "c": unknown framework "tie"; {FRAMEWORKS}'],
    ),
    (
        "expect-winner-typo",
        case(winner="tensorflw"),
        [
            'overlay/tests/cases.yaml:4:20: [error] case "c": unknown framework "tensorflw" '
            f'(did you mean "tensorflow"?); {FRAMEWORKS}, tie'
        ],
    ),
    (
        "unknown-question",
        case(answers="{audiense: beginner}"),
        [
            'overlay/tests/cases.yaml:3:25: [error] case "c": unknown question "audiense" '
            f'(did you mean "audience"?); {QUESTIONS}'
        ],
    ),
    (
        "unknown-option",
        case(answers="{deployment: [server, mobil]}"),
        [
            'overlay/tests/cases.yaml:3:36: [error] case "c": unknown option "mobil" for question '
            '"deployment" (did you mean "mobile"?); valid values: edge, mobile, server'
        ],
    ),
    (
        "two-answers-to-a-single-question",
        case(answers="{os: [linux, windows]}"),
        [
            'overlay/tests/cases.yaml:3:19: [error] case "c": question "os" takes one answer, got '
            "a list ['linux', 'windows']; valid values: linux, windows"
        ],
    ),
    (
        "duplicate-case-name",
        {
            "tests/a.yaml": "cases:\n  - {name: c, answers: {}, expect_winner: tie}\n",
            "tests/b.yaml": "cases:\n  - {name: c, answers: {}, expect_winner: tie}\n",
        },
        [
            'overlay/tests/b.yaml:2:5: [error] duplicate case name "c" (first defined at '
            "overlay/tests/a.yaml:2:5); give each case its own name"
        ],
    ),
    (
        "a-base-case-name-reused",
        {"tests/x.yaml": "cases:\n  - {name: mobile, answers: {}, expect_winner: tie}\n"},
        [
            'overlay/tests/x.yaml:2:5: [error] duplicate case name "mobile" (first defined at '
            f"{tooling_support.MINI}/tests/cases.yaml:2:5); give each case its own name"
        ],
    ),
    (
        "ask-when-reads-itself",
        follow_ups(("solo", "{solo: 'yes'}")),
        [
            'overlay/q.yaml:6:15: [error] follow-up cycle: "solo" → "solo" (its ask_when reads '
            "its own answer), so `ask` can never reach it; make its ask_when read an earlier "
            "question instead"
        ],
    ),
    (
        "two-read-each-other",
        follow_ups(("ping", "{pong: 'yes'}"), ("pong", "{not: {ping: 'no'}}")),
        [
            'overlay/q.yaml:6:15: [error] follow-up cycle: "ping" → "pong" → "ping" (each '
            "ask_when reads the next question's answer), so `ask` can never reach them; make "
            "one ask_when read an earlier question instead"
        ],
    ),
    (
        "a-chain-of-three",
        follow_ups(
            ("a", "{any: [{os: linux}, {c: 'yes'}]}"),
            ("b", "{a: 'yes'}"),
            ("c", "{unanswered: b}"),
        ),
        [
            'overlay/q.yaml:6:15: [error] follow-up cycle: "a" → "c" → "b" → "a" (each '
            "ask_when reads the next question's answer), so `ask` can never reach them; make "
            "one ask_when read an earlier question instead"
        ],
    ),
]


@pytest.mark.parametrize(("name", "files", "lines"), CASES, ids=[c[0] for c in CASES])
def test_validate_reports(
    mini: Path, tmp_path: Path, capsys, name: str, files: dict[str, str], lines: list[str]
) -> None:
    for path, text in files.items():
        write(tmp_path / "overlay", path, text)
    code, out, err = cli(capsys, "rules", "validate", "overlay")
    assert (code, out.splitlines()) == (2, lines)
    assert err.endswith(f" in 1 of {4 + len(files)} files\n"), err


def test_every_mistake_in_the_cases_is_reported_in_one_pass(
    mini: Path, tmp_path: Path, capsys
) -> None:
    write(
        tmp_path / "overlay",
        "tests/cases.yaml",
        """\
        cases:
          - name: a
            answers: {audiense: beginner, os: linux, deployment: mobil}
            expect_winner: jx
            must_not_win: [pytorh]
          - name: a
            answers: {}
            expect_winner: tie
        """,
    )
    code, out, err = cli(capsys, "rules", "validate", "overlay")
    assert code == 2 and err == "5 errors in 1 of 5 files\n"
    assert [line.split(': [error] case "a": ')[0] for line in out.splitlines()] == [
        "overlay/tests/cases.yaml:3:25",  # audiense
        "overlay/tests/cases.yaml:3:58",  # mobil
        "overlay/tests/cases.yaml:4:20",  # jx
        "overlay/tests/cases.yaml:5:20",  # pytorh
        'overlay/tests/cases.yaml:6:5: [error] duplicate case name "a" (first defined at '
        "overlay/tests/cases.yaml:2:5); give each case its own name",
    ]


def test_rules_test_refuses_a_check_that_would_check_nothing(
    mini: Path, tmp_path: Path, capsys
) -> None:
    write(
        tmp_path / "overlay",
        "tests/cases.yaml",
        CASE.format(answers="{}", winner="tie", banned="[pytorh]"),
    )
    code, out, err = cli(capsys, "rules", "test", "overlay")
    assert (code, out) == (2, "")
    assert err == (
        'overlay/tests/cases.yaml:5:20: case "c": unknown framework "pytorh" (did you mean '
        f'"pytorch"?); {FRAMEWORKS}\n'
    )


def test_follow_ups_that_read_earlier_questions_are_fine(
    mini: Path, tmp_path: Path, capsys
) -> None:
    files = follow_ups(
        ("a", "{os: linux}"), ("b", "{a: 'yes'}"), ("c", "{all: [{a: 'yes'}, {b: 'no'}]}")
    )
    for path, text in {**files, **case(answers="{os: linux, a: 'yes', c: 'no'}")}.items():
        write(tmp_path / "overlay", path, text)
    code, out, err = cli(capsys, "rules", "validate", "overlay")
    assert (code, out) == (0, "") and err.startswith("ok: 6 files, 8 questions")


@pytest.mark.parametrize(
    "command",
    [
        ("recommend", "--rules", "overlay", "-a", "os=linux"),
        ("batch", "--rules", "overlay", "profiles.yaml", "-q"),
        ("explain", "--rules", "overlay"),
        ("questions", "--rules", "overlay"),
        ("rules", "test", "overlay"),
        ("rules", "lint", "--rules", "overlay"),
    ],
)
def test_every_command_refuses_a_follow_up_cycle_as_validate_does(
    mini: Path, tmp_path: Path, capsys, command: tuple[str, ...]
) -> None:
    """A cycle was an error to ``rules validate`` only: ``recommend`` and ``batch`` loaded the
    overlay and used it silently. Loading refuses it now, with validate's message, every time
    (the rules cache holds only rule bases that loaded)."""
    name, files, lines = next(c for c in CASES if c[0] == "two-read-each-other")
    for path, text in files.items():
        write(tmp_path / "overlay", path, text)
    write(tmp_path, "profiles.yaml", "- {name: p, os: linux}\n")
    expected = (2, "", lines[0].replace(" [error] ", " ") + "\n")
    assert cli(capsys, *command) == expected
    assert cli(capsys, *command) == expected  # the second load, when a cache could serve it
