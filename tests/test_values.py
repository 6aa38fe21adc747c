"""The one value idiom: @frozen classes behave exactly as dataclass(frozen=True, slots=True) ones,
whose equality, hashing and repr they inherit instead of generating (see recommender/values.py)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.values import Value, frozen


@frozen
class Mine(Value):
    a: int
    b: str = ""
    c: tuple[int, ...] = ()
    hidden: int = dataclasses.field(default=0, compare=False, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Theirs:
    a: int
    b: str = ""
    c: tuple[int, ...] = ()
    hidden: int = dataclasses.field(default=0, compare=False, repr=False)


values = st.tuples(st.integers(), st.text(max_size=5), st.tuples(st.integers()), st.integers())


@given(x=values, y=values)
def test_equality_hashing_and_repr_are_the_generated_ones(x, y):
    mine_x, mine_y, theirs_x, theirs_y = Mine(*x), Mine(*y), Theirs(*x), Theirs(*y)
    assert (mine_x == mine_y) == (theirs_x == theirs_y)
    if mine_x == mine_y:
        assert hash(mine_x) == hash(mine_y)
    assert repr(mine_x).replace("Mine", "Theirs") == repr(theirs_x)


def test_instances_are_frozen_slotted_dataclasses():
    m = Mine(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.a = 2  # type: ignore[misc]
    assert not hasattr(m, "__dict__") and dataclasses.is_dataclass(m)
    assert dataclasses.replace(m, a=3) == Mine(3)
    assert m != Theirs(1) and Mine(1) != (1, "", (), 0)


def test_a_frozen_class_must_derive_from_value():
    with pytest.raises(TypeError, match="must derive from Value"):

        @frozen
        class Bare:
            a: int
