"""Hostile servers and paging: nothing lost, nothing repeated, nothing endless.

Each case is served from a real aiohttp server on loopback whose pages are scripted to
misbehave the way a buggy API release, a compromised proxy or a cache that ignores the query
would: empty pages before the last, pages that repeat earlier ones, empty pages that point
onwards forever, resume tokens that were tampered with. The client must end such a listing
with a typed error within a bounded number of requests, and never hand out a record twice.
"""

from __future__ import annotations

import json
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

import confclient
from confclient import DecodeError, InvalidRequestError, ResponseTooLargeError, RetryPolicy
from confclient._budget import DEFAULT_LISTING_BUDGET
from confclient._page_guard import MAX_PAGES_WITHOUT_PROGRESS
from confclient.paging import encode_resume_token

Script = Callable[[web.Request], dict[str, Any]]


class Streamed:
    """A body made on the fly, piece by piece: the server never holds it whole (so that a
    memory measurement counts the client's memory, not the server's)."""

    def __init__(self, *parts: bytes | tuple[bytes, int]) -> None:
        # Each part is some bytes, or (bytes, n): those bytes n times over.
        self.parts = [part if isinstance(part, tuple) else (part, 1) for part in parts]
        self.length = sum(len(chunk) * times for chunk, times in self.parts)

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        for chunk, times in self.parts:
            per_write = max(1, size // max(1, len(chunk)))
            while times > 0:
                count = min(per_write, times)
                yield chunk * count
                times -= count


class ScriptedProvider:
    """A loopback server answering each request with ``script(request)``: JSON, bytes as
    they are, or a :class:`Streamed` body. It writes in chunks, waiting for the client to read
    them."""

    def __init__(self) -> None:
        self.script: Callable[[web.Request], Any] = lambda request: {}
        self.requests: list[web.Request] = []
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        answer = self.script(request)
        if not isinstance(answer, Streamed):
            answer = Streamed(answer if isinstance(answer, bytes) else json.dumps(answer).encode())
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = answer.length
        await response.prepare(request)
        for chunk in answer.chunks():
            await response.write(chunk)
        return response

    async def __aenter__(self) -> ScriptedProvider:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._answer)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[ScriptedProvider]:
    async with ScriptedProvider() as scripted:
        yield scripted


RETRY = RetryPolicy(max_attempts=2, backoff_base=0)


def telnyx(server: ScriptedProvider, **options: Any) -> Any:
    return confclient.connect(
        "telnyx",
        api_key="KEY0123",
        base_url=server.base_url + "/v2",
        retry=RETRY,
        default_region="US",
        **options,
    )


def twilio(server: ScriptedProvider) -> Any:
    return confclient.connect(
        "twilio",
        account_sid="AC" + "0" * 32,
        auth_token="t" * 32,
        base_url=server.base_url + "/v1",
        retry=RETRY,
    )


def telnyx_record(n: int) -> dict[str, Any]:
    return {
        "record_type": "conference",
        "id": str(uuid.UUID(int=n + 1)),
        "name": f"Conference {n}",
        "created_at": "2026-10-31T10:00:00.000Z",
        "expires_at": f"2026-10-31T{23 - n // 3600:02d}:{59 - n // 60 % 60:02d}:{59 - n % 60:02d}Z",
    }


def telnyx_page(records: list[dict[str, Any]], number: int, total_pages: int) -> dict[str, Any]:
    return {
        "data": records,
        "meta": {
            "page_number": number,
            "page_size": 3,
            "total_pages": total_pages,
            "total_results": 3 * total_pages,
        },
    }


async def drain(pager: Any, into: list[str]) -> None:
    """Consume ``pager`` into ``into`` (what arrived before a failure stays there)."""
    async for conf in pager:
        into.append(conf.id)


def page_number(request: web.Request) -> int:
    return int(request.query.get("page[number]", "1"))


def twilio_record(n: int) -> dict[str, Any]:
    return {"conference_sid": f"CF{n:032x}", "friendly_name": f"Conference {n}"}


def twilio_page(server: ScriptedProvider, records: list[dict[str, Any]], token: str | None) -> Any:
    following = (
        None if token is None else f"{server.base_url}/v1/Conferences?PageSize=3&PageToken={token}"
    )
    return {"conferences": records, "meta": {"next_page_url": following, "key": "conferences"}}


# -- nothing lost -------------------------------------------------------------------------------


async def test_an_empty_page_before_the_last_is_an_error_not_the_end(
    server: ScriptedProvider,
) -> None:
    """Telnyx announces three pages and sends page 2 empty: the listing must not end after
    page 1 (page 3's records would be lost); it raises once it reaches page 2."""

    def script(request: web.Request) -> dict[str, Any]:
        number = page_number(request)
        records = [] if number == 2 else [telnyx_record(3 * (number - 1) + i) for i in range(3)]
        return telnyx_page(records, number, total_pages=3)

    server.script = script
    got: list[str] = []
    async with telnyx(server, page_concurrency=1) as svc:
        with pytest.raises(DecodeError, match="page 2 of 3 is empty") as info:
            await drain(svc.list(page_size=3), got)
    assert info.value.field == "page"
    assert got == [telnyx_record(i)["id"] for i in range(3)]
    assert len(server.requests) <= 3


async def test_empty_pages_pointing_onwards_forever_end_with_an_error(
    server: ScriptedProvider,
) -> None:
    """Twilio pages with no conference and a fresh next page every time: without a guard
    that is thousands of requests a second, forever, even with ``limit=1``."""
    server.script = lambda request: twilio_page(server, [], f"T{len(server.requests)}")
    async with twilio(server) as svc:
        with pytest.raises(DecodeError, match="pages in a row brought no new record"):
            await svc.list(limit=1).collect()
    assert len(server.requests) <= MAX_PAGES_WITHOUT_PROGRESS + 1


# -- nothing repeated ---------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_page_that_repeats_an_earlier_page_is_an_error(
    server: ScriptedProvider, provider: str
) -> None:
    """Page 3 comes back as page 1 (not its neighbour): the records must not be handed out a
    second time."""
    pages = {1: [0, 1, 2], 2: [3, 4, 5], 3: [0, 1, 2], 4: [6, 7, 8]}

    def telnyx_script(request: web.Request) -> dict[str, Any]:
        number = page_number(request)
        return telnyx_page([telnyx_record(n) for n in pages[number]], number, total_pages=4)

    def twilio_script(request: web.Request) -> dict[str, Any]:
        number = int(request.query.get("PageToken", "1"))
        following = str(number + 1) if number < 4 else None
        return twilio_page(server, [twilio_record(n) for n in pages[number]], following)

    server.script = telnyx_script if provider == "telnyx" else twilio_script
    got: list[str] = []
    async with telnyx(server) if provider == "telnyx" else twilio(server) as svc:
        with pytest.raises(DecodeError, match="repeats an earlier page"):
            await drain(svc.list(page_size=3), got)
    assert len(got) == len(set(got)) == 6


async def test_a_token_after_a_dropped_repeat_resumes_exactly_after_the_last_record(
    server: ScriptedProvider,
) -> None:
    """Records shift while paging: page 2 starts with page 1's last record, which the
    listing drops. A token taken after the second record of page 2 must resume right after
    it — not one place early (the repeat counted) nor late."""
    pages = {1: [0, 1, 2], 2: [2, 3, 4], 3: [5, 6, 7]}

    def script(request: web.Request) -> dict[str, Any]:
        number = page_number(request)
        return telnyx_page([telnyx_record(n) for n in pages[number]], number, total_pages=3)

    server.script = script
    ids = [telnyx_record(n)["id"] for n in range(8)]
    async with telnyx(server, page_concurrency=1) as svc:
        pager = svc.list(page_size=3)
        got: list[str] = []
        async for conf in pager:
            got.append(conf.id)
            if conf.id == ids[4]:
                break
        token = pager.resume_token
        assert pager.duplicates_dropped == 1
        rest = [c.id for c in await svc.list(resume_token=token).collect()]
    assert got == ids[:5]
    assert rest == ids[5:]


# -- resume tokens are input too -----------------------------------------------------------------


def telnyx_token(query: list[list[str]], number: int = 1) -> str:
    return encode_resume_token("telnyx", {"q": query, "n": number})


@pytest.mark.parametrize(
    ("query", "number", "why"),
    [
        ([["region", "US"], ["page[size]", "0"]], 1, "page.size. must be 1..250"),
        ([["region", "US"], ["page[size]", "abc"]], 1, "page.size. must be 1..250"),
        ([["region", "US"], ["page[size]", "251"]], 1, "page.size. must be 1..250"),
        ([["region", "US"]], 1, "no page.size."),
        ([["region", "Mars"], ["page[size]", "3"]], 1, "not a telnyx data region"),
        ([["page[size]", "3"], ["page[size]", "4"]], 1, "given twice"),
        ([["page[size]", "3"], ["filter[status]", "on_fire"]], 1, "invalid value"),
        ([["page[size]", "3"], ["filter[bogus]", "x"]], 1, "not a telnyx filter"),
        ([["page[size]", "3"], ["filter[failed]", "maybe"]], 1, "invalid value"),
        ([["page[size]", "3"], ["debug", "1"]], 1, "not a parameter"),
        ([["page[size]", "3\u0000"]], 1, "control character"),
        ([["page[size]", "3"]], 0, "not a telnyx listing position"),
        ([["page[size]", "3"]], 2**40, "not a telnyx listing position"),
        ([["page[size]", 3]], 1, "pair of strings"),
    ],
)
async def test_a_forged_telnyx_token_is_refused_before_any_request(
    server: ScriptedProvider, query: list[list[Any]], number: int, why: str
) -> None:
    async with telnyx(server) as svc:
        with pytest.raises(InvalidRequestError, match=why):
            svc.list(resume_token=telnyx_token(query, number))
    assert server.requests == []


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/v1/Conferences?PageSize=0", "PageSize must be 1..1000"),
        ("/v1/Conferences?PageSize=abc", "PageSize must be 1..1000"),
        ("/v1/Conferences?PageSize=5&MixerRegion=mars", "not a conference mixer region"),
        ("/v1/Conferences?PageSize=5&PageSize=6", "more than once"),
        ("/v1/Conferences?Page=1", "no PageSize"),
        ("/v1/Conferences?PageSize=5&ConferenceSid=CF1", "not a conference SID"),
        ("/v1/Conferences?PageSize=5&Page=-1", "Page must be a page index"),
    ],
)
async def test_a_forged_twilio_token_is_refused_before_any_request(
    server: ScriptedProvider, target: str, why: str
) -> None:
    async with twilio(server) as svc:
        with pytest.raises(InvalidRequestError, match=why):
            svc.list(resume_token=encode_resume_token("twilio", target))
    assert server.requests == []


# -- memory bounded -----------------------------------------------------------------------------


def telnyx_page_body(records: list[bytes | tuple[bytes, int]], number: int, total: int) -> Streamed:
    meta = {"page_number": number, "page_size": 250, "total_pages": total}
    end = b'],"meta":' + json.dumps(meta).encode() + b"}"
    return Streamed(b'{"data":[', *records, end)


async def test_pages_of_tiny_records_cannot_multiply_memory(server: ScriptedProvider) -> None:
    """The first page announces 17 pages; each following one is just under the body cap and
    made of millions of empty records (``{}``). With 16 pages in flight, each parsed into
    millions of objects, that once grew a client by 3.2 GiB. Now the pages ahead share one
    budget (the page awaited never waits), and a page whose parsed size alone would exceed
    it is refused before it is parsed."""
    first = b",".join(json.dumps(telnyx_record(n)).encode() for n in range(3))
    count = (8 * 1024 * 1024 - 200) // 3

    def script(request: web.Request) -> Streamed:
        number = page_number(request)
        if number == 1:
            return telnyx_page_body([first], 1, 17)
        return telnyx_page_body([b"{}", (b",{}", count - 1)], number, 17)

    server.script = script
    tracemalloc.start()
    try:
        async with telnyx(server) as svc:
            with pytest.raises(ResponseTooLargeError, match="memory budget"):
                await svc.list().collect()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(server.requests) <= 17
    # The awaited page's bytes and one more page's worth ahead, not 16 x 8 MiB parsed.
    assert peak < 3 * DEFAULT_LISTING_BUDGET, f"{peak / 2**20:.0f} MiB"


async def test_big_pages_wait_their_turn_and_the_listing_completes(
    server: ScriptedProvider,
) -> None:
    """Pages of valid records, each 1.5 MiB (long names), 16 fetched ahead at once would
    hold 24 MiB: the budget lets a few through at a time, and every record arrives, once,
    in order."""
    total = 12
    long_name = 500 * 1024

    def record(n: int) -> list[bytes | tuple[bytes, int]]:
        head = json.dumps({**telnyx_record(n), "name": ""}).encode()
        cut = head.index(b'"name": "') + len(b'"name": "')
        return [head[:cut], (b"x", long_name), head[cut:]]

    def script(request: web.Request) -> Streamed:
        number = page_number(request)
        parts: list[bytes | tuple[bytes, int]] = []
        for i in range(3):
            parts += ([b","] if i else []) + record(3 * (number - 1) + i)
        return telnyx_page_body(parts, number, total)

    server.script = script
    async with telnyx(server) as svc:
        pager = svc.list(page_size=3)
        got = [c.id async for c in pager]
    assert got == [telnyx_record(n)["id"] for n in range(3 * total)]
    # What the pages ahead held together never passed the budget by more than the page
    # awaited (16 of them at once would be 24 MiB). Measured on the budget itself: a memory
    # measurement would be dominated by parsing, which orjson does with a transient buffer
    # of about 12 times the page, one page at a time.
    page_bytes = 3 * long_name
    assert pager._budget.peak <= DEFAULT_LISTING_BUDGET + 1.1 * page_bytes
    assert pager._budget.used == 0  # everything given back
