"""PyTorch on a TPU, as the rules decide it after the 2026-11 re-check (docs/knowledge.md).

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
from conftest import SHIPPED, run_cli

import recommender
from recommender.freshness.claims import claims_from

RULES = recommender.load_rules(base=SHIPPED)
TEAM_AND_CODE = {"team_knows": ["pytorch"], "existing_code": "pytorch", "hardware": "tpu"}
SERVE = {"domain": "nlp_llm", "llm_stage": "serve", "hardware": "tpu"}
TRAINING_RULES = {"tpu-jax-native", "tpu-pytorch-training"}


def points(rec, framework: str) -> dict[str, float]:
    entry = next(s for s in rec.ranking if s.framework == framework)
    return {r.rule: r.points for r in entry.reasons}


def fired(rec) -> set[str]:
    return {r.rule for s in rec.ranking for r in s.reasons}


def test_pytorch_code_on_a_tpu_is_a_close_call_that_names_the_porting_cost():
    rec = recommender.recommend(TEAM_AND_CODE, rules=RULES)
    assert (rec.winner, rec.confidence) == ("jax", "close")
    jax = points(rec, "jax")
    assert jax == {"tpu-jax-native": 6, "code-pytorch-to-jax": -2}
    pytorch = points(rec, "pytorch")
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
    assert points(rec, "pytorch")["tpu-pytorch-training"] == -4


@pytest.mark.parametrize(
    "extra", [{}, {"model_zoo": ["huggingface"]}, {"deployment": ["server"]}], ids=repr
)
def test_serving_an_llm_on_a_tpu_is_not_scored_as_training(extra):
    rec = recommender.recommend({**SERVE, **extra}, rules=RULES)
    assert rec.winner == "pytorch"
    assert not TRAINING_RULES & fired(rec)
    assert points(rec, "jax")["tpu-serving-vllm"] == 4
    assert points(rec, "pytorch")["tpu-serving-vllm"] == 2
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
