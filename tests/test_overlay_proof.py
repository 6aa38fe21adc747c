"""Proof that a user rules directory, YAML only, reaches every command.

The overlay adds a fourth framework (mlx) and a question with a follow-up, overrides one base rule
and disables another. Each command gets one entry in COMMANDS: argv and what its output must show.
`batch` and `ask` join the table when their branches land. The base is tests/data/mini until the
shipped rules/ are on main.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import tooling_support
from tooling_support import cli, write

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

OVERLAY = """\
# A user's overlay: Apple-silicon teams, and a stricter view of beginners.
frameworks:
  - id: mlx
    name: MLX
    developed_by: Apple machine learning research
    packages: [mlx]
questions:
  - id: apple_silicon
    text: Will you train on an Apple-silicon Mac?
    help: M-series Macs with unified memory.
    kind: yes_no
  - id: mac_memory
    text: How much unified memory?
    help: Large models need 64 GB or more.
    kind: single
    ask_when: {apple_silicon: yes}
    options:
      - {id: small, label: Under 64 GB}
      - {id: large, label: 64 GB or more}
rules:
  - id: apple-mlx
    when: {apple_silicon: yes}
    score: {mlx: 5}
    because: MLX is built for Apple silicon's unified memory.
    source: user overlay
  - id: apple-large-mlx
    when: {mac_memory: large}
    score: {mlx: 2}
    because: Unified memory holds large models without copies.
    source: user overlay
  - id: beginner-keras
    override: true
    when: {audience: beginner}
    score: {tensorflow: 3, pytorch: 2, jax: -3, mlx: -1}
    because: Keras is the gentlest start (user override).
    source: user overlay
disable: [server-any]
"""
CASES = """\
cases:
  - name: mac-user
    answers: {apple_silicon: yes, mac_memory: large}
    expect_winner: mlx
  - name: beginner-prefers-tensorflow
    answers: {audience: beginner}
    expect_winner: tensorflow
"""


@pytest.fixture
def overlay(mini, tmp_path: Path) -> Path:
    write(tmp_path / "mine", "mac.yaml", OVERLAY)
    write(tmp_path / "mine", "tests/cases.yaml", CASES)
    return tmp_path / "mine"


def _has(*parts: str) -> Callable[[int, str], None]:
    def check(rc: int, out: str) -> None:
        missing = [p for p in parts if p not in out]
        assert not missing, f"missing {missing} in:\n{out}"

    return check


# command -> (argv after the overlay option, expected exit code, what the output shows)
COMMANDS: dict[str, tuple[list[str], int, Callable[[int, str], None]]] = {
    "recommend": (
        ["recommend", "-a", "apple_silicon=yes", "-a", "mac_memory=large", "-f", "json"],
        0,
        _has('"winner": "mlx"', '"rule": "apple-large-mlx"'),
    ),
    "recommend-override": (
        ["recommend", "-a", "audience=beginner", "-f", "json"],
        0,
        _has('"winner": "tensorflow"', "Keras is the gentlest start (user override)."),
    ),
    "explain": (
        ["explain", "-a", "apple_silicon=no", "-a", "mac_memory=large", "-a", "deployment=server"],
        0,
        _has(
            "Not asked, answer ignored: mac_memory", "  MLX ", "disabled by an overlay: server-any"
        ),
    ),
    "rules lint": (
        ["rules", "lint"],
        1,
        _has("mlx 26.4%", "answer space: 7,776 profiles (7 questions)"),
    ),
    "rules test": (
        ["rules", "test", "-v", "{overlay}"],
        0,
        _has("mac-user: mlx", "beginner-prefers-tensorflow: tensorflow", "2 passed, 0 failed"),
    ),
    # the override bites: a base case that expected a tie for beginners now sees TensorFlow win
    "rules test (base cases)": (
        ["rules", "test"],
        1,
        _has(
            "FAIL",
            "beginner-windows-tie: expected tie, got tensorflow",
            "decided by (tensorflow over pytorch): beginner-keras +1",
        ),
    ),
    "rules list": (
        ["rules", "list", "--framework", "mlx"],
        0,
        _has("apple-mlx", "apple-large-mlx", "beginner-keras", "disabled: server-any"),
    ),
    "rules validate": (["rules", "validate"], 0, _has("")),
    "compare": (["compare", "-f", "json"], 0, _has('"mlx"', '"MLX"')),
}


@pytest.mark.parametrize("how", ["--rules", "RECOMMENDER_RULES"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_overlay_reaches_every_command(overlay, monkeypatch, capsys, command, how):
    argv, code, check = COMMANDS[command]
    argv = [a.replace("{overlay}", str(overlay)) for a in argv]
    if how == "--rules":
        argv = [*argv, "--rules", str(overlay)]
    else:
        monkeypatch.setenv("RECOMMENDER_RULES", str(overlay))
    rc, out, err = cli(capsys, *argv)
    assert rc == code, err
    check(rc, out)


def test_lint_sees_the_new_framework_question_and_override(overlay, capsys):
    rc, out, err = cli(capsys, "rules", "lint", "--rules", str(overlay))
    assert "winners: tensorflow " in out and ", mlx " in out
    assert 'question "apple_silicon"' not in out  # it decides the winner, so no no-effect warning
    assert "server-any" not in out  # disabled: not linted
