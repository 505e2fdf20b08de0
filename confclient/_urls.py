"""URL checks, pure (no I/O): the base URL a caller configures, path segments, and the
characters a URL may carry on the wire. The transport applies them to every URL it sends.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

from yarl import URL

from ._secrets import unprintable_in
from .errors import ConfigurationError

__all__ = ["encode_segment", "off_the_wire", "validate_base_url"]

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
