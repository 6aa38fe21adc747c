"""The probe's JSON against its published schema (recommender/schemas/probe.schema.json)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from probe_fakes import make_fake, schema_errors

from recommender.probe import run_probe
from recommender.probe.cluster.model import NODE_STATUSES
from recommender.probe.flags import FLAG_KINDS
from recommender.probe.model import CHECK_STATUSES, FRAMEWORK_STATUSES, SCHEMA_VERSION
from recommender.probe.render import render_json
from recommender.schemas import load, names

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = load("probe")
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


errors = schema_errors


def test_the_schema_is_valid_2020_12_and_shipped() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "probe" in names()


def test_the_schema_names_the_models_vocabularies() -> None:
    defs = SCHEMA["$defs"]
    assert defs["framework"]["properties"]["status"]["enum"] == list(FRAMEWORK_STATUSES)
    assert defs["check"]["properties"]["status"]["enum"] == list(CHECK_STATUSES)
    assert defs["node"]["properties"]["status"]["enum"] == list(NODE_STATUSES)
    flag = defs["environment"]["properties"]["flags"]["items"]["properties"]["kind"]
    assert flag["enum"] == list(FLAG_KINDS)
    assert defs["machine"]["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_real_command_output_validates(tmp_path: Path) -> None:
    """`recommender probe --format json` end to end, on JAX (the quickest real framework)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECOMMENDER_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "recommender", "probe", "-f", "json", "--framework", "jax"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert (document["schema_version"], document["kind"]) == (1, "machine")
    assert errors(document) == []


FAKES = {
    "fine": "__version__ = '1.0'\n",
    "crashy": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
    "sleepy": "import time\ntime.sleep(1000)\n",
    "broken": "raise ImportError('no')\n",
    "liar": "__version__ = '2.0'\n",  # metadata says 1.0: a version-mismatch flag
    "odd": "__version__ = float('nan')\n",  # not a string: reported as text, flagged
}


@pytest.fixture(scope="module")
def fault_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("site")
    targets = {name: make_fake(root, name, source) for name, source in FAKES.items()}
    cache = tmp_path_factory.mktemp("cache")
    report = run_probe(targets=targets, timeout=3, cache_dir=cache)
    document: dict[str, Any] = json.loads(render_json(report))
    return document


def test_every_failure_status_validates(fault_json: dict[str, Any]) -> None:
    statuses = {f["name"]: f["status"] for f in fault_json["frameworks"]}
    assert statuses == {
        "fine": "ok",
        "crashy": "crashed",
        "sleepy": "timeout",
        "broken": "failed",
        "liar": "ok",
        "odd": "ok",
    }
    assert [f["kind"] for f in fault_json["environment"]["flags"]] == ["version-mismatch"] * 2
    assert errors(fault_json) == []


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["frameworks", 0, "status"], "great", "'great' is not one of"),
        (["frameworks", 0, "checks", 0, "seconds"], -1, "-1 is less than the minimum of 0"),
        (["environment", "flags"], [{"framework": "x", "kind": "odd", "message": ""}], "'odd'"),
        (["schema_version"], 2, "1 was expected"),
        (["facts", "nodots"], "ok", "'nodots' does not match"),
    ],
)
def test_a_wrong_document_fails(
    fault_json: dict[str, Any], path: list[Any], value: Any, message: str
) -> None:
    document = json.loads(json.dumps(fault_json))
    where = document
    for step in path[:-1]:
        where = where[step]
    where[path[-1]] = value
    assert any(message in e for e in errors(document)), errors(document)
