"""QA round 24 on ``recommender batch``: hostile and unusual inputs, the JSON contract of every
command, and the output formats. A test of a fix failed on the code before it; the contract and
format properties pin what held (no-fit and tie outcomes included, which the shipped rules
alone rarely or never give)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED, cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recommender
from recommender.cli import main

RULES = recommender.load_rules(base=SHIPPED)


pytestmark = pytest.mark.usefixtures("shipped_only")


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
    # tagged: an unquoted .inf is the name ".inf" (test_a_yaml_name_keeps_the_text_written)
    Path("p.yaml").write_text("name: !!float .inf\nanswers: {}\n")
    Path("b.yaml").write_text(
        "- name: !!float .inf\n- name: !!float .nan\n  audience: beginner\n- name: ok\n"
    )
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


# -- an input refused partway: the rows before the fault, then one line -------------------------

REFUSED_LATE = {  # refused only once the first rows were read: the rest of the document is bad
    "two.yaml": "- {name: a, audience: beginner}\n- {name: b}\n---\n- {name: c}\n",
    "cut.json": '[{"name": "a", "audience": "beginner"}, {"name": "b"}',
    "tail.json": '[{"name": "a"}, {"name": "b"}] trailing',
}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "markdown", "table", "html"])
@pytest.mark.parametrize("name", list(REFUSED_LATE))
def test_an_input_refused_partway_writes_the_rows_before_it(name: str, fmt: str):
    """JSON gave a lone "[", CSV, Markdown and the table their header, then exit 2; now the
    rows read before the fault are written, as from a JSONL or CSV stream refused partway
    (test_reliability_qa28). The HTML page is made at the end: none is written."""
    Path(name).write_text(REFUSED_LATE[name])
    code, out, err = cli("batch", name, "-f", fmt)
    assert code == 2
    assert err.startswith(f"{name}:") and len(err.splitlines()) == 1, err
    heads = {"html": None, "jsonl": 0, "json": 1, "csv": 1, "markdown": 2, "table": 1}
    head = heads[fmt]
    assert out == "" if head is None else len(out.splitlines()) == head + 2, out
    if fmt == "jsonl":
        assert [json.loads(line)["name"] for line in out.splitlines()] == ["a", "b"]


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "table"])
def test_a_list_with_no_row_scored_still_gets_its_header(fmt: str):
    Path("none.json").write_text('[{"audience": "novice"}]')  # holding no profile is refused
    code, out, _ = cli("batch", "none.json", "-f", fmt, "-q")
    assert code == 1 and out.startswith(
        {"json": "[", "csv": "row,name"}.get(fmt, "|" if fmt == "markdown" else "   row")
    ), out


# -- the JSON contract: every command's JSON validates, and recommend's record is batch's --------

OVERLAY = """\
# A test overlay: every framework excluded on native Windows with an AMD GPU (a no-fit outcome,
# which the shipped rules never give: nothing there excludes PyTorch).
rules:
  - id: qa-no-fit
    when: {os: windows, hardware: amd_gpu}
    dealbreaker: [tensorflow, pytorch, jax]
    because: test
    source: test
    as_of: "2026-11"
"""
# an exact tie the lean does not break: the honest TensorFlow/PyTorch tie pinned by
# tests/test_knowledge_qa26.py (the profile found by a seeded search stopped being a tie when the
# knowledge QA of 2026-12-01 pinned TensorFlow on TPUs to 2.18, rule tpu-tf-frozen)
TIE = {
    "audience": ["researcher"],
    "team_knows": ["tensorflow"],
    "existing_code": ["none"],
    "deployment": ["mobile"],
}
NO_FIT = {"os": ["windows"], "hardware": ["amd_gpu"]}
NONE = {"os": ["windows"], "custom_gradients": ["no"]}  # the lean alone: no recommendation
WHAT_IFS = ("what_would_change", "swing", "deciding", "open_questions")  # batch searches none
BATCH_ONLY = ("row", "margin", "error")


def _overlay_rules() -> recommender.RuleBase:
    overlay = Path("qa-overlay")
    overlay.mkdir(exist_ok=True)
    (overlay / "nofit.yaml").write_text(OVERLAY)
    return recommender.load_rules(overlay, base=SHIPPED)


def _validates(schema: str, document: Any) -> None:
    from test_contract import problems

    assert problems(schema, document) == [], (schema, problems(schema, document)[:3])


def _profile_answers() -> st.SearchStrategy[dict[str, list[str]]]:
    from html_support import answers_for
    from test_contract import _allowed

    drawn = answers_for(RULES).filter(_allowed)
    listed = drawn.map(lambda a: {q: sorted(v) for q, v in a.items()})
    return st.one_of(listed, st.sampled_from([TIE, NO_FIT, NONE]))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers=_profile_answers(), name=st.text(min_size=1, max_size=12).filter(str.strip))
def test_recommend_explain_and_batch_json_validate_and_agree(answers, name):
    """Through the real CLI: recommend's JSON is the batch record minus row, margin and error
    (and the what-ifs batch does not search), for random profiles, ties and no-fit included."""
    _overlay_rules()
    profile = {"name": name, "answers": answers}
    Path("p.json").write_text(json.dumps(profile))
    Path("b.jsonl").write_text(json.dumps(profile) + "\n")
    code, out, err = cli("--rules", "qa-overlay", "recommend", "--profile", "p.json", "-f", "json")
    assert code == 0, err
    single = json.loads(out)
    _validates("recommend", single)
    code, out, err = cli("--rules", "qa-overlay", "batch", "b.jsonl", "-q", "-f", "json")
    assert code == 0, err
    [record] = json.loads(out)
    _validates("batch", record)
    assert {k: v for k, v in record.items() if k not in BATCH_ONLY} == {
        **single,
        **dict.fromkeys(WHAT_IFS, []),
    }
    code, out, err = cli("--rules", "qa-overlay", "explain", "--profile", "p.json", "-f", "json")
    assert code == 0, err
    _validates("explain", json.loads(out))


def test_the_outcomes_the_contract_test_draws_are_a_tie_a_no_fit_and_no_recommendation():
    rules = _overlay_rules()
    tie, no_fit, none = (recommender.recommend(a, rules=rules) for a in (TIE, NO_FIT, NONE))
    assert tie.winner is None and len(tie.tie) > 1 and tie.confidence != "none"
    assert no_fit.winner is None and not no_fit.tie
    assert none.winner is None and none.confidence == "none"


# -- one flat profile as a whole YAML or JSON document --------------------------------------------

FLAT_DOCUMENTS = {
    "flat.yaml": "name: lab\naudience: researcher\ndeployment: [server]\n",
    "flat.json": '{"name": "lab", "audience": "researcher", "deployment": "server"}',
    "nameless.yaml": "audience: researcher\ndeployment: server\n",
}


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


@pytest.mark.parametrize("name", list(MAPPINGS))
def test_a_mapping_of_names_is_still_read_row_by_row(name: str):
    text, errors = MAPPINGS[name]
    Path(name).write_text(text)
    records = [json.loads(line) for line in cli("batch", name, "-q")[1].splitlines()]
    got = [r["error"] and r["error"].split(": ")[2].split()[0] for r in records]
    assert got == errors, [r["error"] for r in records]


# -- a bad CSV row says what would fix it, and keeps its name -------------------------------------

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


# -- every format: each row once, in input order; the summary adds up ----------------------------

BAD_VALUES = ["novice", "none;mobile", "=1+1", "a|b", 7, True, None, [["x"]], {"a": 1}, ""]


def _rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    answers = {
        q.id: st.one_of(st.sampled_from(q.option_ids), st.sampled_from(BAD_VALUES))
        for q in RULES.questions
    }
    names = st.one_of(st.sampled_from(["=cmd", "+1", "-x", "@a", "a|b", "<b>x</b>"]), st.text())
    row = st.fixed_dictionaries({"name": names.filter(str.strip)}, optional=answers)
    return st.lists(st.one_of(row, st.sampled_from([NO_FIT, TIE, NONE])), min_size=1, max_size=8)


def _summed(summary: str) -> tuple[int, ...]:
    """(rows, scored, failed, every outcome counted) from the summary's lines."""
    head = summary.split("batch: ", 1)[1]
    rows, scored, failed = (int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", head)[:3])
    if "winners: " not in head:  # no row scored: no winners line
        return rows, scored, failed, 0
    wins = head.split("winners: ", 1)[1].splitlines()[0]
    outcomes = sum(int(n.replace(",", "")) for n in re.findall(r" (\d[\d,]*)(?: ·|$)", wins))
    return rows, scored, failed, outcomes


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=_rows())
def test_every_format_has_each_row_once_in_order_and_the_summary_adds_up(rows):
    _overlay_rules()
    Path("b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    n = len(rows)
    code, out, err = cli("--rules", "qa-overlay", "batch", "b.jsonl", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in records] == list(range(1, n + 1)), records
    failed = sum(r["error"] is not None for r in records)
    assert code == (1 if failed else 0) and _summed(err) == (n, n - failed, failed, n - failed)
    for fmt, first in (("json", None), ("csv", 0), ("markdown", 1), ("table", 0)):
        out = cli("--rules", "qa-overlay", "batch", "b.jsonl", "-f", fmt, "-q")[1]
        if first is None:
            assert json.loads(out) == records
            continue
        if fmt == "csv":
            lines = list(csv.reader(io.StringIO(out)))[1:]
            cells = [line[0] for line in lines]
            names = [line[1] for line in lines]
            assert all(not x.startswith(("=", "+", "-", "@")) for x in names), names
        else:
            body = out.split("\n\n")[0].splitlines()[2 if fmt == "markdown" else 1 :]
            cells = [line.strip("| ").split()[0] for line in body]
        assert cells == [str(i) for i in range(1, n + 1)], out
        if fmt in ("markdown", "table"):
            assert _summed(out.split("\n\n", 1)[1]) == _summed(err), out


def test_a_nul_in_a_name_reaches_the_csv_as_an_escape(tmp_path: Path):
    # a NUL went raw into the CSV, where many readers stop ("line contains NUL") (QA, stop 24)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"name": "a\\u0000b", "answers": {"audience": "beginner"}}\n')
    assert main(["batch", str(rows), "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    data = (tmp_path / "out.csv").read_bytes()
    assert b"\x00" not in data
    (row,) = list(csv.DictReader(io.StringIO(data.decode())))
    assert row["name"] == "a\\x00b"


def test_an_unquoted_date_answer_is_named_as_written(tmp_path: Path, capsys):
    # YAML reads 2026-01-01 as a date; the message showed "datetime.date(2026, 1, 1)"
    (tmp_path / "p.yaml").write_text("answers:\n  audience: 2026-01-01\n")
    assert main(["recommend", "--profile", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "got date 2026-01-01" in err and "datetime" not in err


def test_the_markdown_table_names_its_stack_column_for_what_it_holds(tmp_path: Path, capsys):
    # the column headed "companion" held the whole stack line (framework, library and routes)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"name": "phone", "answers": {"deployment": ["mobile"]}}\n')
    assert main(["batch", str(rows), "-f", "markdown", "-q"]) == 0
    head, _, first = capsys.readouterr().out.splitlines()[:3]
    cells = dict(zip(head.split(" | "), first.split(" | "), strict=True))
    assert "companion" not in cells
    assert cells["stack"].startswith(cells["winner"] + " + ") and "; mobile: " in cells["stack"]


def test_a_yaml_name_that_reads_as_an_integer_keeps_its_text(tmp_path: Path, capsys):
    # YAML 1.1 reads an unquoted 010 as 8 and 0x1F as 31: the profile "010" was reported as "8"
    (tmp_path / "p.yaml").write_text("name: 010\nanswers: {audience: beginner}\n")
    assert main(["recommend", "--profile", str(tmp_path / "p.yaml"), "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "010"
    rows = tmp_path / "rows.yaml"
    rows.write_text("- {name: 0x1F}\n- {name: 12, os: linux}\n- {name: '07', os: linux}\n")
    assert main(["batch", str(rows), "-f", "jsonl", "-q"]) == 0
    names = [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()]
    assert names == ["0x1F", "12", "07"]


# What YAML 1.1 reads as a number, a date or yes/no from a name written unquoted: the name is the
# text written, in recommend and batch alike. true/false stay booleans (as in JSON: refused), null
# and ~ stay no name (refused), a tagged value is what its tag says.
WRITTEN_NAMES = [
    *("1.50", "1e3", ".inf", "-.inf", ".NaN", "1_000.0", "-.5", ".5", "+1.0", "1:30:00.5"),
    *("010", "0x1F", "1:30", "2024-01-01", "2024-13-45", "2024-01-01 10:00:00"),
    *("yes", "No", "ON", "off"),
]


def _recommended_name(text: str) -> str | None:
    Path("p.yaml").write_text(f"name: {text}\nanswers: {{audience: beginner}}\n")
    code, out, _ = cli("recommend", "--profile", "p.yaml", "-f", "json")
    return json.loads(out)["name"] if code == 0 else None


def _batch_names(document: str) -> list[str | None]:
    Path("b.yaml").write_text(document)
    return [json.loads(line)["name"] for line in cli("batch", "b.yaml", "-q")[1].splitlines()]


@pytest.mark.parametrize("text", WRITTEN_NAMES)
def test_a_yaml_name_keeps_the_text_written(text: str):
    """1.50 was the profile "1.5", .inf and yes were refused, 1_000.0 was "1000.0"."""
    assert _recommended_name(text) == text
    one = f"name: {text}\nanswers: {{audience: beginner}}\n"  # a batch of one profile
    listed = f"- {{name: {text}, audience: beginner}}\n- name: {text}\n  os: linux\n"
    keyed = f"{text}: {{audience: beginner}}\n"  # a mapping of name: answers
    assert _batch_names(one) + _batch_names(listed) + _batch_names(keyed) == [text] * 4


@pytest.mark.parametrize(
    ("text", "shown"),
    [("true", None), ("False", None), ("null", None), ("~", None), ("", None)]
    + [("!!float 1.50", "1.5"), ("!!int 010", "8"), ("'1.50'", "1.50"), ('"yes"', "yes")],
)
def test_a_yaml_name_that_is_not_text_as_written(text: str, shown: str | None):
    """A boolean and null are refused as before; a tag or quotes say what is meant."""
    assert _recommended_name(text) == shown
    assert _batch_names(f"- {{name: {text}, audience: beginner}}\n") == [shown]


def test_a_key_naming_a_profile_keeps_its_text_whatever_yaml_reads():
    document = "true: {os: linux}\n1.0: {os: linux}\n1: {os: linux}\n~: {os: linux}\n"
    assert _batch_names(document) == ["true", "1.0", "1", None]  # 1.0 and 1 were one name twice


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(
        st.floats(allow_nan=False).map(repr),
        st.floats(allow_nan=False).map(lambda f: f"{f:.3e}"),
        st.integers().map(str),
        st.from_regex(r"[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?", fullmatch=True),
        st.from_regex(r"[-+]?\.[0-9][0-9_]*", fullmatch=True),
        st.from_regex(r"[-+]?[0-9]+(:[0-5]?[0-9])+(\.[0-9_]*)?", fullmatch=True),
        st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
        st.sampled_from(["yes", "Yes", "YES", "no", "on", "Off", ".inf", "-.Inf", ".nan"]),
    ).filter(lambda text: len(text) <= 100)  # a longer number is refused: quote it if it is text
)
def test_a_name_that_yaml_reads_as_a_number_keeps_its_text(text: str):
    from recommender.rulebase.yamlio import load_yaml

    assert load_yaml("p.yaml", f"name: {text}\n")["name"] == text
    assert load_yaml("p.yaml", f"- {{name: {text}, os: linux}}\n")[0]["name"] == text
