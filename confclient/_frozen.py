"""Read-only JSON containers: what :attr:`confclient.Conference.raw` holds.

:class:`FrozenDict` and :class:`FrozenList` stay real ``dict`` / ``list`` subclasses (equal to
the JSON received, ``json.dumps`` works) whose mutating methods raise ``TypeError``;
:func:`freeze` deep-copies decoded JSON into them (iteratively when it nests deeper than the
call stack). :class:`FreezeOnRead` makes an attrs slot hold a decoder's own JSON object as
it is and freeze it the first time it is read: most listings never read ``raw``, and copying
every record into read-only containers was a third of decoding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

__all__ = ["FreezeOnRead", "FrozenDict", "FrozenList", "freeze"]


def _readonly(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError("Conference.raw is read-only; copy it (e.g. copy.deepcopy) to change it")


class FrozenList(list[Any]):
    """A read-only ``list`` (inside :attr:`Conference.raw`): equal to the list received,
    JSON-serialisable, but every mutating method raises ``TypeError``.
    """

    __slots__ = ()

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _readonly
    append = extend = insert = pop = remove = clear = sort = reverse = _readonly

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return self

    def __reduce__(self) -> Any:
        return (FrozenList, (list(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("unhashable type: 'FrozenList'")

    def __repr__(self) -> str:
        return f"FrozenList({list.__repr__(self)})"


class FrozenDict(dict[str, Any]):
    """A read-only ``dict``: what :attr:`Conference.raw` holds.

    It stays a real ``dict`` subclass so ``json.dumps(conf.raw)`` works and it compares equal
    to the record as received, but every mutating method raises ``TypeError``. Nested
    objects are frozen too (:class:`FrozenDict`, :class:`FrozenList`).
    """

    __slots__ = ()

    __setitem__ = __delitem__ = __ior__ = _readonly
    clear = pop = popitem = setdefault = update = _readonly

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self

    def __reduce__(self) -> Any:
        return (FrozenDict, (dict(self),))

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"


_CONTAINERS: frozenset[type] = frozenset({dict, list})
_EMPTY_LIST = FrozenList()


def freeze(value: Any) -> Any:
    """Deep read-only copy of decoded JSON (:class:`FrozenDict`, :class:`FrozenList`)."""
    try:
        return _freeze(value)
    except RecursionError:  # nested deeper than the interpreter's stack: walk it with a list
        return _freeze_deep(value)


def _freeze_deep(value: Any) -> Any:
    """:func:`freeze` without recursion, for JSON nested too deep for the call stack."""
    if isinstance(value, FrozenDict | FrozenList) or not isinstance(value, dict | list):
        return value
    root = FrozenDict(value) if isinstance(value, dict) else FrozenList(value)
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(item, dict | list) and not isinstance(item, FrozenDict | FrozenList):
                    copy = FrozenDict(item) if isinstance(item, dict) else FrozenList(item)
                    dict.__setitem__(node, key, copy)
                    stack.append(copy)
        else:
            for index, item in enumerate(node):
                if isinstance(item, dict | list) and not isinstance(item, FrozenDict | FrozenList):
                    copy = FrozenDict(item) if isinstance(item, dict) else FrozenList(item)
                    list.__setitem__(node, index, copy)
                    stack.append(copy)
    return root


def _freeze(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        frozen = FrozenDict(value)  # one C-level copy; then only nested containers again
        for key, item in value.items():
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                dict.__setitem__(frozen, key, _freeze(item))
        return frozen
    if kind is list:
        if not value:
            return _EMPTY_LIST  # read-only, so one can be shared (and it is common: "tags": [])
        if _CONTAINERS.isdisjoint(map(type, value)):  # scalars only: one C-level copy
            return FrozenList(value)
        return FrozenList([_freeze(item) for item in value])
    if kind is FrozenDict or kind is FrozenList:
        return value
    if isinstance(value, dict):  # a dict subclass from elsewhere
        return _freeze(dict(value))
    if isinstance(value, list):
        return _freeze(list(value))
    return value


class FreezeOnRead:
    """A slot whose value is frozen (:func:`freeze`) the first time it is read.

    Installed over a slotted class's member (``FreezeOnRead.install(cls, "raw")``), it lets a
    trusted constructor store a JSON object it owns as it is: nobody else holds that object,
    so freezing it later, once, gives what freezing it at once would have, and a value
    already frozen (whatever went through the class's own converter) is returned as it is.
    A ``(page, record)`` pair (a record of a page msgspec decoded, see
    :mod:`confclient._typed`) is parsed from its page's bytes first.
    Reads after the first cost one type check.
    """

    __slots__ = ("_read", "_write", "name")

    def __init__(self, member: Any, name: str) -> None:
        self._read: Callable[[object, type | None], Any] = member.__get__
        self._write: Callable[[object, Any], None] = member.__set__
        self.name = name

    @classmethod
    def install(cls, owner: type, name: str) -> None:
        """Put a :class:`FreezeOnRead` over ``owner``'s slot ``name``."""
        member = vars(owner)[name]
        if isinstance(member, FreezeOnRead):
            return
        setattr(owner, name, cls(member, name))

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self._read(instance, owner)
        kind = type(value)
        if kind is tuple and len(value) == 2 and hasattr(value[0], "dict_of"):
            # (page, record): a typed page's record (:mod:`confclient._typed`), its JSON
            # parsed from the page's bytes when first read. A tuple: made in C, per record.
            value = value[0].dict_of(value[1])
            kind = type(value)
        if kind is dict or kind is list:
            value = freeze(value)
            self._write(instance, value)
        return value

    def __set__(self, instance: object, value: Any) -> None:
        self._write(instance, value)

    def __repr__(self) -> str:
        return f"<FreezeOnRead {self.name!r}>"
