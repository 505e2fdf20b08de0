"""Pure helpers adapters share to decode provider bodies (no I/O).

* :class:`RecordCodec`: one kind of records, decoded the way every page parser does
  (envelope, meta, the fast path and the strict one), with :func:`decode_each`;
* :func:`json_object`, :func:`json_array`, :func:`raise_for_status`: the body's shape, or
  the provider's error;
* the strict converter and :func:`structure` (from :mod:`confclient._strict`, re-exported);
* :func:`api_error`: the right :class:`APIError` subclass for a status, with what the
  rate-limit headers say on a 429 (``retry_after``, ``limit``, ``remaining``).

Long: :class:`RecordCodec` is most of it, and its ways of decoding a page (the JSON path, the
typed path, one record, a whole page) share their closures and must stay side by side to
stay equal; the shape helpers beside it are what its envelope is made of.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._page import DeferredItems
from ._record_ids import json_record_ids, typed_record_ids
from ._request_id import REQUEST_ID_HEADERS, request_id_of
from ._retry import NO_RULES, RetryRules, parse_retry_after, rate_limit_of
from ._strict import (
    as_utc,
    make_strict_converter,
    more_than_microseconds,
    parse_timestamp,
    seconds_duration,
    structure,
)
from ._typed import PageBody, TypedBody
from .errors import APIError, DecodeError, ErrorDetail, RateLimitError, error_class_for_status

if TYPE_CHECKING:  # cattrs is imported when a converter is first made (the strict path)
    import cattrs

__all__ = [
    "REQUEST_ID_HEADERS",
    "ErrorParser",
    "HTTPAnswer",
    "RecordCodec",
    "RetryRules",
    "api_error",
    "as_utc",
    "decode_each",
    "json_array",
    "json_object",
    "raise_for_status",
    "parse_retry_after",
    "make_strict_converter",
    "more_than_microseconds",
    "parse_timestamp",
    "request_id_of",
    "seconds_duration",
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
TypedDecoder = Callable[[Any, "tuple[str | None, PageBody]"], T | None]
"""A typed record (:class:`~confclient.adapter.TypedPages`) and ``(data_region, page)`` to an
item whose ``raw`` is the pair ``(page, record)``, or ``None`` to decline it."""
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
    items = [fast(record, data_region) for record in records]
    # all(): one truth test per item in C (None is false; a decoded item is true unless its
    # type says otherwise, in which case the loop below finds nothing to redo).
    if not all(items):
        for index, item in enumerate(items):
            if item is None:
                items[index] = slow(records[index], f"{key}[{index}]", status, headers, data_region)
    return tuple(items)  # type: ignore[arg-type]  # every None was replaced above


M = TypeVar("M")


@attrs.frozen
class RecordCodec(Generic[T]):
    """How one kind of a provider's records decodes (conferences, participants): the pieces
    every page parser puts together, written once.

    ``converter`` is the provider's strict converter (:func:`make_strict_converter`), or a
    function that makes it (called on first use), used by the slow path and for envelopes;
    ``fast`` and ``slow`` decode one record (see :func:`decode_each`); ``parse_error`` maps
    an error response.
    """

    provider: str
    parse_error: ErrorParser
    converter: cattrs.Converter | Callable[[], cattrs.Converter]
    fast: FastDecoder[T]
    slow: SlowDecoder[T]
    #: The key of a record's id (``"id"``, ``"conference_sid"``): with it, :meth:`deferred`
    #: pages are checked for repeats before decoding and decoded one record at a time.
    id_key: str | None = None
    _made: Any = attrs.field(default=None, init=False, repr=False, eq=False)

    def strict_converter(self) -> cattrs.Converter:
        """:attr:`converter`, made on first use when it is a function that makes one (so a
        listing whose records all take a fast path never imports cattrs)."""
        made = self._made
        if made is None:
            converter = self.converter
            made = converter if hasattr(converter, "structure") else converter()
            object.__setattr__(self, "_made", made)
        return made  # type: ignore[no-any-return]

    def structure(
        self, value: object, cls: type[M], path: str, *, status: int, headers: Mapping[str, Any]
    ) -> M:
        """:func:`structure` with this provider's converter."""
        return structure(
            self.strict_converter(),
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

    def deferred(
        self,
        records: Sequence[Any],
        key: str,
        *,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        data_region: str | None = None,
    ) -> DeferredItems[T]:
        """A page's records (``body[key]``) for the pager, decoded as it hands them out
        (see :class:`DeferredItems`); a bad record raises the :class:`DecodeError` naming
        it (``data[3].created_at``) when the listing reaches it."""
        fast, slow, headers = self.fast, self.slow, headers or {}
        decode_one = self._one_by_one(key, status, headers, data_region)

        def decode_page(page: Sequence[Any]) -> tuple[T, ...]:
            return decode_each(
                page, key, fast, slow, status=status, headers=headers, data_region=data_region
            )

        record_ids = None if self.id_key is None else json_record_ids(self.id_key)
        return DeferredItems(
            records,
            decode_page,
            decode_one=decode_one,
            record_ids=record_ids,
            fast=(fast, data_region),
        )

    def page_items(
        self,
        status: int,
        headers: Mapping[str, Any],
        data: object,
        text: str,
        *,
        key: str,
        meta: type[M],
        typed: TypedDecoder[T],
        data_region: str | None = None,
    ) -> tuple[DeferredItems[T], M]:
        """A success list page's items, decoded as the pager hands them out, and its paging
        meta (``meta``): from the typed records when msgspec typed the page (a
        :attr:`TypedPages.loads <confclient.adapter.TypedPages.loads>` body, ``typed``
        decoding each), from its JSON (``body[key]``) otherwise."""
        if type(data) is TypedBody:
            paging = meta() if data.meta is None else meta(**data.meta)
            items = self.typed_deferred(
                data, typed, key, status=status, headers=headers, data_region=data_region
            )
            return items, paging
        records, paging = self.envelope(status, headers, data, text, key=key, meta=meta)
        items = self.deferred(records, key, status=status, headers=headers, data_region=data_region)
        return items, paging

    def typed_deferred(
        self,
        body: TypedBody,
        typed_fast: TypedDecoder[T],
        key: str,
        *,
        status: int = 200,
        headers: Mapping[str, Any] | None = None,
        data_region: str | None = None,
    ) -> DeferredItems[T]:
        """:meth:`deferred` for a page msgspec decoded (:class:`~confclient.adapter.TypedPages`):
        ``typed_fast(record, (data_region, page))`` builds an item from a typed record (its
        ``raw`` the pair ``(page, record)``) or declines (``None``); a declined
        record is decoded from its JSON object as :meth:`deferred` decodes it, raising the
        :class:`DecodeError` that names the field."""
        if self.id_key is None:
            raise TypeError(f"{self.provider}: typed pages need the records' id key")
        page = body.page
        by_json = self._one_by_one(key, status, headers or {}, data_region)
        context = (data_region, page)

        def decode_one(record: Any, index: int) -> T:
            return by_json(page.dicts()[index], index)

        def decode_page(records: Sequence[Any]) -> tuple[T, ...]:
            return tuple(
                typed_fast(record, context) or decode_one(record, index)
                for index, record in enumerate(records)
            )

        return DeferredItems(
            body.records,
            decode_page,
            decode_one=decode_one,
            record_ids=typed_record_ids(self.id_key),
            fast=(typed_fast, context),
        )

    def _one_by_one(
        self, key: str, status: int, headers: Mapping[str, Any], data_region: str | None
    ) -> Callable[[Any, int], T]:
        """Record ``index`` of a page's JSON (``body[key]``): the fast path, else the strict
        one, which raises the :class:`DecodeError` naming the field."""
        fast, slow = self.fast, self.slow

        def decode_one(record: Any, index: int) -> T:
            item = fast(record, data_region)
            if item is None:
                item = slow(record, f"{key}[{index}]", status, headers, data_region)
            return item

        return decode_one

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
