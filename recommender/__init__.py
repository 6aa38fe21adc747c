"""recommender: which deep-learning framework fits a project (TensorFlow, PyTorch or JAX), and why.

The Python API::

    import recommender
    rules = recommender.load_rules()
    result = recommender.recommend({"audience": "beginner", "deployment": "mobile"}, rules=rules)
    result.winner, result.ranking[0].reasons
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from collections.abc import Mapping

from recommender.errors import UserError, UserErrors
from recommender.rulebase.conditions import Facts
from recommender.rulebase.load import load_rules
from recommender.rulebase.model import (
    Case,
    Companion,
    Fact,
    Framework,
    Option,
    Question,
    Rule,
    RuleBase,
)
from recommender.rulebase.profiles import normalize_answers
from recommender.scoring.result import (
    Change,
    Reason,
    Recommendation,
    Scorer,
    Standing,
    WhyNot,
    rank,
)

__all__ = [
    "Case",
    "Change",
    "Companion",
    "Fact",
    "Framework",
    "Option",
    "Question",
    "Reason",
    "Recommendation",
    "Rule",
    "RuleBase",
    "Scorer",
    "Standing",
    "UserError",
    "UserErrors",
    "WhyNot",
    "load_rules",
    "recommend",
]


def recommend(
    answers: Mapping[str, Any],
    rules: RuleBase | None = None,
    *,
    profile: str | None = None,
    facts: Facts | None = None,
) -> Recommendation:
    """Rank the frameworks for ``answers`` ({question: value}).

    ``rules`` defaults to the shipped rule base."""
    rules = rules if rules is not None else load_rules()
    return rank(normalize_answers(answers, rules), rules, profile=profile, facts=facts)
