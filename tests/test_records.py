"""`records.NamedTuple` makes the classes `typing.NamedTuple` makes."""

from __future__ import annotations

import pickle
import typing

import pytest

from briefing_tui.model import records
from briefing_tui.model.search import Hit


def make(base: type) -> type:
    class Point(base):  # type: ignore[misc, valid-type]
        """A point."""

        x: int
        y: int = 0
        label: str = "origin"
        """What it is called."""

        @property
        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

        def moved(self, dx: int) -> Point:
            return self._replace(x=self.x + dx)

    return Point


def test_records_behave_as_typing_named_tuples() -> None:
    ours, theirs = make(records.NamedTuple), make(typing.NamedTuple)
    assert ours._fields == theirs._fields == ("x", "y", "label")
    assert ours._field_defaults == theirs._field_defaults
    assert ours.__doc__ == theirs.__doc__ == "A point."
    assert list(ours.__annotations__) == list(theirs.__annotations__)  # typing wraps in ForwardRef
    assert ours.__bases__ == theirs.__bases__ == (tuple,)
    a, b = ours(3, -4), theirs(3, -4)
    assert a == b == (3, -4, "origin") and repr(a) == repr(b)
    assert a.norm == b.norm == 7 and a.moved(1) == (4, -4, "origin")
    assert type(a.moved(1)) is ours


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError):

        class Bad(records.NamedTuple):
            x: int = 0
            y: int


def test_hits_pickle_and_compare() -> None:
    hit = Hit("a", "actor", None, "A", "x.yaml", 3, 1.5, (("A", True),))
    assert pickle.loads(pickle.dumps(hit)) == hit
    assert hit.defined_in == () and hit.snippet == "A"
