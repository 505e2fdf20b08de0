"""Resume tokens: where a listing stands, as an opaque, URL-safe string (pure).

Inside a token is the provider's name, the adapter's cursor (whatever JSON value the adapter
needs to fetch a page: a page number and query, a next-page URL) and how many items of that
page were already handed out.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from . import _json
from .errors import InvalidRequestError

__all__ = ["decode_resume_token", "encode_resume_token"]

_TOKEN_PREFIX = "cc1."


def encode_resume_token(provider: str, cursor: Any, skip: int = 0) -> str:
    """An opaque, URL-safe token for ``cursor`` (with ``skip`` items of it already consumed)."""
    payload = _json.dumps({"p": provider, "c": cursor, "s": skip})
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def decode_resume_token(token: object, provider: str) -> tuple[Any, int]:
    """The (cursor, skip) inside ``token``; :class:`InvalidRequestError` when it is not ours."""
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        raise InvalidRequestError(
            f"resume_token must be a token from Pager.resume_token or Page.resume_token, "
            f"got {token!r:.80}"
        )
    body = token[len(_TOKEN_PREFIX) :]
    try:
        payload = _json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidRequestError("resume_token is damaged: it does not decode") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("p"), str)
        or "c" not in payload
        or not isinstance(payload.get("s"), int)
        or payload["s"] < 0
    ):
        raise InvalidRequestError("resume_token is damaged: unexpected content")
    if payload["p"] != provider:
        raise InvalidRequestError(
            f"resume_token belongs to provider {payload['p']!r}, not {provider!r}"
        )
    return payload["c"], payload["s"]
