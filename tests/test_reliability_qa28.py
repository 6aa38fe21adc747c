"""QA round 28, input and reliability: the real command line fed what a hostile or careless user
feeds it (inputs that hold no profile, numbers out of range, inputs refused partway, option values
out of range). Each test failed on the code before its fix."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.fileio import JsonProblem, loads_json

pytestmark = pytest.mark.usefixtures("shipped_only")

GOOD = '{"name": "p%d", "answers": {"audience": "beginner"}}'


# -- an input that holds no profile is refused, in every format ---------------------------------

NO_PROFILE = [
    ("b.csv", "name,audience\n", "(a header and no row under it); add a row per profile"),
    ("b.csv", "name,audience\n\n  \n", "(a header and no row under it); add a row per profile"),
    ("b.json", "[]", "(an empty list); put one profile or more in it"),
    ("b.json", " {\n}\n", "(an empty mapping); put one profile or more in it"),
    ("b.yaml", "[]\n", "(an empty list); put one profile or more in it"),
    ("b.yaml", "{}\n", "(an empty mapping); put one profile or more in it"),
]


@pytest.mark.parametrize(("name", "text", "held"), NO_PROFILE)
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_an_input_that_holds_no_profile_is_refused(name: str, text: str, held: str, fmt: str):
    """A CSV header alone, ``[]`` and ``{}`` were a run of 0 rows, exit 0 (a CSV header on
    stdout), while an empty JSONL was refused: a producer that died after its header passed."""
    Path(name).write_text(text)
    code, out, err = cli("batch", name, "-f", fmt)
    assert (code, out, err) == (2, "", f"{name}: the input holds no profile {held}\n")


def test_an_input_that_holds_no_profile_leaves_the_output_file_as_it_was():
    Path("b.csv").write_text("name,audience\n")
    Path("out.csv").write_text("OLD")
    code, out, _ = cli("batch", "b.csv", "-o", "out.csv")
    assert (code, out, Path("out.csv").read_text()) == (2, "", "OLD")
    assert sorted(p.name for p in Path().iterdir()) == ["b.csv", "out.csv"]


def test_an_empty_pipe_of_csv_with_a_header_is_refused_for_real():
    done = run_cli("batch", "-", "--input-format", "csv", input="name,audience\r\n")
    message = "<stdin>: the input holds no profile (a header and no row under it); add a row per"
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + " profile\n")


# -- a JSON number out of bounds names its line and column --------------------------------------

LONG = "9" * 5000


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


# -- an input refused partway: every row read before the fault is written, in every format -------

PARTWAY = [
    ("b.json", "[" + ",\n".join([GOOD % i for i in range(3)]) + ',\n{"audience":', 4),
    ("b.yaml", "".join(f"- name: p{i}\n  audience: beginner\n" for i in range(3)) + "---\n[]\n", 7),
]


@pytest.mark.parametrize(("name", "text", "line"), PARTWAY)
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_a_document_refused_partway_writes_the_rows_before_it(name, text, line, fmt):
    """A document cut short or followed by a second one wrote nothing of its first 1,024 rows,
    and every block of 1,024 before that: whether the rows before the fault went out depended
    on their count. Now every one does, as in a JSONL or CSV stream refused partway."""
    Path(name).write_text(text)
    code, out, err = cli("batch", name, "-f", fmt, "-q")
    assert code == 2 and err.startswith(f"{name}:{line}:") and err.count("\n") == 1
    names = [json.loads(r)["name"] for r in out.splitlines()] if fmt == "jsonl" else []
    assert names in ([], ["p0", "p1", "p2"]) and out.count("p0") == out.count("p2") == 1


def test_a_long_document_refused_partway_writes_every_row_before_it():
    rows = [GOOD % i for i in range(1500)]
    Path("b.json").write_text("[" + ",\n".join(rows) + ",\n{")
    code, out, err = cli("batch", "b.json", "-f", "csv", "-q")
    assert (code, err.split(": ", 1)[0]) == (2, "b.json:1501:2")
    assert [r.split(",")[1] for r in out.splitlines()[1:]] == [f"p{i}" for i in range(1500)]


def test_a_line_with_no_end_keeps_the_rows_before_it(tmp_path: Path):
    """A line that goes on past 1 GiB within the first 64 KiB ended the run before any row, so
    the ten rows before it were lost, where binary data found there keeps them."""
    code = (
        "import sys, os\n"
        f"rows = ''.join('{GOOD}\\n' % i for i in range(10)).encode()\n"
        "os.write(1, rows)\n"
        "block = b'x' * (1 << 20)\n"
        "for _ in range(1100):\n"
        "    os.write(1, block)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert writer.stdout is not None
    try:
        done = run_cli(
            "batch", "-", "--input-format", "jsonl", "-f", "csv", "-q", stdin=writer.stdout.fileno()
        )
    finally:
        writer.kill()
        writer.wait()
    assert done.returncode == 2
    assert done.stderr == (
        "<stdin>:11: the line goes on past 1 GiB with no newline, so this is not JSONL or CSV "
        "text; the rest of it is not read\n"
    )
    assert [r.split(",")[1] for r in done.stdout.splitlines()[1:]] == [f"p{i}" for i in range(10)]


# -- option values out of range name what was typed ---------------------------------------------


@pytest.mark.parametrize("typed", ["1e400", "inf", "-1", "0", "3601", "nan", "soon"])
@pytest.mark.parametrize("command", [["probe"], ["rules", "freshness"]])
def test_a_timeout_out_of_range_names_the_text_typed_and_the_range(command, typed):
    """``probe --timeout 1e400`` said "not inf", and ``1e9`` "not 1e+09": values the user never
    wrote; ``rules freshness`` said it another way."""
    code, out, err = cli(*command, "--timeout", typed)
    name = " ".join(command)
    assert (code, out, err) == (
        2,
        "",
        f"recommender: {name}: argument --timeout: expected a number of seconds over 0 and up to "
        f"3600, got '{typed}' (see 'recommender {name} --help')\n",
    )


# -- the summary lists no count of 0 ------------------------------------------------------------


def test_the_summary_lists_no_count_of_zero():
    """It said "winners: PyTorch 2 · tie 0" and "confidence: none 0 · close 2 · clear 0"."""
    Path("b.jsonl").write_text(GOOD % 1 + "\n" + GOOD % 2 + "\n")
    code, _, err = cli("batch", "b.jsonl")
    _, out, _ = cli("batch", "b.jsonl", "-f", "table")
    lines = err.splitlines()
    assert code == 0 and lines[:3] == [
        "batch: 2 rows: 2 scored, 0 failed",
        "winners: PyTorch 2",
        "confidence: close 2",
    ]
    assert out.split("\n\n", 1)[1].splitlines() == lines  # the table's own summary, the same
    assert " 0 " not in " ".join(lines[1:]) + " "


# -- an overlay directory that holds no rule file is refused -------------------------------------

NO_RULE_FILE = (
    "holds no rule file (*.yaml or *.yml, here or in tests/); give the directory that holds them"
)


@pytest.mark.parametrize("inside", [[], ["README.md"], ["rules.json"], ["sub/r.yaml"]])
@pytest.mark.parametrize("how", ["--rules", "RECOMMENDER_RULES"])
def test_an_overlay_with_no_rule_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, inside: list[str], how: str
):
    """``--rules DIR`` one folder above the rules, or rules saved as ``.json``, was an empty
    overlay: the shipped recommendation, exit 0, and the user's rules never read."""
    for name in inside:
        Path("mine", name).parent.mkdir(parents=True, exist_ok=True)
        Path("mine", name).write_text("rules: []\n")
    Path("mine").mkdir(exist_ok=True)
    argv = ["recommend", "-a", "audience=beginner"]
    if how == "--rules":
        argv = ["--rules", "mine", *argv]
    else:
        monkeypatch.setenv("RECOMMENDER_RULES", "mine")
    assert cli(*argv) == (2, "", f"mine: {NO_RULE_FILE}\n")


def test_an_overlay_of_cases_alone_is_still_read():
    Path("mine/tests").mkdir(parents=True)
    Path("mine/tests/c.yml").write_text(
        "cases:\n  - name: mine\n    answers: {audience: beginner}\n    expect_winner: pytorch\n"
    )
    code, _, err = cli("--rules", "mine", "rules", "test")
    assert code == 0, err


# -- an option given as a boolean is named as the boolean ---------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("p.json", '{"answers": {"audience": true}}', "p.json:1:26"),
        ("p.yaml", "answers:\n  audience: on\n", "p.yaml:2:13"),
    ],
)
def test_an_option_given_as_a_boolean_is_named_as_the_boolean(name: str, text: str, where: str):
    """A JSON ``true`` was 'unknown option "yes"', a value nobody wrote."""
    Path(name).write_text(text)
    code, _, err = cli("recommend", "--profile", name)
    assert (code, err) == (
        2,
        f'{where}: unknown option true (a boolean) for question "audience" (YAML reads an '
        "unquoted yes, no, on, off, true or false as a boolean; quote it if it is an option id); "
        "valid values: beginner, production, researcher\n",
    )


# -- a rule file's wrong shapes are named in a user's words -------------------------------------


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ("score: [1]", 'rule "r" score: expected a mapping, got a list'),  # it said "got Seq"
        ("packages: 7", 'rule "r" packages: expected a list, got a number'),  # it said nothing
    ],
)
def test_a_rule_field_of_the_wrong_shape_says_what_it_got(field: str, problem: str):
    Path("mine").mkdir()
    score = "" if field.startswith("score") else "    score: {pytorch: 1}\n"
    Path("mine/r.yaml").write_text(
        "rules:\n  - id: r\n    when: {audience: beginner}\n"
        f"{score}    {field}\n    because: x\n    source: y\n"
    )
    code, _, err = cli("--rules", "mine", "recommend", "-a", "audience=beginner")
    assert code == 2 and f": {problem}\n" in err, err


def test_a_row_with_many_cells_counts_them_with_separators():
    Path("b.csv").write_text("name,audience\nx," + "a," * 100_000 + "b\n")
    code, out, _ = cli("batch", "b.csv", "-q")
    assert (code, json.loads(out)["error"]) == (
        1,
        "b.csv:2: row 1: the row has 100,002 cells, the header has 2; quote a cell that holds a "
        'comma ("a,b"), or write a multi answer as a;b',
    )


def test_control_characters_in_csv_cells_show_as_escapes():
    """An ESC or a bidi override in a name went raw into ``batch -f csv``, on a terminal a
    command to it; only a NUL was escaped. The cell reads as the table's does."""
    name = "a\x00b\x1b]0;title\x07c\u202ed\x85e"
    Path("b.jsonl").write_text(json.dumps({"name": name, "audience": "beginner"}) + "\n")
    code, out, _ = cli("batch", "b.jsonl", "-f", "csv", "-q")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["name"] == "a\\x00b\\x1b]0;title\\x07c\\u202ed\\x85e"
    assert not any(c in out for c in "\x00\x1b\x07\u202e\x85")


# -- a file of many profiles given as one names the command that reads it ------------------------

MANY = "; a file of many profiles is scored by `recommender batch {}`"


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "team.jsonl",
            GOOD % 1 + "\n" + GOOD % 2 + "\n",
            "team.jsonl:2:1: invalid YAML: did not find expected <document start>",
        ),
        (
            "team.yaml",
            "- {name: a, audience: beginner}\n",
            "team.yaml:1:1: the top level must be a mapping with name:, answers:, description:; "
            "got a list",
        ),
        (
            "team.csv",
            "name,audience\na,beginner\n",
            "team.csv:1:1: the top level must be a mapping with name:, answers:, description:; "
            "got text 'name,audience a,beginner'",
        ),
    ],
)
@pytest.mark.parametrize("command", ["recommend", "explain"])
def test_a_batch_file_given_as_a_profile_names_batch(name, text, problem, command):
    """``recommend --profile team.csv`` said only what the top level should be, and a JSONL
    file "did not find expected <document start>": no word of the command that reads it."""
    Path(name).write_text(text)
    code, out, err = cli(command, "--profile", name)
    assert (code, out, err) == (2, "", problem + MANY.format(name) + "\n")


def test_a_batch_file_that_cannot_be_read_gets_no_batch_hint():
    Path("loop.jsonl").symlink_to("loop.jsonl")
    code, _, err = cli("recommend", "--profile", "loop.jsonl")
    assert (code, err) == (2, "loop.jsonl: Too many levels of symbolic links\n")
