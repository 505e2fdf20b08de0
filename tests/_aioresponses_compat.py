"""Make aioresponses 0.7.x work with aiohttp >= 3.14.

aiohttp 3.14 (a security release) added a required ``stream_writer`` argument to
``ClientResponse``; aioresponses 0.7.9, the newest release, does not pass it
(pnuckowski/aioresponses#289). We patch the response class aioresponses builds, in tests only,
instead of pinning aiohttp below a security fix. The patch removes itself from the picture as
soon as aioresponses passes the argument.
"""

from __future__ import annotations

import inspect
from typing import Any

import aioresponses.core
from aiohttp import ClientResponse


class _DoneWriter:
    """Stands in for the request's stream writer: the (mocked) request is already sent."""

    output_size = 0


def install() -> None:
    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return
    if getattr(aioresponses.core.ClientResponse, "_confclient_compat", False):
        return

    class CompatClientResponse(ClientResponse):
        _confclient_compat = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("stream_writer", _DoneWriter())
            super().__init__(*args, **kwargs)

    aioresponses.core.ClientResponse = CompatClientResponse  # type: ignore[misc]
