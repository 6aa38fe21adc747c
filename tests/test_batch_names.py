"""A profile's name in ``batch`` is the text written: a YAML name that reads as a number, a
date or a non-finite value keeps its text (as a key naming a profile does), a name ``recommend``
refuses is that row's error record, and a NUL reaches the CSV as an escape."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.cli import main

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


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(("given", "shown"), NAMES)
def test_the_profile_schema_takes_the_names_recommend_takes(given: str, shown: str | None):
    """The schema took "" and "   ", which every command refuses."""
    from test_contract import problems

    document = {"name": json.loads(given), "answers": {}}
    assert (problems("profile", document) == []) == (shown is not None), given


@pytest.mark.usefixtures("shipped_only")
def test_a_nul_in_a_name_reaches_the_csv_as_an_escape(tmp_path: Path):
    # a NUL went raw into the CSV, where many readers stop ("line contains NUL") (QA, stop 24)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"name": "a\\u0000b", "answers": {"audience": "beginner"}}\n')
    assert main(["batch", str(rows), "-o", str(tmp_path / "out.csv"), "-q"]) == 0
    data = (tmp_path / "out.csv").read_bytes()
    assert b"\x00" not in data
    (row,) = list(csv.DictReader(io.StringIO(data.decode())))
    assert row["name"] == "a\\x00b"


@pytest.mark.usefixtures("shipped_only")
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


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize("text", WRITTEN_NAMES)
def test_a_yaml_name_keeps_the_text_written(text: str):
    """1.50 was the profile "1.5", .inf and yes were refused, 1_000.0 was "1000.0"."""
    assert _recommended_name(text) == text
    one = f"name: {text}\nanswers: {{audience: beginner}}\n"  # a batch of one profile
    listed = f"- {{name: {text}, audience: beginner}}\n- name: {text}\n  os: linux\n"
    keyed = f"{text}: {{audience: beginner}}\n"  # a mapping of name: answers
    assert _batch_names(one) + _batch_names(listed) + _batch_names(keyed) == [text] * 4


@pytest.mark.usefixtures("shipped_only")
@pytest.mark.parametrize(
    ("text", "shown"),
    [("true", None), ("False", None), ("null", None), ("~", None), ("", None)]
    + [("!!float 1.50", "1.5"), ("!!int 010", "8"), ("'1.50'", "1.50"), ('"yes"', "yes")],
)
def test_a_yaml_name_that_is_not_text_as_written(text: str, shown: str | None):
    """A boolean and null are refused as before; a tag or quotes say what is meant."""
    assert _recommended_name(text) == shown
    assert _batch_names(f"- {{name: {text}, audience: beginner}}\n") == [shown]


@pytest.mark.usefixtures("shipped_only")
def test_a_key_naming_a_profile_keeps_its_text_whatever_yaml_reads():
    document = "true: {os: linux}\n1.0: {os: linux}\n1: {os: linux}\n~: {os: linux}\n"
    assert _batch_names(document) == ["true", "1.0", "1", None]  # 1.0 and 1 were one name twice


@pytest.mark.usefixtures("shipped_only")
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
