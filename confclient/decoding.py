"""Pure helpers adapters share to decode provider bodies (no I/O).

* :func:`make_strict_converter`: a cattrs converter that refuses wrong JSON types instead of
  coercing them (cattrs' default would turn ``12`` into ``"12"``), parses ISO 8601 timestamps
  into aware UTC datetimes, and ignores unknown keys (providers add fields);
* :func:`structure`: structure one value, turning any failure into a :class:`DecodeError`
  that names the field (``data[3].created_at``);
* :func:`api_error`: the right :class:`APIError` subclass for a status, with what the
  rate-limit headers say on a 429 (``retry_after``, ``limit``, ``remaining``).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Generic, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError
from cattrs.gen import make_dict_structure_fn

from ._retry import NO_RULES, RetryRules, parse_retry_after, rate_limit_of
from .errors import APIError, DecodeError, ErrorDetail, RateLimitError, error_class_for_status

__all__ = [
    "REQUEST_ID_HEADERS",
    "ErrorParser",
    "HTTPAnswer",
    "RecordCodec",
    "RetryRules",
    "api_error",
    "decode_each",
    "json_array",
    "json_object",
    "raise_for_status",
    "parse_retry_after",
    "make_strict_converter",
    "parse_timestamp",
    "request_id_of",
    "structure",
]

T = TypeVar("T")


class ErrorParser(typing.Protocol):
    """An adapter's pure ``parse_error(status, headers, data, text, *, method, url)``."""

    def __call__(
        self,
        status: int,
        headers: Mapping[str, Any],
        data: object,
        text: str = "",
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> APIError: ...


REQUEST_ID_HEADERS: Final = (
    "X-Request-Id",
    "Twilio-Request-Id",
    "X-Twilio-Request-Id",
    "Request-Id",
)
"""Where providers put their request id, in the order looked at (one list for every reader)."""


def parse_timestamp(value: object) -> datetime:
    """ISO 8601 (``2019-01-23T18:10:02.574Z``, ``2023-05-04T09:42:00+00:00``, with or without
    fractional seconds) to an aware UTC datetime. A timestamp without an offset is UTC.
    """
    if type(value) is not str:
        raise TypeError(f"expected an ISO 8601 string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    tzinfo = parsed.tzinfo
    if tzinfo is UTC:  # "...Z" and "+00:00" parse to UTC itself: the common case
        return parsed
    if tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # "9999-12-31T23:59:59-23:59" is past year 9999 in UTC
        raise ValueError(f"{value!r} is out of range in UTC") from None


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


def request_id_of(headers: Mapping[str, Any]) -> str | None:
    """The provider's request id from response headers, if it sent one."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name) or headers.get(name.lower())
        if isinstance(value, str) and value:
            return value
    return None


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


def api_error(
    status: int,
    provider: str,
    details: Sequence[ErrorDetail],
    *,
    headers: Mapping[str, Any],
    method: str | None = None,
    url: str | None = None,
    rules: RetryRules = NO_RULES,
) -> APIError:
    """The :class:`APIError` subclass for ``status`` carrying every detail the body held.

    A :class:`RateLimitError` carries what the headers say: ``Retry-After`` (else the
    provider's reset header named in ``rules``), the limit and the requests remaining.
    """
    cls = error_class_for_status(status)
    kwargs: dict[str, Any] = {
        "status": status,
        "provider": provider,
        "errors": details,
        "request_id": request_id_of(headers),
        "method": method,
        "url": url,
    }
    if cls is RateLimitError:
        said = rate_limit_of(headers, rules)
        kwargs.update(retry_after=said.retry_after, limit=said.limit, remaining=said.remaining)
    return cls(**kwargs)


def json_object(
    status: int,
    headers: Mapping[str, Any],
    data: object,
    text: str,
    *,
    provider: str,
    parse_error: ErrorParser,
) -> Mapping[str, Any]:
    """The body of a successful response as a JSON object; an error status raises the
    adapter's error, anything but an object raises :class:`DecodeError`.
    """
    if not 200 <= status < 300:
        raise parse_error(status, headers, data, text)
    if not isinstance(data, Mapping):
        what = "not JSON" if text or data is None else type(data).__name__
        raise DecodeError(
            f"{provider}: expected a JSON object body, got {what}"
            + (f": {text[:80]!r}" if text else ""),
            provider=provider,
            status=status,
            request_id=request_id_of(headers),
        )
    return data


class HTTPAnswer(typing.Protocol):
    """What :func:`raise_for_status` reads of a response (the transport's ``Response``)."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def data(self) -> Any: ...

    @property
    def text(self) -> str: ...

    @property
    def method(self) -> str: ...

    @property
    def url(self) -> object: ...


def raise_for_status(response: HTTPAnswer, parse_error: ErrorParser) -> None:
    """Raise the adapter's :class:`APIError` (with method and URL) for an error response."""
    if not 200 <= response.status < 300:
        raise parse_error(
            response.status,
            response.headers,
            response.data,
            response.text,
            method=response.method,
            url=str(response.url),
        )


def json_array(
    body: Mapping[str, Any],
    key: str,
    *,
    provider: str,
    status: int | None = None,
    headers: Mapping[str, Any] | None = None,
) -> list[Any]:
    """``body[key]`` when it is a JSON array (a page's records), else :class:`DecodeError`."""
    value = body.get(key)
    if not isinstance(value, list):
        raise DecodeError(
            f"{provider}: expected {key!r} to be a list, got {type(value).__name__}",
            provider=provider,
            field=key,
            status=status,
            request_id=None if headers is None else request_id_of(headers),
        )
    return value


FastDecoder = Callable[[Any, str | None], T | None]
"""``fast(record, data_region)``: the common case decoded in one pass, or ``None``."""
SlowDecoder = Callable[[Any, str, int, Mapping[str, Any], str | None], T]
"""``slow(record, path, status, headers, data_region)``: the thorough way, raising the
:class:`DecodeError` that names the field."""


def decode_each(
    records: Sequence[Any],
    key: str,
    fast: FastDecoder[T],
    slow: SlowDecoder[T],
    *,
    status: int,
    headers: Mapping[str, Any],
    data_region: str | None,
) -> tuple[T, ...]:
    """A page's records (``body[key]``) to items, the way every adapter does it.

    ``fast(record, data_region)`` decodes the common case or declines (``None``);
    ``slow(record, path, status, headers, data_region)`` then decodes it the thorough way,
    raising the :class:`DecodeError` that names the field (``data[3].created_at``).
    """
    items = []
    for index, record in enumerate(records):
        item = fast(record, data_region)
        if item is None:
            item = slow(record, f"{key}[{index}]", status, headers, data_region)
        items.append(item)
    return tuple(items)


M = TypeVar("M")


@attrs.frozen
class RecordCodec(Generic[T]):
    """How one kind of a provider's records decodes (conferences, participants): the pieces
    every page parser puts together, written once.

    ``converter`` is the provider's strict converter (:func:`make_strict_converter`), used
    by the slow path and for envelopes; ``fast`` and ``slow`` decode one record (see
    :func:`decode_each`); ``parse_error`` maps an error response.
    """

    provider: str
    parse_error: ErrorParser
    converter: cattrs.Converter
    fast: FastDecoder[T]
    slow: SlowDecoder[T]

    def structure(
        self, value: object, cls: type[M], path: str, *, status: int, headers: Mapping[str, Any]
    ) -> M:
        """:func:`structure` with this provider's converter."""
        return structure(
            self.converter,
            value,
            cls,
            path=path,
            provider=self.provider,
            status=status,
            headers=headers,
        )

    def body(
        self, status: int, headers: Mapping[str, Any], data: object, text: str = ""
    ) -> Mapping[str, Any]:
        """A success body as a JSON object (an error status raises the mapped error)."""
        return json_object(
            status, headers, data, text, provider=self.provider, parse_error=self.parse_error
        )

    def envelope(
        self,
        status: int,
        headers: Mapping[str, Any],
        data: object,
        text: str = "",
        *,
        key: str,
        meta: type[M],
        meta_key: str = "meta",
    ) -> tuple[list[Any], M]:
        """A list response's records (``body[key]``), still undecoded, and its paging meta
        (``body[meta_key]`` as ``meta``; ``meta()`` when the body has none)."""
        body = self.body(status, headers, data, text)
        records = json_array(body, key, provider=self.provider, status=status, headers=headers)
        raw_meta = body.get(meta_key)
        if raw_meta is None:
            return records, meta()
        return records, self.structure(raw_meta, meta, meta_key, status=status, headers=headers)

    def decode(
        self,
        records: Sequence[Any],
        key: str,
        *,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        data_region: str | None = None,
    ) -> tuple[T, ...]:
        """A page's records to items; a record that is not as documented raises the
        :class:`DecodeError` naming it (``data[3].created_at``)."""
        return decode_each(
            records,
            key,
            self.fast,
            self.slow,
            status=status,
            headers=headers or {},
            data_region=data_region,
        )

    def one(
        self,
        record: object,
        path: str,
        *,
        status: int,
        headers: Mapping[str, Any],
        data_region: str | None = None,
    ) -> T:
        """One record (a retrieve or create answer) to an item."""
        item = self.fast(record, data_region)
        if item is None:
            item = self.slow(record, path, status, headers, data_region)
        return item
