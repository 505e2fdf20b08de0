"""The Twilio service over aioresponses: credentials, paging by next_page_url, errors."""

from __future__ import annotations

import base64
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
    UnsafeRedirectError,
    UnsupportedOperationError,
    ValidationError,
)
from confclient_twilio import TwilioInsightsConferenceService

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://insights.twilio.com/v1"
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "authtoken0123456789secretvalue00"
API_KEY = "SK" + "1" * 32
API_SECRET = "apisecret-0123456789-secretvalue"
SID = "CF" + "a" * 32
LIST = re.compile(r"^https://insights\.twilio\.com/v1/Conferences(\?.*)?$")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def mocked() -> Any:
    with aioresponses() as m:
        yield m


@pytest.fixture
async def svc() -> AsyncIterator[TwilioInsightsConferenceService]:
    async with TwilioInsightsConferenceService(
        ACCOUNT, TOKEN, retry=RetryPolicy(backoff_base=0, max_attempts=2)
    ) as service:
        yield service


def sent(mocked: Any) -> list[tuple[str, URL, dict[str, Any]]]:
    return [
        (method, url, call.kwargs)
        for (method, url), calls in mocked.requests.items()
        for call in calls
    ]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_list_follows_next_page_url(mocked: Any, svc: Any) -> None:
    mocked.get(LIST, payload=load("page1.json"))
    mocked.get(LIST, payload=load("page2.json"))
    items = await svc.list(region="ie1", status="completed", page_size=2).collect()
    assert [c.id for c in items] == [
        "CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
        "CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2",
        "CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3",
    ]
    calls = sorted(sent(mocked), key=lambda c: "PageToken" in c[1].query)
    first, second = (url for _, url, _ in calls)
    assert dict(first.query) == {"Status": "completed", "MixerRegion": "ie1", "PageSize": "2"}
    assert dict(second.query) == {"PageSize": "2", "Page": "1", "PageToken": "PAxyz"}
    for _, _, kwargs in calls:
        assert kwargs["headers"]["Authorization"] == basic(ACCOUNT, TOKEN)


async def test_api_key_credentials(mocked: Any) -> None:
    mocked.get(LIST, payload=load("page2.json"))
    async with TwilioInsightsConferenceService(
        ACCOUNT, api_key=API_KEY, api_secret=API_SECRET
    ) as svc:
        await svc.list().collect()
    ((_, _, kwargs),) = sent(mocked)
    assert kwargs["headers"]["Authorization"] == basic(API_KEY, API_SECRET)


async def test_next_page_on_another_host_is_refused_before_sending(mocked: Any, svc: Any) -> None:
    body = load("page1.json")
    body["meta"]["next_page_url"] = "https://evil.example.com/v1/Conferences?Page=1"
    mocked.get(LIST, payload=body)
    pager = svc.list()
    with pytest.raises(UnsafeRedirectError, match=r"evil\.example\.com") as info:
        await pager.collect()
    assert info.value.url is not None
    assert pager.items_yielded == 0  # the unsafe page is refused when it is announced
    assert len(sent(mocked)) == 1


@pytest.mark.parametrize(
    "next_url",
    [
        "http://insights.twilio.com/v1/Conferences?Page=1",  # scheme downgrade
        "https://insights.twilio.com:8443/v1/Conferences?Page=1",  # another port
        "https://insights.twilio.com/v1/Accounts?Page=1",  # another resource
        "https://user:pw@insights.twilio.com/v1/Conferences?Page=1",  # its own credentials
    ],
)
async def test_next_page_anywhere_else_is_refused(mocked: Any, svc: Any, next_url: str) -> None:
    body = load("page1.json")
    body["meta"]["next_page_url"] = next_url
    mocked.get(LIST, payload=body)
    with pytest.raises(UnsafeRedirectError):
        await svc.list().collect()
    assert len(sent(mocked)) == 1


async def test_repeated_next_page_raises_instead_of_looping(mocked: Any, svc: Any) -> None:
    looping = load("page1.json")
    looping["meta"]["next_page_url"] = looping["meta"]["url"]
    mocked.get(LIST, payload=looping, repeat=True)
    with pytest.raises(DecodeError, match="already sent"):
        await svc.list(page_size=2).collect()
    # The first request (PageSize=2) differs from the page's own URL (…&Page=0), which is
    # fetched once; the second time it is announced, the listing stops.
    assert len(sent(mocked)) == 2


async def test_resume_token(mocked: Any, svc: Any) -> None:
    mocked.get(LIST, payload=load("page1.json"))
    mocked.get(LIST, payload=load("page2.json"), repeat=True)
    pager = svc.list(page_size=2)
    pages = pager.pages()
    first = await anext(pages)
    token = first.resume_token
    await pager.aclose()
    assert token is not None
    async with TwilioInsightsConferenceService(ACCOUNT, TOKEN) as other:
        rest = await other.list(resume_token=token).collect()
        with pytest.raises(InvalidRequestError, match="another query"):
            other.list(resume_token=token, status="completed")
        telnyx_token = confclient.paging.encode_resume_token("telnyx", {"q": [], "n": 1})
        with pytest.raises(InvalidRequestError, match="not 'twilio'"):
            other.list(resume_token=telnyx_token)
    assert [c.id for c in rest] == ["CFaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"]


async def test_get(mocked: Any, svc: Any) -> None:
    record = load("page1.json")["conferences"][0]
    mocked.get(f"{BASE}/Conferences/{record['conference_sid']}", payload=record)
    conf = await svc.get(record["conference_sid"])
    assert conf.id == record["conference_sid"]
    assert conf.raw == record


@pytest.mark.parametrize("bad", ["../Accounts", "CF123", "", "CA" + "0" * 32])
async def test_get_validates_the_sid_before_sending(mocked: Any, svc: Any, bad: str) -> None:
    with pytest.raises(InvalidRequestError):
        await svc.get(bad)
    assert sent(mocked) == []


async def test_a_region_is_a_checked_hint_it_does_not_need(mocked: Any, svc: Any) -> None:
    record = load("page1.json")["conferences"][0]
    mocked.get(f"{BASE}/Conferences/{record['conference_sid']}", payload=record)
    conf = await svc.get(record["conference_sid"], region="IE1")  # any spelling of a region
    assert conf.id == record["conference_sid"]
    paths = [url.path for _, url, _ in sent(mocked)]
    assert paths == [f"/v1/Conferences/{record['conference_sid']}"]
    with pytest.raises(InvalidRequestError, match="region must be one of"):
        await svc.get(record["conference_sid"], region="mars")
    assert len(sent(mocked)) == 1


async def test_get_a_conference_again(mocked: Any, svc: Any) -> None:
    record = load("page1.json")["conferences"][0]
    mocked.get(f"{BASE}/Conferences/{record['conference_sid']}", payload=record, repeat=True)
    conf = await svc.get(record["conference_sid"])
    assert conf.data_region == record["mixer_region"]  # a summary's region is its own
    again = await svc.get(conf)
    assert again == conf
    other = confclient.Conference(provider="telnyx", id=conf.id)
    with pytest.raises(InvalidRequestError, match="cannot fetch a telnyx conference"):
        await svc.get(other)
    assert len(sent(mocked)) == 2


async def test_regions_are_the_documented_mixer_regions(svc: Any) -> None:
    # specs/twilio-insights-list-conferences.md, MixerRegion: nothing else may be asked for.
    assert svc.regions == ("us1", "au1", "br1", "ie1", "jp1", "sg1", "de1")


@pytest.mark.parametrize("region", ["us2", "in1"])
async def test_participant_only_region_is_refused_before_any_request(
    mocked: Any, svc: Any, region: str
) -> None:
    with pytest.raises(InvalidRequestError, match=f"got '{region}'"):
        svc.list(region=region)
    with pytest.raises(InvalidRequestError, match=f"got '{region}'"):
        confclient.fan_out(svc, regions=("us1", region))
    with pytest.raises(ConfigurationError, match="default_region"):
        TwilioInsightsConferenceService(ACCOUNT, TOKEN, default_region=region)
    assert sent(mocked) == []


async def test_create_is_unsupported(mocked: Any, svc: Any) -> None:
    assert confclient.Capability.CREATE not in svc.capabilities
    with pytest.raises(UnsupportedOperationError) as info:
        await svc.create(name="x")
    assert info.value.operation == "create"
    assert sent(mocked) == []


@pytest.mark.parametrize(
    ("status", "fixture", "cls"),
    [
        (401, "error_401.json", AuthenticationError),
        (404, "error_404.json", NotFoundError),
        (400, "error_400.json", ValidationError),
    ],
)
async def test_list_errors_keep_the_code(
    mocked: Any, svc: Any, status: int, fixture: str, cls: type
) -> None:
    mocked.get(LIST, status=status, payload=load(fixture), headers={"Twilio-Request-Id": "RQ1"})
    with pytest.raises(cls) as info:
        await svc.list().collect()
    assert info.value.code == str(load(fixture)["code"])
    assert info.value.request_id == "RQ1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"account_sid": ACCOUNT},
        {"account_sid": "AC123", "auth_token": TOKEN},
        {"account_sid": ACCOUNT, "auth_token": TOKEN, "api_key": API_KEY, "api_secret": "x"},
        {"account_sid": ACCOUNT, "api_key": "SK1", "api_secret": API_SECRET},
        {"account_sid": ACCOUNT, "api_key": API_KEY},
        {"account_sid": ACCOUNT, "auth_token": "tok en"},
    ],
)
def test_bad_credentials(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        TwilioInsightsConferenceService(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [
        ({}, ("account_sid", "auth_token")),
        ({"auth_token": TOKEN}, ("account_sid",)),
        ({"account_sid": ACCOUNT, "auth_token": ""}, ("auth_token",)),
        ({"account_sid": ACCOUNT, "api_key": API_KEY}, ("api_secret",)),
        ({"account_sid": ACCOUNT, "api_secret": API_SECRET}, ("api_key",)),
    ],
)
def test_missing_credentials_are_named(kwargs: dict[str, Any], missing: tuple[str, ...]) -> None:
    with pytest.raises(ConfigurationError) as info:
        TwilioInsightsConferenceService(**kwargs)
    assert (info.value.provider, info.value.missing) == ("twilio", missing)
    variables = [TwilioInsightsConferenceService.env_variables[o] for o in missing]
    assert f"or set {' and '.join(variables)} and use confclient.connect_from_env()" in str(
        info.value
    )


def test_a_base_url_without_its_version_is_refused_at_connect() -> None:
    with pytest.raises(ConfigurationError) as info:
        TwilioInsightsConferenceService(
            account_sid=ACCOUNT, auth_token=TOKEN, base_url="https://insights.twilio.com"
        )
    assert str(info.value) == (
        "base_url must be the API root with its version, e.g. https://insights.twilio.com/v1; "
        "got 'https://insights.twilio.com/' (did you mean https://insights.twilio.com/v1?)"
    )


async def test_secrets_absent_from_repr_and_errors(mocked: Any, svc: Any) -> None:
    mocked.get(LIST, status=401, payload=load("error_401.json"))
    texts = [repr(svc), repr(svc.transport)]
    with pytest.raises(AuthenticationError) as info:
        await svc.list().collect()
    texts += [str(info.value), repr(info.value), repr(vars(info.value))]
    encoded = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    for text in texts:
        assert TOKEN not in text
        assert encoded not in text


async def test_connect_from_env() -> None:
    env = {
        "CONFCLIENT_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_INSIGHTS_BASE_URL": "https://insights.example.com/v1",
    }
    async with confclient.connect_from_env(env=env) as svc:
        assert isinstance(svc, TwilioInsightsConferenceService)
        assert svc.provider == "twilio"
        assert str(svc.transport.base_url) == "https://insights.example.com/v1"
        assert "us1" in svc.regions


@pytest.mark.parametrize(
    "cursor",
    ["https://evil.example.com/v1/Conferences?Page=1", "/v1/Accounts?Page=1", 42],
)
async def test_forged_resume_token_is_an_invalid_request(
    mocked: Any, svc: Any, cursor: Any
) -> None:
    token = confclient.paging.encode_resume_token("twilio", cursor)
    with pytest.raises(InvalidRequestError, match="damaged"):
        svc.list(resume_token=token)
    assert sent(mocked) == []
