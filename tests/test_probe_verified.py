"""Only a check that ran and said ``ok`` verifies a stated need: a skipped or missing check is "not
checked", with why and what to do, in the brief screen, ``--full`` and the HTML alike.

The unit tests feed probe facts as data; the end-to-end tests run the real probe on the real
frameworks, and on a JAX that does not import (a fake package first on ``PYTHONPATH``)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SHIPPED, run_cli

import recommender
from recommender.render.brief import render_brief
from recommender.render.evidence import render_evidence
from recommender.render.html.evidence import evidence as html_evidence
from recommender.render.html.labels import Names
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.evidence import FAILED, framework_state, gather, probe_machine, verdict

RULES = recommender.load_rules(base=SHIPPED)
FRAMEWORKS = ("tensorflow", "pytorch", "jax")
ALL_OK = {f"{fw}.{x}": "ok" for fw in FRAMEWORKS for x in ("probe", "installed", "import")}
MOBILE = {"deployment": "mobile", "audience": "beginner"}
FUNCTIONAL = {"programming_style": "functional", "vectorization": "yes", "custom_gradients": "yes"}
MOBILE_FACTS = {**ALL_OK, "pytorch.export": "skipped", "tensorflow.tflite": "ok"}
# what the probe reports for a JAX whose import raises: installed, probe failed, the rest skipped
BROKEN_JAX = {
    **ALL_OK,
    "jax.probe": "failed",
    "jax.import": "failed",
    "jax.custom_gradient": "skipped",
    "jax.vmap": "skipped",
    "pytorch.custom_gradient": "ok",
    "pytorch.vmap": "ok",
    "tensorflow.custom_gradient": "ok",
    "tensorflow.vmap": "ok",
}
IMPORT_ERROR = {"jax": "import failed: ImportError: libfake.so: cannot open shared object file"}
BROKEN_NOTE = (
    "JAX is installed but did not import here: ImportError: libfake.so: cannot open shared object "
    "file. Fix the install, then probe again."
)


def evidence_for(answers, facts, details=None):
    result = recommender.recommend(answers, rules=RULES, facts=facts)
    normal = normalize_answers(answers, RULES)
    return result, gather(RULES, normal, result, facts, {}, details)


def machine_lines(text: str) -> list[str]:
    """The brief screen's evidence block: "This machine: ..." and the lines indented under it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("This machine: "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), None)
    return lines[start:end]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("ok", "verified"),
        ("skipped", "unverified"),
        ("not probed", "unverified"),
        *((status, "failed") for status in FAILED),
    ],
)
def test_only_ok_verifies_a_need(status, expected):
    assert verdict(status) == expected


def test_a_skipped_deep_check_is_not_verified():
    result, ev = evidence_for(MOBILE, MOBILE_FACTS)
    assert result.winner == "pytorch"
    [check] = ev.checked("pytorch")
    assert (check.fact, check.verdict) == ("pytorch.export", "unverified")
    assert ev.verified("pytorch") == () and ev.problems("pytorch") == ()
    assert ev.unverified("pytorch") == (check,) and ev.blocker(check) == "deep"
    assert machine_lines(render_brief(result, RULES, ev)) == [
        "This machine: 0 of 1 stated needs verified.",
        "  – Not checked: mobile or edge export (pytorch.export): a slow check; run "
        "`recommender probe --deep`.",
    ]


def test_a_framework_that_does_not_import_names_the_error_and_the_fix():
    result, ev = evidence_for(FUNCTIONAL, BROKEN_JAX, IMPORT_ERROR)
    assert result.winner == "jax"
    assert ev.state("jax") == "broken" and ev.state("pytorch") == "ok"
    assert {ev.blocker(c) for c in ev.unverified("jax")} == {"broken"}
    assert machine_lines(render_brief(result, RULES, ev)) == [
        "This machine: 0 of 2 stated needs verified.",
        f"  ! {BROKEN_NOTE}",
        "  – Not checked: custom gradient rules (jax.custom_gradient); vectorization (vmap) "
        "(jax.vmap): JAX did not import.",
    ]
    full = render_evidence(ev, RULES, result.winner)
    assert f"  ! {BROKEN_NOTE}\n" in full
    # JAX is installed: neither "install it" nor a --deep probe would help
    assert "install it" not in full and "--deep" not in full


def test_without_the_probe_detail_the_state_still_says_what_to_do():
    result, ev = evidence_for(FUNCTIONAL, BROKEN_JAX)
    assert machine_lines(render_brief(result, RULES, ev))[1] == (
        "  ! JAX is installed but did not import here. Fix the install, then probe again."
    )


def test_an_absent_framework_is_the_one_to_install():
    facts = {**ALL_OK, "pytorch.installed": "absent", "pytorch.probe": "absent"}
    del facts["pytorch.import"]
    result, ev = evidence_for({"custom_gradients": "yes"}, facts)
    assert result.winner == "pytorch" and framework_state(facts, "pytorch") == "absent"
    assert machine_lines(render_brief(result, RULES, ev)) == [
        "This machine: 0 of 1 stated needs verified.",
        "  ! PyTorch is not installed here. Install it to check your needs.",
        "  – Not checked: custom gradient rules (pytorch.custom_gradient): PyTorch is not "
        "installed here.",
    ]


def test_failed_verified_and_unchecked_needs_are_counted_apart():
    facts = {**ALL_OK, "pytorch.gpu": "unavailable", "pytorch.custom_gradient": "ok"}
    answers = {"audience": "researcher", "hardware": "nvidia_gpu", "custom_gradients": "yes"}
    answers["deployment"] = "mobile"
    result, ev = evidence_for(answers, {**facts, "pytorch.export": "skipped"})
    assert result.winner == "pytorch"
    lines = machine_lines(render_brief(result, RULES, ev))
    assert lines[0] == "This machine: 1 of 3 stated needs verified, 1 failed."
    assert lines[1].startswith("  ! You need ") and lines[1].endswith("pytorch.gpu is unavailable.")


def test_the_html_marks_only_ok_as_verified():
    _, ev = evidence_for(MOBILE, MOBILE_FACTS)
    page = str(html_evidence({"evidence": ev.to_dict()}, Names()))
    assert 'class="ok" data-status="ok"' in page
    assert 'data-status="skipped">\u2013 skipped' in page
    assert 'class="ok" data-status="skipped"' not in page


# --- the real probe --------------------------------------------------------------------------


def test_recommend_probe_does_not_count_a_skipped_check(tmp_path):
    proc = run_cli("recommend", "--probe", "-q", *answer_args(MOBILE))
    assert proc.returncode == 0, proc.stderr
    assert machine_lines(proc.stdout) == [
        "This machine: 0 of 1 stated needs verified.",
        "  – Not checked: mobile or edge export (pytorch.export): a slow check; run "
        "`recommender probe --deep`.",
    ]


@pytest.fixture(scope="module")
def broken_jax(tmp_path_factory):
    """A directory with a ``jax`` package that raises on import, to go first on PYTHONPATH: the
    real JAX's metadata stays, so JAX reads as installed."""
    root = tmp_path_factory.mktemp("fake")
    (root / "jax").mkdir()
    (root / "jax" / "__init__.py").write_text('raise ImportError("libfake.so: no such file")\n')
    return root


def test_recommend_probe_on_a_jax_that_does_not_import(broken_jax):
    env = {"PYTHONPATH": f"{broken_jax}:{ROOT}"}
    brief = run_cli("recommend", "--probe", "-q", *answer_args(FUNCTIONAL), env=env)
    assert brief.returncode == 0, brief.stderr
    lines = machine_lines(brief.stdout)
    assert lines[0] == "This machine: 0 of 2 stated needs verified."
    assert lines[1].startswith("  ! JAX is installed but did not import here")
    assert lines[1].endswith(". Fix the install, then probe again.")
    full = run_cli("recommend", "--probe", "-q", "--full", *answer_args(FUNCTIONAL), env=env)
    section = full.stdout.split("Evidence from this machine", 1)[1]
    assert "install it" not in section and "--deep" not in section
    record = run_cli("recommend", "--probe", "-q", "-f", "json", *answer_args(FUNCTIONAL), env=env)
    evidence = json.loads(record.stdout)["evidence"]
    assert {r["status"] for r in evidence["needs"] if r["framework"] == "jax"} == {"skipped"}
    assert evidence["probe"]["jax"] == "failed"


def test_the_probe_detail_names_the_import_error(broken_jax, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", f"{broken_jax}:{ROOT}")
    facts, installed, details = probe_machine(RULES)
    result = recommender.recommend(FUNCTIONAL, rules=RULES, facts=facts)
    normal = normalize_answers(FUNCTIONAL, RULES)
    ev = gather(RULES, normal, result, facts, installed, details)
    assert machine_lines(render_brief(result, RULES, ev))[1] == (
        "  ! JAX is installed but did not import here: ImportError: libfake.so: no such file. "
        "Fix the install, then probe again."
    )


def answer_args(answers: dict[str, str]) -> list[str]:
    return [arg for key, value in answers.items() for arg in ("-a", f"{key}={value}")]
