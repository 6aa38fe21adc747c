"""``rules test``, ``rules list``, ``rules show`` and ``--rules`` at every level, on real files;
``rules validate -`` and ``rules test -`` read the rule file on stdin, bounded as a file is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tooling_support
from conftest import MINI, run_cli
from tooling_support import cli, write

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

FAILING = """\
cases:
  - name: beginner-wants-jax
    answers: {audience: beginner, deployment: [server]}
    expect_winner: jax
  - name: mobile-no-tie
    answers: {deployment: mobile}
    expect_winner: tie
"""


def test_rules_test_passes_on_the_base(mini, capsys):
    rc, out, err = cli(capsys, "rules", "test")
    assert (rc, out) == (0, "3 passed, 0 failed\n")
    assert err == (
        "coverage: 4/9 rules fire in at least one case\n"
        "  never fired: research-pytorch, server-any, mcu-tf, mcu-no-jax, custom-grad\n"
    )


def test_a_failure_shows_expected_got_and_the_deciding_rules(mini, tmp_path, capsys):
    write(tmp_path, "cases.yaml", FAILING)
    rc, out, err = cli(capsys, "rules", "test", "cases.yaml")
    assert out.splitlines() == [
        "FAIL cases.yaml:2:5: beginner-wants-jax: expected jax, got pytorch",
        "  answers:  audience=beginner, deployment=server",
        "  expected: jax",
        "  got:      pytorch",
        "  scores:   pytorch +3.5, tensorflow +2, jax -2.5",
        "  decided by (pytorch over jax): beginner-keras +5, server-any +1, os-unknown +0.5; "
        "against: not-windows -0.5",
        "FAIL cases.yaml:5:5: mobile-no-tie: expected tie, got tensorflow",
        "  answers:  deployment=mobile",
        "  expected: tie",
        "  got:      tensorflow",
        "  scores:   tensorflow +4, pytorch +0.5, jax +0.5",
        "  decided by (tensorflow over pytorch): mobile-tf +4; against: os-unknown -0.5",
        "0 passed, 2 failed",
    ]
    assert err.splitlines()[0] == "coverage: 5/9 rules fire in at least one case"
    assert rc == 1


def test_rules_test_path_without_cases_is_an_error(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "x.yaml", "disable: [server-any]\n")
    rc, out, err = cli(capsys, "rules", "test", "overlay")
    assert (rc, err) == (
        2,
        "recommender: no test cases in overlay (cases live under `cases:`, e.g. in tests/*.yaml)\n",
    )


@pytest.mark.parametrize(
    "argv, expected",
    [
        (
            ["--framework", "jax"],
            [
                "beginner-keras    tensorflow +2, pytorch +2, jax -3  when {audience: beginner}  "
                f"({MINI}/scoring.yaml:2:5)"
            ],
        ),
        (
            ["--question", "edge_target"],
            [
                "mcu-tf      tensorflow +3  when {all: [{deployment: edge}, "
                f"{{edge_target: microcontroller}}]}}  ({MINI}/scoring.yaml:22:5)",
                "mcu-no-jax  deal-breaker for jax  when {edge_target: microcontroller}  "
                f"({MINI}/scoring.yaml:27:5)",
            ],
        ),
    ],
)
def test_rules_list_filters(mini, capsys, argv, expected):
    rc, out, err = cli(capsys, "rules", "list", *argv)
    assert out.splitlines()[: len(expected)] == expected and rc == 0


def test_rules_list_unknown_framework(mini, capsys):
    rc, out, err = cli(capsys, "rules", "list", "--framework", "jaxx")
    assert (rc, err) == (
        2,
        'recommender: --framework: unknown framework "jaxx" (did you mean "jax"?); '
        "valid values: jax, pytorch, tensorflow\n",
    )


def test_rules_show_prints_origin_points_and_source(mini, capsys):
    rc, out, err = cli(capsys, "rules", "show", "mcu-tf")
    assert out.splitlines() == [
        f"rule mcu-tf  ({MINI}/scoring.yaml:22:5)",
        "  when:    {all: [{deployment: edge}, {edge_target: microcontroller}]}",
        "  points:  tensorflow +3",
        "  because: TFLite Micro.",
        "  source:  test",
        "",
        f"{MINI}/scoring.yaml:",
        "    22    - id: mcu-tf",
        "    23      when: {all: [{deployment: edge}, {edge_target: microcontroller}]}",
        "    24      score: {tensorflow: 3}",
        "    25      because: TFLite Micro.",
        "    26      source: test",
    ]


def test_rules_show_a_disabled_rule_says_so(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "x.yaml", "disable: [server-any]\n")
    rc, out, err = cli(capsys, "rules", "show", "server-any", "--rules", "overlay")
    assert (rc, err) == (
        2,
        'recommender: unknown rule "server-any" (it is disabled by an overlay)\n',
    )


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("rule", "hint"),
    [("nope", ""), ("beginer-keras", ' (did you mean "beginner-keras"?)')],
)
def test_an_unknown_rule_among_many_names_the_command_that_lists_them(capsys, rule, hint):
    """The shipped base has 82 rules: listing every id made one line of 1,300 characters."""
    from recommender.rulebase.load import load_rules

    count = len(load_rules().rules)
    assert count > 24
    rc, out, err = cli(capsys, "rules", "show", rule)
    listed = f"; `recommender rules list` lists all {count}"
    assert (rc, out, err) == (2, "", f'recommender: unknown rule "{rule}"{hint}{listed}\n')


@pytest.mark.parametrize(
    "argv",
    [
        ["--rules", "a", "rules", "--rules", "b", "list", "--rules", "c"],
        ["rules", "list", "--rules", "a", "--rules", "b", "--rules", "c"],
    ],
)
def test_rules_option_at_every_level_adds_up(mini, tmp_path, capsys, argv):
    for name, rule in (("a", "server-any"), ("b", "mcu-tf"), ("c", "os-unknown")):
        write(tmp_path / name, "x.yaml", f"disable: [{rule}]\n")
    rc, out, err = cli(capsys, "rules", *argv[1:]) if argv[0] == "rules" else cli(capsys, *argv)
    assert out.splitlines()[-1] == "6 of 6 rules; disabled: mcu-tf, os-unknown, server-any"


LEVEL = """\
cases:
  - name: beginner-on-linux-wants-tensorflow
    answers: {audience: beginner, os: linux}
    expect_winner: tensorflow
"""


def test_a_tie_with_the_expected_framework_shows_what_each_got_not_who_decided(
    mini, tmp_path, capsys
):
    # a tie that holds the expected framework was reported as "decided by (pytorch over
    # tensorflow): no rule", as though PyTorch were ahead (QA, stop 23)
    write(tmp_path, "cases.yaml", LEVEL)
    rc, out, _ = cli(capsys, "rules", "test", "cases.yaml")
    assert rc == 1
    assert out.splitlines()[3:6] == [
        "  got:      tie (tensorflow, pytorch)",
        "  scores:   tensorflow +2, pytorch +2, jax -2.5",
        "  level (tensorflow and pytorch): no fired rule gives either more points than the other",
    ]
    write(
        tmp_path / "overlay",
        "rules.yaml",
        """\
        rules:
          - {id: tf-linux, when: {os: linux}, score: {tensorflow: 1}, because: x, source: test}
          - {id: pt-new, when: {audience: beginner}, score: {pytorch: 1}, because: x, source: test}
        """,
    )
    write(tmp_path / "overlay", "cases.yaml", LEVEL)
    rc, out, _ = cli(capsys, "rules", "test", "overlay")
    assert "decided by" not in out
    assert (
        "  level (tensorflow and pytorch): tf-linux +1 for tensorflow; pt-new +1 for pytorch"
        in out.splitlines()
    )


OVERLAY = """\
rules:
  - id: extra-linux
    when: {os: linux}
    score: {jax: 1}
    because: b
    source: s
cases:
  - name: linux-lab
    answers: {os: linux, audience: researcher}
    expect_winner: pytorch
    source: s
"""


def test_rules_validate_dash_checks_the_rule_file_on_stdin() -> None:
    """``-`` means standard input wherever a file is read (README); it was "no such file"."""
    done = run_cli("rules", "validate", "-", input=OVERLAY)
    assert (done.returncode, done.stdout) == (0, "")
    assert re.fullmatch(r"ok: \d+ files, .* cases\n", done.stderr)
    bad = OVERLAY.replace("{os: linux}", "{os: linx}")
    done = run_cli("rules", "validate", "-", input=bad)
    assert done.returncode == 2
    assert re.fullmatch(r"1 error in 1 of \d+ files\n", done.stderr)
    assert done.stdout.startswith('<stdin>:3:16: [error] unknown option "linx" for question "os"')


def test_rules_validate_dash_is_bounded_as_a_rule_file_is() -> None:
    done = run_cli("rules", "validate", "-", input="#" * (1 << 20) + "\n")
    assert (done.returncode, done.stdout) == (2, "<stdin>: [error] over the 1,048,576-byte limit\n")


def test_rules_test_dash_runs_the_cases_on_stdin() -> None:
    done = run_cli("rules", "test", "-", "-v", input=OVERLAY)
    assert done.returncode == 0
    assert done.stdout == "ok   <stdin>:8:5: linux-lab: pytorch\n1 passed, 0 failed\n"
    assert done.stderr == "coverage: 1/1 rules fire in at least one case\n"
    failing = OVERLAY.replace("expect_winner: pytorch", "expect_winner: jax")
    assert run_cli("rules", "test", "-", input=failing).returncode == 1


def test_rules_test_of_an_empty_directory_runs_nothing(tmp_path: Path) -> None:
    """It ran every shipped case and passed: a PATH with no cases must say so."""
    (tmp_path / "empty").mkdir()
    done = run_cli("rules", "test", "empty", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (  # no rule file at all, said as for --rules (test_overlay_files)
        "empty: holds no rule file (*.yaml or *.yml, here or in tests/); give the directory that "
        "holds them\n"
    )
