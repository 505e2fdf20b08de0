"""The Telnyx service over aioresponses: what is sent, how answers become results."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

import confclient
from confclient import (
    AuthenticationError,
    ConfigurationError,
    DecodeError,
    InvalidRequestError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from confclient_telnyx import TelnyxConferenceService

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://api.telnyx.com/v2"
KEY = "KEY0123456789secret"
ANY_LIST = re.compile(r"^https://api\.telnyx\.com/v2/conferences\?.*$")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def mocked() -> Any:
    with aioresponses() as m:
        yield m


@pytest.fixture
async def svc() -> AsyncIterator[TelnyxConferenceService]:
    # One region by default: these tests are about one listing's requests (a listing of
    # every region is one listing per region, tested end to end on the sandbox).
    async with TelnyxConferenceService(
        api_key=KEY, retry=RetryPolicy(backoff_base=0, max_attempts=3), default_region="US"
    ) as service:
        yield service


def sent(mocked: Any) -> list[tuple[str, URL, dict[str, Any]]]:
    calls = []
    for (method, url), kwargs_list in mocked.requests.items():
        for kwargs in kwargs_list:
            calls.append((method, url, kwargs.kwargs))
    return calls


def query_of(url: URL) -> dict[str, str]:
    return dict(url.query)


async def test_list_pages_through_and_sends_the_query(mocked: Any, svc: Any) -> None:
    mocked.get(ANY_LIST, payload=load("list_page1.json"))
    mocked.get(ANY_LIST, payload=load("list_page2.json"))
    pager = svc.list(region="europe", status="completed", name="All hands meeting", page_size=2)
    items = [conf async for conf in pager]
    assert [c.id for c in items] == [
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "7c1f2a10-1b2c-4d5e-8f90-123456789abc",
        "9a8b7c6d-0000-4000-8000-00000000beef",
    ]
    calls = sent(mocked)
    assert [query_of(url)["page[number]"] for _, url, _ in calls] == ["1", "2"]
    for method, url, kwargs in calls:
        assert method == "GET"
        assert url.path == "/v2/conferences"
        assert query_of(url) | {"page[number]": "x"} == {
            "region": "Europe",
            "filter[status]": "completed",
            "filter[name]": "All hands meeting",
            "page[size]": "2",
            "page[number]": "x",
        }
        assert kwargs["headers"]["Authorization"] == f"Bearer {KEY}"
        assert kwargs["allow_redirects"] is False
    assert pager.pages_fetched == 2
    assert pager.resume_token is None


async def test_pages_carry_number_total_and_token(mocked: Any, svc: Any) -> None:
    mocked.get(ANY_LIST, payload=load("list_page1.json"))
    mocked.get(ANY_LIST, payload=load("list_page2.json"))
    pages = [page async for page in svc.list(page_size=2).pages()]
    assert [(p.number, len(p), p.total_results) for p in pages] == [(1, 2, 3), (2, 1, 3)]
    assert pages[0].resume_token is not None
    assert pages[1].resume_token is None


def page_url(number: int) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(BASE)}/conferences\?.*page%5Bnumber%5D={number}(&.*)?$")


async def test_resume_token_continues_in_a_new_service(mocked: Any, svc: Any) -> None:
    # Served by page number: the first pager may or may not have prefetched page 2 before
    # the break, and the result must not depend on it.
    mocked.get(page_url(1), payload=load("list_page1.json"), repeat=True)
    mocked.get(page_url(2), payload=load("list_page2.json"), repeat=True)
    pager = svc.list(region="US", page_size=2)
    async for conf in pager:
        first = conf
        break
    token = pager.resume_token
    assert first.id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert token is not None
    async with TelnyxConferenceService(api_key=KEY) as other:
        rest = await other.list(resume_token=token).collect()
        # Consistent filters alongside the token are fine; different ones are refused.
        other.list(resume_token=token, region="us", page_size=2)
        with pytest.raises(InvalidRequestError, match="another query"):
            other.list(resume_token=token, region="Europe")
    assert [c.id for c in rest] == [
        "7c1f2a10-1b2c-4d5e-8f90-123456789abc",
        "9a8b7c6d-0000-4000-8000-00000000beef",
    ]
    assert all(query_of(url)["region"] == "US" for _, url, _ in sent(mocked))


async def test_limit_stops_fetching(mocked: Any, svc: Any) -> None:
    mocked.get(ANY_LIST, payload=load("list_page1.json"))
    items = await svc.list(limit=1).collect()
    assert len(items) == 1
    assert len(sent(mocked)) == 1
    assert query_of(sent(mocked)[0][1])["page[size]"] == "1"


async def test_get_encodes_the_id_as_one_segment(mocked: Any, svc: Any) -> None:
    mocked.get(
        re.compile(r"^https://api\.telnyx\.com/v2/conferences/.*$"),
        payload={"data": load("conference.json")},
    )
    conf = await svc.get("../balance", region="Europe")
    assert conf.id == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    ((method, url, _),) = sent(mocked)
    assert method == "GET"
    assert url.raw_path == "/v2/conferences/..%2Fbalance"
    assert query_of(url) == {"region": "Europe"}


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
async def test_get_refuses_bad_ids_before_sending(mocked: Any, svc: Any, bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="id must be a non-empty string"):
        await svc.get(bad)
    assert sent(mocked) == []


async def test_get_refuses_unknown_region(mocked: Any, svc: Any) -> None:
    with pytest.raises(InvalidRequestError, match="Australia, Europe, Middle East, US"):
        await svc.get("abc", region="Asia")
    assert sent(mocked) == []


@pytest.mark.parametrize(
    ("status", "fixture", "cls"),
    [
        (401, "error_401.json", AuthenticationError),
        (404, "error_404.json", NotFoundError),
        (422, "error_422_conflict.json", ValidationError),
    ],
)
async def test_errors_are_mapped_and_not_retried(
    mocked: Any, svc: Any, status: int, fixture: str, cls: type
) -> None:
    mocked.get(re.compile(r".*"), status=status, payload=load(fixture), repeat=True)
    with pytest.raises(cls) as info:
        await svc.get("abc")
    assert info.value.code == load(fixture)["errors"][0]["code"]
    assert info.value.method == "GET"
    assert info.value.url == f"{BASE}/conferences/abc?region=US"  # the default region first
    regions = [query_of(url)["region"] for _, url, _ in sent(mocked)]
    if cls is NotFoundError:
        # Not in the default region: every other region is asked once, none retried.
        assert regions[0] == "US"
        assert sorted(regions) == sorted(svc.regions)
        assert info.value.regions == ("US", "Australia", "Europe", "Middle East")
        assert "(looked in US, Australia, Europe, Middle East)" in str(info.value)
    else:
        assert regions == ["US"]  # an answer that is not "not found" ends the search


async def test_server_errors_are_retried_then_raised(mocked: Any, svc: Any) -> None:
    body = {"errors": [{"code": "10000", "title": "Internal error"}]}
    mocked.get(ANY_LIST, status=503, payload=body, repeat=True)
    with pytest.raises(ServerError) as info:
        await svc.list().collect()
    assert info.value.status == 503
    assert info.value.code == "10000"
    assert len(sent(mocked)) == 3


async def test_truncated_json_is_retried(mocked: Any, svc: Any) -> None:
    body = load("list_page2.json")
    body["meta"].update(total_pages=1, page_number=1)
    whole = json.dumps(body)
    mocked.get(ANY_LIST, status=200, body=whole[: len(whole) // 2])
    mocked.get(ANY_LIST, status=200, body=whole)
    items = await svc.list().collect()
    assert [c.name for c in items] == ["Support escalation"]
    assert len(sent(mocked)) == 2


async def test_truncated_json_every_time_is_a_decode_error(mocked: Any, svc: Any) -> None:
    mocked.get(ANY_LIST, status=200, body='{"data": [', repeat=True)
    with pytest.raises(DecodeError, match="not JSON"):
        await svc.list().collect()
    assert len(sent(mocked)) == 3


async def test_create_sends_the_body_and_retries_with_the_same_command_id(
    mocked: Any, svc: Any
) -> None:
    created = {"data": {**load("conference.json"), "name": "Business", "status": "init"}}
    mocked.post(f"{BASE}/conferences", status=503, payload={"errors": []})
    mocked.post(f"{BASE}/conferences", payload=created)
    conf = await svc.create(
        call_control_id="v3:abc", name="Business", beep_enabled="on_exit", region="europe"
    )
    assert conf.name == "Business"
    assert conf.status is confclient.ConferenceStatus.NOT_STARTED
    calls = sent(mocked)
    assert len(calls) == 2
    bodies = [json.loads(kwargs["data"]) for _, _, kwargs in calls]
    assert bodies[0] == bodies[1]
    assert bodies[0]["command_id"]
    assert bodies[0] | {"command_id": None} == {
        "call_control_id": "v3:abc",
        "name": "Business",
        "beep_enabled": "on_exit",
        "region": "Europe",
        "command_id": None,
    }
    assert calls[0][2]["headers"]["Content-Type"] == "application/json"


async def test_create_validation_happens_before_sending(mocked: Any, svc: Any) -> None:
    with pytest.raises(InvalidRequestError, match="max_participants"):
        await svc.create(call_control_id="v3:abc", name="B", max_participants=900)
    assert sent(mocked) == []


async def test_create_name_conflict(mocked: Any, svc: Any) -> None:
    mocked.post(f"{BASE}/conferences", status=422, payload=load("error_422_conflict.json"))
    with pytest.raises(ValidationError) as info:
        await svc.create(call_control_id="v3:abc", name="Business", command_id="cmd-1")
    assert info.value.code == "90033"
    assert "already exists" in str(info.value)


@pytest.mark.parametrize("key", [None, ""])
def test_missing_api_key(key: Any) -> None:
    """The error names what is missing (``missing``), for a front end to phrase its own way."""
    with pytest.raises(ConfigurationError) as info:
        TelnyxConferenceService(api_key=key)
    assert (info.value.provider, info.value.missing) == ("telnyx", ("api_key",))
    assert str(info.value) == (
        "telnyx needs api_key: pass api_key=..., or set TELNYX_API_KEY and use "
        "confclient.connect_from_env()"
    )


def test_options_from_env_follow_env_variables() -> None:
    assert dict(TelnyxConferenceService.env_variables) == {
        "api_key": "TELNYX_API_KEY",
        "base_url": "TELNYX_BASE_URL",
    }
    env = {"TELNYX_API_KEY": "KEYx", "TELNYX_BASE_URL": "", "TWILIO_AUTH_TOKEN": "t"}
    assert TelnyxConferenceService.options_from_env(env) == {"api_key": "KEYx"}


@pytest.mark.parametrize(
    ("base_url", "meant"),
    [
        ("https://api.telnyx.com", "https://api.telnyx.com/v2"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/v2"),
        ("https://api.telnyx.com/v2/conferences", "https://api.telnyx.com/v2"),
        ("https://api.telnyx.com/v2/conferences/abc", "https://api.telnyx.com/v2"),
    ],
)
def test_a_base_url_without_its_version_is_refused_at_connect(base_url: str, meant: str) -> None:
    """Not a 404 at the first request (which reads like "no such conference")."""
    with pytest.raises(ConfigurationError) as info:
        confclient.connect("telnyx", api_key=KEY, base_url=base_url)
    assert str(info.value).startswith(
        "base_url must be the API root with its version, e.g. https://api.telnyx.com/v2; got "
    )
    assert str(info.value).endswith(f"(did you mean {meant}?)")
    for fine in ("https://api.telnyx.com/v2/", "https://proxy.example.com/telnyx/v2"):
        confclient.connect("telnyx", api_key=KEY, base_url=fine)


def test_api_key_with_line_break_is_refused_without_echo() -> None:
    with pytest.raises(ConfigurationError) as info:
        TelnyxConferenceService(api_key="KEYabc\r\nX-Evil: 1")
    assert "KEYabc" not in str(info.value)


@pytest.mark.parametrize("base_url", ["ftp://api.telnyx.com/v2", "api.telnyx.com", "http://x.com"])
def test_bad_base_url(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"base_url|http"):
        TelnyxConferenceService(api_key=KEY, base_url=base_url)


async def test_key_absent_from_repr_and_errors(mocked: Any, svc: Any) -> None:
    mocked.get(re.compile(r".*"), status=401, payload=load("error_401.json"))
    assert KEY not in repr(svc)
    assert KEY not in repr(svc.transport)
    with pytest.raises(AuthenticationError) as info:
        await svc.get("abc")
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value)
    assert KEY not in repr(vars(info.value))


async def test_connect_by_name_and_from_env(mocked: Any) -> None:
    svc = confclient.connect("telnyx", api_key=KEY, base_url="https://eu.example.com/v2")
    async with svc:
        assert isinstance(svc, TelnyxConferenceService)
        assert str(svc.transport.base_url) == "https://eu.example.com/v2"
    env = {
        "CONFCLIENT_PROVIDER": "telnyx",
        "TELNYX_API_KEY": KEY,
        "TELNYX_BASE_URL": "https://api.telnyx.com/v2",
    }
    async with confclient.connect_from_env(env=env) as from_env:
        assert from_env.provider == "telnyx"
        assert from_env.regions == ("Australia", "Europe", "Middle East", "US")
        assert confclient.Capability.CREATE in from_env.capabilities
    with pytest.raises(ConfigurationError, match="TELNYX_API_KEY"):
        confclient.connect_from_env(env={"CONFCLIENT_PROVIDER": "telnyx"})


async def test_caller_owned_session_is_used_and_left_open(mocked: Any) -> None:
    import aiohttp

    mocked.get(re.compile(r".*"), payload={"data": load("conference.json")})
    async with aiohttp.ClientSession() as session:
        async with TelnyxConferenceService(api_key=KEY, session=session) as svc:
            await svc.get("abc")
            assert svc.transport.session is session
        assert not session.closed


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x"}, "call_control_id is required"),
        ({"call_control_id": "v3:abc"}, "name is required"),
        ({"call_control_id": "v3:abc", "name": "x", "colour": "red"}, "takes no colour"),
    ],
)
async def test_create_missing_or_unknown_fields_are_typed_errors(
    mocked: Any, svc: Any, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        await svc.create(**fields)
    assert sent(mocked) == []
