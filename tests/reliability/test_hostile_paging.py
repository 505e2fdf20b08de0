"""Hostile servers and paging: nothing lost, nothing repeated, nothing endless.

Each case is served from a real aiohttp server on loopback whose pages are scripted to
misbehave the way a buggy API release, a compromised proxy or a cache that ignores the query
would: empty pages before the last, pages that repeat earlier ones, empty pages that point
onwards forever, resume tokens that were tampered with. The client must end such a listing
with a typed error within a bounded number of requests, and never hand out a record twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

import confclient
from confclient import DecodeError, InvalidRequestError, RetryPolicy
from confclient._page_guard import MAX_PAGES_WITHOUT_PROGRESS
from confclient.paging import encode_resume_token

Script = Callable[[web.Request], dict[str, Any]]


class ScriptedProvider:
    """A loopback server answering each request with ``script(request)`` as JSON."""

    def __init__(self) -> None:
        self.script: Script = lambda request: {}
        self.requests: list[web.Request] = []
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        return web.Response(body=json.dumps(self.script(request)), content_type="application/json")

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
