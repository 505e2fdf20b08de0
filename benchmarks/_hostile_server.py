"""A hostile Telnyx-shaped server for ``benchmarks/memory.py`` (run in its own process).

    python benchmarks/_hostile_server.py --port 8766

``GET /v2/conferences``: page 1 holds three valid conferences and announces 17 pages; every
other page is just under 8 MiB (the default body cap) of empty records, ``{},{},...``: the
listing that once grew a client by 3.2 GiB. The body is made once and streamed, so the server
itself stays small.
"""

from __future__ import annotations

import argparse
import json

from aiohttp import web

_TOTAL_PAGES = 17
_CAP = 8 * 1024 * 1024


def _page(records: bytes, number: int) -> bytes:
    meta = {"page_number": number, "page_size": 250, "total_pages": _TOTAL_PAGES}
    return b'{"data":[' + records + b'],"meta":' + json.dumps(meta).encode() + b"}"


def _record(n: int) -> dict[str, str]:
    return {
        "record_type": "conference",
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "name": f"Conference {n}",
        "created_at": "2026-10-31T10:00:00.000Z",
        "expires_at": "2026-10-31T14:00:00.000Z",
    }


_FIRST = _page(b",".join(json.dumps(_record(n)).encode() for n in range(3)), 1)
_TINY = b",".join([b"{}"] * ((_CAP - 200) // 3))


async def _conferences(request: web.Request) -> web.Response:
    number = int(request.query.get("page[number]", "1"))
    body = _FIRST if number == 1 else _page(_TINY, number)
    return web.Response(body=body, content_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_get("/v2/conferences", _conferences)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
