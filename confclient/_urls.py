"""URL checks, pure (no I/O): the base URL a caller configures, path segments, and the
characters a URL may carry on the wire. The transport applies them to every URL it sends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote

from yarl import URL

from ._secrets import Redactor, unprintable_in
from .errors import ConfigurationError, InvalidRequestError, UnsafeRedirectError

__all__ = [
    "ApiOrigin",
    "check_api_root",
    "encode_segment",
    "off_the_wire",
    "validate_base_url",
]

_LOOPBACK_HOSTS: Final = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# An encoded URL is visible ASCII only: a space, a control character or any non-ASCII
# character in it would go out raw (yarl keeps an encoded URL as given) and break the
# request line, or be refused by aiohttp with a bare ValueError.
_NOT_ENCODED: Final = re.compile(r"[^\x21-\x7e]")


def encode_segment(value: str) -> str:
    """Percent-encode ``value`` as exactly one path segment.

    ``/``, ``?``, ``#`` and ``%`` are escaped, and a segment made only of dots is escaped
    too, so ``"../balance"`` or ``".."`` can never climb out of the resource it names.
    """
    encoded = quote(value, safe="")
    if encoded and encoded.strip(".") == "":
        encoded = encoded.replace(".", "%2E")
    return encoded


def off_the_wire(text: str, *, encoded: bool) -> str | None:
    """Why ``text`` cannot be sent as a URL, or ``None``. Text to be encoded may not hold a
    control character (yarl would silently drop a tab or a line break, and keep others);
    an already-encoded URL may hold visible ASCII only.
    """
    where = unprintable_in(text)
    if where is not None:
        return f"it holds a control character ({where})"
    if encoded:
        found = _NOT_ENCODED.search(text)
        if found is not None:
            return (
                f"it holds U+{ord(found.group()):04X} at position {found.start()}, "
                "which an encoded URL cannot carry"
            )
    return None


def validate_base_url(base_url: str | URL, *, allow_insecure_http: bool = False) -> URL:
    """Check a base URL given by the caller; raises :class:`ConfigurationError`."""
    if not isinstance(base_url, (str, URL)):
        raise ConfigurationError(f"base_url must be a string or yarl.URL, got {base_url!r}")
    problem = off_the_wire(str(base_url), encoded=isinstance(base_url, URL))
    if problem is not None:
        raise ConfigurationError(f"base_url cannot be sent: {problem}")
    try:
        url = URL(base_url)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"base_url {str(base_url)!r} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"base_url must be an absolute http(s) URL such as https://api.example.com/v2, "
            f"got {str(base_url)!r}"
        )
    if url.user is not None or url.password is not None:
        raise ConfigurationError(
            "base_url must not carry credentials (user:password@); pass them as arguments"
        )
    if url.query_string or url.fragment:
        raise ConfigurationError("base_url must not have a query string or fragment")
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS and not allow_insecure_http:
        raise ConfigurationError(
            f"refusing plain http:// to non-loopback host {url.host!r}: credentials would travel "
            "unencrypted; use https:// or pass allow_insecure_http=True"
        )
    return url.with_path(url.path.rstrip("/") or "/")


def check_api_root(url: URL, version: str, example: str | None) -> None:
    """A base URL must end with the API's ``version`` segment (``/v2``): else a
    :class:`ConfigurationError` showing ``example`` and the root the caller most likely
    meant (cut after the version where it appears, else with it appended)."""
    segments = [segment for segment in url.path.split("/") if segment]
    if segments and segments[-1] == version:
        return
    kept = segments[: segments.index(version) + 1] if version in segments else segments
    root = url.with_path("/".join(["", *kept, *([] if version in kept else [version])]))
    raise ConfigurationError(
        f"base_url must be the API root with its version, e.g. {example or root}; got "
        f"{str(url)!r} (did you mean {root!s}?)"
    )


class ApiOrigin:
    """Every URL one service requests: built on its base URL, or checked to stay on its
    scheme, host and port, and shown in messages without our secrets.

    ``redactor`` removes our secrets from what is shown (a URL from the network may hold
    anything, our own credentials echoed back included).
    """

    __slots__ = ("_prefix", "base_url", "provider", "redactor")

    def __init__(self, provider: str, base_url: URL, redactor: Redactor) -> None:
        self.provider = provider
        self.base_url = base_url
        self.redactor = redactor
        # "scheme://host[:port]/" as yarl writes it: a URL whose text starts with it has
        # our scheme, host and port and no userinfo (which would come before the host).
        self._prefix = f"{base_url.origin()}/"

    def url(self, *segments: str, params: Iterable[tuple[str, str]] | None = None) -> URL:
        """The URL of ``base_url`` + segments, each percent-encoded as exactly one segment
        (parameters are percent-encoded too: whatever they hold, the URL is sendable)."""
        path = self.base_url.path.rstrip("/")
        try:
            for segment in segments:
                if not segment:
                    raise InvalidRequestError("a path parameter must not be empty")
                path += "/" + encode_segment(segment)
            url = self.base_url.with_path(path, encoded=True)
            if params:
                url = url.with_query(list(params))
        except UnicodeEncodeError as exc:
            # A lone surrogate ("\ud800") has no UTF-8 form, so no URL can carry it.
            raise InvalidRequestError(
                f"a request parameter is not valid Unicode text: {exc.reason} at position "
                f"{exc.start} of {exc.object[max(0, exc.start - 20) : exc.end + 20]!r}"
            ) from None
        except (TypeError, ValueError) as exc:  # a parameter that is no text at all
            raise InvalidRequestError(f"a request parameter cannot be sent: {exc}") from None
        return url

    def pin(self, target: str | URL, *, encoded: bool = False) -> URL:
        """Resolve ``target`` against the base URL; refuse any other scheme, host or port,
        userinfo, and any character a URL cannot carry on the wire (a control character,
        or, in an ``encoded`` URL, anything but visible ASCII) with
        :class:`UnsafeRedirectError`. ``encoded``: ``target`` is a URL as a provider sent
        it (a next-page URL), to be requested exactly as it is.
        """
        if isinstance(target, URL):
            # The common case, a URL built by url(): one look at its text settles it.
            text = str(target)
            if text.startswith(self._prefix) and off_the_wire(text, encoded=True) is None:
                return target
        problem = off_the_wire(target, encoded=encoded) if isinstance(target, str) else None
        try:
            url = URL(target, encoded=encoded) if isinstance(target, str) else target
            if not url.is_absolute():
                url = self.base_url.join(url)
            # yarl parses the authority lazily (always for an already-encoded URL): a bad
            # port or host raises only when first read, so read them all here.
            credentials = url.user is not None or url.password is not None
            elsewhere = not self.same_origin(url)
            if problem is None:
                problem = off_the_wire(str(url), encoded=True)
        except (TypeError, ValueError) as exc:
            shown = self.shown(target)
            raise UnsafeRedirectError(
                f"{self.provider}: provider sent an invalid URL {shown!r}: "
                f"{self.redactor.text(str(exc))}",
                url=shown,
            ) from None
        if problem is not None:
            shown = self.shown(target)
            raise UnsafeRedirectError(
                f"{self.provider}: refusing the URL {shown!r}: {problem}", url=shown
            )
        if credentials:
            shown = self.shown(url.with_user(None).with_query(None))
            raise UnsafeRedirectError(
                f"{self.provider}: refusing a URL that carries credentials of its own ({shown})",
                url=shown,
            )
        if elsewhere:
            shown = self.shown(url.with_query(None))
            raise UnsafeRedirectError(
                f"{self.provider}: refusing to follow {shown} — it is not on the "
                f"configured API origin {self.base_url.origin()}; credentials stay there",
                url=shown,
            )
        return url

    def check_redirect(self, url: URL, location: str) -> None:
        """Raise :class:`UnsafeRedirectError` for a ``Location`` off the configured origin,
        or one that is no URL at all (it came from the network: anything may be in it).
        """
        try:
            target = url.join(URL(location))
        except (TypeError, ValueError) as exc:
            shown = self.shown(location)
            raise UnsafeRedirectError(
                f"{self.provider}: the provider redirected to an invalid URL {shown!r}: "
                f"{self.redactor.text(str(exc))}",
                url=shown,
            ) from None
        self.pin(target)

    def same_origin(self, url: URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    def shown(self, target: str | URL) -> str:
        """``target`` for an error message: cut short, our secrets redacted (a URL from the
        network may hold anything), ``(unparsable)`` for a URL that cannot be shown."""
        try:
            text = str(target)
        except ValueError:  # a URL whose authority does not parse
            return "(unparsable)"
        return self.redactor.text(text)[:200]

    def where(self, url: URL) -> str:
        """A URL we request, for an error message: no query (it may hold a page token)."""
        return self.shown(url.with_query(None))
