"""QA pass 24 for ``ask``, with real keystrokes: the checkbox's bulk keys ('a' ticks all, 'i'
inverts) keep an option that stands alone by itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from askkit import DOWN, ENTER, SPACE, UP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from recommender import load_rules
from recommender.ask.flow import Step
from recommender.ask.prompts import ask_multi
from recommender.rulebase.profiles import normalize_answers

SHIPPED = load_rules()
DEPLOYMENT = SHIPPED.question("deployment")  # server, mobile, edge, browser, none (alone); skip
COMBINABLE = frozenset(o.id for o in DEPLOYMENT.options if not o.exclusive)


@pytest.fixture
def keys() -> Iterator:
    with create_pipe_input() as pipe:
        yield pipe


def tick(keys, typed: str, default: frozenset[str] | None = None) -> frozenset[str] | None:
    keys.send_text(typed + ENTER)
    return ask_multi(DEPLOYMENT, default, Step(1, 1), input=keys, output=DummyOutput())


def accepted(answer: frozenset[str] | None) -> bool:
    """Whether ``recommend`` takes the answer (an exclusive option never beside another)."""
    if not answer:
        return True
    return normalize_answers({"deployment": sorted(answer)}, SHIPPED)["deployment"] == answer


@pytest.mark.parametrize(
    ("typed", "default", "expected"),
    [
        ("a", None, COMBINABLE),  # all: every option that goes with the others
        (DOWN * 4 + "a", None, COMBINABLE),  # with "none" under the cursor too
        (UP + "a", None, COMBINABLE),  # and with "Not sure / skip" under it
        ("aa", None, None),  # all again: nothing ticked, so skipped
        ("i", None, COMBINABLE),  # invert nothing
        (SPACE + "i", None, COMBINABLE - {"server"}),  # invert one: not "none" beside them
        ("a" + "i", None, None),  # invert all: nothing, not "none"
        ("i", frozenset({"none"}), COMBINABLE),  # from a --from profile's "none"
        ("i", COMBINABLE, None),
        ("i" + DOWN * 4 + SPACE, None, frozenset({"none"})),  # "none" after a bulk tick
    ],
)
def test_bulk_keys_keep_an_answer_recommend_accepts(keys, typed, default, expected):
    assert tick(keys, typed, default) == expected


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    typed=st.lists(st.sampled_from([SPACE, UP, DOWN, "a", "i"]), max_size=12),
    default=st.sampled_from([None, frozenset({"none"}), frozenset({"server", "edge"})]),
)
def test_any_keys_give_an_answer_recommend_accepts(typed, default):
    with create_pipe_input() as keys:
        assert accepted(tick(keys, "".join(typed), default))
