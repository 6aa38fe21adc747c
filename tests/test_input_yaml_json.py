"""What YAML and JSON in a profile or rule file mean, and one line with the fix where they mean
something else than the user wrote: merge keys, tags, YAML 1.1 booleans (on/off are yes/no in
every channel), null documents, numbers out of range or nested too deep (named by line and
column), and keys, names and dates shown as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHIPPED, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recommender
from recommender.cli import main
from recommender.fileio import JsonProblem, loads_json

QUESTIONS = ", ".join(sorted(recommender.load_rules(base=SHIPPED).question_by_id))


def recommend(text: str, name: str = "p.yaml") -> tuple[int, str, str]:
    Path(name).write_text(text)
    return cli("recommend", "--profile", name, "-f", "json")


def batch_names(text: str, name: str) -> list[str | None]:
    Path(name).write_text(text)
    code, out, err = cli("batch", name, "-f", "jsonl", "-q")
    assert code == 0, err
    return [json.loads(line)["name"] for line in out.splitlines()]


@pytest.mark.usefixtures("shipped_only")
def test_a_plain_equals_sign_is_text_not_a_refused_tag():
    """``name: =`` said 'the tag "!!value" is not allowed', a tag the user never wrote."""
    code, out, err = recommend("name: =\nanswers: {audience: beginner}\n")
    assert (code, err, json.loads(out)["name"]) == (0, "", "=")
    assert batch_names("- {name: =, audience: beginner}\n", "b.yaml") == ["="]


@pytest.mark.usefixtures("shipped_only")
def test_a_merge_key_says_what_it_is_and_the_fix():
    """A ``<<:`` key said 'the tag "!!merge" is not allowed'."""
    code, out, err = recommend("name: lab\nanswers:\n  <<: {audience: beginner}\n")
    assert (code, out) == (2, "")
    assert err == (
        'p.yaml:3:3: "<<" is a YAML merge key, which is not allowed; write the '
        "keys out in full (quote it, '<<', if it is text)\n"
    )


@pytest.mark.usefixtures("shipped_only")
def test_a_merge_key_in_a_batch_is_that_rows_error():
    Path("b.yaml").write_text("- <<: {os: linux}\n- os: linux\n")
    code, out, err = cli("batch", "b.yaml", "-f", "jsonl", "-q")
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 1 and second["error"] is None
    assert first["error"] == (
        'b.yaml:1:3: row 1: "<<" is a YAML merge key, which is not allowed; write the keys out '
        "in full (quote it, '<<', if it is text)"
    )


@pytest.mark.usefixtures("shipped_only")
def test_a_double_angle_that_is_a_value_is_text():
    code, out, _ = recommend("name: <<\nanswers: {audience: beginner}\n")
    assert (code, json.loads(out)["name"]) == (0, "<<")


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("key", ["on", "off", "yes", "No", "010", "1.50", "2024-01-01", "1:30"])
def test_an_answer_key_is_named_as_written(key: str):
    """``on:`` was reported as the question "True", 010 as "8", 1.50 as "1.5"."""
    code, out, err = recommend(f"name: lab\nanswers:\n  {key}: yes\n")
    assert (code, out) == (2, "")
    col = 5 + len(key)
    assert err == f'p.yaml:3:{col}: unknown question "{key}"; valid values: {QUESTIONS}\n'


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
def test_a_null_rule_file_is_called_null(tmp_path: Path):
    (tmp_path / "ov").mkdir()
    (tmp_path / "ov" / "x.yaml").write_text("null\n")
    code, out, _ = cli("--rules", "ov", "rules", "validate")
    assert code != 0
    assert "ov/x.yaml:1:1: [error] the top level must be a mapping with questions:" in out
    assert out.split("\n")[0].endswith("hardware:; got null")


JSON_NUMBERS = st.from_regex(
    r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True
)


@pytest.mark.usefixtures("shipped_only")
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
        'on.yaml:2:7: unknown option on (a boolean) for question "os" (YAML reads an unquoted '
        "yes, no, on, off, true or false as a boolean; quote it if it is an option id); valid "
        "values: linux, macos, windows, wsl2",
    ),
]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("name", "text", "line"), PROFILE_ERRORS, ids=[p[0] for p in PROFILE_ERRORS]
)
def test_a_bad_profile_is_one_line_with_the_fix(name: str, text: str, line: str):
    code, out, err = recommend(text, name)
    assert (code, out, err) == (2, "", line + "\n")


@pytest.mark.usefixtures("shipped_only")
def test_yes_no_answers_written_on_and_off_still_read_as_yes_and_no():
    code, out, err = recommend("answers: {custom_gradients: on, debugging: off}\n")
    assert (code, err) == (0, "")
    assert json.loads(out)["answers"] == {"custom_gradients": "yes", "debugging": "no"}


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
def test_a_description_that_is_not_text_is_that_rows_error():
    Path("b.jsonl").write_text('{"description": 5, "os": "linux"}\n{"os": "linux"}\n')
    code, out, _ = cli("batch", "b.jsonl", "-q")
    first, second = (json.loads(line)["error"] for line in out.splitlines())
    assert (code, second) == (1, None)
    assert first == (
        "b.jsonl:1: row 1: description: expected non-empty text, got int 5 (quote it to make it "
        "text)"
    )


@pytest.mark.usefixtures("shipped_only")
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


GOOD = '{"name": "p%d", "answers": {"audience": "beginner"}}'


LONG = "9" * 5000


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("1e400", "the number 1e400 is out of range; write a smaller one, or quote it"),
        ("-1E+999", "the number -1E+999 is out of range; write a smaller one, or quote it"),
        pytest.param(
            LONG,
            "a number of 5,000 characters, over the 100 limit (quote it if it is text)",
            id="5000-digits",
        ),
        ("NaN", "NaN is not a JSON number; write a number, or quote it if it is text"),
        ("-Infinity", "-Infinity is not a JSON number; write a number, or quote it if it is text"),
    ],
)
def test_a_json_number_out_of_bounds_names_its_line_and_column(number: str, problem: str):
    """json gives its number hooks the text alone: "the number 1e400 is out of range" named no
    line in recommend, JSONL named the line only and a batch document named the item's start.
    The same text inside a string before it is not the number."""
    head = '{"name": "1e400 NaN -Infinity ' + LONG[:10] + '",\n "answers": {"audience": '
    Path("p.json").write_text(head + number + "}}\n")
    code, _, err = cli("recommend", "--profile", "p.json")
    assert (code, err) == (2, f"p.json:2:26: {problem}\n")
    line = head.replace("\n", "")
    Path("b.jsonl").write_text(GOOD % 1 + "\n" + line + number + "}}\n")
    code, out, err = cli("batch", "b.jsonl", "-q")
    error = json.loads(out.splitlines()[1])["error"]
    assert (code, error) == (1, f"b.jsonl:2:{len(line) + 1}: row 2: {problem}")
    Path("b.json").write_text("[" + GOOD % 1 + ",\n" + head + number + "}}]\n")
    code, out, err = cli("batch", "b.json", "-q")
    error = json.loads(out.splitlines()[1])["error"]
    assert (code, error) == (1, f"b.json:3:26: row 2: {problem}")


FINITE = r"-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?"  # never out of range


NUMBER = st.from_regex(FINITE, fullmatch=True)


HUGE = st.sampled_from(["1e400", "-2E999", "9" * 101, "0." + "1" * 100, "NaN", "Infinity"])


STRING = st.one_of(st.text(max_size=8), HUGE).map(json.dumps)  # the same text, in a string


@pytest.mark.usefixtures("shipped_only")
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(NUMBER, STRING), max_size=6),
    HUGE,
    st.lists(st.one_of(NUMBER, HUGE, STRING), max_size=3),
    st.sampled_from(["", " ", "\n", "\n\t "]),
)
def test_the_place_named_is_where_the_refused_number_is_written(before, huge, after, space):
    """Whatever comes before it (numbers that pass, strings that hold the same text) and after
    it (more numbers out of bounds), the line and column named are those of the first number
    refused, as a reader counting by hand finds them."""
    text = "[" + f",{space}".join([*before, huge, *after]) + "]"
    with pytest.raises(JsonProblem) as refused:
        loads_json(text)
    at = len("[" + "".join(f"{item},{space}" for item in before))
    assert (refused.value.line, refused.value.col) == (
        text.count("\n", 0, at) + 1,
        at - text.rfind("\n", 0, at),
    )
    assert text[at:].startswith(huge)


DEEP = "nested deeper than 64 levels; a profile or rule is never so deep"


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_json_nested_too_deep_names_the_place_and_says_it_as_yaml_does(opener: str):
    """A JSONL row said "nested deeper than 64 levels" with no column, and a batch document
    named the item's start; a ``.json`` profile said it through YAML, in other words."""
    closer = "]" if opener == "[" else "}"
    value = opener * 70 + "1" + closer * 70
    at = len(opener) * 64 + 1  # the bracket that opens the 65th level
    Path("b.jsonl").write_text(GOOD % 1 + "\n" + value + "\n")
    code, out, _ = cli("batch", "b.jsonl", "-q")
    assert (code, json.loads(out.splitlines()[1])["error"]) == (1, f"b.jsonl:2:{at}: row 2: {DEEP}")
    Path("b.json").write_text("[" + GOOD % 1 + ",\n " + value + "]")
    code, out, _ = cli("batch", "b.json", "-q")
    error = json.loads(out.splitlines()[1])["error"]
    assert (code, error) == (1, f"b.json:2:{at + 1}: row 2: {DEEP}")
    Path("p.json").write_text('{"answers": {"x": ' + value + "}}")
    code, _, err = cli("recommend", "--profile", "p.json")
    at = len('{"answers": {"x": ') + len(opener) * 62 + 1  # two levels are the profile's own
    assert (code, err) == (2, f"p.json:1:{at}: {DEEP}\n")


@pytest.mark.usefixtures("shipped_only")
def test_an_unquoted_date_answer_is_named_as_written(tmp_path: Path, capsys):
    # YAML reads 2026-01-01 as a date; the message showed "datetime.date(2026, 1, 1)"
    (tmp_path / "p.yaml").write_text("answers:\n  audience: 2026-01-01\n")
    assert main(["recommend", "--profile", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "got date 2026-01-01" in err and "datetime" not in err
