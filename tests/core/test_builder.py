"""``trusted_builder``: the decoders' positional constructor, on both of its paths.

The fast path (``__class__`` assignment from a twin class) is taken only where the
interpreter allows it, checked when the builder is made; ``class_assignment=False`` forces
the portable path (slot descriptors). Every test here runs on both.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

import attrs
import pytest

from confclient import Conference
from confclient._builder import trusted_builder, uses_class_assignment
from tests._conferences import EVERY_FIELD

FIELDS = [field.name for field in attrs.fields(Conference)]
VALUES: dict[str, Any] = dict(EVERY_FIELD)

both_paths = pytest.mark.parametrize("class_assignment", [True, False], ids=["fast", "portable"])


@both_paths
def test_builds_what_the_class_builds(class_assignment: bool) -> None:
    build = trusted_builder(Conference, FIELDS, class_assignment=class_assignment)
    built = build(*(VALUES[name] for name in FIELDS))
    regular = Conference(**VALUES)
    assert type(built) is Conference
    for name in FIELDS:
        assert getattr(built, name) == getattr(regular, name), name
    assert built == regular
    assert hash(built) == hash(regular)
    assert repr(built) == repr(regular)
    assert pickle.loads(pickle.dumps(built)) == regular
    assert attrs.evolve(built, name="m") == attrs.evolve(regular, name="m")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.name = "other"  # type: ignore[misc]


@both_paths
def test_fields_in_any_order_others_fixed_or_default(class_assignment: bool) -> None:
    build = trusted_builder(
        Conference, ("name", "id"), provider="twilio", class_assignment=class_assignment
    )
    built = build("n", "CF1")
    assert built == Conference(provider="twilio", id="CF1", name="n")
    assert built.tags == ()
    assert built.raw == {}


@both_paths
def test_a_factory_default_is_called_for_each_instance(class_assignment: bool) -> None:
    @attrs.frozen(slots=True, weakref_slot=False)
    class Holder:
        key: str
        items: list[int] = attrs.Factory(list)

    build = trusted_builder(Holder, ("key",), class_assignment=class_assignment)
    first, second = build("a"), build("b")
    assert first.items == second.items == []
    assert first.items is not second.items


def test_the_portable_path_is_forced_and_reported() -> None:
    assert not uses_class_assignment(
        trusted_builder(Conference, ("id",), provider="p", class_assignment=False)
    )


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="a CPython layout rule")
def test_class_assignment_where_cpython_allows_it() -> None:
    """CPython allows ``__class__`` assignment between identical slot layouts without a
    ``__weakref__`` slot (Conference has none, for this); with one, 3.11 refuses, and the
    builder falls back by itself."""
    assert uses_class_assignment(trusted_builder(Conference, ("id",), provider="p"))

    @attrs.frozen(slots=True)  # weakref_slot=True: the attrs default
    class WithWeakref:
        key: str

    build = trusted_builder(WithWeakref, ("key",))
    assert build("k") == WithWeakref("k")
    assert type(build("k")) is WithWeakref


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("nope",), {}, "no field"),
        (("id", "id"), {}, "given twice"),
        (("id",), {"id": "x"}, "given twice"),
        (("name",), {}, "has no default"),
    ],
)
def test_mistakes_are_type_errors(
    args: tuple[str, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        trusted_builder(Conference, args, **kwargs)


def test_only_slotted_attrs_classes() -> None:
    @attrs.frozen(slots=False)
    class Plain:
        key: str

    with pytest.raises(TypeError, match="slotted attrs class"):
        trusted_builder(Plain, ("key",))
