"""The provider-neutral data model: :class:`Conference`, its enums, and :class:`Page`.

The read-only containers ``Conference.raw`` is made of (:class:`FrozenDict`, :class:`FrozenList`,
:func:`freeze`, :func:`freeze_record`) live in :mod:`confclient._frozen` and are re-exported here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from ._frozen import FrozenDict, FrozenList, freeze, freeze_record

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
