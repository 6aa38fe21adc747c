"""The shipped knowledge on a team's existing code: what a JAX codebase, Keras 2 or 3 code,
Estimator code or low-level TensorFlow costs on each framework, and where it decides the winner
(docs/knowledge.md)."""

from __future__ import annotations

import json

from conftest import cli
from knowledge_support import KERAS3_CLUSTER, RULES, points, reasons, rule_points, run, scores

import recommender
from recommender import schemas


def test_a_jax_codebase_is_charged_the_rewrite_on_both_other_frameworks():
    rec = recommender.recommend({"existing_code": "jax"}, rules=RULES)
    assert rule_points(rec, "pytorch")["code-jax-port"] == -2
    assert rule_points(rec, "tensorflow")["code-jax-port"] == -2
    assert "code-jax-port" not in rule_points(rec, "jax")


def test_an_estimator_codebase_is_told_estimators_are_gone_since_tf_2_16():
    # since knowledge QA 28 Estimator code is its own answer
    # (test_the_existing_code_question_offers_estimator_code)
    d = run({"existing_code": "tensorflow", "team_knows": ["pytorch"]})
    why = reasons(d, "tensorflow")["code-tensorflow"]
    assert "Estimators were removed in TF 2.16" in why


def test_the_existing_code_question_offers_estimator_code():
    question = next(q for q in RULES.questions if q.id == "existing_code")
    option = next(o for o in question.options if o.id == "tf_estimator")
    assert option.label == "TF1-era tf.estimator code (Estimators were removed in TensorFlow 2.16)"
    schema = schemas.load("profile")["properties"]["answers"]["properties"]["existing_code"]
    consts = [o["const"] for o in schema["anyOf"][0]["oneOf"]]
    assert "tf_estimator" in consts


def test_estimator_code_earns_one_point_not_the_switching_cost_of_code_that_runs():
    d = run({"existing_code": "tf_estimator"})
    assert points(d)["tensorflow"] == {"code-tf-estimator": 1}
    assert "code-tensorflow-port" not in points(d)["pytorch"]
    why = reasons(d, "tensorflow")["code-tf-estimator"]
    assert "Estimator code runs on no TensorFlow after 2.15" in why
    assert "TensorFlow's own guide ports it to Keras" in why
    # with TensorFlow skills the skills count, the code-and-team bonus does not
    d = run({"existing_code": "tf_estimator", "team_knows": ["tensorflow"]})
    assert points(d)["tensorflow"] == {"team-tensorflow": 4, "code-tf-estimator": 1}


def test_a_research_lab_with_estimator_code_on_nvidia_gets_pytorch():
    code, out, err = cli(
        "recommend", "--format", "json", "-a", "existing_code=tf_estimator",
        "-a", "audience=researcher", "-a", "hardware=nvidia_gpu", "-a", "os=linux",
    )  # fmt: skip
    assert (code, err) == (0, "")
    d = json.loads(out)
    assert d["winner"] == "pytorch"
    assert scores(d) == {"pytorch": 4.5, "jax": 1, "tensorflow": 0}


def test_low_level_tensorflow_code_keeps_its_switching_cost():
    # guard: code that TF 2.21 still runs is unchanged
    d = run({"existing_code": "tensorflow"})
    assert points(d)["tensorflow"] == {"code-tensorflow": 4}
    assert points(d)["pytorch"]["code-tensorflow-port"] == -2
    why = reasons(d, "tensorflow")["code-tensorflow"]
    assert "tf.estimator code is its own answer" in why


def test_lint_stays_exhaustive_with_the_new_option_and_rules():
    code, out, err = cli("rules", "lint", "--format", "json")
    assert (code, err) == (0, "")
    summary = json.loads(out)["summary"]
    assert any(line.startswith("exhaustive (exact): all ") for line in summary)
    assert "18 questions read by conditions" in summary[0]


# -- multi-node training: Keras 3 does not train multi-worker on TensorFlow ----------------------


def test_keras3_code_on_a_gpu_cluster_goes_to_keras_on_the_jax_backend():
    """It was TensorFlow + Keras 3, 7 vs 4, though Keras 3's fit() does not run under
    MultiWorkerMirroredStrategy (keras-team/keras#20585) and its TF distribution code is a
    prototype; keras.distribution trains it across hosts on the JAX backend."""
    d = run(KERAS3_CLUSTER)
    assert d["winner"] == "jax"
    assert scores(d) == {"jax": 5.0, "tensorflow": 4.0, "pytorch": 4.0}
    assert d["companion"]["name"] == "Keras 3 (JAX backend)"
    p = points(d)
    assert p["jax"]["multi-node-keras3"] == 3
    assert p["tensorflow"]["multi-node-keras3"] == -2
    assert "multi-node" not in p["tensorflow"]
    assert "keras.distribution" in reasons(d, "jax")["multi-node-keras3"]


def test_keras2_code_on_a_gpu_cluster_stays_on_tensorflow():
    """A guard: tf_keras still trains under MultiWorkerMirroredStrategy (kubeflow/trainer#2319),
    and Keras 2 code runs on TensorFlow only."""
    d = run({**KERAS3_CLUSTER, "existing_code": "keras2"})
    assert d["winner"] == "tensorflow"
    assert "multi-node-keras3" not in points(d)["jax"]


# -- Keras 3 code: tf.data pipelines do not need porting to switch backends ----------------------
def test_keras3_code_reason_does_not_say_tf_data_needs_porting():
    """`code-keras3` said 'tf.data pipelines or GradientTape train steps need porting before a
    backend switch'; Keras's README: 'you can train your models with your existing
    tf.data.Dataset pipelines' on any backend. Custom TF components are what needs porting."""
    d = run({"existing_code": "keras3"})
    why = reasons(d, "tensorflow")["code-keras3"]
    assert "tf.data pipelines or GradientTape train steps need porting" not in why
    assert "a GradientTape train_step, tf ops inside layers) need porting before a backend" in why
    assert "Its tf.data input pipelines do not: Keras trains from them on every backend." in why
    assert points(d)["tensorflow"]["code-keras3"] == 1


def test_estimator_reason_does_not_claim_tf_data_carries_over_only_on_tensorflow():
    """`code-tf-estimator` kept its TensorFlow point for 'the input side (tf.data pipelines,
    TFRecord files)', which Keras 3 feeds on every backend; the point stays, for the guide's port
    and the SavedModel export to TF Serving."""
    d = run({"existing_code": "tf_estimator"})
    why = reasons(d, "tensorflow")["code-tf-estimator"]
    assert "what carries over on TensorFlow is the input side" not in why
    assert "Keras 3 code then runs on any backend, tf.data input pipelines included" in why
    assert points(d)["tensorflow"] == {"code-tf-estimator": 1}
