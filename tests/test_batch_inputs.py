"""The shapes a ``batch`` input comes in (a JSON document, JSONL, CSV, a YAML list or mapping of
profiles, one flat profile) and its faults: an input that holds no profile is refused, a document
refused partway keeps the rows before it, a bad CSV row is that row's error record, and a
separator or trailing comma that is not the format's is named with the fix."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROFILE = '{"name": "lab", "audience": "researcher"}'


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (f"[{PROFILE},]", "t.json:1:44: invalid JSON: a comma before the closing ']'"),
        ('{"a": {},\n }', "t.json:2:2: invalid JSON: a comma before the closing '}'"),
    ],
)
def test_a_trailing_comma_in_a_batch_json_document_is_refused(doc: str, message: str) -> None:
    Path("t.json").write_text(doc)
    code, out, err = cli("batch", "t.json", "-q")
    assert (code, err) == (2, f"{message}; remove the comma\n")
    assert len(out.splitlines()) == 1  # the one profile before it is written


SEPARATORS = st.sampled_from([",", ", ", ",\n", ",,", "", " , ,"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(st.sampled_from([PROFILE, '{"audience": "beginner"}', "{}"]), max_size=4),
    separators=st.lists(SEPARATORS, min_size=5, max_size=5),
    trailing=st.sampled_from(["", ",", " ,\n"]),
    mapping=st.booleans(),
)
def test_batch_reads_a_json_document_exactly_when_json_does(
    shipped_only: None, items: list[str], separators: list[str], trailing: str, mapping: bool
) -> None:
    body = [f'"n{i}": {item}' if mapping else item for i, item in enumerate(items)]
    text = "".join(sep + item for sep, item in zip(["", *separators], body, strict=False))
    text += trailing
    doc = "{" + text + "}" if mapping else "[" + text + "]"
    try:
        json.loads(doc)
        valid = True
    except ValueError:
        valid = False
    Path("t.json").write_text(doc)
    code, out, _ = cli("batch", "t.json", "-q", "-f", "jsonl")
    assert (code != 2) is (valid and bool(items)), doc  # [] and {} hold no profile: exit 2
    if valid:
        assert len(out.splitlines()) == len(items)


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("last", "problem"),
    [
        ('b,"beginner\n', 'the file ends inside a quoted field; close its " (a file cut short?)'),
        ('b,"beginner', 'the file ends inside a quoted field; close its " (a file cut short?)'),
        (
            '"b"c,beginner\nd,beginner\n',
            'text after the closing " of a field; quote the whole field, a " in it as ""',
        ),
    ],
    ids=["cut-in-quote", "cut-in-quote-no-newline", "text-after-quote"],
)
def test_a_broken_csv_quote_is_an_error_record_and_the_rest_is_scored(
    last: str, problem: str
) -> None:
    # The csv module took a quote cut short at the end of the file as the whole field
    # ("beginner\n", scored as beginner), and glued "b"c into "bc": no error at all
    Path("t.csv").write_text("name,audience\na,researcher\n" + last)
    code, out, _ = cli("batch", "t.csv", "-q", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["error"] for r in records[:2]] == [None, f"t.csv:3: row 2: {problem}"]
    assert [r["winner"] for r in records[2:]] == ["pytorch"] * (len(records) - 2)
    assert len(records) == 2 + last.count("d,")


@pytest.mark.usefixtures("shipped_only")
def test_an_empty_list_is_refused_as_an_empty_file_is():
    """It printed only the count, exit 0; an input that holds no profile is refused now
    (test_an_input_that_holds_no_profile_is_refused)."""
    Path("b.json").write_text("[]")
    code, out, err = cli("batch", "b.json")
    message = "b.json: the input holds no profile (an empty list); put one profile or more in it"
    assert (code, out, err) == (2, "", message + "\n")


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(("name", "text"), [("b.json", "null"), ("b.yaml", "~\n")])
def test_a_batch_document_that_is_null_says_null(name: str, text: str):
    """It said "got an empty document"."""
    Path(name).write_text(text)
    assert cli("batch", name) == (
        2,
        "",
        f"{name}: expected a list of profiles or a mapping of name: answers, got null\n",
    )


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("text", ['[{"os": "linux"}', '[{"os": "linux"},\n'])
def test_a_batch_json_cut_short_says_so(text: str):
    """It said "Expecting ',' or ']' delimiter" (and "Expecting value") at the end of the file.
    The row before the fault is written
    (test_a_document_refused_partway_writes_the_rows_before_it)."""
    Path("b.json").write_text(text)
    code, out, err = cli("batch", "b.json")
    answers = [json.loads(line)["answers"] for line in out.splitlines()]
    assert (code, answers) == (2, [{"os": "linux"}])
    assert err.endswith(
        "invalid JSON: it ends before every { and [ is closed (cut short?); close them\n"
    )


@pytest.mark.parametrize("hint", ["sep=,", "sep=;", "SEP=,"])
def test_excels_separator_hint_line_is_named(tmp_path: Path, hint: str) -> None:
    """Excel writes "sep=," above the header; it was 'unknown question "sep="' and the list of
    every question."""
    path = tmp_path / "rows.csv"
    path.write_text(f"{hint}\nname,os\na,linux\n")
    first = hint.split(",")[0]
    message = (
        f'{path}:1: header column 1: "{first}" is the separator hint Excel writes above the '
        "header, not a column; delete that first line\n"
    )
    assert cli("batch", str(path)) == (2, "", message)


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("good", [1500, 2100])  # text past the first 64 KiB, looked at whole
def test_rows_read_before_a_refusal_partway_are_all_written(tmp_path: Path, good: int) -> None:
    """Binary data after a text head is refused where it is met; every row before that line is
    on stdout, as the README says. Up to a block (1,024 rows) read before it were lost, since
    the refusal ended the block they were in."""
    src = tmp_path / "mixed.jsonl"
    junk = random.Random(good).randbytes(400_000)
    text = "".join(
        f'{{"name": "p{i}", "answers": {{"audience": "beginner"}}}}\n' for i in range(good)
    )
    src.write_bytes(text.encode() + junk)
    code, out, err = cli("batch", str(src), "-f", "csv", "-q")
    refused = err.splitlines()[-1]
    assert code == 2 and refused.startswith(f"{src}:") and "is not UTF-8 text" in refused
    line = int(refused.split(":")[1])
    rows = out.splitlines()[1:]  # under the header: one row per line before the refused one
    assert [int(r.split(",")[0]) for r in rows] == list(range(1, line))
    assert all(f",p{i},pytorch," in rows[i] for i in range(good))


GOOD = '{"name": "p%d", "answers": {"audience": "beginner"}}'


NO_PROFILE = [
    ("b.csv", "name,audience\n", "(a header and no row under it); add a row per profile"),
    ("b.csv", "name,audience\n\n  \n", "(a header and no row under it); add a row per profile"),
    ("b.json", "[]", "(an empty list); put one profile or more in it"),
    ("b.json", " {\n}\n", "(an empty mapping); put one profile or more in it"),
    ("b.yaml", "[]\n", "(an empty list); put one profile or more in it"),
    ("b.yaml", "{}\n", "(an empty mapping); put one profile or more in it"),
]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(("name", "text", "held"), NO_PROFILE)
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_an_input_that_holds_no_profile_is_refused(name: str, text: str, held: str, fmt: str):
    """A CSV header alone, ``[]`` and ``{}`` were a run of 0 rows, exit 0 (a CSV header on
    stdout), while an empty JSONL was refused: a producer that died after its header passed."""
    Path(name).write_text(text)
    code, out, err = cli("batch", name, "-f", fmt)
    assert (code, out, err) == (2, "", f"{name}: the input holds no profile {held}\n")


@pytest.mark.usefixtures("shipped_only")
def test_an_input_that_holds_no_profile_leaves_the_output_file_as_it_was():
    Path("b.csv").write_text("name,audience\n")
    Path("out.csv").write_text("OLD")
    code, out, _ = cli("batch", "b.csv", "-o", "out.csv")
    assert (code, out, Path("out.csv").read_text()) == (2, "", "OLD")
    assert sorted(p.name for p in Path().iterdir()) == ["b.csv", "out.csv"]


@pytest.mark.usefixtures("shipped_only")
def test_an_empty_pipe_of_csv_with_a_header_is_refused_for_real():
    done = run_cli("batch", "-", "--input-format", "csv", input="name,audience\r\n")
    message = "<stdin>: the input holds no profile (a header and no row under it); add a row per"
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + " profile\n")


PARTWAY = [
    ("b.json", "[" + ",\n".join([GOOD % i for i in range(3)]) + ',\n{"audience":', 4),
    ("b.yaml", "".join(f"- name: p{i}\n  audience: beginner\n" for i in range(3)) + "---\n[]\n", 7),
]


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
def test_a_long_document_refused_partway_writes_every_row_before_it():
    rows = [GOOD % i for i in range(1500)]
    Path("b.json").write_text("[" + ",\n".join(rows) + ",\n{")
    code, out, err = cli("batch", "b.json", "-f", "csv", "-q")
    assert (code, err.split(": ", 1)[0]) == (2, "b.json:1501:2")
    assert [r.split(",")[1] for r in out.splitlines()[1:]] == [f"p{i}" for i in range(1500)]


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
def test_a_row_with_many_cells_counts_them_with_separators():
    Path("b.csv").write_text("name,audience\nx," + "a," * 100_000 + "b\n")
    code, out, _ = cli("batch", "b.csv", "-q")
    assert (code, json.loads(out)["error"]) == (
        1,
        "b.csv:2: row 1: the row has 100,002 cells, the header has 2; quote a cell that holds a "
        'comma ("a,b"), or write a multi answer as a;b',
    )


MANY = "; a file of many profiles is scored by `recommender batch {}`"


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
def test_a_batch_file_that_cannot_be_read_gets_no_batch_hint():
    Path("loop.jsonl").symlink_to("loop.jsonl")
    code, _, err = cli("recommend", "--profile", "loop.jsonl")
    assert (code, err) == (2, "loop.jsonl: Too many levels of symbolic links\n")


REFUSED_LATE = {  # refused only once the first rows were read: the rest of the document is bad
    "two.yaml": "- {name: a, audience: beginner}\n- {name: b}\n---\n- {name: c}\n",
    "cut.json": '[{"name": "a", "audience": "beginner"}, {"name": "b"}',
    "tail.json": '[{"name": "a"}, {"name": "b"}] trailing',
}


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "table", "html"])
@pytest.mark.parametrize("name", list(REFUSED_LATE))
def test_an_input_refused_partway_writes_the_rows_before_it(name: str, fmt: str):
    """JSON gave a lone "[", CSV, Markdown and the table their header, then exit 2; now the
    rows read before the fault are written, as from a JSONL or CSV stream refused partway
    (test_a_document_refused_partway_writes_the_rows_before_it). The HTML page is made at the
    end: none is written."""
    Path(name).write_text(REFUSED_LATE[name])
    code, out, err = cli("batch", name, "-f", fmt)
    assert code == 2
    assert err.startswith(f"{name}:") and len(err.splitlines()) == 1, err
    heads = {"html": None, "jsonl": 0, "json": 1, "csv": 1, "markdown": 2, "table": 1}
    head = heads[fmt]
    assert out == "" if head is None else len(out.splitlines()) == head + 2, out
    if fmt == "jsonl":
        assert [json.loads(line)["name"] for line in out.splitlines()] == ["a", "b"]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_a_list_with_no_row_scored_still_gets_its_header(fmt: str):
    Path("none.json").write_text('[{"audience": "novice"}]')  # holding no profile is refused
    code, out, _ = cli("batch", "none.json", "-f", fmt, "-q")
    assert code == 1 and out.startswith(
        {"json": "[", "csv": "row,name"}.get(fmt, "|" if fmt == "markdown" else "   row")
    ), out


FLAT_DOCUMENTS = {
    "flat.yaml": "name: lab\naudience: researcher\ndeployment: [server]\n",
    "flat.json": '{"name": "lab", "audience": "researcher", "deployment": "server"}',
    "nameless.yaml": "audience: researcher\ndeployment: server\n",
}


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("name", list(FLAT_DOCUMENTS))
def test_one_flat_profile_is_one_row_as_in_jsonl(name: str):
    """A document holding one profile in the flat shape (the JSONL line's shape) was read as a
    mapping of name: profile: a row per answer, each "expected a mapping ..., got text"."""
    Path(name).write_text(FLAT_DOCUMENTS[name])
    Path("one.jsonl").write_text(json.dumps({"audience": "researcher", "deployment": "server"}))
    code, out, err = cli("batch", name, "-q")
    [record] = [json.loads(line) for line in out.splitlines()]
    expected = json.loads(cli("batch", "one.jsonl", "-q")[1])
    assert code == 0 and record["error"] is None, err
    assert record == {**expected, "name": None if name.startswith("nameless") else "lab"}


MAPPINGS = {  # what stays a mapping of name: profile, row for row
    "names.yaml": ("lab: {audience: researcher}\naudience: {audience: beginner}\n", [None, None]),
    "mixed.yaml": ("audience: beginner\nlab: {audience: researcher}\n", ["expected", None]),
    "bad.yaml": ("name: lab\naudiense: beginner\n", ["expected", "expected"]),
    "twice.yaml": ("audience: beginner\naudience: researcher\n", ["duplicate"]),
}


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("name", list(MAPPINGS))
def test_a_mapping_of_names_is_still_read_row_by_row(name: str):
    text, errors = MAPPINGS[name]
    Path(name).write_text(text)
    records = [json.loads(line) for line in cli("batch", name, "-q")[1].splitlines()]
    got = [r["error"] and r["error"].split(": ")[2].split()[0] for r in records]
    assert got == errors, [r["error"] for r in records]


CSV_ROWS = [
    (
        "name,audience,deployment\nlab,researcher,server,mobile\nok,beginner,\n",
        "lab",
        "t.csv:2: row 1: the row has 4 cells, the header has 3; quote a cell that holds a comma "
        '("a,b"), or write a multi answer as a;b',
    ),
    (
        "name,audience,deployment\nlab\nok,beginner,\n",
        "lab",
        "t.csv:2: row 1: the row has 1 cell, the header has 3; leave a question unanswered "
        "with an empty cell (x,,), not no cell",
    ),
    (
        b"name,audience\ncaf\xe9,beginner\nok,beginner\n",
        "caf\ufffd",
        "t.csv:2: row 1: not UTF-8 text (byte 3); save the file as UTF-8",
    ),
]


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(("text", "name", "message"), CSV_ROWS)
def test_a_bad_csv_row_names_the_fix_and_keeps_its_name(text: str | bytes, name: str, message: str):
    """The messages named the problem only ("the row has 1 cells, the header has 3"; "not
    UTF-8 text"), and the error record lost the row's name."""
    path = Path("t.csv")
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    code, out, err = cli("batch", "t.csv", "-q")
    first, second = (json.loads(line) for line in out.splitlines())
    assert (code, first["error"], first["name"]) == (1, message, name)
    assert second["error"] is None


@pytest.mark.parametrize(
    ("name", "kind"), [("d", "a directory"), ("d.csv", "a directory"), ("f", "a FIFO")]
)
def test_batch_names_what_its_input_is_before_asking_for_its_format(
    tmp_path: Path, name: str, kind: str
) -> None:
    path = tmp_path / name
    os.mkfifo(path) if kind == "a FIFO" else path.mkdir()
    done = run_cli("batch", name, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"{name}: is {kind}")
