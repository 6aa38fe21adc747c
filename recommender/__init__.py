"""recommender: which deep-learning framework fits a project (TensorFlow, PyTorch or JAX), and why.

The Python API::

    import recommender
    rules = recommender.load_rules()
    result = recommender.recommend({"audience": "beginner", "deployment": "mobile"}, rules=rules)
    result.winner, result.ranking[0].reasons
"""

from __future__ import annotations

import sys  # built in, loaded before any code of Python's own runs

__version__ = "0.1.0"

# The executable's stop signals, from its first moment (``__main__`` hands them to the CLI). Only
# ``_signal``, the C module under ``signal``, which imports ``enum`` (~15 ms in an installed
# layout); a Ctrl-C in any import before these handlers was a KeyboardInterrupt traceback.
_STOPS = (
    ("SIGINT", "interrupted"),
    ("SIGTERM", "stopped by SIGTERM"),
    ("SIGHUP", "stopped by SIGHUP"),
    ("SIGQUIT", "stopped by SIGQUIT"),
)


def _take_stop_signals() -> None:
    """Until the CLI takes over, a stop signal ends the executable with the CLI's one line and
    128 + its number (:func:`_early`). One ignored at the start stays ignored (``nohup``)."""
    import _signal  # type: ignore[import-not-found]

    for name, _ in _STOPS:
        number = getattr(_signal, name, None)
        if number is not None and _signal.getsignal(number) is not _signal.SIG_IGN:
            _signal.signal(number, _early)


def _early(signum: int, frame: object) -> None:
    """Nothing is open yet (no file written, no child started): nothing needs cleaning up."""
    import _signal
    import os

    what = next(w for name, w in _STOPS if getattr(_signal, name, None) == signum)
    os.write(2, f"recommender: {what}\n".encode())
    os._exit(128 + signum)


def _run_as_main() -> bool:
    """Whether this is ``python -m recommender`` importing its package: runpy sets ``argv[0]``
    to ``-m`` while it does. Another ``-m`` program that imports this package is left alone."""
    args = sys.orig_argv
    return sys.argv[:1] == ["-m"] and (
        "-mrecommender" in args or "-m" in args and args[args.index("-m") + 1 :][:1] == [__name__]
    )


if _run_as_main():
    _take_stop_signals()

# The rest only after that: ``typing`` is ~4 ms in which a Ctrl-C under ``python -m`` was a
# traceback. It is the one import here at run time (the console script imports this package
# before ``__main__`` takes the signals).
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

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
    import importlib

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
