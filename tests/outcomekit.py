"""Profiles whose outcome is each kind a record can state, for the tests of the JSON contract and
the batch formats: an exact tie, a no-fit (through an overlay: the shipped rules never exclude
every framework) and no recommendation."""

from __future__ import annotations

from pathlib import Path

from conftest import SHIPPED

import recommender

OVERLAY = """\
# A test overlay: every framework excluded on native Windows with an AMD GPU (a no-fit outcome,
# which the shipped rules never give: nothing there excludes PyTorch).
rules:
  - id: qa-no-fit
    when: {os: windows, hardware: amd_gpu}
    dealbreaker: [tensorflow, pytorch, jax]
    because: test
    source: test
    as_of: "2026-11"
"""


# an exact tie the lean does not break: the honest TensorFlow/PyTorch tie pinned by
# tests/test_knowledge_deployment.py (the profile found by a seeded search stopped being a tie
# when the knowledge QA of 2026-12-01 pinned TensorFlow on TPUs to 2.18, rule tpu-tf-frozen)
TIE = {
    "audience": ["researcher"],
    "team_knows": ["tensorflow"],
    "existing_code": ["none"],
    "deployment": ["mobile"],
}


NO_FIT = {"os": ["windows"], "hardware": ["amd_gpu"]}


NONE = {"os": ["windows"], "custom_gradients": ["no"]}  # the lean alone: no recommendation


def no_fit_rules() -> recommender.RuleBase:
    """The shipped rules with the no-fit overlay, written in the working directory."""
    overlay = Path("qa-overlay")
    overlay.mkdir(exist_ok=True)
    (overlay / "nofit.yaml").write_text(OVERLAY)
    return recommender.load_rules(overlay, base=SHIPPED)
