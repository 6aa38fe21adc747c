"""recommender: which deep-learning framework fits a project (TensorFlow, PyTorch or JAX), and why.

The Python API::

    import recommender
    rules = recommender.load_rules()
    result = recommender.recommend({"audience": "beginner", "deployment": "mobile"}, rules=rules)
    result.winner, result.ranking[0].reasons
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
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
    from recommender.rulebase.profiles import normalize_answers as normalize_answers
    from recommender.scoring.result import (
        Change,
        Reason,
        Recommendation,
        Scorer,
        Standing,
        WhyNot,
    )
    from recommender.scoring.result import rank as rank

# The API's names, imported on first use (PEP 562): the executable imports this package before it
# can install its signal handlers (recommender.cli), so importing it must not import the rule base
# and the scoring core. A Ctrl-C in those ~0.3 s was a KeyboardInterrupt traceback.
_HOMES = {
    "UserError": "recommender.errors",
    "UserErrors": "recommender.errors",
    "load_rules": "recommender.rulebase.load",
    "normalize_answers": "recommender.rulebase.profiles",
    "rank": "recommender.scoring.result",
    "Facts": "recommender.rulebase.conditions",
    **dict.fromkeys(
        ("Case", "Companion", "Fact", "Framework", "Option", "Question", "Rule", "RuleBase"),
        "recommender.rulebase.model",
    ),
    **dict.fromkeys(
        ("Change", "Reason", "Recommendation", "Scorer", "Standing", "WhyNot"),
        "recommender.scoring.result",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'recommender' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


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
    from recommender.rulebase.load import load_rules
    from recommender.rulebase.profiles import normalize_answers as normalize_answers
    from recommender.scoring.result import rank

    rules = rules if rules is not None else load_rules()
    return rank(normalize_answers(answers, rules), rules, profile=profile, facts=facts)
