"""QA round 24 on ``recommender batch``: hostile and unusual inputs, the JSON contract of every
command, and the output formats. Each test here failed on the code before its fix."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from conftest import SHIPPED

import recommender
from recommender.cli import main

RULES = recommender.load_rules(base=SHIPPED)


def cli(*argv: str) -> tuple[int, str, str]:
    """The real CLI, in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _shipped_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(SHIPPED))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


# -- a profile's name reads the same in recommend and batch -------------------------------------

NAMES: list[tuple[str, str | None]] = [  # the name as JSON -> the name reported, None: refused
    ('"lab"', "lab"),
    ("7", "7"),
    ("1.5", "1.5"),
    ('""', None),
    ('"   "', None),
    ("null", None),
    ("true", None),
    ('["x"]', None),
]


@pytest.mark.parametrize(("given", "shown"), NAMES)
def test_a_name_recommend_refuses_is_a_batch_error_record(given: str, shown: str | None):
    """batch took "", "   " and null as names; recommend (and the profile schema) refuse them."""
    Path("p.json").write_text(f'{{"name": {given}, "answers": {{"audience": "beginner"}}}}')
    Path("b.jsonl").write_text(f'{{"name": {given}, "answers": {{"audience": "beginner"}}}}\n')
    code, out, err = cli("recommend", "--profile", "p.json", "-f", "json")
    assert code == (0 if shown else 2), err
    code, out, err = cli("batch", "b.jsonl", "-q")
    [record] = [json.loads(line) for line in out.splitlines()]
    if shown is not None:
        assert (code, record["name"], record["error"]) == (0, shown, None)
    else:
        assert code == 1 and record["error"].startswith(
            "b.jsonl:1: row 1: name: expected non-empty text or a number, got "
        ), record["error"]


def test_a_non_finite_yaml_name_is_refused_by_batch_as_by_recommend():
    Path("p.yaml").write_text("name: .inf\nanswers: {}\n")
    Path("b.yaml").write_text("- name: .inf\n- name: .nan\n  audience: beginner\n- name: ok\n")
    assert cli("recommend", "--profile", "p.yaml")[0] == 2
    code, out, _ = cli("batch", "b.yaml", "-q")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["error"] is None for r in records] == [False, False, True]
    assert records[1]["error"] == (
        "b.yaml:2: row 2: name: expected non-empty text or a number, got float nan"
    )


@pytest.mark.parametrize(("given", "shown"), NAMES)
def test_the_profile_schema_takes_the_names_recommend_takes(given: str, shown: str | None):
    """The schema took "" and "   ", which every command refuses."""
    from test_contract import problems

    document = {"name": json.loads(given), "answers": {}}
    assert (problems("profile", document) == []) == (shown is not None), given


# -- an input refused as a whole leaves stdout empty ---------------------------------------------

REFUSED_LATE = {  # refused only once the first rows were read: the rest of the document is bad
    "two.yaml": "- {name: a, audience: beginner}\n- {name: b}\n---\n- {name: c}\n",
    "cut.json": '[{"name": "a", "audience": "beginner"}, {"name": "b"}',
    "tail.json": '[{"name": "a"}, {"name": "b"}] trailing',
}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "table", "html"])
@pytest.mark.parametrize("name", list(REFUSED_LATE))
def test_an_input_refused_as_a_whole_writes_nothing_to_stdout(name: str, fmt: str):
    """JSON gave a lone "[", CSV, Markdown and the table their header, then exit 2."""
    Path(name).write_text(REFUSED_LATE[name])
    code, out, err = cli("batch", name, "-f", fmt)
    assert (code, out) == (2, ""), out
    assert err.startswith(f"{name}:") and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_an_empty_list_still_gets_its_header(fmt: str):
    Path("none.json").write_text("[]")
    code, out, _ = cli("batch", "none.json", "-f", fmt, "-q")
    assert code == 0 and out.startswith(
        {"json": "[]", "csv": "row,name"}.get(fmt, "|" if fmt == "markdown" else "   row")
    ), out
