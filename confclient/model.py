"""The provider-neutral data model: :class:`Conference`, its enums, and :class:`Page`."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NoReturn

import attrs

__all__ = [
    "Conference",
    "ConferenceStatus",
    "EndReason",
    "FrozenDict",
    "FrozenList",
    "Page",
    "freeze",
    "freeze_record",
    "trusted_conference",
]


class ConferenceStatus(enum.StrEnum):
    """Where a conference is in its life. ``UNKNOWN`` stands for any value not known today."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SUMMARY_TIMEOUT = "summary_timeout"
    UNKNOWN = "unknown"


class EndReason(enum.StrEnum):
    """Why a conference ended. ``UNKNOWN`` stands for any value not known today."""

    ALL_LEFT = "all_left"
    ENDED_VIA_API = "ended_via_api"
    HOST_LEFT = "host_left"
    TIME_EXCEEDED = "time_exceeded"
    LAST_PARTICIPANT_KICKED = "last_participant_kicked"
    HOST_KICKED = "host_kicked"
    UNKNOWN = "unknown"


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


def freeze_record(
    record: dict[str, Any], container_keys: Iterable[str], known_keys: Any
) -> FrozenDict:
    """:func:`freeze` for a record of a known shape, without walking every value.

    ``known_keys`` is a set of the keys the adapter knows, and ``container_keys`` those of
    them that may hold an object or an array. When the record has no other key, only those
    are frozen again (one C-level copy for the rest); otherwise it is :func:`freeze`.
    """
    if not record.keys() <= known_keys:
        frozen: FrozenDict = freeze(record)
        return frozen
    result = FrozenDict(record)
    for key in container_keys:
        item = record.get(key)
        if item is not None:
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                dict.__setitem__(result, key, freeze(item))
    return result


def _freeze_raw(value: Mapping[str, Any]) -> FrozenDict:
    frozen = freeze(value if isinstance(value, dict) else dict(value))
    assert isinstance(frozen, FrozenDict)
    return frozen


def _tags(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise TypeError("tags must be an iterable of strings, not a single string")
    return tuple(value)


@attrs.frozen(slots=True, kw_only=True)
class Conference:
    """One conference, whatever the provider.

    Every datetime is timezone-aware UTC; a field the provider does not have is ``None``.
    ``raw`` is the provider's record exactly as received (read-only); it is left out of
    equality, hashing and ``repr``. ``data_region`` is the region argument of the listing or
    ``get`` that produced the record (``None`` when none was given): with Telnyx, where
    ``region`` is the hosting site (``sv1``), it says which data region to ``get`` it from.

    >>> conf.provider, conf.id, conf.status          # doctest: +SKIP
    ('telnyx', '3fa85f64-5717-4562-b3fc-2c963f66afa6', <ConferenceStatus.COMPLETED: 'completed'>)
    """

    provider: str
    id: str
    name: str | None = None
    status: ConferenceStatus = ConferenceStatus.UNKNOWN
    region: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    expires_at: datetime | None = None
    updated_at: datetime | None = None
    end_reason: EndReason | None = None
    ended_by: str | None = None
    duration: timedelta | None = None
    max_participants: int | None = None
    unique_participants: int | None = None
    max_concurrent_participants: int | None = None
    account_id: str | None = None
    connection_id: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    data_region: str | None = None
    raw: Mapping[str, Any] = attrs.field(
        factory=FrozenDict, converter=_freeze_raw, eq=False, repr=False
    )


@attrs.frozen(slots=True)
class Page:
    """One page of a listing, as :meth:`Pager.pages` yields it.

    ``resume_token`` resumes the listing right after this page (``None`` on the last page);
    ``number`` is the page's number where the provider pages by number; ``total_results``
    is the provider's count of the whole listing when it tells one.
    """

    items: tuple[Conference, ...]
    resume_token: str | None = None
    number: int | None = None
    total_results: int | None = None

    def __len__(self) -> int:
        return len(self.items)


# The slot descriptors of Conference, for trusted_conference (bypasses the frozen __setattr__
# and the converters: setting a slot through its descriptor is the cheapest way there is).
_new_instance = object.__new__
_setters = {field.name: vars(Conference)[field.name].__set__ for field in attrs.fields(Conference)}
_set_provider = _setters.pop("provider")
_set_id = _setters.pop("id")
_set_name = _setters.pop("name")
_set_status = _setters.pop("status")
_set_region = _setters.pop("region")
_set_created_at = _setters.pop("created_at")
_set_started_at = _setters.pop("started_at")
_set_ended_at = _setters.pop("ended_at")
_set_expires_at = _setters.pop("expires_at")
_set_updated_at = _setters.pop("updated_at")
_set_end_reason = _setters.pop("end_reason")
_set_ended_by = _setters.pop("ended_by")
_set_duration = _setters.pop("duration")
_set_max_participants = _setters.pop("max_participants")
_set_unique_participants = _setters.pop("unique_participants")
_set_max_concurrent_participants = _setters.pop("max_concurrent_participants")
_set_account_id = _setters.pop("account_id")
_set_connection_id = _setters.pop("connection_id")
_set_tags = _setters.pop("tags")
_set_data_region = _setters.pop("data_region")
_set_raw = _setters.pop("raw")
if _setters:  # a field added to Conference must be added to trusted_conference too
    raise RuntimeError(f"trusted_conference does not set {sorted(_setters)}")
del _setters


def trusted_conference(
    provider: str,
    id: str,
    *,
    name: str | None = None,
    status: ConferenceStatus = ConferenceStatus.UNKNOWN,
    region: str | None = None,
    created_at: datetime | None = None,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    expires_at: datetime | None = None,
    updated_at: datetime | None = None,
    end_reason: EndReason | None = None,
    ended_by: str | None = None,
    duration: timedelta | None = None,
    max_participants: int | None = None,
    unique_participants: int | None = None,
    max_concurrent_participants: int | None = None,
    account_id: str | None = None,
    connection_id: str | None = None,
    tags: tuple[str, ...] = (),
    data_region: str | None = None,
    raw: FrozenDict,
) -> Conference:
    """A :class:`Conference` from values an adapter's decoder has already checked.

    No conversion and no checks: ``tags`` must be a tuple of ``str`` and ``raw`` already
    frozen (:func:`freeze_record`). It is the decoding hot path's constructor (about three
    times cheaper than ``Conference(...)``); anything else should call ``Conference(...)``.
    """
    conf: Conference = _new_instance(Conference)
    _set_provider(conf, provider)
    _set_id(conf, id)
    _set_name(conf, name)
    _set_status(conf, status)
    _set_region(conf, region)
    _set_created_at(conf, created_at)
    _set_started_at(conf, started_at)
    _set_ended_at(conf, ended_at)
    _set_expires_at(conf, expires_at)
    _set_updated_at(conf, updated_at)
    _set_end_reason(conf, end_reason)
    _set_ended_by(conf, ended_by)
    _set_duration(conf, duration)
    _set_max_participants(conf, max_participants)
    _set_unique_participants(conf, unique_participants)
    _set_max_concurrent_participants(conf, max_concurrent_participants)
    _set_account_id(conf, account_id)
    _set_connection_id(conf, connection_id)
    _set_tags(conf, tags)
    _set_data_region(conf, data_region)
    _set_raw(conf, raw)
    return conf
