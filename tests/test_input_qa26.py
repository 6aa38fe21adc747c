"""QA round 26, input handling and messages as a demanding user meets them: every bad input is one
line that names the file, the line and the fix (exit 2), and what a user wrote is shown as written.
Each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from askkit import finish, spawn_ask
from conftest import SHIPPED, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recommender

QUESTIONS = ", ".join(sorted(recommender.load_rules(base=SHIPPED).question_by_id))


pytestmark = pytest.mark.usefixtures("shipped_only")


def recommend(text: str, name: str = "p.yaml") -> tuple[int, str, str]:
    Path(name).write_text(text)
    return cli("recommend", "--profile", name, "-f", "json")


def batch_names(text: str, name: str) -> list[str | None]:
    Path(name).write_text(text)
    code, out, err = cli("batch", name, "-f", "jsonl", "-q")
    assert code == 0, err
    return [json.loads(line)["name"] for line in out.splitlines()]


# -- YAML 1.1's "=" and "<<" -----------------------------------------------------------------


def test_a_plain_equals_sign_is_text_not_a_refused_tag():
    """``name: =`` said 'the tag "!!value" is not allowed', a tag the user never wrote."""
    code, out, err = recommend("name: =\nanswers: {audience: beginner}\n")
    assert (code, err, json.loads(out)["name"]) == (0, "", "=")
    assert batch_names("- {name: =, audience: beginner}\n", "b.yaml") == ["="]


def test_a_merge_key_says_what_it_is_and_the_fix():
    """A ``<<:`` key said 'the tag "!!merge" is not allowed'."""
    code, out, err = recommend("name: lab\nanswers:\n  <<: {audience: beginner}\n")
    assert (code, out) == (2, "")
    assert err == (
        'p.yaml:3:3: "<<" is a YAML merge key, which is not allowed; write the '
        "keys out in full (quote it, '<<', if it is text)\n"
    )


def test_a_merge_key_in_a_batch_is_that_rows_error():
    Path("b.yaml").write_text("- <<: {os: linux}\n- os: linux\n")
    code, out, err = cli("batch", "b.yaml", "-f", "jsonl", "-q")
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 1 and second["error"] is None
    assert first["error"] == (
        'b.yaml:1:3: row 1: "<<" is a YAML merge key, which is not allowed; write the keys out '
        "in full (quote it, '<<', if it is text)"
    )


def test_a_double_angle_that_is_a_value_is_text():
    code, out, _ = recommend("name: <<\nanswers: {audience: beginner}\n")
    assert (code, json.loads(out)["name"]) == (0, "<<")


# -- a key is named as written ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["on", "off", "yes", "No", "010", "1.50", "2024-01-01", "1:30"])
def test_an_answer_key_is_named_as_written(key: str):
    """``on:`` was reported as the question "True", 010 as "8", 1.50 as "1.5"."""
    code, out, err = recommend(f"name: lab\nanswers:\n  {key}: yes\n")
    assert (code, out) == (2, "")
    col = 5 + len(key)
    assert err == f'p.yaml:3:{col}: unknown question "{key}"; valid values: {QUESTIONS}\n'


def test_a_question_with_a_yaml_1_1_boolean_id_can_be_answered(tmp_path: Path):
    """A question an overlay names ``on`` could not be answered unquoted: ``on: yes`` was the
    question "True"."""
    overlay = tmp_path / "ov"
    overlay.mkdir()
    (overlay / "q.yaml").write_text(
        "questions:\n"
        "  - id: 'on'\n    text: Is it on?\n    help: A switch.\n    kind: yes_no\n"
        "    options: [{id: 'yes', label: 'Yes'}, {id: 'no', label: 'No'}]\n"
    )
    Path("p.yaml").write_text("name: lab\nanswers:\n  on: yes\n")
    code, out, err = cli("--rules", str(overlay), "recommend", "--profile", "p.yaml", "-f", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["answers"]["on"] == "yes"


def test_rule_text_that_yaml_reads_as_a_boolean_says_so_and_the_fix(tmp_path: Path):
    """``label: Yes`` said only "expected non-empty text", of a label that was not empty."""
    (tmp_path / "ov").mkdir()
    (tmp_path / "ov" / "q.yaml").write_text(
        "questions:\n  - id: lit\n    text: Lit?\n    help: A lamp.\n    kind: yes_no\n"
        "    options: [{id: 'yes', label: Yes}, {id: 'no', label: 2024-01-01}]\n"
    )
    code, out, _ = cli("--rules", "ov", "rules", "validate")
    assert code == 2
    assert out.splitlines()[:2] == [
        'ov/q.yaml:6:34: [error] option "yes" label: expected non-empty text, got bool True '
        "(quote it to make it text)",
        'ov/q.yaml:6:58: [error] option "no" label: expected non-empty text, got date '
        "2024-01-01 (quote it to make it text)",
    ]


# -- a profile that is null ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "got"),
    [
        ("p.json", "null", "null"),
        ("p.json", "  null\n", "null"),
        ("p.yaml", "~\n", "null"),
        ("p.yaml", "---\n", "null"),
        ("p.yaml", "# nothing but a comment\n", "an empty file"),
    ],
)
def test_a_null_profile_is_called_null(name: str, text: str, got: str):
    """A JSON ``null`` said "got an empty file"."""
    code, out, err = recommend(text, name)
    assert (code, out) == (2, "")
    line = err.splitlines()[0]
    assert line.endswith(
        f"the top level must be a mapping with name:, answers:, description:; got {got}"
    )
    assert line.startswith(f"{name}:")


def test_a_null_rule_file_is_called_null(tmp_path: Path):
    (tmp_path / "ov").mkdir()
    (tmp_path / "ov" / "x.yaml").write_text("null\n")
    code, out, _ = cli("--rules", "ov", "rules", "validate")
    assert code != 0
    assert "ov/x.yaml:1:1: [error] the top level must be a mapping with questions:" in out
    assert out.split("\n")[0].endswith("hardware:; got null")


# -- ask --resume on what is not a kept file -------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_resume_names_a_fifo_a_directory_or_a_device_as_what_it_is(tmp_path: Path, kind: str):
    """A FIFO, a directory or /dev/null said "nothing to resume: no interrupted questionnaire",
    as if nothing were there."""
    path = {"fifo": tmp_path / "kept.yaml", "directory": tmp_path, "device": Path(os.devnull)}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    what = {
        "fifo": "a FIFO (named pipe)",
        "directory": "a directory",
        "device": "a character device",
    }[kind]
    child = spawn_ask(["--resume", str(path)], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    line = (
        f"{path}: is {what}, not a file kept by `recommender ask`; give the file named when ask "
        "was interrupted"
    )
    assert [row.strip() for row in out.splitlines() if row.strip()] == [line]


def test_resume_from_stdin_is_refused_as_from_is(tmp_path: Path):
    child = spawn_ask(["--resume", "-"], tmp_path)
    out = finish(child)
    assert child.exitstatus == 2
    assert out.strip() == (
        "recommender: ask reads its answers from the terminal, so --resume needs a file, not -"
    )


# -- a batch whose every row fails -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_a_batch_with_no_row_scored_prints_no_winners_line(fmt: str):
    """Every row failed, yet the summary said "winners: tie 0"."""
    Path("b.jsonl").write_text('{"name": true}\n{"answers": 3}\n')
    code, out, err = cli("batch", "b.jsonl", "-f", fmt)
    summary = err if fmt == "jsonl" else out.split("\n\n", 1)[1]
    assert code == 1
    assert summary.splitlines()[-1] == "batch: 2 rows: 0 scored, 2 failed"
    assert "winners" not in summary


def test_an_empty_list_is_refused_as_an_empty_file_is():
    """It printed only the count, exit 0; an input that holds no profile is refused now
    (test_reliability_qa28)."""
    Path("b.json").write_text("[]")
    code, out, err = cli("batch", "b.json")
    message = "b.json: the input holds no profile (an empty list); put one profile or more in it"
    assert (code, out, err) == (2, "", message + "\n")


# -- a name given as a number reads the same in recommend and batch ---------------------------

JSON_NUMBERS = st.from_regex(
    r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(number=JSON_NUMBERS)
def test_a_json_number_name_is_shown_as_written_everywhere(number: str):
    """recommend showed ``"name": 1.50`` as "1.50" and batch as "1.5" (1e2: "1e2" and "100.0")."""
    profile = f'{{"name": {number}, "answers": {{"audience": "beginner"}}}}'
    flat = f'{{"name": {number}, "audience": "beginner"}}'
    Path("p.json").write_text(profile)
    code, out, err = cli("recommend", "--profile", "p.json", "-f", "json")
    if code == 2:  # out of range (1e999): refused by both
        assert "out of range" in err
        Path("b.jsonl").write_text(f"{profile}\n")
        code, out, _ = cli("batch", "b.jsonl", "-q")
        assert code == 1 and "out of range" in json.loads(out)["error"]
        return
    assert json.loads(out)["name"] == number
    names = (
        batch_names(f"{profile}\n{flat}\n", "b.jsonl")
        + batch_names(f"[{profile}, {flat}]", "b.json")
        + batch_names(profile, "one.json")
        + batch_names(flat, "flat.json")
    )
    assert names == [number] * 6


# -- the hostile-input pass: each message names what was written and the fix -------------------

PROFILE_ERRORS = [  # (file, text, the one line on stderr)
    (
        "tab.yaml",
        "name: x\nanswers:\n\taudience: beginner\n",
        "tab.yaml:3:1: invalid YAML: while scanning for the next token found a tab, which cannot "
        "start any token; indent with spaces, not tabs",
    ),
    (
        "at.yaml",
        "name: @lab\n",
        "at.yaml:1:7: invalid YAML: while scanning for the next token found '@', which cannot "
        "start any token; quote the value",
    ),
    (
        "colon.yaml",
        "name: a: b\n",
        "colon.yaml:1:8: invalid YAML: mapping values are not allowed in this context; quote a "
        'value that holds ": "',
    ),
    (
        "comma.json",
        '{"name": "x",\n "answers": {"os": "linux",}}',
        "comma.json:2:28: invalid JSON: a comma before the closing '}'; remove the comma",
    ),
    (
        "cut.json",
        '{"name": "x", "answers": {',
        "cut.json:1:27: invalid JSON: it ends before every { and [ is closed (cut short?); close "
        "them",
    ),
    (
        "nan.json",
        '{"name": NaN}',
        "nan.json:1:10: NaN is not a JSON number; write a number, or quote it if it is text",
    ),
    (
        "int.json",
        "42",
        "int.json:1:1: the top level must be a mapping with name:, answers:, description:; got "
        "int 42",
    ),
    (
        "nullkey.yaml",
        "answers:\n  ~: linux\n",
        f'nullkey.yaml:2:6: unknown question "~"; valid values: {QUESTIONS}',
    ),
    (
        "case.yaml",
        "answers:\n  OS: linux\n",
        f'case.yaml:2:7: unknown question "OS" (did you mean "os"?); valid values: {QUESTIONS}',
    ),
    (
        "flat.yaml",
        "name: lab\nos: linux\n",
        'flat.yaml:2:1: "os" is a question: a profile gives its answers under answers:, as '
        "answers: {os: ...}",
    ),
    (
        "on.yaml",
        "answers:\n  os: on\n",
        'on.yaml:2:7: unknown option true (a boolean) for question "os" (YAML reads an unquoted '
        "yes, no, on, off, true or false as a boolean; quote it if it is an option id); valid "
        "values: linux, macos, windows, wsl2",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line"), PROFILE_ERRORS, ids=[p[0] for p in PROFILE_ERRORS]
)
def test_a_bad_profile_is_one_line_with_the_fix(name: str, text: str, line: str):
    code, out, err = recommend(text, name)
    assert (code, out, err) == (2, "", line + "\n")


def test_yes_no_answers_written_on_and_off_still_read_as_yes_and_no():
    code, out, err = recommend("answers: {custom_gradients: on, debugging: off}\n")
    assert (code, err) == (0, "")
    assert json.loads(out)["answers"] == {"custom_gradients": "yes", "debugging": "no"}


@pytest.mark.parametrize(("name", "text"), [("b.json", "null"), ("b.yaml", "~\n")])
def test_a_batch_document_that_is_null_says_null(name: str, text: str):
    """It said "got an empty document"."""
    Path(name).write_text(text)
    assert cli("batch", name) == (
        2,
        "",
        f"{name}: expected a list of profiles or a mapping of name: answers, got null\n",
    )


@pytest.mark.parametrize(("header", "shown"), [("name;os", "';'"), ("name\tos", "tabs")])
def test_a_csv_separated_by_semicolons_or_tabs_says_so(header: str, shown: str):
    """Excel writes ';' in many locales: it was 'unknown question "name;os"'."""
    Path("b.csv").write_text(f"{header}\nlab{header[4]}linux\n")
    code, out, err = cli("batch", "b.csv")
    written = header.replace("\t", "\\t")  # a control character is shown escaped
    assert (code, out) == (2, "")
    assert err == (
        f'b.csv:1: header column 1: "{written}" holds {shown}: the columns must be separated by '
        "commas; save the file as comma-separated CSV\n"
    )


@pytest.mark.parametrize(
    "row",
    [
        '{"name": "lab", "description": "the lab", "os": "linux"}',
        '{"name": "lab", "description": "the lab", "answers": {"os": "linux"}}',
    ],
)
def test_a_description_is_no_answer_in_either_shape(row: str):
    """The flat shape took ``description`` for a question ("did you mean vectorization?")."""
    assert batch_names(f"{row}\n", "b.jsonl") == ["lab"]


def test_a_description_that_is_not_text_is_that_rows_error():
    Path("b.jsonl").write_text('{"description": 5, "os": "linux"}\n{"os": "linux"}\n')
    code, out, _ = cli("batch", "b.jsonl", "-q")
    first, second = (json.loads(line)["error"] for line in out.splitlines())
    assert (code, second) == (1, None)
    assert first == (
        "b.jsonl:1: row 1: description: expected non-empty text, got int 5 (quote it to make it "
        "text)"
    )


@pytest.mark.parametrize("text", ['[{"os": "linux"}', '[{"os": "linux"},\n'])
def test_a_batch_json_cut_short_says_so(text: str):
    """It said "Expecting ',' or ']' delimiter" (and "Expecting value") at the end of the file.
    The row before the fault is written (test_reliability_qa28)."""
    Path("b.json").write_text(text)
    code, out, err = cli("batch", "b.json")
    answers = [json.loads(line)["answers"] for line in out.splitlines()]
    assert (code, answers) == (2, [{"os": "linux"}])
    assert err.endswith(
        "invalid JSON: it ends before every { and [ is closed (cut short?); close them\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("recommend", "--profile", "link"), "link: {}"),
        (("batch", "link"), "link: {}"),
        (("recommend", "--rules", "link", "-a", "audience=beginner"), "link: {} (give a "
         "directory holding *.yaml rule files)"),
        (("rules", "validate", "link"), "link: [error] {}"),
    ],
)  # fmt: skip
def test_a_link_to_nothing_is_named_as_such(tmp_path: Path, args: tuple[str, ...], said: str):
    # "no such file" was said of a name that ls lists
    (tmp_path / "link").symlink_to(tmp_path / "gone.yaml")
    code, out, err = cli(*args)
    line = said.format(f"is a symbolic link to {tmp_path / 'gone.yaml'}, which does not exist")
    assert code == 2 and line in (out + err).splitlines()
    assert "no such file" not in out + err


@pytest.mark.parametrize("on", ["on", "ON", "On"])
def test_on_and_off_are_yes_and_no_in_every_channel(tmp_path: Path, on: str):
    # YAML `custom_gradients: on` was a yes, but the text "on" (--answer, CSV, JSON) was refused
    off = on.replace("n", "ff").replace("N", "FF")
    want = {"custom_gradients": "yes", "debugging": "no"}
    code, out, err = cli(
        "recommend", "-a", f"custom_gradients={on}", "-a", f"debugging={off}", "-f", "json"
    )
    assert (code, err, json.loads(out)["answers"]) == (0, "", want)
    Path("p.json").write_text(json.dumps({"answers": {"custom_gradients": on, "debugging": off}}))
    code, out, err = cli("recommend", "--profile", "p.json", "-f", "json")
    assert (code, err, json.loads(out)["answers"]) == (0, "", want)
    Path("b.csv").write_text(f"name,custom_gradients,debugging\nx,{on},{off}\n")
    code, out, err = cli("batch", "b.csv", "-f", "jsonl", "-q")
    assert (code, err, json.loads(out)["answers"]) == (0, "", want)
