"""Knowledge QA 28b (2026-12-01): facts that went stale or were never right, in areas the first
knowledge pass of the day did not cover (docs/knowledge.md, "Knowledge QA 28b"). Each check reads
the shipped rules through the JSON record, as `recommend --format json` prints it."""

from __future__ import annotations

from knowledge_support import RULES, points, reasons, run, scores

# -- multi-node training: Keras 3 does not train multi-worker on TensorFlow ----------------------
KERAS3_CLUSTER = {
    "audience": "production",
    "team_knows": ["tensorflow"],
    "existing_code": "keras3",
    "hardware": "nvidia_gpu",
    "os": "linux",
    "parallelism": "multi_node",
}


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


def test_the_multi_node_reason_no_longer_credits_tensorflow_for_clusters():
    """`multi-node` gave TensorFlow +1 for 'tf.distribute has multi-worker strategies too'."""
    rule = next(r for r in RULES.rules if r.id == "multi-node")
    assert dict(rule.score) == {"jax": 2, "pytorch": 2}
    text = " ".join(rule.because.split())
    assert "Keras 3 (TF's Keras since 2.16) does not train under MultiWorkerMirroredStrategy" in (
        text
    )
    assert "on TensorFlow a cluster means Keras 2 (tf_keras) or a hand-written training loop" in (
        text
    )
    assert "keras-team/keras#20585" in rule.source


def test_keras2_code_on_a_gpu_cluster_stays_on_tensorflow():
    """A guard: tf_keras still trains under MultiWorkerMirroredStrategy (kubeflow/trainer#2319),
    and Keras 2 code runs on TensorFlow only."""
    d = run({**KERAS3_CLUSTER, "existing_code": "keras2"})
    assert d["winner"] == "tensorflow"
    assert "multi-node-keras3" not in points(d)["jax"]


def test_the_keras3_companion_warns_a_tensorflow_cluster():
    """A TF team with no code on a cluster still gets TensorFlow + Keras 3 (its skills, +4); the
    companion now says where Keras 3 trains multi-host."""
    d = run({k: v for k, v in KERAS3_CLUSTER.items() if k not in ("existing_code", "audience")})
    assert d["winner"] == "tensorflow"
    assert d["companion"]["name"] == "Keras 3"
    note = " ".join(d["companion"]["note"].split())
    assert "does not run under TensorFlow's MultiWorkerMirroredStrategy" in note
    assert "Keras 3 trains multi-host on the JAX backend (keras.distribution)" in note


# -- JAX-native model zoos: Scenic was "not re-checked for recent activity" -----------------------
def test_scenic_is_cited_as_checked_not_as_unchecked():
    """Knowledge QA 28 left Scenic 'not re-checked'; google-research/scenic committed every month
    of 2026 up to its snapshot's last commit (2026-07-02), so the JAX-native answer stands."""
    rule = next(r for r in RULES.rules if r.id == "jax-native-models")
    source = " ".join(rule.source.split())
    assert "not re-checked" not in source
    assert "google-research/scenic README ('developed in JAX and uses Flax')" in source
    assert "2026-07-02" in source


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


# -- JAX LLM companions: Tunix and MaxText name TPUs and GPUs only -------------------------------
JAX_LLM_TEAM = {
    "audience": "researcher",
    "model_zoo": ["jax_native"],
    "domain": "nlp_llm",
    "team_knows": ["jax"],
}


def test_jax_llm_work_on_trainium_gets_no_tpu_gpu_library():
    """A JAX team with JAX-native LLM code on Trainium wins for JAX (its code, +5; its skills,
    +4) and was handed MaxText or Tunix, neither of which names a Neuron target (MaxText: 'TPUs
    and GPUs'; Tunix: TPUs and NVIDIA GPUs). It now gets Flax NNX on JAX NeuronX."""
    for stage in ("pretrain", "fine_tune"):
        d = run({**JAX_LLM_TEAM, "hardware": "aws_trainium", "llm_stage": stage})
        assert d["winner"] == "jax"
        assert d["companion"]["name"] == "Flax NNX"


def test_maxtext_and_tunix_stay_where_they_run():
    """A guard: TPUs and NVIDIA GPUs keep both; AMD keeps MaxText (its docs name MI300 FP8) and
    Tunix, whose note now says it is untested upstream there."""
    for hardware in ("tpu", "nvidia_gpu", "amd_gpu"):
        pre = run({**JAX_LLM_TEAM, "hardware": hardware, "llm_stage": "pretrain"})
        assert pre["companion"]["name"] == "MaxText"
        tune = run({**JAX_LLM_TEAM, "hardware": hardware, "llm_stage": "fine_tune"})
        assert tune["companion"]["name"] == "Tunix"
    note = " ".join(tune["companion"]["note"].split())
    assert "on AMD GPUs (JAX's ROCm plugin) it is untested upstream" in note


def test_jax_llm_work_on_an_intel_gpu_is_not_sent_to_maxtext_or_tunix():
    for stage in ("pretrain", "fine_tune"):
        d = run({**JAX_LLM_TEAM, "hardware": "intel_gpu", "os": "linux", "llm_stage": stage})
        assert d["winner"] == "jax"
        assert d["companion"]["name"] not in ("MaxText", "Tunix")


def test_torchtitan_is_offered_where_it_installs():
    """TorchTitan installs for CUDA or ROCm (its README) and defaults to the cuda device; it was
    offered for pretraining on a Mac, an Intel GPU and a CPU too. Trainium keeps it, for AWS's
    TorchTitan Neuron fork, which its note names."""
    llm = {"domain": "nlp_llm", "llm_stage": "pretrain"}
    for hardware in ("apple_silicon", "intel_gpu", "cpu"):
        d = run({**llm, "hardware": hardware})
        assert d["winner"] == "pytorch"
        assert d["companion"]["name"] == "Hugging Face Trainer (transformers)"
    for hardware in ("nvidia_gpu", "amd_gpu", "aws_trainium"):
        assert run({**llm, "hardware": hardware})["companion"]["name"] == "TorchTitan"
