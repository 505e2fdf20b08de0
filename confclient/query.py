"""The neutral query types, pure (no I/O, no asyncio): what a caller may ask of any provider.

:class:`Capability` names the operations; :class:`ListQuery` holds the neutral list filters,
checked for what does not depend on the provider (types, ranges, aware datetimes, valid
text). Adapters turn a :class:`ListQuery` into their provider's query in their pure
``params`` module, with the helpers here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import attrs

from .errors import InvalidRequestError
from .model import ConferenceStatus

__all__ = [
    "Capability",
    "CreateField",
    "ListQuery",
    "ParticipantQuery",
    "aware_utc",
    "check_id",
    "check_text",
    "has_control_character",
    "page_size_for",
    "positive_int",
]


class Capability(enum.StrEnum):
    """What a provider's service can do."""

    LIST = "list"
    GET = "get"
    CREATE = "create"
    PARTICIPANTS = "participants"


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def aware_utc(value: object, argument: str) -> datetime:
    """``value`` as an aware UTC datetime; naive datetimes are refused, not guessed."""
    if not isinstance(value, datetime):
        raise InvalidRequestError(
            f"{argument} must be a timezone-aware datetime, got {type(value).__name__}"
        )
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidRequestError(
            f"{argument} must be timezone-aware (e.g. datetime(2026, 1, 1, tzinfo=UTC)), "
            f"got naive {value.isoformat()}"
        )
    return value.astimezone(UTC)


def check_text(value: str, argument: str) -> str:
    """``value`` unless it holds a lone surrogate (``"\\ud800"``), which no request can
    carry (a request is UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequestError(
            f"{argument} must be valid Unicode text; it holds a lone surrogate at position "
            f"{exc.start}"
        ) from None
    return value


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def has_control_character(text: str) -> bool:
    """Whether ``text`` holds a C0 control character or DEL (which a URL cannot carry as
    such): one scan in C, for the saved queries checked on every page of a listing."""
    return _CONTROL_CHARACTER.search(text) is not None


def check_id(value: object, argument: str = "id") -> str:
    """A non-empty string id, or :class:`InvalidRequestError`."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"{argument} must be a non-empty string, got {value!r}")
    if not value.strip():
        raise InvalidRequestError(f"{argument} must be a non-empty string, got {value!r}")
    return check_text(value, argument)


def positive_int(value: object, argument: str) -> int:
    """``value`` when it is an integer >= 1 (not a bool), else :class:`InvalidRequestError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{argument} must be an integer >= 1, got {value!r}")
    if value < 1:
        raise InvalidRequestError(f"{argument} must be >= 1, got {value}")
    return value


def page_size_for(page_size: int | None, limit: int | None, maximum: int, provider: str) -> int:
    """The page size a listing asks for: the one given (at most ``maximum``, the provider's
    largest, else :class:`InvalidRequestError`), or the largest, no larger than ``limit``."""
    if page_size is None:
        return maximum if limit is None else min(maximum, limit)
    if page_size > maximum:
        raise InvalidRequestError(
            f"page_size must be between 1 and {maximum} for {provider}, got {page_size}"
        )
    return page_size


def _check_paging(filters: object, resume_token: object) -> None:
    """``filters=`` is a mapping and ``resume_token=`` a string, where given."""
    if filters is not None and not isinstance(filters, Mapping):
        raise InvalidRequestError(f"filters must be a mapping, got {type(filters).__name__}")
    if resume_token is not None and not isinstance(resume_token, str):
        raise InvalidRequestError(f"resume_token must be a string, got {resume_token!r}")


def _read_only(filters: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of ``filters=`` (the caller may change theirs afterwards)."""
    return _EMPTY if not filters else MappingProxyType(dict(filters))


def _status(value: object) -> ConferenceStatus:
    if isinstance(value, ConferenceStatus) and value is not ConferenceStatus.UNKNOWN:
        return value
    if isinstance(value, str):
        try:
            status = ConferenceStatus(value.lower())
        except ValueError:
            pass
        else:
            if status is not ConferenceStatus.UNKNOWN:
                return status
    allowed = ", ".join(s.value for s in ConferenceStatus if s is not ConferenceStatus.UNKNOWN)
    raise InvalidRequestError(
        f"status must be one of {allowed} (or ConferenceStatus), got {value!r}"
    )


@attrs.frozen(kw_only=True)
class ListQuery:
    """The neutral list filters, validated; adapters turn it into their provider's query.

    Use :meth:`build`: it checks types and values that do not depend on the provider
    (provider limits such as the largest page size are checked by the adapter).
    """

    region: str | None = None
    status: ConferenceStatus | None = None
    name: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    page_size: int | None = None
    limit: int | None = None
    resume_token: str | None = None
    filters: Mapping[str, Any] = _EMPTY

    @classmethod
    def build(
        cls,
        *,
        region: str | None = None,
        status: ConferenceStatus | str | None = None,
        name: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> ListQuery:
        if region is not None and (not isinstance(region, str) or not region):
            raise InvalidRequestError(f"region must be a non-empty string, got {region!r}")
        if name is not None and (not isinstance(name, str) or not name):
            raise InvalidRequestError(f"name must be a non-empty string, got {name!r}")
        if name is not None:
            check_text(name, "name")
        after = None if created_after is None else aware_utc(created_after, "created_after")
        before = None if created_before is None else aware_utc(created_before, "created_before")
        if after is not None and before is not None and after >= before:
            raise InvalidRequestError(
                f"created_after ({after.isoformat()}) must be earlier than "
                f"created_before ({before.isoformat()})"
            )
        _check_paging(filters, resume_token)
        return cls(
            region=region,
            status=None if status is None else _status(status),
            name=name,
            created_after=after,
            created_before=before,
            page_size=None if page_size is None else positive_int(page_size, "page_size"),
            limit=None if limit is None else positive_int(limit, "limit"),
            resume_token=resume_token,
            filters=_read_only(filters),
        )

    @property
    def has_filters(self) -> bool:
        """Whether anything that selects records (not paging) was given."""
        return any(
            v is not None
            for v in (self.region, self.status, self.name, self.created_after, self.created_before)
        ) or bool(self.filters)


@attrs.frozen
class CreateField:
    """One field a provider's ``create`` takes, described for front ends (the command's
    ``create`` flags are made from these): its name, its kind (``str``, ``int``, ``bool``),
    whether it is required, and a short help. The adapter still checks the value.
    """

    name: str
    kind: type[str] | type[int] | type[bool] = str
    help: str = ""
    required: bool = False
    metavar: str | None = None


def _optional_bool(value: object, argument: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidRequestError(f"{argument} must be True, False or None, got {value!r}")


@attrs.frozen(kw_only=True)
class ParticipantQuery:
    """The neutral participant filters, validated; adapters turn it into their provider's
    query (and refuse, with :class:`UnsupportedFilterError`, what it cannot filter on).

    Use :meth:`build`: it checks what does not depend on the provider.
    """

    label: str | None = None
    muted: bool | None = None
    on_hold: bool | None = None
    page_size: int | None = None
    limit: int | None = None
    resume_token: str | None = None
    filters: Mapping[str, Any] = _EMPTY

    @classmethod
    def build(
        cls,
        *,
        label: str | None = None,
        muted: bool | None = None,
        on_hold: bool | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        resume_token: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> ParticipantQuery:
        if label is not None:
            if not isinstance(label, str) or not label:
                raise InvalidRequestError(f"label must be a non-empty string, got {label!r}")
            check_text(label, "label")
        _check_paging(filters, resume_token)
        return cls(
            label=label,
            muted=_optional_bool(muted, "muted"),
            on_hold=_optional_bool(on_hold, "on_hold"),
            page_size=None if page_size is None else positive_int(page_size, "page_size"),
            limit=None if limit is None else positive_int(limit, "limit"),
            resume_token=resume_token,
            filters=_read_only(filters),
        )

    @property
    def has_filters(self) -> bool:
        """Whether anything that selects records (not paging) was given."""
        return any(v is not None for v in (self.label, self.muted, self.on_hold)) or bool(
            self.filters
        )
