"""One client, one case, one fresh interpreter: ``python -m benchmarks._child SPEC_JSON``.

Only the standard library is loaded before the clock starts, so ``import_s`` (importing the
client library) and ``ready_s`` (that plus a constructed client, ready for its first request)
are the library's own. Then the listing runs ``warmup`` times untimed and ``runs`` times timed,
and one JSON object goes to stdout: the times, the records seen, a fingerprint of their ids,
and the peak RSS of this process (``VmHWM``, its own: see ``_peak``; it covers the imports too).

Every client consumes records the same way: count them and sum ``hash(id)`` (the parent sets
``PYTHONHASHSEED``, so equal sums across processes mean equal id multisets); with ``keep_ids``
it also keeps every id in a list until the listing ends, as an application collecting results.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from typing import Any

from ._peak import peak_rss_kib

# Keeps each listing's fingerprint a fixed-width number.
_MASK = (1 << 64) - 1


class _Client:
    """What the harness needs from a client: import, construct, list, close."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.root: str = spec["root"]
        self.region: str = spec["region"]
        self.page_size: int = spec["page_size"]
        self.keep_ids: bool = spec.get("keep_ids", False)

    def import_library(self) -> None:
        raise NotImplementedError

    async def make(self) -> None:
        raise NotImplementedError

    async def listing(self) -> tuple[int, int]:
        """List every record once: ``(count, fingerprint)``."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _Confclient(_Client):
    def import_library(self) -> None:
        import confclient

        self.lib = confclient

    async def make(self) -> None:
        if self.spec["provider"] == "telnyx":
            self.svc = self.lib.connect(
                "telnyx", api_key=self.spec["telnyx_api_key"], base_url=f"{self.root}/v2"
            )
        else:
            self.svc = self.lib.connect(
                "twilio",
                account_sid=self.spec["twilio_account_sid"],
                auth_token=self.spec["twilio_auth_token"],
                base_url=f"{self.root}/v1",
            )

    async def listing(self) -> tuple[int, int]:
        count = total = 0
        kept: list[str] | None = [] if self.keep_ids else None
        async for conf in self.svc.list(region=self.region, page_size=self.page_size):
            count += 1
            total += hash(conf.id)
            if kept is not None:
                kept.append(conf.id)
        return count, total & _MASK

    async def close(self) -> None:
        await self.svc.aclose()


class _TelnyxSDK(_Client):
    def import_library(self) -> None:
        import telnyx

        self.lib = telnyx

    async def make(self) -> None:
        self.client = self.lib.AsyncTelnyx(
            api_key=self.spec["telnyx_api_key"], base_url=f"{self.root}/v2"
        )
        self.conferences = self.client.conferences

    async def listing(self) -> tuple[int, int]:
        count = total = 0
        kept: list[str] | None = [] if self.keep_ids else None
        # The SDK's auto-pagination: page[number] one after another until meta.total_pages.
        pages = self.conferences.list(region=self.region, page_size=self.page_size)
        async for conf in pages:
            count += 1
            total += hash(conf.id)
            if kept is not None:
                kept.append(conf.id)
        return count, total & _MASK

    async def close(self) -> None:
        await self.client.close()


class _TwilioSDK(_Client):
    def import_library(self) -> None:
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        from twilio.rest import Client

        self.client_class = Client
        self.http_class = AsyncTwilioHttpClient

    async def make(self) -> None:
        self.http = self.http_class()
        self.client = self.client_class(
            self.spec["twilio_account_sid"], self.spec["twilio_auth_token"], http_client=self.http
        )
        # The Insights domain without the version; the SDK appends /v1.
        self.client.insights.base_url = self.root
        self.conferences = self.client.insights.v1.conferences

    async def listing(self) -> tuple[int, int]:
        count = total = 0
        kept: list[str] | None = [] if self.keep_ids else None
        # Follows meta.next_page_url (absolute, on the sandbox) page after page.
        records = await self.conferences.stream_async(
            mixer_region=self.region, page_size=self.page_size
        )
        async for conf in records:
            count += 1
            total += hash(conf.conference_sid)
            if kept is not None:
                kept.append(conf.conference_sid)
        return count, total & _MASK

    async def close(self) -> None:
        await self.http.close()


class _Raw(_Client):
    """The floor: aiohttp + orjson, pages fetched one after another into plain dicts."""

    def import_library(self) -> None:
        import aiohttp
        import orjson

        self.aiohttp = aiohttp
        self.loads = orjson.loads

    async def make(self) -> None:
        if self.spec["provider"] == "telnyx":
            authorization = f"Bearer {self.spec['telnyx_api_key']}"
        else:
            user = f"{self.spec['twilio_account_sid']}:{self.spec['twilio_auth_token']}"
            authorization = f"Basic {base64.b64encode(user.encode()).decode()}"
        self.session = self.aiohttp.ClientSession(headers={"Authorization": authorization})

    async def _get(self, url: str, params: dict[str, str] | None = None) -> Any:
        async with self.session.get(url, params=params) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {response.url} -> {response.status}: {body[:300]!r}")
        return self.loads(body)

    async def listing(self) -> tuple[int, int]:
        if self.spec["provider"] == "telnyx":
            return await self._telnyx()
        return await self._twilio()

    async def _telnyx(self) -> tuple[int, int]:
        count = total = 0
        kept: list[str] | None = [] if self.keep_ids else None
        # The list route: conferences, unless the spec names another (a participant list).
        url = self.root + self.spec.get("telnyx_path", "/v2/conferences")
        number, total_pages = 1, 1
        while number <= total_pages:
            params = {
                "region": self.region,
                "page[size]": str(self.page_size),
                "page[number]": str(number),
            }
            page = await self._get(url, params)
            for record in page["data"]:
                count += 1
                total += hash(record["id"])
                if kept is not None:
                    kept.append(record["id"])
            total_pages = page["meta"]["total_pages"]
            number += 1
        return count, total & _MASK

    async def _twilio(self) -> tuple[int, int]:
        count = total = 0
        kept: list[str] | None = [] if self.keep_ids else None
        # Conferences of one mixer region, unless the spec names another list (participants).
        url: str | None = self.root + self.spec.get("twilio_path", "/v1/Conferences")
        key, id_key = self.spec.get("twilio_key", ("conferences", "conference_sid"))
        params: dict[str, str] | None = {"PageSize": str(self.page_size)}
        if "twilio_path" not in self.spec:
            params["MixerRegion"] = self.region
        while url:
            page = await self._get(url, params)
            for record in page[key]:
                count += 1
                total += hash(record[id_key])
                if kept is not None:
                    kept.append(record[id_key])
            url, params = page["meta"]["next_page_url"], None
        return count, total & _MASK

    async def close(self) -> None:
        await self.session.close()


CLIENTS: dict[str, type[_Client]] = {
    "confclient": _Confclient,
    "telnyx-sdk": _TelnyxSDK,
    "twilio-sdk": _TwilioSDK,
    "raw": _Raw,
}


async def _measure(client: _Client, spec: dict[str, Any]) -> dict[str, Any]:
    listings: list[tuple[int, int]] = []
    for _ in range(spec["warmup"]):
        listings.append(await client.listing())
    profiler = None
    if spec.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
    times: list[float] = []
    for _ in range(spec["runs"]):
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        listings.append(await client.listing())
        times.append(time.perf_counter() - started)
        if profiler is not None:
            profiler.disable()
    result: dict[str, Any] = {
        "times": times,
        "listings": [list(listing) for listing in listings],
    }
    if profiler is not None:
        result["profile"] = _profile_text(profiler, spec["profile_top"])
    return result


def _profile_text(profiler: Any, top: int) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    out.write("\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    spec = json.loads(sys.argv[1])
    client = CLIENTS[spec["client"]](spec)
    loop = asyncio.new_event_loop()
    started = time.perf_counter()
    client.import_library()
    import_s = time.perf_counter() - started
    loop.run_until_complete(client.make())
    ready_s = time.perf_counter() - started
    result: dict[str, Any] = {"import_s": import_s, "ready_s": ready_s}
    try:
        if not spec.get("startup_only"):
            result.update(loop.run_until_complete(_measure(client, spec)))
    finally:
        loop.run_until_complete(client.close())
        loop.close()
    result["peak_rss_kib"] = peak_rss_kib()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
