"""``rules validate`` and the loader's messages: all errors at once, exact text, file:line:col."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
import tooling_support
from conftest import MINI
from tooling_support import SHIPPED, cli, write

from recommender.rulebase.load import rule_files
from recommender.rulebase.validate import plan

mini = tooling_support.mini  # the fixture, bound by name so pytest finds it

MOBILE = (
    'unknown option "moble" for question "deployment" (did you mean "mobile"?); '
    "valid values: edge, mobile, server"
)
QUESTIONS = (
    "valid values: all, answered, any, audience, custom_gradients, deployment, edge_target, not, "
    "os, probe, unanswered"
)

# (name, files in the overlay directory, the exact lines validate prints)
CASES = [
    (
        "yaml-syntax",
        {"bad.yaml": "rules: [\n"},
        [
            "overlay/bad.yaml:2:1: [error] invalid YAML: while parsing a flow node did not find "
            "expected node content"
        ],
    ),
    (
        "unknown-question",
        {
            "bad.yaml": "rules:\n- {id: r, when: {deploymnt: mobile}, score: {jax: 1}, because: b, "
            "source: s}\n"
        },
        [
            'overlay/bad.yaml:2:18: [error] unknown question "deploymnt" in condition (did you '
            'mean "deployment"?); ' + QUESTIONS
        ],
    ),
    (
        "unknown-option",
        {
            "bad.yaml": "rules:\n- {id: r, when: {deployment: moble}, score: {jax: 1}, because: b, "
            "source: s}\n"
        },
        ["overlay/bad.yaml:2:30: [error] " + MOBILE],
    ),
    (
        "unknown-framework",
        {
            "bad.yaml": "rules:\n- {id: r, when: {os: linux}, score: {tensorfow: 1}, because: b, "
            "source: s}\n"
        },
        [
            'overlay/bad.yaml:2:38: [error] rule "r": unknown framework "tensorfow" (did you mean '
            '"tensorflow"?); valid values: jax, pytorch, tensorflow'
        ],
    ),
    (
        "unknown-dealbreaker",
        {
            "bad.yaml": "rules:\n- {id: r, when: {os: linux}, dealbreaker: [jx], because: b, "
            "source: s}\n"
        },
        [
            'overlay/bad.yaml:2:44: [error] rule "r": unknown framework "jx" (did you mean '
            '"jax"?); valid values: jax, pytorch, tensorflow'
        ],
    ),
    (
        "non-numeric-score",
        {
            "bad.yaml": "rules:\n- {id: r, when: {os: linux}, score: {jax: high}, because: b, "
            "source: s}\n"
        },
        ["overlay/bad.yaml:2:43: [error] rule \"r\" score: jax: expected a number, got str 'high'"],
    ),
    (
        "missing-when",
        {"bad.yaml": "rules:\n- {id: r, score: {jax: 1}, because: b, source: s}\n"},
        ['overlay/bad.yaml:2:3: [error] rule "r" is missing "when"'],
    ),
    (
        "missing-score",
        {"bad.yaml": "rules:\n- {id: r, when: {os: linux}, because: b, source: s}\n"},
        ['overlay/bad.yaml:2:3: [error] rule "r" is missing "score" (or "dealbreaker")'],
    ),
    (
        "missing-because",
        {"bad.yaml": "rules:\n- {id: r, when: {os: linux}, score: {jax: 1}, source: s}\n"},
        ['overlay/bad.yaml:2:3: [error] rule "r" is missing "because"'],
    ),
    (
        "duplicate-id-across-files",
        {
            "a.yaml": "rules:\n- {id: r, when: {os: linux}, score: {jax: 1}, because: b, "
            "source: s}\n",
            "b.yaml": "\nrules:\n- {id: r, when: {os: linux}, score: {jax: 2}, because: b, "
            "source: s}\n",
        },
        [
            'overlay/b.yaml:3:3: [error] duplicate rule id "r" (first defined at '
            "overlay/a.yaml:2:3); add `override: true` to replace it on purpose"
        ],
    ),
    (
        "duplicate-key",
        {
            "bad.yaml": "rules:\n- id: r\n  when: {os: linux}\n  score: {jax: 1}\n  because: b\n"
            "  source: s\n  because: c\n"
        },
        ['overlay/bad.yaml:7:3: [error] duplicate key "because" (first given at line 5:3)'],
    ),
    (
        "python-tag",
        {"bad.yaml": 'rules: !!python/object/apply:os.system ["echo hi"]\n'},
        [
            'overlay/bad.yaml:1:8: [error] the tag "!!python/object/apply:os.system" is not '
            "allowed; rule files and profiles hold plain data only"
        ],
    ),
    (
        "alias",
        {
            "bad.yaml": "rules:\n"
            "- &r {id: r, when: {os: linux}, score: {jax: 1}, because: b, source: s}\n"
            "- *r\n"
        },
        [
            "overlay/bad.yaml:2:3: [error] YAML anchors and aliases (&name / *name) are not "
            "allowed; write the value out"
        ],
    ),
    (
        "unknown-disable",
        {"bad.yaml": "disable: [mobil-tf]\n"},
        [
            'overlay/bad.yaml:1:11: [error] disable: unknown rule id "mobil-tf" (did you mean '
            '"mobile-tf"?); valid values: beginner-keras, custom-grad, mcu-no-jax, mcu-tf, '
            "mobile-tf, not-windows, os-unknown, research-pytorch, server-any"
        ],
    ),
    (
        "override-nothing",
        {
            "bad.yaml": "rules:\n"
            "- {id: mobile-t, override: true, when: {os: linux}, score: {jax: 1}, "
            "because: b, source: s}\n"
        },
        [
            'overlay/bad.yaml:2:3: [error] rule "mobile-t" has `override: true` but overrides '
            'nothing (did you mean "mobile-tf"?); valid values: beginner-keras, custom-grad, '
            "mcu-no-jax, mcu-tf, mobile-tf, not-windows, os-unknown, research-pytorch, server-any"
        ],
    ),
    (
        "accidental-duplicate-of-shipped",
        {
            "bad.yaml": "rules:\n- {id: mobile-tf, when: {os: linux}, score: {jax: 1}, "
            "because: b, source: s}\n"
        },
        [
            'overlay/bad.yaml:2:3: [error] duplicate rule id "mobile-tf" (first defined at '
            f"{MINI}/scoring.yaml:12:5); "
            "add `override: true` to replace it on purpose"
        ],
    ),
    (
        "bad-lint-allow",
        {
            "bad.yaml": "rules:\n"
            "- {id: r, when: {os: linux}, score: {jax: 1}, because: b, source: s,\n"
            "   lint: {allow: [ded]}}\n"
        },
        [
            'overlay/bad.yaml:3:10: [error] rule "r" lint is missing "reason"',
            "overlay/bad.yaml:3:19: [error] rule \"r\" lint allow[1]: unknown value 'ded' (did you "
            'mean "dead"?); valid values: dead, never-true, never-wins, no-effect, opposing',
        ],
    ),
    # one pass: a broken rule hides neither its own references nor the other rules of the file
    (
        "all-errors-in-one-pass",
        {
            "bad.yaml": "rules:\n"
            "- {id: a, when: {deploymnt: mobile}, score: {jax: x}, because: b, "
            "source: s}\n"
            "- {id: b, when: {deployment: moble}, score: {jax: 1}, because: b, "
            "source: s}\n"
        },
        [
            'overlay/bad.yaml:2:18: [error] unknown question "deploymnt" in condition (did you '
            'mean "deployment"?); ' + QUESTIONS,
            "overlay/bad.yaml:2:51: [error] rule \"a\" score: jax: expected a number, got str 'x'",
            "overlay/bad.yaml:3:30: [error] " + MOBILE,
        ],
    ),
]


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_validate_reports_exact_errors(mini, tmp_path, capsys, name, files, expected):
    for file, text in files.items():
        write(tmp_path / "overlay", file, text)
    rc, out, err = cli(capsys, "rules", "validate", "overlay")
    assert out.splitlines() == expected
    assert rc == 2


def test_the_same_errors_stop_every_command(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "bad.yaml", CASES[2][1]["bad.yaml"])
    rc, out, err = cli(capsys, "recommend", "--rules", "overlay")
    assert (rc, out, err) == (2, "", "overlay/bad.yaml:2:30: " + MOBILE + "\n")


def test_clean_base_validates(mini, capsys):
    rc, out, err = cli(capsys, "rules", "validate")
    assert (rc, out, err) == (0, "", "ok: 4 files, 5 questions, 3 frameworks, 9 rules, 3 cases\n")


def test_a_file_is_checked_as_an_overlay_on_the_base(mini, tmp_path, capsys):
    write(
        tmp_path,
        "extra.yaml",
        "rules:\n- {id: r, when: {deployment: mobile}, score: {jax: 1}, because: b, source: s}\n",
    )
    rc, out, err = cli(capsys, "rules", "validate", "extra.yaml", str(MINI / "scoring.yaml"))
    assert (rc, err) == (0, "ok: 5 files, 5 questions, 3 frameworks, 10 rules, 3 cases\n")


def test_missing_path_is_reported_with_the_rest(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "bad.yaml", "rules: [\n")
    rc, out, err = cli(capsys, "rules", "validate", "nowhere", "overlay")
    assert out.splitlines() == ["nowhere: [error] no such file or directory", CASES[0][2][0]]
    assert rc == 2


def test_file_over_the_size_cap_is_refused(mini, tmp_path, capsys):
    write(tmp_path / "overlay", "big.yaml", "# " + "x" * (1 << 20) + "\n")
    rc, out, err = cli(capsys, "rules", "validate", "overlay")
    assert (
        out == "overlay/big.yaml: [error] file is 1,048,579 bytes, over the 1,048,576-byte limit\n"
    )


def test_alias_bomb_is_refused_fast_in_bounded_memory(mini, tmp_path, capsys):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    write(tmp_path / "overlay", "bomb.yaml", "\n".join(lines) + "\n")
    tracemalloc.start()
    start = time.perf_counter()
    rc, out, err = cli(capsys, "rules", "validate", "overlay")
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert out == (
        "overlay/bomb.yaml:1:5: [error] YAML anchors and aliases (&name / *name) are not allowed; "
        "write the value out\n"
    )
    assert seconds < 2 and peak < 20 * 2**20


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped rules/ land on main later")
@pytest.mark.parametrize(
    "path",
    sorted(SHIPPED.glob("**/*.yaml")) if SHIPPED.is_dir() else [],
    ids=lambda p: str(p.relative_to(SHIPPED)),
)
def test_every_shipped_rule_file_validates(path, monkeypatch, capsys):
    monkeypatch.delenv("RECOMMENDER_BASE_RULES", raising=False)
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)
    assert path in rule_files(SHIPPED)
    rc, out, err = cli(capsys, "rules", "validate", str(path))
    assert (rc, out) == (0, "")


LOOP = (
    "symlink loop: the link leads back to itself, never to a file; point it at a rule file or "
    "remove it"
)


@pytest.mark.parametrize(
    "links", [{"self.yaml": "self.yaml"}, {"a.yaml": "b.yaml", "b.yaml": "a.yaml"}]
)
@pytest.mark.parametrize(
    "command",
    [
        ("recommend", "--rules", "overlay"),
        ("rules", "validate", "--rules", "overlay"),
        ("rules", "validate", "overlay"),
        ("rules", "test", "overlay"),
        ("rules", "validate", "overlay/LINK"),
        ("rules", "test", "overlay/LINK"),
    ],
)
def test_a_symlink_loop_in_an_overlay_is_one_line_per_link_exit_2(
    mini, tmp_path, capsys, links, command
):
    """Showing the path resolved it, and Path.resolve raises RuntimeError on a loop: every
    command ended with an internal error (exit 3) instead of naming the file."""
    (tmp_path / "overlay").mkdir()
    for link, target in links.items():
        (tmp_path / "overlay" / link).symlink_to(target)
    if command[-1] == "overlay/LINK":  # the link named: only it is read, as an overlay file
        links = dict(list(links.items())[:1])
        command = (*command[:-1], f"overlay/{next(iter(links))}")
    rc, out, err = cli(capsys, *command)
    expected = [f"overlay/{link}: {LOOP}" for link in sorted(links)]
    assert rc == 2 and "internal error" not in err
    if command[:2] == ("rules", "validate"):  # validate lists every error on stdout, tagged
        shown = [line.replace(": [error] ", ": ") for line in out.splitlines()]
        n = len(links)
        files = 4 + n * (command[-1] == "overlay")  # the link named alone is not read: a loop
        assert (shown, err) == (expected, f"{n} error{'s' * (n > 1)} in {n} of {files} files\n")
    else:
        assert (out, err.splitlines()) == ("", expected)


def test_rules_validate_plans_an_overlay_of_1500_files_in_linear_time(tmp_path: Path) -> None:
    # Each file was resolved against every file taken before it: 1,500 files took minutes
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    for i in range(1500):
        (overlay / f"r{i:04}.yaml").write_text("rules: []\n")
    start = time.perf_counter()
    files, errors = plan([overlay / "r0001.yaml", overlay], [overlay])
    assert time.perf_counter() - start < 15
    assert errors == []
    shipped = [f for f in files if f.parent != overlay]
    assert files[len(shipped) :] == sorted(overlay.iterdir())
