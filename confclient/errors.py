"""The confclient exception hierarchy.

Every exception the library raises on purpose derives from :class:`ConfClientError`::

    ConfClientError
    ├── ConfigurationError        unknown provider, missing or malformed credentials, bad config
    ├── InvalidRequestError       rejected on the client before any request (also a ValueError)
    │   ├── UnsupportedOperationError
    │   └── UnsupportedFilterError
    ├── TransportError            connection failures and timeouts, after retries
    │   ├── TransportTimeoutError (also a builtin TimeoutError)
    │   └── ResponseTooLargeError a body over ``max_body_bytes`` (not read, not retried)
    ├── DecodeError               a response that is not the documented JSON shape
    ├── UnsafeRedirectError       the provider pointed us at another host; credentials stay home
    ├── WebhookSignatureError     a webhook whose signature, timestamp or signing headers do not
    │                             hold (``reason``: missing_header, malformed, stale, bad_signature)
    ├── FanOutError               an ExceptionGroup of per-region / per-service failures
    └── APIError                  the provider answered with an error
        ├── AuthenticationError   401, 403
        ├── NotFoundError         404
        ├── ValidationError       400, 422
        ├── RateLimitError        429 (retry_after, limit, remaining)
        └── ServerError           5xx

Messages never contain credentials: the transport never hands request headers to an exception,
and it redacts its own secrets from whatever text a server sends back before an error holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfClientError",
    "ConfigurationError",
    "DecodeError",
    "ErrorDetail",
    "ErrorSource",
    "FanOutError",
    "InvalidRequestError",
    "NotFoundError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "TransportError",
    "TransportTimeoutError",
    "UnsafeRedirectError",
    "UnsupportedFilterError",
    "UnsupportedOperationError",
    "ValidationError",
    "WebhookSignatureError",
    "error_class_for_status",
]


class ConfClientError(Exception):
    """Base class of every error confclient raises on purpose."""


class ConfigurationError(ConfClientError):
    """Unknown provider, missing or malformed credentials, or a bad configuration.

    ``missing`` names the options that must be given and were not (e.g. ``("api_key",)``),
    and ``provider`` the provider that needs them, so that a front end (the command line)
    can say how to give them its own way.
    """

    def __init__(
        self, message: str, *, provider: str | None = None, missing: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.missing: tuple[str, ...] = tuple(missing)

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class InvalidRequestError(ConfClientError, ValueError):
    """The call was rejected on the client, before any request was sent."""


class UnsupportedOperationError(InvalidRequestError):
    """The provider does not offer this operation (see ``service.capabilities``)."""

    def __init__(self, message: str, *, provider: str | None = None, operation: str | None = None):
        super().__init__(message)
        self.provider = provider
        self.operation = operation

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class UnsupportedFilterError(InvalidRequestError):
    """The provider cannot apply this filter on its side (we never filter on the client)."""

    def __init__(self, message: str, *, provider: str | None = None, filter: str | None = None):
        super().__init__(message)
        self.provider = provider
        self.filter = filter

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class TransportError(ConfClientError):
    """A connection failure, a broken or truncated response, after every retry allowed."""


class TransportTimeoutError(TransportError, TimeoutError):
    """A request (or the whole call's deadline) timed out. Also a builtin ``TimeoutError``."""


class ResponseTooLargeError(TransportError):
    """The response body was larger than ``max_body_bytes``; it was not read into memory."""


class DecodeError(ConfClientError):
    """The provider answered with a body that is not the documented JSON shape.

    ``field`` names the offending place (``data[3].created_at``) when it is known.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        field: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ):
        super().__init__(message)
        self.provider = provider
        self.field = field
        self.status = status
        self.request_id = request_id

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class UnsafeRedirectError(ConfClientError):
    """The provider pointed us at a URL outside the configured API host.

    Nothing is sent there: credentials only ever go to the configured scheme, host and port.
    """

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.url = url

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class WebhookSignatureError(ConfClientError):
    """A webhook whose signature, timestamp or signing headers do not hold.

    ``reason`` tells which check failed: ``"missing_header"`` (a signing header is absent),
    ``"malformed"`` (a signing header cannot be read: not base64, wrong length, a timestamp
    that is no integer), ``"stale"`` (a signed timestamp outside the tolerance, either way) or
    ``"bad_signature"`` (the signature does not hold over this body and URL). ``provider``
    names the provider. The message never holds the secret, the signature or the body.
    """

    REASONS = ("missing_header", "malformed", "stale", "bad_signature")

    def __init__(self, message: str, *, reason: str, provider: str | None = None) -> None:
        if reason not in self.REASONS:
            raise ValueError(f"reason must be one of {', '.join(self.REASONS)}, got {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.provider = provider

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class FanOutError(ExceptionGroup[Exception], ConfClientError):
    """Several listings ran together and at least one failed.

    An :class:`ExceptionGroup`: ``except* NotFoundError`` works on it, and ``exceptions``
    holds every failure. Each failure carries ``confclient_source`` naming its region or service.
    """

    def derive(self, excs: Sequence[Exception], /) -> FanOutError:  # type: ignore[override]
        # Keep the class (and so ``except FanOutError``) through ``except*`` splitting.
        return FanOutError(self.message, excs)


@attrs.frozen
class ErrorSource:
    """Where a provider says the problem is: a JSON pointer into the body, or a query parameter."""

    pointer: str | None = None
    parameter: str | None = None

    def __str__(self) -> str:
        return self.pointer or self.parameter or ""


@attrs.frozen
class ErrorDetail:
    """One error of a provider's error body (Telnyx sends a list of them)."""

    code: str | None = None
    title: str | None = None
    detail: str | None = None
    source: ErrorSource | None = None
    meta: Mapping[str, Any] | None = attrs.field(default=None, eq=False)


class APIError(ConfClientError):
    """The provider answered with an error status.

    Attributes: ``status`` (HTTP status), ``provider``, ``code``, ``title``, ``detail`` and
    ``source`` (of the first error), ``errors`` (every error the body held, in order),
    ``request_id`` (the provider's request id header, when it sent one), ``method`` and ``url``
    (without credentials).
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int,
        provider: str,
        errors: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ):
        self.status = status
        self.provider = provider
        self.errors: tuple[ErrorDetail, ...] = tuple(errors)
        first = self.errors[0] if self.errors else ErrorDetail()
        self.code = first.code
        self.title = first.title
        self.detail = first.detail
        self.source = first.source
        self.request_id = request_id
        self.method = method
        self.url = url
        super().__init__(message if message is not None else self._describe())

    def _describe(self) -> str:
        parts = []
        if self.request_id:
            parts.append(f"[request {self.request_id}]")
        parts.append(f"{self.provider} HTTP {self.status}")
        if self.code:
            parts.append(f"code {self.code}")
        if self.title and self.detail and self.title != self.detail:
            text = f"{self.title}: {self.detail}"
        else:
            text = self.title or self.detail or ""
        head = " ".join(parts)
        message = f"{head}: {text}" if text else head
        if self.source is not None and str(self.source):
            message += f" (at {self.source})"
        if len(self.errors) > 1:
            more = len(self.errors) - 1
            message += f" (+{more} more error{'s' if more > 1 else ''})"
        return message

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.args, self.__dict__))


class AuthenticationError(APIError):
    """401 or 403: the credentials were refused."""


class NotFoundError(APIError):
    """404: no such resource. ``regions`` names the regions asked when a lookup searched
    several (their message says so too)."""

    def __init__(
        self, message: str | None = None, *, regions: Sequence[str] = (), **kw: Any
    ) -> None:
        self.regions: tuple[str, ...] = tuple(regions)
        super().__init__(message, **kw)

    def _describe(self) -> str:
        described = super()._describe()
        if self.regions:
            described += f" (looked in {', '.join(self.regions)})"
        return described


class ValidationError(APIError):
    """400 or 422: the provider rejected the request's content."""


class RateLimitError(APIError):
    """429: too many requests.

    ``retry_after``: the wait the provider asked for, in seconds (``Retry-After``, or the
    provider's own reset header); ``limit`` and ``remaining``: the requests allowed in the
    provider's window and those left, when its headers say. Each is ``None`` when not said.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        limit: int | None = None,
        remaining: int | None = None,
        **kw: Any,
    ):
        self.retry_after = retry_after
        self.limit = limit
        self.remaining = remaining
        super().__init__(message, **kw)


class ServerError(APIError):
    """5xx: the provider failed (after the retries the policy allows)."""


def error_class_for_status(status: int) -> type[APIError]:
    """The :class:`APIError` subclass for an HTTP error status."""
    if status in (401, 403):
        return AuthenticationError
    if status == 404:
        return NotFoundError
    if status in (400, 422):
        return ValidationError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    return APIError


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    # Keyword-only constructors do not survive pickle's default protocol; rebuild from state.
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc
