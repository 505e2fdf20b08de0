"""The toolkit for adapter authors: everything a provider's package may import beyond
:mod:`confclient` itself.

A provider is one package (``confclient_<name>``), registered by name
(:func:`confclient.register_provider`, or the ``confclient.providers`` entry point group). Its
modules import only ``confclient`` and ``confclient.adapter``, as a third-party adapter would:

* pure modules (no aiohttp, no asyncio, even transitively) hold every provider quirk:
  ``params`` (neutral query -> provider query: :class:`ListQuery`, :func:`aware_utc`,
  :func:`check_id`, :func:`check_text`), ``records`` (native records -> :class:`Conference`:
  :class:`RecordCodec`, :func:`trusted_builder` (the hot path's constructor),
  :func:`trusted_conference`, :func:`make_strict_converter`, :func:`structure`,
  :func:`parse_timestamp`, :func:`more_than_microseconds`, :func:`as_utc`,
  :func:`seconds_duration`,
  :func:`decode_each`), ``pages`` (a page parser: status, headers and body ->
  :class:`RawPage` or the raised error: :func:`json_object`, :func:`json_array`,
  :func:`api_error`), ``events`` (a webhook
  verifier: :func:`header_value`, :func:`as_bytes`, :func:`b64decode_exact`,
  :func:`json_body`, :func:`unix_seconds`, :func:`load_ed25519_public_key`);
* ``service`` is the I/O glue: a :class:`BaseConferenceService` subclass over the core
  :class:`Transport` and :class:`Pager`;
* ``emulator`` is its half of the sandbox (see :mod:`confclient.sandbox`).

Names are loaded on first use, so a pure module importing, say, :func:`trusted_conference`
from here loads no I/O machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._builder import trusted_builder
    from ._lookup import find_in_regions
    from ._options import ServiceOptions, TransportSettings
    from ._page import Cursor, DeferredItems, RawPage
    from ._retry import RetryRules
    from ._signing import (
        WEBHOOKS_INSTALL_HINT,
        as_bytes,
        b64decode_exact,
        header_value,
        json_body,
        load_ed25519_private_key,
        load_ed25519_public_key,
        unix_seconds,
    )
    from ._typed import PageBody, TypedBody, TypedPages
    from .decoding import (
        ErrorParser,
        HTTPAnswer,
        RecordCodec,
        TypedDecoder,
        api_error,
        as_utc,
        decode_each,
        json_array,
        json_object,
        make_strict_converter,
        more_than_microseconds,
        parse_timestamp,
        raise_for_status,
        request_id_of,
        seconds_duration,
        structure,
    )
    from .model import FrozenDict, FrozenList, freeze, trusted_conference
    from .paging import Pager, PageSource
    from .query import (
        CreateField,
        ListQuery,
        ParticipantQuery,
        aware_utc,
        check_id,
        check_text,
        has_control_character,
        page_size_for,
        positive_int,
    )
    from .service import BaseConferenceService
    from .transport import (
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_CONNECTIONS,
        Response,
        Transport,
        check_credential,
    )

_LAZY: dict[str, str] = {
    "lazy_exports": "_lazy",
    "WEBHOOKS_INSTALL_HINT": "_signing",
    "as_bytes": "_signing",
    "b64decode_exact": "_signing",
    "header_value": "_signing",
    "json_body": "_signing",
    "load_ed25519_private_key": "_signing",
    "load_ed25519_public_key": "_signing",
    "unix_seconds": "_signing",
    "BaseConferenceService": "service",
    "CreateField": "query",
    "Cursor": "_page",
    "DEFAULT_MAX_BODY_BYTES": "transport",
    "DEFAULT_MAX_CONNECTIONS": "transport",
    "DeferredItems": "_page",
    "ErrorParser": "decoding",
    "FrozenDict": "model",
    "FrozenList": "model",
    "ListQuery": "query",
    "PageSource": "paging",
    "Pager": "paging",
    "ParticipantQuery": "query",
    "RawPage": "_page",
    "RecordCodec": "decoding",
    "HTTPAnswer": "decoding",
    "PageBody": "_typed",
    "TypedBody": "_typed",
    "TypedPages": "_typed",
    "TypedDecoder": "decoding",
    "Response": "transport",
    "RetryRules": "_retry",
    "ServiceOptions": "_options",
    "TransportSettings": "_options",
    "Transport": "transport",
    "api_error": "decoding",
    "as_utc": "decoding",
    "aware_utc": "query",
    "check_credential": "_secrets",
    "check_id": "query",
    "check_text": "query",
    "has_control_character": "query",
    "decode_each": "decoding",
    "find_in_regions": "_lookup",
    "freeze": "model",
    "json_array": "decoding",
    "json_object": "decoding",
    "make_strict_converter": "decoding",
    "parse_timestamp": "decoding",
    "more_than_microseconds": "decoding",
    "page_size_for": "query",
    "positive_int": "query",
    "raise_for_status": "decoding",
    "request_id_of": "decoding",
    "seconds_duration": "decoding",
    "structure": "decoding",
    "trusted_builder": "_builder",
    "trusted_conference": "model",
}

__getattr__, __dir__ = lazy_exports("confclient", _LAZY, globals())


__all__ = [
    "BaseConferenceService",
    "CreateField",
    "Cursor",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_CONNECTIONS",
    "DeferredItems",
    "ErrorParser",
    "FrozenDict",
    "FrozenList",
    "HTTPAnswer",
    "ListQuery",
    "PageBody",
    "PageSource",
    "Pager",
    "ParticipantQuery",
    "RawPage",
    "RecordCodec",
    "Response",
    "RetryRules",
    "ServiceOptions",
    "Transport",
    "TransportSettings",
    "TypedBody",
    "TypedDecoder",
    "TypedPages",
    "WEBHOOKS_INSTALL_HINT",
    "api_error",
    "as_bytes",
    "as_utc",
    "aware_utc",
    "b64decode_exact",
    "check_credential",
    "check_id",
    "check_text",
    "decode_each",
    "find_in_regions",
    "freeze",
    "has_control_character",
    "header_value",
    "json_array",
    "json_body",
    "json_object",
    "lazy_exports",
    "load_ed25519_private_key",
    "load_ed25519_public_key",
    "make_strict_converter",
    "page_size_for",
    "more_than_microseconds",
    "parse_timestamp",
    "positive_int",
    "raise_for_status",
    "request_id_of",
    "seconds_duration",
    "structure",
    "trusted_builder",
    "trusted_conference",
    "unix_seconds",
]


# -- the sandbox toolkit: what a provider's emulator (its half of the sandbox) imports --------
# (Kept in one block, apart from the client toolkit above.)
if TYPE_CHECKING:
    from ._gc import paused_gc
    from .sandbox._data import (
        CONFERENCE_NAMES,
        EPOCH_MS,
        FIXED_PARTICIPANTS,
        iso_ms,
        participant_count,
        seeded_rng,
        uuid4_str,
    )
    from .sandbox._emulator import (
        ContractFacts,
        Emulator,
        QueryParams,
        json_dumps,
        json_loads,
        json_response,
    )
    from .sandbox._faults import FaultKind, check_origin
    from .sandbox._stats import SandboxStats
    from .sandbox._webhooks import ConferenceScript, Delivery, Step

_SANDBOX_TOOLKIT: dict[str, str] = {
    "CONFERENCE_NAMES": "sandbox._data",
    "ConferenceScript": "sandbox._webhooks",
    "ContractFacts": "sandbox._emulator",
    "Delivery": "sandbox._webhooks",
    "EPOCH_MS": "sandbox._data",
    "FIXED_PARTICIPANTS": "sandbox._data",
    "Emulator": "sandbox._emulator",
    "FaultKind": "sandbox._faults",
    "QueryParams": "sandbox._emulator",
    "SandboxStats": "sandbox._stats",
    "Step": "sandbox._webhooks",
    "check_origin": "sandbox._faults",
    "iso_ms": "sandbox._data",
    "json_dumps": "sandbox._emulator",
    "json_loads": "sandbox._emulator",
    "json_response": "sandbox._emulator",
    "participant_count": "sandbox._data",
    "paused_gc": "_gc",
    "seeded_rng": "sandbox._data",
    "uuid4_str": "sandbox._data",
}
_LAZY.update(_SANDBOX_TOOLKIT)
__all__ += [
    "CONFERENCE_NAMES",
    "ConferenceScript",
    "ContractFacts",
    "Delivery",
    "EPOCH_MS",
    "Emulator",
    "FIXED_PARTICIPANTS",
    "FaultKind",
    "QueryParams",
    "SandboxStats",
    "Step",
    "check_origin",
    "iso_ms",
    "json_dumps",
    "json_loads",
    "json_response",
    "participant_count",
    "paused_gc",
    "seeded_rng",
    "uuid4_str",
]
