"""The probe on the real installed frameworks: one shared run, checked against their own answers."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from probe_fakes import get_fw

from recommender.probe import TARGETS, ProbeReport, run_probe
from recommender.probe.metadata import installed_version
from recommender.probe.model import CHECK_STATUSES, FRAMEWORK_STATUSES
from recommender.probe.render import render_table

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "tensorflow", "jax", "jaxlib", "keras", "numpy")

# What each framework says about itself, each in its own process (import order has segfaulted).
ASK = {
    "pytorch": "import json, torch; print(json.dumps({'version': torch.__version__, "
    "'accelerators': torch.cuda.device_count()}))",
    "tensorflow": "import json, tensorflow as tf; print(json.dumps({'version': tf.__version__, "
    "'devices': [d.name for d in tf.config.list_physical_devices()]}))",
    "jax": "import json, jax; print(json.dumps({'version': jax.__version__, "
    "'devices': [str(d) for d in jax.devices()]}))",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def report(home: Path, cache_dir: Path) -> ProbeReport:
    """One real probe of all three, shared; HOME is an empty dir, to catch stray writes."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.delenv("KERAS_HOME", raising=False)
        return run_probe(refresh=True, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def own_answers(home: Path) -> dict[str, dict]:
    """The frameworks' own answers, asked in parallel subprocesses."""
    env = {
        **os.environ,
        "HOME": str(home),
        "KERAS_HOME": str(home.parent / "keras-own"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        for name, code in ASK.items()
    }
    return {
        name: json.loads(proc.communicate(timeout=120)[0].strip().splitlines()[-1])
        for name, proc in procs.items()
    }


def check(report: ProbeReport, framework: str, name: str):
    fw = get_fw(report, framework)
    assert fw is not None
    found = fw.check(name)
    assert found is not None, f"{framework} has no check {name}"
    return found


@pytest.mark.parametrize("framework", list(TARGETS))
def test_every_framework_is_installed_and_probed_ok(report: ProbeReport, framework: str) -> None:
    fw = get_fw(report, framework)
    assert (fw.installed, fw.status, fw.detail, fw.cached) == (True, "ok", "", False)
    assert [c.name for c in fw.checks] == list(TARGETS[framework].checks)
    assert all(c.status in CHECK_STATUSES for c in fw.checks + fw.companions)


@pytest.mark.parametrize("framework", list(TARGETS))
def test_versions_agree_with_the_frameworks_own(
    report: ProbeReport, own_answers: dict, framework: str
) -> None:
    assert get_fw(report, framework).version == own_answers[framework]["version"]
    assert check(report, framework, "import").data["version"] == own_answers[framework]["version"]


def test_device_lists_agree_with_the_frameworks_own(report: ProbeReport, own_answers: dict) -> None:
    tf_devices = [d["name"] for d in check(report, "tensorflow", "devices").data["devices"]]
    jax_devices = [d["name"] for d in check(report, "jax", "devices").data["devices"]]
    torch_accel = [
        d for d in check(report, "pytorch", "devices").data["devices"] if d["kind"] != "CPU"
    ]
    assert tf_devices == own_answers["tensorflow"]["devices"]
    assert jax_devices == own_answers["jax"]["devices"]
    assert (
        len([d for d in torch_accel if d["kind"] in ("GPU", "ROCm")])
        == own_answers["pytorch"]["accelerators"]
    )


@pytest.mark.parametrize("framework", list(TARGETS))
def test_gpu_fact_follows_the_device_list(report: ProbeReport, framework: str) -> None:
    accelerators = [
        d for d in check(report, framework, "devices").data["devices"] if d["kind"] != "CPU"
    ]
    assert report.facts()[f"{framework}.gpu"] == ("ok" if accelerators else "unavailable")


ANALYTIC = {
    "eager": 9.0,
    "autograd": 3 * 2.0**2 + math.cos(2.0),  # d/dx (x^3 + sin x) at x = 2
    "higher_order_grad": 6 * 2.0,  # d2/dx2 x^3 at x = 2
    "custom_gradient": 0.5,  # the custom rule replaces the identity's gradient 1 by 0.5
    "vmap": 9.0 + 16.0 + 25.0,
    "bf16": 4.0,
}


@pytest.mark.parametrize("name", list(ANALYTIC))
@pytest.mark.parametrize("framework", list(TARGETS))
def test_numeric_checks_match_the_analytic_value(
    report: ProbeReport, framework: str, name: str
) -> None:
    result = check(report, framework, name)
    assert result.status == "ok", result.detail
    assert result.data["value"] == pytest.approx(ANALYTIC[name], rel=1e-5)


@pytest.mark.parametrize(
    ("framework", "name", "status", "detail"),
    [
        ("tensorflow", "jit", "ok", "jit_compile=True"),
        ("jax", "jit", "ok", "jax.jit"),
        ("pytorch", "jit", "skipped", "run with --deep"),
        ("pytorch", "benchmark_compiled", "skipped", "run with --deep"),
        ("tensorflow", "savedmodel", "ok", "tf.saved_model save + load"),
        ("tensorflow", "tflite", "ok", "TFLiteConverter"),
        ("pytorch", "export", "skipped", "run with --deep"),
        ("jax", "export", "ok", "StableHLO"),
        ("jax", "jax2tf", "skipped", "run with --deep"),
        ("pytorch", "distributed", "ok", "gloo"),
        ("tensorflow", "distributed", "ok", "MirroredStrategy"),
        ("jax", "distributed", "ok", "jax.sharding"),
    ],
)
def test_capability_checks(
    report: ProbeReport, framework: str, name: str, status: str, detail: str
) -> None:
    result = check(report, framework, name)
    assert (result.status, detail in result.detail) == (status, True), result.detail


def test_onnx_needs_onnxscript(report: ProbeReport) -> None:
    result = check(report, "pytorch", "onnx")
    if importlib.util.find_spec("onnxscript") is None:
        assert (result.status, result.detail) == (
            "unavailable",
            "torch.onnx (the dynamo exporter) needs the onnxscript package, not installed",
        )
    else:
        assert result.status == "ok"


@pytest.mark.parametrize(
    ("framework", "companion", "distributions"),
    [(fw, c.name, c.distributions) for fw, t in TARGETS.items() for c in t.companions],
)
def test_companions_follow_package_metadata(
    report: ProbeReport, framework: str, companion: str, distributions: tuple[str, ...]
) -> None:
    result = check(report, framework, companion)
    version = installed_version(distributions)
    assert result.status == ("ok" if version else "unavailable")
    assert result.data.get("version") == version


@pytest.mark.parametrize("framework", list(TARGETS))
def test_benchmark_reports_a_median_step_time(report: ProbeReport, framework: str) -> None:
    bench = get_fw(report, framework).benchmark
    assert 0 < bench["min_ms"] <= bench["median_ms"] < 1000
    assert bench["steps"] == 30


def test_table_shows_the_benchmarks_side_by_side(report: ProbeReport) -> None:
    row = next(line for line in render_table(report).splitlines() if line.startswith("benchmark "))
    assert row.count("ms/step") == 3


def test_facts_are_flat_and_from_known_vocabularies(report: ProbeReport) -> None:
    facts = report.facts()
    assert {facts[f"{fw}.installed"] for fw in TARGETS} == {"ok"}
    assert {facts[f"{fw}.probe"] for fw in TARGETS} <= set(FRAMEWORK_STATUSES)
    assert set(facts.values()) <= {*CHECK_STATUSES, *FRAMEWORK_STATUSES}
    assert facts["tensorflow.tflite"] == "ok" and facts["jax.jax2tf"] == "skipped"
    assert json.loads(report.to_json())["facts"] == facts


def test_the_parent_never_imports_a_framework(report: ProbeReport) -> None:
    assert not [
        m for m in sys.modules if m.split(".")[0] in ("torch", "tensorflow", "jax", "keras")
    ]


def test_nothing_is_written_to_home(report: ProbeReport, home: Path) -> None:
    assert list(home.rglob("*")) == []


def test_cached_command_is_fast_path_and_agrees(
    report: ProbeReport, cache_dir: Path, home: Path
) -> None:
    """`recommender probe` end to end on the cache this module filled: same facts, no import."""
    # The same import environment as this process (PYTHONPATH is part of the probe's cache key):
    # the package imports from the installed (editable) checkout.
    env = {**os.environ, "RECOMMENDER_CACHE_DIR": str(cache_dir), "HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "recommender", "probe", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["facts"] == report.facts()
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in proc.stderr.splitlines()
        if "|" in line
    }
    assert not imported & set(HEAVY)
    assert all(fw["cached"] for fw in json.loads(proc.stdout)["frameworks"])


def test_deep_jax_converts_through_jax2tf(tmp_path: Path, home: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        deep = run_probe(["jax"], deep=True, cache_dir=tmp_path)
    result = check(deep, "jax", "jax2tf")
    assert result.status == "ok", result.detail
    assert result.data["value"] == pytest.approx(math.sin(1.0), rel=1e-6)
    assert list(home.rglob("*")) == []


@pytest.mark.skipif(
    not os.environ.get("RECOMMENDER_SLOW_TESTS"),
    reason="torch.compile takes ~30 s; set RECOMMENDER_SLOW_TESTS=1",
)
def test_deep_torch_compiles(tmp_path: Path) -> None:
    deep = run_probe(["pytorch"], deep=True, cache_dir=tmp_path)
    assert check(deep, "pytorch", "jit").status == "ok", check(deep, "pytorch", "jit").detail
    assert check(deep, "pytorch", "export").status == "ok", check(deep, "pytorch", "export").detail
    assert check(deep, "pytorch", "benchmark_compiled").data["median_ms"] > 0
