"""The JSON contract: every command's real ``--format json`` output validates against its shipped
schema (draft 2020-12) and carries ``schema_version``; the profile schema is the rule base's and
agrees with the one validator of answers; ``recommender schema`` prints them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT, SHIPPED, cli, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outcomekit import NO_FIT, NONE, TIE, no_fit_rules

import recommender
from recommender import schemas
from recommender.batch.readers import Row
from recommender.batch.run import run_batch
from recommender.batch.writers import JsonlWriter
from recommender.errors import UserError
from recommender.render.jsonout import render_json
from recommender.rulebase.profiles import normalize_answers
from recommender.schemas.profile import profile_schema
from recommender.scoring.evidence import gather

RULES = recommender.load_rules(base=SHIPPED)
REGISTRY = schemas.registry()
MLX = ROOT / "docs" / "examples" / "mlx"


def problems(name: str, document: Any) -> list[str]:
    """Every schema error, at its leaf, as ``path: message``."""
    validator = jsonschema.Draft202012Validator(schemas.load(name), registry=REGISTRY)
    out = []
    for error in validator.iter_errors(document):
        leaves = list(error.context or ()) or [error]
        out += [f"{list(e.absolute_path)}: {e.message[:160]}" for e in leaves]
    return out


def run_json(*args: str) -> Any:
    done = run_cli(*args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_every_schema_is_valid_2020_12_and_listed():
    assert schemas.names() == sorted(
        [
            "batch",
            "cases",
            "compare",
            "explain",
            "lint",
            "probe",
            "profile",
            "questions",
            "recommend",
            "rules",
        ]
    )
    for name in schemas.names():
        schema = schemas.load(name)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"{schemas.BASE}{name}.schema.json"


def test_recommender_schema_prints_each_and_lists_them():
    listed = run_cli("schema")
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == schemas.names()
    for name in ("recommend", "batch", "profile"):
        assert json.loads(run_cli("schema", name).stdout) == schemas.load(name)
    bad = run_cli("schema", "recomend")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert 'unknown schema "recomend" (did you mean "recommend"?)' in bad.stderr


def test_the_shipped_profile_schema_is_the_rule_base_s():
    assert schemas.load("profile") == json.loads(json.dumps(profile_schema(RULES)))
    overlay = json.loads(run_cli("--rules", str(MLX), "schema", "profile").stdout)
    assert overlay == json.loads(json.dumps(profile_schema(recommender.load_rules(MLX))))


PROFILES = [
    ["--profile", "examples/research-lab.yaml"],
    [],
    ["-a", "audience=beginner", "-a", "deployment=mobile"],
    ["-a", "os=windows", "-a", "hardware=nvidia_gpu"],
    ["-a", "deployment=mobile", "-a", "edge_target=microcontroller"],
    ["-a", "audience=beginner", "-a", "os=windows"],
]


@pytest.mark.parametrize("args", PROFILES, ids=lambda a: " ".join(a) or "empty")
def test_recommend_output_validates(args):
    document = run_json("recommend", "-f", "json", *args)
    assert document["schema_version"] == 1
    assert problems("recommend", document) == []


def test_recommend_with_evidence_validates():
    facts = {f"{fw}.{x}": "ok" for fw in RULES.framework_ids for x in ("probe", "installed")}
    answers = normalize_answers({"hardware": "nvidia_gpu"}, RULES)
    rec = recommender.recommend({"hardware": "nvidia_gpu"}, rules=RULES, facts=facts)
    evidence = gather(RULES, answers, rec, facts, {"pytorch": "2.9.0"})
    document = json.loads(render_json(rec, RULES, evidence))
    assert "evidence" in document and problems("recommend", document) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_recommendation_validates(data):
    from html_support import answers_for, facts_for

    answers = data.draw(answers_for(RULES).filter(_allowed))
    facts = data.draw(facts_for(RULES))
    rec = recommender.recommend(answers, rules=RULES, facts=facts)
    assert problems("recommend", json.loads(render_json(rec, RULES))) == []


def _allowed(answers: dict[str, frozenset[str]]) -> bool:
    try:
        normalize_answers(answers, RULES)
    except UserError:  # an exclusive option with another: refused before any scoring
        return False
    return True


def test_batch_records_validate_scored_failed_and_probed(tmp_path: Path):
    rows = tmp_path / "team.csv"
    rows.write_text(
        'name,audience,deployment\nlab,researcher,none\nphone,beginner,"mobile,server"\n'
        'empty,,\nbad,novice,\nboth,,"none;mobile"\n'
    )
    done = run_cli("batch", str(rows), "-q")
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1 and len(records) == 5
    assert [r["error"] is None for r in records] == [True, True, True, False, False]
    for record in records:
        assert record["schema_version"] == 1 and problems("batch", record) == []
    as_array = json.loads(run_cli("batch", str(rows), "-q", "-f", "json").stdout)
    assert as_array == records
    facts = {"pytorch.probe": "ok", "pytorch.installed": "ok", "pytorch.gpu": "unavailable"}
    out = io.StringIO()
    from recommender.batch.probe import usable_here

    run_batch(
        [Row(1, "gpu", {"hardware": "nvidia_gpu"})],
        RULES,
        JsonlWriter(out, RULES, probe=True),
        source="t",
        facts=facts,
        usable=usable_here(RULES, facts),
    )
    [probed] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "usable_here" in probed and problems("batch", probed) == []


COMMANDS = {
    "questions": ["questions"],
    "explain": ["explain", "--profile", "examples/research-lab.yaml"],
    "rules": ["rules", "list", "--framework", "jax"],
    "lint": ["rules", "lint"],
    "cases": ["rules", "test"],
    "compare": ["compare"],
}


@pytest.mark.parametrize("schema", list(COMMANDS))
def test_every_command_s_json_validates(schema):
    document = run_json(*COMMANDS[schema], "-f", "json")
    assert document["schema_version"] == 1
    assert problems(schema, document) == []


def test_rules_show_and_failing_cases_validate():
    shown = run_json("rules", "show", "default-pytorch-community", "-f", "json")
    assert shown["rules"][0]["lean"] is True and shown["rules"][0]["lines"]
    assert problems("rules", shown) == []
    failing = run_json("--rules", str(MLX), "rules", "test", "-f", "json")
    assert failing["failed"] > 0 and problems("cases", failing) == []


def test_the_example_profiles_validate_against_the_profile_schema():
    for path in [ROOT / "examples" / "research-lab.yaml", *sorted(ROOT.glob("docs/**/*.yaml"))]:
        doc = yaml.safe_load(path.read_text())
        if isinstance(doc, dict) and "answers" in doc and "cases" not in doc:
            assert problems("profile", doc) == [], path


def test_the_editor_schema_line_of_an_example_names_the_shipped_profile_schema():
    """The README's autocompletion line: the path is relative to the profile and must resolve."""
    for path in sorted(ROOT.glob("examples/*.yaml")):
        first = path.read_text().splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):
            target = (path.parent / first.split("=", 1)[1]).resolve()
            assert target == ROOT / "recommender" / "schemas" / "profile.schema.json", path
            assert json.loads(target.read_text())["$schema"].endswith("2020-12/schema")


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_profile_schema_accepts_what_the_validator_accepts(data):
    """A profile's answers drawn from every form a value may take: the schema and
    normalize_answers (the one validator) agree on which are answers."""
    raw = {}
    for q in RULES.questions:
        ids = list(q.option_ids)
        picked = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        forms = [picked, picked[0], ",".join(picked), ";".join(picked), None]
        if q.kind == "yes_no":
            forms += [True, "Yes", "FALSE"]
        if data.draw(st.booleans()):
            raw[q.id] = data.draw(st.sampled_from(forms))
    try:
        normalize_answers(raw, RULES)
        accepted = True
    except UserError:
        accepted = False
    assert (problems("profile", {"name": "p", "answers": raw}) == []) == accepted, raw


WHAT_IFS = ("what_would_change", "swing", "deciding", "open_questions")  # batch searches none


BATCH_ONLY = ("row", "margin", "error")


def _validates(schema: str, document: Any) -> None:
    from test_contract import problems

    assert problems(schema, document) == [], (schema, problems(schema, document)[:3])


def _profile_answers() -> st.SearchStrategy[dict[str, list[str]]]:
    from html_support import answers_for
    from test_contract import _allowed

    drawn = answers_for(RULES).filter(_allowed)
    listed = drawn.map(lambda a: {q: sorted(v) for q, v in a.items()})
    return st.one_of(listed, st.sampled_from([TIE, NO_FIT, NONE]))


@pytest.mark.usefixtures("shipped_only")
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers=_profile_answers(), name=st.text(min_size=1, max_size=12).filter(str.strip))
def test_recommend_explain_and_batch_json_validate_and_agree(answers, name):
    """Through the real CLI: recommend's JSON is the batch record minus row, margin and error
    (and the what-ifs batch does not search), for random profiles, ties and no-fit included."""
    no_fit_rules()
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


@pytest.mark.usefixtures("shipped_only")
def test_the_outcomes_the_contract_test_draws_are_a_tie_a_no_fit_and_no_recommendation():
    rules = no_fit_rules()
    tie, no_fit, none = (recommender.recommend(a, rules=rules) for a in (TIE, NO_FIT, NONE))
    assert tie.winner is None and len(tie.tie) > 1 and tie.confidence != "none"
    assert no_fit.winner is None and not no_fit.tie
    assert none.winner is None and none.confidence == "none"
