"""Constructors for the decoding hot path: a frozen attrs instance from values already checked.

:func:`trusted_builder` makes a function taking some of a class's fields positionally (the
others fixed, or their defaults) that builds an instance without running the class's
``__init__``, converters or validators: the decoder has checked every value already.

Two ways to fill the slots of a frozen class, whose ``__setattr__`` refuses plain stores:

* *class assignment* (CPython): fill an instance of a plain "twin" class with the same slots
  by ordinary attribute stores, then set its ``__class__`` to the real class. About three
  times cheaper than the other way, but it relies on the interpreter allowing ``__class__``
  assignment between the two layouts (CPython does for identical slots and no
  ``__weakref__`` slot; other interpreters or versions may not). So the builder tries it
  once when it is made, on sentinel values, and uses it only if the result is exact;
* *descriptors* (anywhere): set each slot through its member descriptor. The fallback,
  forced with ``class_assignment=False`` (the test suite runs both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

from ._frozen import FreezeOnRead

__all__ = ["trusted_builder", "uses_class_assignment"]

T = TypeVar("T")


def trusted_builder(
    cls: type[T],
    fields: Sequence[str],
    *,
    class_assignment: bool = True,
    **fixed: Any,
) -> Callable[..., T]:
    """A function ``build(*values)`` returning a ``cls`` whose ``fields`` are ``values`` (in
    that order), every other field the value given in ``fixed`` or the class's default.

    Nothing is converted or checked: the caller guarantees every value is what the class
    would hold (e.g. a tuple where a converter would make one). ``cls`` must be an attrs
    class with slots. ``class_assignment=False`` forces the portable way.
    """
    if not (attrs.has(cls) and "__slots__" in vars(cls)):
        raise TypeError(f"{cls.__name__} is not a slotted attrs class")
    names = [field.name for field in attrs.fields(cls)]
    fields = tuple(fields)
    unknown = (set(fields) | set(fixed)) - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)}")
    both = set(fields) & set(fixed)
    if both or len(set(fields)) != len(fields):
        raise TypeError(f"a field is given twice: {sorted(both) or fields}")
    values = _constant_values(cls, names, fields, fixed)
    if class_assignment:
        twin = _twin_class(cls)
        if twin is not None:
            build = _compile(cls, names, fields, values, twin)
            if _builds_exactly(build, cls, names, fields):
                return build
    return _compile(cls, names, fields, values, None)


def uses_class_assignment(build: Callable[..., Any]) -> bool:
    """Whether a builder made by :func:`trusted_builder` builds by ``__class__`` assignment
    (else through the slots' descriptors)."""
    return "_twin" in build.__code__.co_names


def _constant_values(
    cls: type, names: list[str], fields: tuple[str, ...], fixed: dict[str, Any]
) -> dict[str, tuple[str, Any]]:
    """For each field not passed positionally: ("value", v), or ("factory", f) to call."""
    constants: dict[str, tuple[str, Any]] = {}
    for field in attrs.fields(cls):
        if field.name in fields:
            continue
        if field.name in fixed:
            constants[field.name] = ("value", fixed[field.name])
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            if field.default.takes_self:
                raise TypeError(f"{field.name}: a default taking self must be passed")
            constants[field.name] = ("factory", field.default.factory)
        elif field.default is attrs.NOTHING:
            raise TypeError(f"{cls.__name__}.{field.name} has no default: pass it")
        else:
            constants[field.name] = ("value", field.default)
    return constants


def _twin_class(cls: type) -> type | None:
    """A plain class with ``cls``'s slots and bases, or ``None`` if one cannot be made."""
    try:
        return type(f"_{cls.__name__}Twin", cls.__bases__, {"__slots__": vars(cls)["__slots__"]})
    except TypeError:
        return None


def _compile(
    cls: type,
    names: list[str],
    fields: tuple[str, ...],
    constants: dict[str, tuple[str, Any]],
    twin: type | None,
) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    if twin is not None:
        namespace["_twin"] = twin
    lines = [f"def build({', '.join(fields)}):"]
    lines.append("    self = _new(_twin)" if twin is not None else "    self = _new(_cls)")
    for index, name in enumerate(names):
        if name in fields:
            value = name
        else:
            kind, constant = constants[name]
            namespace[f"_c{index}"] = constant
            value = f"_c{index}()" if kind == "factory" else f"_c{index}"
        if twin is not None:
            lines.append(f"    self.{name} = {value}")
        else:
            namespace[f"_s{index}"] = _slot_setter(cls, name)
            lines.append(f"    _s{index}(self, {value})")
    if twin is not None:
        lines.append("    self.__class__ = _cls")
    lines.append("    return self")
    exec("\n".join(lines), namespace)  # the source holds field names (identifiers) only
    build: Callable[..., Any] = namespace["build"]
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"
    build.__doc__ = f"A {cls.__name__} from ({', '.join(fields)}), trusted."
    return build


def _slot_setter(cls: type, name: str) -> Callable[[object, Any], None]:
    descriptor = vars(cls)[name]
    if isinstance(descriptor, FreezeOnRead):
        return descriptor._write  # the slot itself, under the freezing read
    setter: Callable[[object, Any], None] = descriptor.__set__
    return setter


def _builds_exactly(
    build: Callable[..., Any], cls: type, names: list[str], fields: tuple[str, ...]
) -> bool:
    """Whether ``build`` makes a real ``cls`` holding exactly what it was given."""
    sentinels = [object() for _ in fields]
    try:
        instance = build(*sentinels)
    except TypeError:  # "__class__ assignment: ... object layout differs"
        return False
    if type(instance) is not cls:
        return False
    given = dict(zip(fields, sentinels, strict=True))
    return all(getattr(instance, name) is given[name] for name in fields) and all(
        hasattr(instance, name) for name in names
    )
