"""Issue 10's fuzz target, the bounded pass CI runs: no untrusted input may crash a command.

Two halves, both through the real ``cli.main`` on the mini rule base (``tests/fuzzkit.py``):

* a mutation pass: a fixed share of seeded mutations of every kind of input file (profiles,
  overlays, batch files in each format, ``ask`` resume files, rules caches);
* hypothesis properties over generated untrusted inputs: profile answers, batch rows in each
  format (rows in = records out), overlay rule files shaped by the rule-file schema (a file
  ``rules validate`` passes is one ``recommend`` can use), and resume files.

A crash is an exit other than 0, 1 or 2, an exception out of ``main``, a traceback or a
temporary file left behind. ``benchmarks/fuzz.py`` is the long seeded run of the same kit.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import fuzzkit
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.rulebase import schema

PER_KIND = 300  # mutated inputs of each kind: about 25 s here, all kinds together
SEED = 10  # the number; a failure names the case, so it replays on any machine


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "case"


def crash_free(case: fuzzkit.Case, directory: Path) -> fuzzkit.Outcome:
    outcome = fuzzkit.run_case(case, directory)
    assert outcome.crash is None, (outcome, case.kind, case.variant, case.data[:500])
    return outcome


# -- the mutation pass -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(fuzzkit.KINDS))
def test_mutated_inputs_never_crash(kind: str, scratch: Path) -> None:
    crashes = []
    for index in range(PER_KIND):
        case = fuzzkit.mutated(SEED, index, kind)
        outcome = fuzzkit.run_case(case, scratch)
        if outcome.crash:
            crashes.append(f"fuzzkit.mutated({SEED}, {index}, {kind!r}): {outcome.crash}")
    assert crashes == []


def test_a_crash_is_caught_by_the_kit(scratch: Path) -> None:
    """The pass can fail: a command that raises is a crash, with its root cause located."""
    outcome = fuzzkit.run_case(fuzzkit.Case("profile-json", b"{}", 0), scratch)
    assert outcome.crash is None
    hostile = fuzzkit.KINDS["profile-json"]
    broken = fuzzkit.Kind(hostile.path, (("recommend", "--profile", hostile.path),))
    fuzzkit.KINDS["broken"] = broken
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("recommender.commands.recommend.run", _raise)
            outcome = fuzzkit.run_case(fuzzkit.Case("broken", b"{}", 0), scratch)
    finally:
        del fuzzkit.KINDS["broken"]
    assert outcome.code == 3
    assert outcome.cause is not None
    assert outcome.cause.startswith("ZeroDivisionError at tests/test_fuzz.py:")


def _raise(args: object) -> int:
    return 1 // 0


# -- hypothesis: the inputs a user or a file hands us ------------------------------------------

QUESTIONS = ("audience", "deployment", "edge_target", "os", "custom_gradients")
OPTIONS = ("beginner", "researcher", "production", "server", "mobile", "edge", "linux", "windows")
IDS = st.sampled_from(QUESTIONS + OPTIONS + ("tensorflow", "pytorch", "jax", "x", "server-any"))
TEXT = st.text(max_size=30)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**400, 0, -1, 1.5]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, IDS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(IDS, TEXT), inner, max_size=4)
    ),
    max_leaves=12,
)
ANSWERS = st.dictionaries(
    st.one_of(st.sampled_from(QUESTIONS), TEXT),
    st.one_of(st.sampled_from(OPTIONS), st.lists(st.sampled_from(OPTIONS), max_size=4), VALUES),
    max_size=6,
)
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _yaml(doc: object) -> bytes:
    """YAML as a user could write it; text YAML cannot hold (a lone surrogate) goes in escaped."""
    return yaml.safe_dump(doc, allow_unicode=False, sort_keys=False).encode()


@FUZZ
@given(answers=ANSWERS, name=st.one_of(st.none(), TEXT), as_json=st.booleans())
def test_any_profile_is_scored_or_refused_in_one_line(
    scratch: Path, answers: dict[str, Any], name: str | None, as_json: bool
) -> None:
    doc = {"name": name, "answers": answers}
    if as_json:
        data = json.dumps(doc, default=str).encode()
        outcome = crash_free(fuzzkit.Case("profile-json", data), scratch)
    else:
        outcome = crash_free(fuzzkit.Case("profile-yaml", _yaml(doc)), scratch)
        if outcome.code == 0:  # the JSON written by -o is JSON, whatever the answers held
            json.loads((scratch / "out.json").read_text(encoding="utf-8"), parse_constant=_strict)
    assert outcome.code in (0, 2)


def _strict(constant: str) -> None:
    raise AssertionError(f"{constant} in JSON output")


ROW = st.dictionaries(st.one_of(st.sampled_from(("name", *QUESTIONS)), TEXT), VALUES, max_size=5)
ROWS = st.lists(st.one_of(ROW, st.fixed_dictionaries({"answers": ANSWERS}), VALUES), max_size=6)


def _batch(fmt: str, rows: list[Any]) -> bytes:
    if fmt == "jsonl":
        return b"".join(json.dumps(r, default=str).encode() + b"\n" for r in rows)
    if fmt == "json":
        return json.dumps(rows, default=str).encode()
    return _yaml(rows)


@FUZZ
@given(fmt=st.sampled_from(["jsonl", "json", "yaml"]), rows=ROWS)
def test_every_batch_row_becomes_one_record(scratch: Path, fmt: str, rows: list[Any]) -> None:
    kind = f"batch-{fmt}"
    outcome = crash_free(fuzzkit.Case(kind, _batch(fmt, rows)), scratch)
    if not rows:  # an input that holds no profile, [] too, is refused as a whole
        assert outcome.code == 2 and not (scratch / "out.jsonl").exists()
        return
    assert outcome.code in (0, 1)
    assert _records(scratch) == len(rows)


def _records(directory: Path) -> int:
    text = (directory / "out.jsonl").read_text(encoding="utf-8")
    return len([json.loads(line) for line in text.splitlines()])


CELLS = st.one_of(TEXT, st.sampled_from(OPTIONS), st.just("server;mobile"), st.just("=1+1"))


@FUZZ
@given(
    header=st.lists(st.one_of(st.sampled_from(("name", *QUESTIONS)), TEXT), min_size=2, max_size=5),
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=6), max_size=6),
)
def test_every_csv_row_becomes_one_record(
    scratch: Path, header: list[str], rows: list[list[str]]
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in (header, *rows):
        writer.writerow(row)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")  # a lone surrogate: not UTF-8
    outcome = crash_free(fuzzkit.Case("batch-csv", data), scratch)
    if outcome.code == 2:  # the header itself is unusable, or no row is under it; one line
        return
    assert outcome.code in (0, 1)
    blank = [r for r in rows if len(r) == 1 and not r[0].strip()]  # a blank line is no row
    assert _records(scratch) == len(rows) - len(blank)


def shaped(shape: dict[str, schema.Field], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings with the keys of ``shape`` (any of them, optional or not) and values that mostly
    fit each key's checker, sometimes anything: the files an overlay author might write."""
    fields = {key: _field(field, depth) for key, field in shape.items()}
    known = st.fixed_dictionaries({}, optional=fields)
    stray = st.dictionaries(st.sampled_from(["junk", "Rules", "when"]), VALUES, max_size=1)
    return st.builds(lambda a, b: {**a, **b}, known, stray)


def _field(field: schema.Field, depth: int) -> st.SearchStrategy[Any]:
    if isinstance(field.kind, dict):
        one: st.SearchStrategy[Any] = shaped(field.kind, depth + 1) if depth < 2 else VALUES
    elif isinstance(field.kind, schema.MappingOf):
        one = st.dictionaries(IDS, st.one_of(NUMBERS, TEXT), max_size=3)
    else:
        one = PLAUSIBLE.get(getattr(field.kind, "__name__", ""), VALUES)
    one = st.one_of(one, VALUES) if depth else one
    return st.lists(one, max_size=3) if field.many else one


CONDITIONS = st.recursive(
    st.dictionaries(IDS, st.one_of(IDS, st.lists(IDS, max_size=3)), min_size=1, max_size=2),
    lambda inner: st.one_of(
        st.builds(lambda k, v: {k: v}, st.sampled_from(["any", "all"]), st.lists(inner)),
        st.builds(lambda v: {"not": v}, inner),
        st.builds(lambda v: {"unanswered": v}, st.lists(st.one_of(IDS, VALUES), max_size=2)),
    ),
    max_leaves=5,
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "text": st.one_of(TEXT.filter(str.strip), st.just("t")),
    "ident": IDS,
    "condition": CONDITIONS,
    "boolean": st.booleans(),
    "points": NUMBERS,
    "date_text": st.sampled_from(["2024-09", "2021", "2024-13", "x"]),
    "answers": ANSWERS,
}


@FUZZ
@given(doc=shaped(schema.RULE_FILE))
def test_an_overlay_that_validates_is_one_recommend_can_use(
    scratch: Path, doc: dict[str, Any]
) -> None:
    data = _yaml(doc)
    validated = crash_free(fuzzkit.Case("overlay", data, 0), scratch)
    recommended = crash_free(fuzzkit.Case("overlay", data, 1), scratch)
    crash_free(fuzzkit.Case("overlay", data, 2), scratch)
    if validated.code == 0:
        assert recommended.code == 0


@FUZZ
@given(
    doc=st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "name": st.one_of(TEXT, VALUES),
                "answers": st.one_of(ANSWERS, VALUES),
                "asked": st.one_of(st.lists(st.one_of(IDS, VALUES), max_size=5), VALUES),
            },
        ),
        VALUES,
    )
)
def test_any_resume_file_is_resumed_or_refused(scratch: Path, doc: Any) -> None:
    outcome = crash_free(fuzzkit.Case("resume", _yaml(doc)), scratch)
    assert outcome.code in (0, 2)
