"""``recommender batch`` via ``cli.main``: real files, exact messages, exit codes, formats."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import recommender
from recommender.batch import readers
from recommender.batch.progress import Progress
from recommender.cli import main
from recommender.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini"


@pytest.fixture(autouse=True)
def mini_rules(monkeypatch, tmp_path):
    monkeypatch.chdir(
        tmp_path
    )  # messages name files as given: relative names keep them short and exact
    monkeypatch.setenv("RECOMMENDER_BASE_RULES", str(MINI))
    monkeypatch.delenv("RECOMMENDER_RULES", raising=False)


def batch(tmp_path: Path, capsys, name: str, text: str | bytes, *args: str) -> tuple[int, str, str]:
    src = tmp_path / name
    src.write_bytes(text if isinstance(text, bytes) else text.encode())
    code = main(["batch", name, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _header(text: str | bytes) -> list[str]:
    first = text.splitlines()[0]
    return (first.decode("utf-8", "replace") if isinstance(first, bytes) else first).split(",")


def confidence_line(records: list[dict]) -> str:
    """The summary's confidence line, from recommend's confidence of each record's answers."""
    import recommender

    rules = recommender.load_rules(base=MINI)
    levels = [recommender.recommend(r["answers"], rules).confidence for r in records]
    counts = [(k, levels.count(k)) for k in ("none", "close", "clear")]
    return "confidence: " + " · ".join(f"{k} {n}" for k, n in counts if n)  # no "clear 0"


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# -- bad rows: one error record each, located, with the fix; every other row still scored ----------

BAD_ROWS = [
    (
        "in.jsonl",
        '{"audience": "beginer"}\n',
        'in.jsonl:1:14: row 1: unknown option "beginer" for question "audience" (did you mean '
        '"beginner"?); valid values: beginner, production, researcher',
    ),
    (
        "in.jsonl",
        '{"audiense": "beginner"}\n',
        'in.jsonl:1:14: row 1: unknown question "audiense" (did you mean "audience"?); '
        "valid values: audience, custom_gradients, deployment, edge_target, os",
    ),
    (
        "in.jsonl",
        '{"audience": 3}\n',
        'in.jsonl:1:14: row 1: question "audience": expected one of beginner, researcher, '
        "production, got int 3",
    ),
    (
        "in.jsonl",
        '{"audience": ["beginner", "researcher"]}\n',
        "in.jsonl:1:14: row 1: question \"audience\" takes one answer, got a list ['beginner', "
        "'researcher']; valid values: beginner, researcher, production",
    ),
    (
        "in.jsonl",
        '{"audience": "beginner"\n',
        "in.jsonl:1:24: row 1: invalid JSON: it ends before every { and [ is closed (cut short?); "
        "close them",
    ),
    (
        "in.jsonl",
        "[1, 2]\n",
        "in.jsonl:1: row 1: expected a mapping of question: answer, or "
        "{name: ..., answers: {question: answer}}, got a list",
    ),
    ("in.jsonl", '{"os": "linux", "os": "windows"}\n', 'in.jsonl:1: row 1: duplicate key "os"'),
    (
        "in.jsonl",
        '{"answers": {"os": "linux"}, "nmae": "x"}\n',
        'in.jsonl:1: row 1: unknown key "nmae" beside "answers" (did you mean "name"?); '
        "valid values: answers, description, name",
    ),
    (
        "in.jsonl",
        '{"answers": ["os"]}\n',
        "in.jsonl:1: row 1: answers: expected a mapping of question: answer, got a list",
    ),
    (
        "in.jsonl",
        '{"name": ["x"], "os": "linux"}\n',
        "in.jsonl:1: row 1: name: expected non-empty text or a number, got a list",
    ),
    (
        "in.jsonl",
        b'{"name": "caf\xe9"}\n',
        "in.jsonl:1: row 1: not UTF-8 text (byte 13); save the file as UTF-8",
    ),
    (
        "in.yaml",
        "- audience: beginner\n  deployment: [server, moble]\n",
        'in.yaml:2:24: row 1: unknown option "moble" for question "deployment" (did you mean '
        '"mobile"?); valid values: edge, mobile, server',
    ),
    (
        "in.yaml",
        "- 7\n",
        "in.yaml:1: row 1: expected a mapping of question: answer, or "
        "{name: ..., answers: {question: answer}}, got int 7",
    ),
    (
        "in.json",
        '{"p": {"os": "mac"}}',
        'in.json:1:14: row 1: unknown option "mac" for question "os"; valid values: linux, windows',
    ),
    (
        "in.yaml",
        "- &a {os: linux}\n",
        "in.yaml:1:3: row 1: YAML anchors and aliases (&name / *name) are not allowed; "
        "write the value out",
    ),
    (
        "in.yaml",
        "- *a\n",
        "in.yaml:1:3: row 1: YAML anchors and aliases (&name / *name) are not allowed; "
        "write the value out",
    ),
    (
        "in.csv",
        "name,audience\nx,beginner,extra\n",
        "in.csv:2: row 1: the row has 3 cells, the header has 2; quote a cell that holds a comma "
        '("a,b"), or write a multi answer as a;b',
    ),
    (
        "in.csv",
        "name,audience,deployment\nx,,server;moble\n",
        'in.csv:2:4: row 1: column 3: unknown option "moble" for question "deployment" (did you '
        'mean "mobile"?); valid values: edge, mobile, server',
    ),
    (
        "in.csv",
        b"name,os,audience\ncaf\xe9,linux,\n",
        "in.csv:2: row 1: not UTF-8 text (byte 3); save the file as UTF-8",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_ROWS)
def test_a_bad_row_becomes_an_error_record_and_the_next_row_is_still_scored(
    tmp_path, capsys, name, text, message
):
    good = {
        "in.jsonl": '{"audience": "beginner"}\n',
        "in.yaml": "- {audience: beginner}\n",
        "in.json": None,
        "in.csv": ",".join({"name": "y", "audience": "beginner"}.get(h, "") for h in _header(text))
        + "\n",
    }[name]
    if good is not None:
        text = text + (good.encode() if isinstance(text, bytes) else good)
    code, out, err = batch(tmp_path, capsys, name, text)
    got = records(out)
    assert code == 1
    assert got[0]["error"] == message and got[0]["row"] == 1 and got[0]["winner"] is None
    assert err.splitlines()[0] == message
    if good is not None:
        assert len(got) == 2 and got[1]["error"] is None and got[1]["winner"] == "pytorch"


# -- whole-input problems: exit 2, one line --------------------------------------------------------

EMPTY_JSONL = (
    "{file}: the input is empty; expected one profile per line, each a JSON object such as "
    '{{"name": ..., "answers": {{...}}}}'
)
UNUSABLE = [
    (
        "in.csv",
        "",
        "in.csv:1: the CSV has no header row; expected a column per question (and optionally name)",
    ),
    (
        "in.csv",
        "name,audiance\n",
        'in.csv:1: header column 2: unknown question "audiance" (did you mean '
        '"audience"?); valid values: audience, custom_gradients, deployment, '
        "edge_target, name, os",
    ),
    ("in.csv", "name,,os\n", "in.csv:1: header column 2 is empty; name the question it answers"),
    ("in.csv", "os,os\n", 'in.csv:1: header column 2: "os" appears twice'),
    (
        "in.yaml",
        "",
        "in.yaml: expected a list of profiles or a mapping of name: answers, got an empty document",
    ),
    (
        "in.yaml",
        "just text\n",
        "in.yaml: expected a list of profiles or a mapping of name: answers, got text 'just text'",
    ),
    (
        "in.json",
        "",
        "in.json: the input is empty; expected a list of profiles or a mapping of name: answers",
    ),
    ("in.jsonl", "", EMPTY_JSONL.format(file="in.jsonl")),
    ("in.jsonl", "\n  \n\t\r\n", EMPTY_JSONL.format(file="in.jsonl")),  # blank lines: no row
    ("in.jsonl", b"\xef\xbb\xbf\n", EMPTY_JSONL.format(file="in.jsonl")),  # a BOM, then nothing
    (
        "in.json",
        "[{]",
        "in.json:1:3: invalid JSON: expected a key in double quotes here; "
        'write "key": value (JSON has no single quotes, bare keys or comments)',
    ),
    (
        "in.json",
        "42",
        "in.json: expected a list of profiles or a mapping of name: answers, got int 42",
    ),
    (
        "in.txt",
        "x",
        'in.txt: cannot tell the input format from ".txt"; use --input-format (yaml, json, jsonl, '
        "csv); known extensions: .yaml, .yml, .json, .jsonl, .ndjson, .csv",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), UNUSABLE)
def test_an_unusable_input_exits_2_with_one_line(tmp_path, capsys, name, text, message):
    code, out, err = batch(tmp_path, capsys, name, text)
    assert (code, out, err) == (2, "", message + "\n")


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "none.jsonl")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'none.jsonl'}: no such file\n"


def test_stdin_needs_an_input_format(capsys):
    assert main(["batch", "-"]) == 2
    assert capsys.readouterr().err == (
        "recommender: reading profiles from stdin needs --input-format (yaml, json, jsonl, csv)\n"
    )


@pytest.mark.parametrize(
    ("name", "text"), [("in.csv", "name,audiance\nx,beginner\n"), ("in.jsonl", "\n\n")]
)
def test_an_unusable_input_leaves_no_output_file(tmp_path, capsys, name, text):
    dst = tmp_path / "out.jsonl"
    code, _, _ = batch(tmp_path, capsys, name, text, "-o", str(dst))
    assert code == 2 and not dst.exists() and [p.name for p in tmp_path.iterdir()] == [name]


EMPTY_STDIN = {  # an empty pipe is refused as an empty file is, in every input format
    "jsonl": EMPTY_JSONL.format(file="<stdin>"),
    "json": "<stdin>: the input is empty; expected a list of profiles or a mapping of name: "
    "answers",
    "csv": "<stdin>:1: the CSV has no header row; expected a column per question (and "
    "optionally name)",
    "yaml": "<stdin>: expected a list of profiles or a mapping of name: answers, got an empty "
    "document",
}


@pytest.mark.parametrize("fmt", list(EMPTY_STDIN))
def test_an_empty_stdin_exits_2_with_one_line(fmt):
    """An empty JSONL pipe scored 0 rows and exited 0, where JSON, CSV and YAML exit 2."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)}
    argv = [sys.executable, "-m", "recommender", "batch", "-", "--input-format", fmt]
    done = subprocess.run(argv, input="\n \n", env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", EMPTY_STDIN[fmt] + "\n")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=" \t\r\n\x0b\x0c", max_size=40), st.booleans())
def test_a_jsonl_input_of_blank_lines_is_refused_as_a_whole(blank: str, bom: bool):
    data = (codecs.BOM_UTF8 if bom else b"") + blank.encode()
    source = readers.Source(io.BytesIO(data), "in.jsonl")
    with pytest.raises(UserError) as refused:
        readers.READERS["jsonl"](source, {})
    assert str(refused.value) == EMPTY_JSONL.format(file="in.jsonl")


# -- nothing is dropped: one record per row, in order ----------------------------------------------

MIXED_JSONL = (
    '{"name": "a", "audience": "beginner"}\n'
    "\n"  # blank: not a row
    '{"name": "b", "audience": "nope"}\n'  # bad
    "   \n"  # blank: not a row
    "{oops\n"  # unparsable
    '{"name": "c", "answers": {"deployment": ["mobile", "edge"], "edge_target": '
    '"microcontroller"}}\n'
    "{}\n"
)


def test_every_row_gets_exactly_one_record_in_input_order_and_blank_lines_are_not_rows(
    tmp_path, capsys
):
    code, out, err = batch(tmp_path, capsys, "in.jsonl", MIXED_JSONL)
    got = records(out)
    assert code == 1
    assert [(r["row"], r["name"], r["error"] is None) for r in got] == [
        (1, "a", True),
        (2, "b", False),
        (3, None, False),
        (4, "c", True),
        (5, None, True),
    ]
    assert got[1]["error"].startswith(
        "in.jsonl:3:27: row 2: "
    )  # the message names the physical line too, and the column of the value
    assert (
        got[2]["error"]
        == "in.jsonl:5:2: row 3: invalid JSON: expected a key in double quotes here; "
        'write "key": value (JSON has no single quotes, bare keys or comments)'
    )
    assert err.splitlines()[-4:] == [
        "batch: 5 rows: 3 scored, 2 failed",
        "winners: PyTorch 1 · TensorFlow 1 · tie 1",
        confidence_line([r for r in got if r["error"] is None]),
        "rules fired most: os-unknown 3 · not-windows 3 · beginner-keras 1 · "
        "mobile-tf 1 · mcu-tf 1",
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "markdown", "table"])
def test_every_format_has_one_line_per_row(tmp_path, capsys, fmt):
    code, out, _ = batch(tmp_path, capsys, "in.jsonl", MIXED_JSONL, "--format", fmt)
    lines = out.splitlines()
    if fmt in (
        "markdown",
        "table",
    ):  # a header (two lines in Markdown), the rows, a blank line, the summary
        data = lines[2 if fmt == "markdown" else 1 : lines.index("")]
    else:
        data = {"jsonl": lines, "json": lines[1:-1], "csv": lines[1:]}[fmt]
    assert code == 1 and len(data) == 5
    if fmt == "json":
        assert [r["row"] for r in json.loads(out)] == [1, 2, 3, 4, 5]


def test_csv_output_flattens_records(tmp_path, capsys):
    text = (
        "name,audience,deployment,os\n"
        "x,beginner,mobile;server,linux\n"
        "y,,edge,\n"
        ",researcher,,windows\n"
    )
    code, out, _ = batch(tmp_path, capsys, "in.csv", text, "-f", "csv")
    assert code == 0
    rows: list[dict[str, Any]] = [
        {"audience": "beginner", "deployment": ["mobile", "server"], "os": "linux"},
        {"deployment": ["edge"]},
        {"audience": "researcher", "os": "windows"},
    ]
    one, two, three = [
        recommender.recommend(r, recommender.load_rules(base=MINI)).confidence for r in rows
    ]
    assert list(csv.reader(io.StringIO(out))) == [
        [
            "row",
            "name",
            "winner",
            "tie",
            "confidence",
            "score_tensorflow",
            "score_pytorch",
            "score_jax",
            "excluded",
            "margin",
            "companion",
            "stack",
            "top_reasons",
            "error",
        ],
        [
            "1",
            "x",
            "tensorflow",
            "",
            one,
            "6",
            "3",
            "-2.5",
            "",
            "3",
            "keras",
            # the mini base names no routes: the stack says so rather than inventing one
            "TensorFlow + Keras 3; server: no route known; mobile: no route known",
            "mobile-tf;beginner-keras",
            "",
        ],
        ["2", "y", "", "pytorch;jax", two, "0", "0.5", "0.5", "", "0", "", "", "os-unknown", ""],
        [
            "3",
            "",
            "pytorch",
            "",
            three,
            "0",
            "3",
            "2",
            "",
            "1",
            "torch-nn",
            "PyTorch + torch.nn",
            "research-pytorch",
            "",
        ],
    ]


def test_yaml_mapping_names_rows_by_key_and_accepts_both_shapes(tmp_path, capsys):
    text = (
        "alpha: {audience: beginner}\nbeta:\n  answers: {custom_gradients: yes}\n  description: d\n"
    )
    code, out, _ = batch(tmp_path, capsys, "in.yaml", text)
    got = records(out)
    assert code == 0 and [(r["name"], r["answers"]) for r in got] == [
        ("alpha", {"audience": "beginner"}),
        ("beta", {"custom_gradients": "yes"}),
    ]


def test_a_single_profile_document_is_one_row(tmp_path, capsys):
    code, out, _ = batch(
        tmp_path, capsys, "in.json", '{"name": "solo", "answers": {"audience": "researcher"}}'
    )
    assert code == 0 and [(r["row"], r["name"], r["winner"]) for r in records(out)] == [
        (1, "solo", "pytorch")
    ]


def test_stdin_with_an_input_format(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_BASE_RULES": str(MINI)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "recommender",
            "batch",
            "-",
            "--input-format",
            "csv",
            "-f",
            "csv",
            "-q",
        ],
        input="audience\nbeginner\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1].startswith("1,,pytorch,")


# -- --strict, -o and --quiet ----------------------------------------------------------------------


def test_strict_stops_at_the_first_bad_row_and_names_it(tmp_path, capsys):
    dst = tmp_path / "out.jsonl"
    code, out, err = batch(tmp_path, capsys, "in.jsonl", MIXED_JSONL, "--strict", "-o", str(dst))
    assert code == 1 and out == ""
    assert err == (
        'recommender: in.jsonl:3:27: row 2: unknown option "nope" for question "audience"; valid '
        "values: beginner, production, researcher (stopped by --strict)\n"
    )
    assert not dst.exists(), "a stopped run must not leave an output that looks complete"


def test_strict_on_stdout_writes_the_rows_before_the_bad_one(tmp_path, capsys):
    code, out, _ = batch(tmp_path, capsys, "in.jsonl", MIXED_JSONL, "--strict")
    assert code == 1 and [r["row"] for r in records(out)] == [1]


def test_output_file_is_replaced_whole_and_no_temp_file_is_left(tmp_path, capsys):
    dst = tmp_path / "out.csv"
    dst.write_text("old\n")
    code, out, err = batch(tmp_path, capsys, "in.jsonl", '{"os": "linux"}\n', "-o", str(dst))
    assert code == 0 and out == "" and "batch: 1 row: 1 scored, 0 failed" in err
    assert (
        dst.read_text().splitlines()[0].startswith("row,name,winner")
    )  # format from the -o extension
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.csv"]


def test_an_interrupted_run_leaves_the_old_output_untouched(tmp_path, capsys, monkeypatch):
    import recommender.commands.batch as command

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    dst = tmp_path / "out.jsonl"
    dst.write_text("previous results\n")
    monkeypatch.setattr(command, "run_batch", interrupted)
    code, _, _ = batch(tmp_path, capsys, "in.jsonl", '{"os": "linux"}\n', "-o", str(dst))
    assert code == 130 and dst.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_the_output_may_not_replace_the_input(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"os": "linux"}\n')
    assert main(["batch", str(src), "-o", str(src), "-f", "jsonl"]) == 2
    assert (
        capsys.readouterr().err
        == f"{src}: the output would replace the input; choose another -o file\n"
    )


def test_an_unknown_output_extension_needs_format(tmp_path, capsys):
    code, _, err = batch(tmp_path, capsys, "in.jsonl", "{}\n", "-o", "out.xyz")
    assert code == 2 and err == (
        'out.xyz: cannot tell the output format from ".xyz"; use --format '
        "(jsonl, json, csv, markdown, table, html)\n"
    )


def test_quiet_silences_stderr_but_not_the_exit_code(tmp_path, capsys):
    code, out, err = batch(tmp_path, capsys, "in.jsonl", MIXED_JSONL, "--quiet")
    assert (code, err) == (1, "") and len(out.splitlines()) == 5


def test_table_format_carries_the_summary_in_the_output(tmp_path, capsys):
    code, out, err = batch(
        tmp_path, capsys, "in.jsonl", '{"name": "a", "audience": "beginner"}\n{}\n', "-f", "table"
    )
    assert code == 0 and err == ""
    answers = [{"audience": "beginner"}, {}]
    rules = recommender.load_rules(base=MINI)
    a, b = (f"{recommender.recommend(x, rules).confidence:<10}" for x in answers)
    assert out.splitlines() == [
        "   row  name                  winner                  TensorFlow  PyTorch     JAX  "
        "margin  confidence  companion",
        "     1  a                     PyTorch                         +2     +2.5    -2.5     "
        f"0.5  {a}  lightning",
        "     2                        tie: PyTorch, JAX               +0     +0.5    +0.5       "
        f"0  {b}".rstrip(),
        "",
        "batch: 2 rows: 2 scored, 0 failed",
        "winners: PyTorch 1 · tie 1",
        confidence_line([{"answers": a} for a in answers]),
        "rules fired most: os-unknown 2 · not-windows 2 · beginner-keras 1",
    ]


# -- the progress bar ------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_wipes_itself():
    ticks = iter([0.0, 1.0, 1.05, 2.0])
    stream = FakeTerminal()
    bar = Progress(stream, enabled=True, total=1000, clock=lambda: next(ticks))
    bar.update(500, 250)  # t=1.0: drawn
    bar.update(600, 300)  # t=1.05: too soon, skipped
    bar.update(1000, 1000)  # t=2.0: drawn
    bar.close()
    assert stream.getvalue() == (
        "\rbatch: [######..................]  25%  500 rows  500 rows/s\x1b[K"
        "\rbatch: [########################] 100%  1,000 rows  500 rows/s\x1b[K"
        "\r\x1b[K"
    )


@pytest.mark.parametrize(
    ("stream", "quiet", "on"),
    [(FakeTerminal(), False, True), (FakeTerminal(), True, False), (io.StringIO(), False, False)],
)
def test_progress_is_on_only_for_a_terminal_without_quiet(stream, quiet, on):
    assert Progress.for_terminal(stream, quiet=quiet).enabled is on
