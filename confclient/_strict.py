"""Strict decoding: a cattrs converter that refuses wrong JSON types instead of coercing
them (cattrs' default would turn ``12`` into ``"12"``), parses ISO 8601 timestamps into aware
UTC datetimes and ignores unknown keys (providers add fields); and :func:`structure`, which
turns any failure into a :class:`DecodeError` naming the field (``data[3].created_at``).
Pure: no I/O.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ._request_id import request_id_of
from .errors import DecodeError

if TYPE_CHECKING:  # cattrs is imported when a converter is first made (the strict path)
    import cattrs

__all__ = [
    "as_utc",
    "make_strict_converter",
    "more_than_microseconds",
    "parse_timestamp",
    "seconds_duration",
    "structure",
]

T = TypeVar("T")


def parse_timestamp(value: object) -> datetime:
    """ISO 8601 (``2019-01-23T18:10:02.574Z``, ``2023-05-04T09:42:00+00:00``, with or without
    fractional seconds) to an aware UTC datetime. A timestamp without an offset is UTC.

    Where msgspec (which types list pages with the ``speed`` extra) reads an RFC 3339
    timestamp differently from ``datetime.fromisoformat``, its reading is the rule, so that
    a record gives the same instant on every path, with the extra or without: a lowercase
    ``z`` means UTC, and a fraction of more than six digits rounds half up to the
    microsecond (``fromisoformat`` would cut it).
    """
    if type(value) is not str:
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    text = value[:-1] + "Z" if value[-1:] == "z" else value
    long_fraction = _LONG_FRACTION.match(text) if more_than_microseconds(text) else None
    if long_fraction is None:
        parsed = datetime.fromisoformat(text)
    else:
        head, seventh, tail = long_fraction.groups()
        parsed = datetime.fromisoformat(head + tail)
        if seventh >= "5":
            try:
                parsed += _ONE_MICROSECOND
            except OverflowError:  # past 9999-12-31 (msgspec refuses it too)
                raise ValueError(f"{value!r} rounds past the last datetime") from None
    if parsed.tzinfo is UTC:  # "...Z" and "+00:00" parse to UTC itself: the common case
        return parsed
    return as_utc(parsed)


def more_than_microseconds(text: str) -> bool:
    """Whether ``text`` may be an RFC 3339 timestamp with more than six fractional digits
    (a digit where an RFC 3339 timestamp's seventh one would be): decoders' hot paths, which
    parse with ``datetime.fromisoformat`` inline, leave such a timestamp to
    :func:`parse_timestamp`, which rounds it as msgspec does. Never false for one."""
    return len(text) > 26 and "0" <= text[26] <= "9"


_ONE_MICROSECOND: Final = timedelta(microseconds=1)
# YYYY-MM-DD?HH:MM:SS.ffffff, the seventh fractional digit, the rest of the fraction, the rest.
_LONG_FRACTION: Final = re.compile(r"(.{19}\.[0-9]{6})([0-9])[0-9]*(.*)", re.DOTALL)


_ONE_SECOND: Final = timedelta(seconds=1)

#: Durations already made, by whole seconds: a timedelta is immutable, so one object serves
#: every record of that duration (a dict lookup instead of a product of a timedelta by an
#: int: 23 vs 250 ns). At most :data:`_DURATIONS_KEPT` of them (about 300 KiB), the first
#: ones seen; others are made each time.
_DURATIONS: dict[int, timedelta] = {}
_DURATIONS_KEPT: Final = 4096


def seconds_duration(seconds: int) -> timedelta:
    """``timedelta(seconds=seconds)`` for an int, from a shared cache of durations
    (``OverflowError`` past timedelta's range, as the constructor raises)."""
    duration = _DURATIONS.get(seconds)
    if duration is None:
        duration = _ONE_SECOND * seconds
        if len(_DURATIONS) < _DURATIONS_KEPT:
            _DURATIONS[seconds] = duration
    return duration


def as_utc(parsed: datetime) -> datetime:
    """A parsed timestamp in UTC: one without an offset is UTC, another offset is converted
    (``ValueError`` when that leaves the datetime range). Decoders' hot paths parse with
    ``datetime.fromisoformat`` inline and call this only when the result is not UTC already.
    """
    tzinfo = parsed.tzinfo
    if tzinfo is UTC:
        return parsed
    if tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # "9999-12-31T23:59:59-23:59" is past year 9999 in UTC
        raise ValueError(f"{parsed.isoformat()!r} is out of range in UTC") from None


def _strict(kind: type, name: str) -> Callable[[object, object], Any]:
    def hook(value: object, _type: object) -> Any:
        if type(value) is kind:  # JSON decoders make exact types: the fast, common case
            return value
        # bool is an int subclass; an int where a bool is expected is just as wrong.
        if type(value) is bool and kind is not bool:
            raise TypeError(f"expected {name}, got bool")
        if not isinstance(value, kind):
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return hook


def _float_hook(value: object, _type: object) -> float:
    if type(value) is bool or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _objects_only(structure_fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # A generated hook reads keys with ``in``, which a string would satisfy by substring.
    def hook(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return structure_fn(value, cls)

    return hook


def _optional(inner: Callable[[Any, Any], Any], kind: type) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _type: Any) -> Any:
        return None if value is None else inner(value, kind)

    return hook


def _is_list_type(cls: Any) -> bool:
    return typing.get_origin(cls) is list


def _strict_list_factory(converter: cattrs.Converter) -> Callable[[Any], Any]:
    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        (item_type,) = typing.get_args(cls) or (Any,)

        def hook(value: Any, _cls: Any) -> list[Any]:
            # cattrs would iterate a string into its characters; a JSON array is required.
            if not isinstance(value, list):
                raise TypeError(f"expected an array, got {type(value).__name__}")
            return [converter.structure(item, item_type) for item in value]

        return hook

    return factory


def make_strict_converter(*record_classes: type) -> cattrs.Converter:
    """A converter for a provider's attrs records: strict JSON types, ISO timestamps,
    unknown keys ignored, detailed errors (so the failing field can be named).
    """
    import cattrs
    from cattrs.gen import make_dict_structure_fn

    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)
    converter.register_structure_hook(str, _strict(str, "a string"))
    converter.register_structure_hook(int, _strict(int, "an integer"))
    converter.register_structure_hook(bool, _strict(bool, "true or false"))
    converter.register_structure_hook(float, _float_hook)
    converter.register_structure_hook(datetime, lambda value, _t: parse_timestamp(value))
    # Direct hooks for the optional scalars: cattrs' generic Optional dispatch is the largest
    # cost of decoding a page (most provider fields are nullable).
    for kind in (str, int, bool, float, datetime):
        inner = converter.get_structure_hook(kind)
        converter.register_structure_hook(kind | None, _optional(inner, kind))
    converter.register_structure_hook_factory(_is_list_type, _strict_list_factory(converter))
    for cls in record_classes:
        converter.register_structure_hook(
            cls, _objects_only(make_dict_structure_fn(cls, converter))
        )
    return converter


def _field_of(messages: Sequence[str], prefix: str) -> str:
    first = messages[0] if messages else ""
    return first.rsplit(" @ ", 1)[-1] if " @ " in first else prefix


def structure(
    converter: cattrs.Converter,
    value: object,
    cls: type[T],
    *,
    path: str,
    provider: str,
    status: int | None = None,
    headers: Mapping[str, Any] | None = None,
) -> T:
    """``converter.structure(value, cls)``, any failure raised as a :class:`DecodeError`
    naming the field (``path`` is where ``value`` sits in the body, e.g. ``data[3]``).
    """
    import cattrs  # loaded already: the converter is cattrs'
    from cattrs.errors import ClassValidationError, IterableValidationError

    error: Exception
    try:
        return converter.structure(value, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        messages = cattrs.transform_error(exc, path=path)
        detail = "; ".join(messages[:3])
        field = _field_of(messages, path)
        error = exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        detail = f"{path}: {exc}"
        field = path
        error = exc
    raise DecodeError(
        f"{provider}: unexpected response shape: {detail}",
        provider=provider,
        field=field,
        status=status,
        request_id=None if headers is None else request_id_of(headers),
    ) from error
