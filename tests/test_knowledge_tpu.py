"""TPUs, as the rules decide them (docs/knowledge.md): PyTorch on a TPU after the 2026-11
re-check, TensorFlow pinned to the TPU software versions of TF 2.18 (Keras 3 code goes to Keras on
JAX, Keras 2 code stays), Hugging Face models on a TPU get Keras on JAX, LLM work on a TPU.

- Training: JAX is TPU-native (``tpu-jax-native``) and PyTorch's TPU stack is in transition
  (``tpu-pytorch-training``: torch-xla 2.9.0 of 2025-11-17 is to be replaced by TorchTPU, whose
  first PyPI release, torch-tpu 0.2.0, came on 2026-10-19). Existing PyTorch code is weighed
  against that: moving it to JAX is a rewrite (``code-pytorch-to-jax``). A PyTorch team with a
  PyTorch codebase still gets JAX, but as a close call whose reasons name the porting cost; with
  Hugging Face models on top it gets PyTorch.
- Serving an LLM: the training rules stay out (``tpu-serving-vllm`` scores it): vLLM JAX (vllm-tpu)
  and vLLM TorchTPU (vllm-torchtpu) both serve on TPU, so the stack names vLLM and a serving route,
  never the training install.
- ``rules freshness``: torch-xla is claimed by the rule whose penalty rests on its last release."""

from __future__ import annotations

import pytest
from conftest import run_cli
from knowledge_support import RULES, fired, points, reasons, rule_points, run, scores, words

import recommender
from recommender.freshness.claims import claims_from

TEAM_AND_CODE = {"team_knows": ["pytorch"], "existing_code": "pytorch", "hardware": "tpu"}
SERVE = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "tpu"}
TRAINING_RULES = {"tpu-jax-native", "tpu-pytorch-training"}


def test_pytorch_code_on_a_tpu_is_a_close_call_that_names_the_porting_cost():
    rec = recommender.recommend(TEAM_AND_CODE, rules=RULES)
    assert (rec.winner, rec.confidence) == ("jax", "close")
    jax = rule_points(rec, "jax")
    assert jax == {"tpu-jax-native": 6, "code-pytorch-to-jax": -2}
    pytorch = rule_points(rec, "pytorch")
    assert pytorch["tpu-pytorch-training"] == -4
    assert pytorch["team-pytorch"] == 4 and pytorch["code-and-team-pytorch"] == 2
    scores = {s.framework: s.score for s in rec.ranking}
    assert scores["jax"] - scores["pytorch"] == 1.5


def test_the_porting_cost_is_in_the_short_explanation():
    proc = run_cli(
        "recommend", "-a", "team_knows=pytorch", "-a", "existing_code=pytorch", "-a", "hardware=tpu"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Recommended: JAX, a close call\n")
    why_jax = proc.stdout.split("Why JAX:\n", 1)[1].split("\n\n", 1)[0]
    assert "    -2  Your code is PyTorch, and moving it to JAX is more than a port" in why_jax
    assert "TorchTPU runs existing code with a device change" in why_jax


def test_pytorch_code_and_hugging_face_models_on_a_tpu_stay_pytorch():
    rec = recommender.recommend({**TEAM_AND_CODE, "model_zoo": ["huggingface"]}, rules=RULES)
    assert (rec.winner, rec.confidence) == ("pytorch", "close")
    assert {"hf-on-tpu-jax-stack", "code-pytorch-to-jax", "tpu-pytorch-training"} <= fired(rec)
    hardware = rec.to_dict()["stack"]["hardware"]
    assert (hardware["answer"], hardware["support"]) == ("tpu", "experimental")
    assert "TorchTPU" in hardware["route"] and "torch-tpu 0.2.0" in hardware["source"]


def test_new_pytorch_training_on_a_tpu_keeps_its_penalty():
    # no code to port: nothing offsets the penalty, and the rewrite rule does not fire
    rec = recommender.recommend({"team_knows": ["pytorch"], "hardware": "tpu"}, rules=RULES)
    assert rec.winner == "jax" and "code-pytorch-to-jax" not in fired(rec)
    assert rule_points(rec, "pytorch")["tpu-pytorch-training"] == -4


@pytest.mark.parametrize(
    "extra", [{}, {"model_zoo": ["huggingface"]}, {"deployment": ["server"]}], ids=repr
)
def test_serving_an_llm_on_a_tpu_is_not_scored_as_training(extra):
    rec = recommender.recommend({**SERVE, **extra}, rules=RULES)
    assert rec.winner == "pytorch"
    assert not TRAINING_RULES & fired(rec)
    assert rule_points(rec, "jax")["tpu-serving-vllm"] == 4
    assert rule_points(rec, "pytorch")["tpu-serving-vllm"] == 2
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "vllm"
    route = stack["hardware"]["route"]
    assert route.startswith("serving, no training: vLLM on TPU") and "vllm-tpu" in route
    assert "jax[tpu]" not in route and "TorchTPU (pip install torch_tpu" not in route


def test_serving_alone_is_level_on_the_real_reasons():
    # both frameworks serve through vLLM; Transformers' PyTorch-only model code levels JAX's more
    # established backend, and the lean names PyTorch: the output must say it is that close
    rec = recommender.recommend(SERVE, rules=RULES)
    assert (rec.winner, rec.confidence, rec.by_lean) == ("pytorch", "close", True)


def test_a_jax_team_serving_on_a_tpu_gets_vllm_jax():
    answers = {**SERVE, "team_knows": ["jax"], "deployment": ["server"]}
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "jax" and not TRAINING_RULES & fired(rec)
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "vllm-jax"
    assert stack["companion"]["package"] == "vllm-tpu"
    (server,) = stack["deploy"]
    assert (server["target"], server["runtime"], server["support"]) == (
        "server",
        "vLLM JAX (vllm-tpu)",
        "supported",
    )
    assert stack["hardware"]["route"].startswith("serving, no training: vLLM JAX")


def test_the_cli_stack_line_for_tpu_serving_names_vllm():
    proc = run_cli(
        "recommend", "-a", "domain=nlp_llm", "-a", "llm_stage=serve", "-a", "hardware=tpu"
    )
    assert proc.returncode == 0, proc.stderr
    assert "  Stack: PyTorch + vLLM; tpu: supported\n" in proc.stdout
    assert "Flax NNX" not in proc.stdout.split("Why PyTorch:")[0]


def test_torch_xla_is_claimed_by_the_rule_that_rests_on_it():
    claims = claims_from(RULES)
    by_rule: dict[str, set[str]] = {}
    for c in claims:
        by_rule.setdefault(c.subject, set()).add(c.package)
    assert {"torch-xla", "torch-tpu"} <= by_rule['rule "tpu-pytorch-training"']
    assert "torch-xla" not in by_rule['rule "tpu-serving-vllm"']
    assert {"vllm-tpu", "vllm-torchtpu"} <= by_rule['rule "tpu-serving-vllm"']


HF_ON_TPU = {"model_zoo": ["huggingface"], "hardware": "tpu"}


def shipped_case(name: str) -> recommender.rulebase.model.Case:
    return next(c for c in RULES.cases if c.name == name)


@pytest.mark.parametrize(
    "answers",
    [
        HF_ON_TPU,
        {**HF_ON_TPU, "audience": "researcher"},
        shipped_case("researcher-hf-on-tpu").answers,
    ],
)
def test_hugging_face_on_a_tpu_gets_keras_on_jax(answers):
    rec = recommender.recommend(answers, rules=RULES)
    assert rec.winner == "jax" and "hf-on-tpu-jax-stack" in fired(rec)
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "keras-jax"
    assert (stack["hardware"]["answer"], stack["hardware"]["support"]) == ("tpu", "supported")


def test_the_hub_with_an_llm_stage_still_gets_the_jax_llm_tools():
    # Tunix and MaxText are what the rule names for fine-tuning and pretraining: they stay first
    for stage, companion in (("fine_tune", "tunix"), ("pretrain", "maxtext")):
        answers = {**HF_ON_TPU, "domain": "nlp_llm", "llm_stage": stage}
        rec = recommender.recommend(answers, rules=RULES)
        assert rec.winner == "jax" and "hf-on-tpu-jax-stack" in fired(rec)
        assert rec.to_dict()["stack"]["companion"]["id"] == companion, stage


def test_the_cli_stack_line_names_keras_on_jax():
    proc = run_cli("recommend", "-a", "model_zoo=huggingface", "-a", "hardware=tpu")
    assert proc.returncode == 0, proc.stderr
    assert "  Stack: JAX + Keras 3 (JAX backend); tpu: supported\n" in proc.stdout
    assert "Flax NNX" not in proc.stdout.split("Why JAX:")[0]


PRODUCTION = {"audience": "production", "deployment": ["server"]}


TPU_SERVE = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "tpu"}


# production-jax was removed in the knowledge QA of 2026-12-01 (its runtime fact is charged per
# deployment target, so it counted twice wherever a target was named)
PRODUCTION_RULES = {"production-tf", "production-pytorch"}


def test_a_jax_team_serving_an_llm_on_a_tpu_in_production_gets_vllm_jax():
    rec = recommender.recommend({**TPU_SERVE, **PRODUCTION, "team_knows": ["jax"]}, rules=RULES)
    assert rec.winner == "jax"
    assert not PRODUCTION_RULES & fired(rec)
    stack = rec.to_dict()["stack"]
    assert stack["companion"]["id"] == "vllm-jax"
    (server,) = stack["deploy"]
    assert (server["target"], server["runtime"]) == ("server", "vLLM JAX (vllm-tpu)")


def test_a_beginner_fine_tuning_an_llm_on_a_tpu_gets_keras_lora_not_tunix():
    answers = {
        "audience": "beginner",
        "hardware": "tpu",
        "domain": "nlp_llm",
        "llm_stage": "fine_tune",
    }
    d = run(answers)
    assert (d["winner"], d["companion"]["id"]) == ("jax", "keras-jax")
    assert "enable_lora" in words(d["companion"]["note"])
    # a researcher doing the same keeps Tunix
    d = run({**answers, "audience": "researcher"})
    assert d["companion"]["id"] == "tunix"


def test_tensorflow_on_a_tpu_is_limited_to_the_tf_2_18_software_versions():
    # Keras 2 code (tf_keras runs on TensorFlow only): since the knowledge QA of 2026-12-01 a
    # TensorFlow team with Keras 3 code no longer wins on a TPU (tpu-tf-frozen; see the Keras 3
    # test below), so the route is read where TensorFlow rightly wins
    answers = {
        "existing_code": "keras2",
        "team_knows": ["tensorflow"],
        "hardware": "tpu",
        "deployment": ["server"],
    }
    d = run(answers)
    assert d["winner"] == "tensorflow"
    route = d["stack"]["hardware"]
    assert (route["answer"], route["support"], route["as_of"]) == ("tpu", "limited", "2026-11")
    assert "up to TF 2.18.0" in words(route["route"])
    assert "KERAS_BACKEND=jax" in route["note"]


def test_a_tensorflow_team_with_keras3_code_on_a_tpu_gets_keras_on_the_jax_backend():
    d = run({"team_knows": ["tensorflow"], "existing_code": "keras3", "hardware": "tpu"})
    assert (d["winner"], d["tie"], d["companion"]["id"]) == ("jax", [], "keras-jax")
    assert scores(d) == {"jax": 6, "tensorflow": 4, "pytorch": -4}
    assert points(d)["tensorflow"]["tpu-tf-frozen"] == -1
    why = reasons(d, "tensorflow")["tpu-tf-frozen"]
    assert "only up to TF 2.18.0" in why and "TPU7x" in why


def test_keras2_code_on_a_tpu_still_stays_on_tensorflow():
    # tf_keras (Keras 2) runs on TensorFlow only: the pinned TPU release does not outweigh a port
    d = run({"team_knows": ["tensorflow"], "existing_code": "keras2", "hardware": "tpu"})
    assert (d["winner"], d["companion"]["id"]) == ("tensorflow", "keras")
    assert d["stack"]["hardware"]["support"] == "limited"
