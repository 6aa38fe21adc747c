"""Bad profiles get one exact line: FILE:LINE: message, with did-you-mean and the valid values."""

from __future__ import annotations

import json

import pytest
from conftest import MINI, run_cli

CASES = [
    (
        "unknown-question.yaml",
        "name: p\nanswers:\n  audiense: beginner\n",
        'unknown-question.yaml:3:13: unknown question "audiense" (did you mean "audience"?); '
        "valid values: audience, custom_gradients, deployment, edge_target, os",
    ),
    (
        "unknown-option.yaml",
        "answers:\n  deployment: [server, moble]\n",
        'unknown-option.yaml:2:24: unknown option "moble" for question "deployment" (did you mean '
        '"mobile"?); valid values: edge, mobile, server',
    ),
    (
        "wrong-type.yaml",
        "answers:\n  audience: 3\n",
        'wrong-type.yaml:2:13: question "audience": expected one of beginner, researcher, '
        "production, got int 3",
    ),
    (
        "list-for-single.yaml",
        "answers:\n  os: [linux, windows]\n",
        "list-for-single.yaml:2:7: question \"os\" takes one answer, got a list ['linux', "
        "'windows']; valid values: linux, windows",
    ),
    (
        "malformed.yaml",
        "answers:\n  os: [linux\n",
        "malformed.yaml:3:1: invalid YAML: while parsing a flow sequence did not find expected ',' "
        "or ']'",
    ),
    (
        "empty.yaml",
        "",
        "empty.yaml:1:1: the profile is empty; expected {name: ..., answers: {question: value}}",
    ),
    (
        "list.yaml",
        "- audience\n",
        "list.yaml:1:1: the top level must be a mapping with name:, answers:, description:; got a "
        "list; a file of many profiles is scored by `recommender batch list.yaml`",
    ),
    (
        "answers-list.yaml",
        "answers: [beginner]\n",
        "answers-list.yaml:1:10: answers: expected a mapping of question: value, got a list",
    ),
    (
        "unknown-key.yaml",
        "answer:\n  os: linux\n",
        'unknown-key.yaml:1:1: unknown key "answer" in profile (did you mean "answers"?); '
        "valid values: answers, description, name",
    ),
    (
        "bad.json",
        '{"answers": {\n  "os": "linux",\n  "audience": "novice"\n}}',
        'bad.json:3:15: unknown option "novice" for question "audience"; valid values: beginner, '
        "production, researcher",
    ),
    (
        "broken.json",
        '{"answers": {\n  "os": "linux",\n}}',
        "broken.json:3:1: invalid JSON: a comma before the closing '}'; remove the comma",
    ),
    (
        "python-tag.yaml",
        "answers: !!python/object/apply:os.system [echo hi]\n",
        'python-tag.yaml:1:10: the tag "!!python/object/apply:os.system" is not allowed; '
        "rule files and profiles hold plain data only",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_profile_gets_one_clear_line(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    proc = run_cli(
        "recommend", "--profile", name, cwd=tmp_path, env={"RECOMMENDER_BASE_RULES": str(MINI)}
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == message + "\n"
    assert proc.stdout == ""


def test_missing_profile_file(tmp_path):
    proc = run_cli(
        "recommend",
        "--profile",
        "nope.yaml",
        cwd=tmp_path,
        env={"RECOMMENDER_BASE_RULES": str(MINI)},
    )
    assert (proc.returncode, proc.stderr) == (2, "nope.yaml: no such file\n")


def test_bad_answer_flag(tmp_path):
    proc = run_cli("recommend", "--answer", "os", env={"RECOMMENDER_BASE_RULES": str(MINI)})
    assert proc.returncode == 2
    assert (
        proc.stderr
        == 'recommender: --answer "os": expected QUESTION=VALUE, e.g. --answer deployment=mobile\n'
    )


def test_a_nested_list_or_mapping_is_named_in_words_not_by_the_loaders_class(tmp_path) -> None:
    """The YAML loader's own classes leaked into messages: "got Seq ['beginner']"."""
    for text, got in (
        ("answers:\n  audience: [[beginner]]\n", "got a list ['beginner']"),
        ("answers:\n  deployment: [{a: 1}]\n", "got a mapping {'a': 1}"),
    ):
        (tmp_path / "p.yaml").write_text(text)
        env = {"RECOMMENDER_BASE_RULES": str(MINI)}
        done = run_cli("recommend", "--profile", "p.yaml", cwd=tmp_path, env=env)
        assert done.returncode == 2 and done.stderr.rstrip().endswith(got)


def test_a_number_names_a_profile_as_it_names_a_batch_row(tmp_path) -> None:
    """batch took {"name": 5} and recommend refused it: one reading of names for both."""
    env = {"RECOMMENDER_BASE_RULES": str(MINI)}
    (tmp_path / "p.json").write_text('{"name": 5, "answers": {"os": "linux"}}')
    (tmp_path / "in.jsonl").write_text('{"name": 5, "answers": {"os": "linux"}}\n')
    done = run_cli("recommend", "--profile", "p.json", "-f", "json", cwd=tmp_path, env=env)
    assert (done.returncode, json.loads(done.stdout)["name"]) == (0, "5")
    done = run_cli("batch", "in.jsonl", "-q", cwd=tmp_path, env=env)
    assert (done.returncode, json.loads(done.stdout)["name"]) == (0, "5")
    (tmp_path / "p.json").write_text('{"name": true, "answers": {"os": "linux"}}')
    done = run_cli("recommend", "--profile", "p.json", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "expected non-empty text" in done.stderr
