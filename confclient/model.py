"""The provider-neutral data model: :class:`Conference`, :class:`Participant`, their enums,
and :class:`Page`.

The read-only containers ``Conference.raw`` is made of (:class:`FrozenDict`, :class:`FrozenList`,
:func:`freeze`) live in :mod:`confclient._frozen` and are re-exported here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from ._builder import trusted_builder
from ._frozen import FreezeOnRead, FrozenDict, FrozenList, freeze

__all__ = [
    "Conference",
    "ConferenceStatus",
    "EndReason",
    "FrozenDict",
    "FrozenList",
    "Page",
    "Participant",
    "ParticipantStatus",
    "freeze",
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


@attrs.frozen(slots=True, kw_only=True, weakref_slot=False)
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


class ParticipantStatus(enum.StrEnum):
    """Where a participant is in a conference. ``UNKNOWN`` stands for any value not known today."""

    JOINING = "joining"
    JOINED = "joined"
    LEFT = "left"
    FAILED = "failed"
    UNKNOWN = "unknown"


@attrs.frozen(slots=True, kw_only=True, weakref_slot=False)
class Participant:
    """One participant of one conference, whatever the provider.

    Every datetime is timezone-aware UTC; a field the provider does not have is ``None``.
    ``call_id`` is the handle a command on that call leg takes (Telnyx ``call_control_id``,
    Twilio ``call_sid``). ``raw`` is the provider's record exactly as received (read-only),
    left out of equality, hashing and ``repr``; ``data_region`` is the region the record was
    listed from (``None`` when the provider needs none).

    >>> p.provider, p.status, p.muted                    # doctest: +SKIP
    ('telnyx', <ParticipantStatus.JOINED: 'joined'>, False)
    """

    provider: str
    id: str
    conference_id: str | None = None
    call_id: str | None = None
    label: str | None = None
    status: ParticipantStatus = ParticipantStatus.UNKNOWN
    muted: bool | None = None
    on_hold: bool | None = None
    coaching: bool | None = None
    end_conference_on_exit: bool | None = None
    direction: str | None = None
    caller: str | None = None
    called: str | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None
    updated_at: datetime | None = None
    duration: timedelta | None = None
    region: str | None = None
    data_region: str | None = None
    account_id: str | None = None
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

    items: tuple[Conference, ...]  # or Participant, on a listing of participants
    resume_token: str | None = None
    number: int | None = None
    total_results: int | None = None

    def __len__(self) -> int:
        return len(self.items)


# Decoders hand over the record they own; it is frozen when first read (most never are).
FreezeOnRead.install(Conference, "raw")
FreezeOnRead.install(Participant, "raw")

_build_conference = trusted_builder(Conference, [field.name for field in attrs.fields(Conference)])


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
    raw: Mapping[str, Any],
) -> Conference:
    """A :class:`Conference` from values an adapter's decoder has already checked.

    No conversion and no checks: ``tags`` must be a tuple of ``str``, and ``raw`` the
    decoded JSON object, handed over (nobody else may keep or change it: it is frozen when
    first read) or already frozen. A decoder's hot path builds with
    :func:`confclient.adapter.trusted_builder` instead (positional, cheaper still); anything
    else should call ``Conference(...)``.
    """
    conference: Conference = _build_conference(
        provider,
        id,
        name,
        status,
        region,
        created_at,
        started_at,
        ended_at,
        expires_at,
        updated_at,
        end_reason,
        ended_by,
        duration,
        max_participants,
        unique_participants,
        max_concurrent_participants,
        account_id,
        connection_id,
        tags,
        data_region,
        raw,
    )
    return conference
