"""Credentials: checked once when a service is made, hidden everywhere after.

* :func:`check_credential`: a credential an adapter was given, refused with a
  :class:`ConfigurationError` that names it but never shows it;
* :class:`RedactedStr`: a header value that is the credential on the wire and
  ``<redacted>`` in every ``repr``;
* :class:`Redactor`: takes our own secrets out of text a server sends back (an error body
  that echoes the ``Authorization`` header, a header value) before an exception or a log
  holds it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from .errors import ConfigurationError

__all__ = ["REDACTED", "RedactedStr", "Redactor", "check_credential", "unprintable_in"]

REDACTED: Final = "<redacted>"


class RedactedStr(str):
    """A header value (a credential) that reprs as ``<redacted>``.

    It is still the plain string on the wire and for ``==``; only ``repr`` changes, and
    that is what ends up in reprs of header mappings, in ``request_info`` of aiohttp's
    errors, and in tracebacks formatted with their frames' local variables (crash reporters
    do that), where aiohttp's own frames hold the request headers.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return REDACTED


def unprintable_in(text: str, *, space: bool = True) -> str | None:
    """Where ``text`` holds a character no header or URL may carry (a control character,
    a line or paragraph separator, a lone surrogate...; the space too unless ``space``):
    ``"U+0000 at position 3"``, or ``None`` when it holds none.
    """
    if text.isprintable() and (space or " " not in text):
        return None
    for position, char in enumerate(text):
        if not char.isprintable() or (char == " " and not space):
            return f"U+{ord(char):04X} at position {position}"
    return None  # pragma: no cover - isprintable() said there was one


def check_credential(value: object, name: str, *, missing: str | None = None) -> str:
    """``value`` when it can be a credential: a non-empty string of printable characters
    without whitespace. Otherwise :class:`ConfigurationError` naming ``name`` (and where
    the bad character is), never the value. ``missing``: the message for no value at all.

    >>> check_credential("KEY0123", "api_key")
    'KEY0123'
    """
    if value is None or value == "":
        raise ConfigurationError(missing or f"{name} is required")
    if not isinstance(value, str):
        raise ConfigurationError(f"{name} must be a string, got {type(value).__name__}")
    where = unprintable_in(value, space=False)
    if where is not None:
        raise ConfigurationError(
            f"{name} must not contain whitespace, line breaks or control characters "
            f"({where}); check how it was copied"
        )
    return value


def _derived(value: str) -> Iterator[str]:
    """The secret parts of a credential header value: the value, the credentials after
    its scheme (``Bearer KEY`` -> ``KEY``), and what a Basic blob decodes to."""
    yield value
    scheme, _, credentials = value.partition(" ")
    if not credentials:
        return
    yield credentials
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return
        yield decoded
        # The password alone; the user part (an account or key SID) identifies, it is not secret.
        _user, _, password = decoded.partition(":")
        if password:
            yield password


class Redactor:
    """Replaces our own secrets with ``<redacted>`` in text a server sends back.

    Built from the credential header values (each with the parts derived from it: the
    credentials after the scheme, a Basic blob's password) and any other secret an adapter
    declares. Longer secrets are replaced first, so a secret inside another leaves no part
    of the longer one behind.
    """

    __slots__ = ("_encoded", "_needles", "_secrets")

    def __init__(self, header_values: Iterable[str] = (), secrets: Iterable[str] = ()) -> None:
        found = {part for value in header_values for part in _derived(value)}
        found.update(secrets)
        found.discard("")
        self._secrets = tuple(sorted(found, key=len, reverse=True))
        self._encoded = tuple(secret.encode("utf-8", "surrogatepass") for secret in self._secrets)
        # What to look for in a body: a secret that holds another is found only where that
        # one is, so the shortest suffice (a Twilio body is searched twice, not four times).
        self._needles = tuple(
            secret
            for secret in self._encoded
            if not any(other in secret for other in self._encoded if other != secret)
        )

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._secrets)} secrets>"

    def text(self, value: str) -> str:
        """``value`` with every secret replaced."""
        for secret in self._secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value

    def raw(self, body: bytes | bytearray) -> bytes | bytearray:
        """A body as received, every secret that appears verbatim replaced."""
        if not any(needle in body for needle in self._needles):
            return body
        for secret in self._encoded:
            body = body.replace(secret, REDACTED.encode())
        return body

    def data(self, value: Any) -> Any:
        """A decoded JSON value with every string (keys included) redacted; the same
        object when nothing needed it. ``RecursionError`` for a value nested too deep to
        walk (the caller drops such a body)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            items = [self.data(item) for item in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if isinstance(value, dict):
            pairs = [(self.data(k), self.data(v)) for k, v in value.items()]
            same = all(
                k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)
            )
            return value if same else dict(pairs)
        return value

    def headers(self, headers: Mapping[str, str]) -> list[tuple[str, str]] | None:
        """The (name, value) pairs of ``headers`` (repeated names kept), values redacted;
        ``None`` when no value holds a secret (the common case: nothing is copied)."""
        items = list(headers.items())
        if not any(secret in value for _name, value in items for secret in self._secrets):
            return None
        return [(name, self.text(value)) for name, value in items]
