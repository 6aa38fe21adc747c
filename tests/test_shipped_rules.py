"""The shipped knowledge base is a product: it loads clean, every claim is cited and dated, every
claim of the 2021 seed article is on record, and every example case in rules/tests passes."""

from __future__ import annotations

import pytest
from conftest import SHIPPED, run_cli

from recommender.rulebase.load import load_rules, rule_files
from recommender.scoring.cases import run_case, uncovered_rules
from recommender.scoring.result import Scorer

RULES = load_rules(base=SHIPPED)
SCORER = Scorer(RULES)

# Each claim of the seed article (shared/seed/tensorflow-pytorch-jax-compared.txt) and its fact.
SEED_CLAIMS = {
    "Keras is TensorFlow's high-level API": ("tensorflow", "tf-keras-user-friendly"),
    "TensorFlow 2.0 has eager execution": ("tensorflow", "tf-eager-execution"),
    "Keras abstraction limits researchers": ("tensorflow", "tf-keras-limits-researchers"),
    "TensorBoard": ("tensorflow", "tf-tensorboard"),
    "TF Lite for mobile and edge": ("tensorflow", "tf-lite-mobile-edge"),
    "TensorFlow is the most popular": ("tensorflow", "tf-most-popular"),
    "PyTorch uses dynamic graphs": ("pytorch", "pytorch-dynamic-graphs"),
    "low-level API with forward/backward hooks": ("pytorch", "pytorch-low-level-hooks"),
    "custom autograd and layers": ("pytorch", "pytorch-custom-autograd"),
    "data parallelism and GPU": ("pytorch", "pytorch-data-parallel-gpu"),
    "pythonic debugging": ("pytorch", "pytorch-pythonic-debugger"),
    "PyTorch is slowly catching up": ("pytorch", "pytorch-catching-up"),
    "composable grad/vmap/jit": ("jax", "jax-composable-transforms"),
    "functional gradients": ("jax", "jax-functional-grad"),
    "the JAX libraries Objax, Flax, Elegy": ("jax", "jax-libraries-objax-flax-elegy"),
    "Flax comes from the PyTorch ecosystem": ("jax", "jax-flax-pytorch-ecosystem"),
    "JAX is not for beginners": ("jax", "jax-infancy-not-beginners"),
    "comparison table: development stage": ("jax", "jax-table-stage"),
}


@pytest.mark.parametrize("claim", SEED_CLAIMS)
def test_every_seed_claim_is_on_record(claim):
    framework, fact_id = SEED_CLAIMS[claim]
    fact = next((f for f in RULES.framework(framework).facts if f.id == fact_id), None)
    assert fact is not None, f"{claim}: no fact {fact_id}"
    assert "seed" in fact.source.lower() or "2021" in fact.source


@pytest.mark.parametrize(
    ("claim", "status"),
    [
        ("jax-flax-pytorch-ecosystem", "wrong"),
        ("jax-infancy-not-beginners", "stale"),
        ("tf-lite-mobile-edge", "stale"),
        ("jax-libraries-objax-flax-elegy", "stale"),
    ],
)
def test_known_stale_and_wrong_claims_say_so(claim, status):
    fact = next(f for fw in RULES.frameworks for f in fw.facts if f.id == claim)
    assert fact.status == status and fact.correction


def test_comparison_table_rows_are_complete():
    for fw in RULES.frameworks:
        assert set(fw.table) == {
            "developed_by",
            "target_audience",
            "api_level",
            "development_stage",
        }, fw.id
        assert all(cell.get("seed") and cell.get("now") for cell in fw.table.values())


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_every_rule_is_cited_and_dated(rule):
    assert rule.source.strip() and rule.because.strip()
    assert rule.as_of, f"{rule.origin}: rule {rule.id} has no as_of date"


def test_core_vocabulary_is_present():
    expected = {
        "audience": {"beginner", "researcher", "production"},
        "deployment": {"server", "mobile", "edge", "browser", "none"},
        "api_level": {"high", "low", "both"},
        "hardware": {"cpu", "nvidia_gpu", "tpu", "apple_silicon", "amd_gpu"},
        "parallelism": {"single_device", "multi_gpu", "multi_node"},
        "programming_style": {"object_oriented", "functional"},
        "custom_gradients": {"yes", "no"},
        "debugging": {"yes", "no"},
        "visualization": {"yes", "no"},
    }
    for qid, options in expected.items():
        assert options <= set(RULES.question(qid).option_ids), qid
    assert RULES.question("deployment").kind == "multi"
    assert RULES.framework_ids == ("tensorflow", "pytorch", "jax")


def test_inactive_companions_are_dated_and_never_picked():
    statuses = {c.id: (c.status, c.status_as_of) for fw in RULES.frameworks for c in fw.companions}
    assert statuses["objax"][0] == "inactive" and statuses["elegy"][0] == "inactive"
    assert statuses["haiku"][0] == "maintenance"


@pytest.mark.parametrize("case", RULES.cases, ids=lambda c: c.name)
def test_example_case(case):
    result = run_case(case, RULES, SCORER)
    assert result.passed, f"{case.origin}: {result.problem}"


def test_cases_are_many_and_cover_every_rule():
    assert len(RULES.cases) >= 30
    from recommender.scoring.cases import run_cases

    assert uncovered_rules(RULES, run_cases(RULES)) == []


@pytest.mark.parametrize("path", rule_files(SHIPPED), ids=lambda p: p.name)
def test_each_rule_file_starts_with_a_comment_saying_what_it_covers(path):
    assert path.read_text().startswith("#")


def test_rules_test_command_passes():
    proc = run_cli("rules", "test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith(f"{len(RULES.cases)} passed, 0 failed")
