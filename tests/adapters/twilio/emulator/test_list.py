"""GET /v1/Conferences: cursor paging, meta URLs, every filter and query validation."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import yarl

from confclient.sandbox import Sandbox
from confclient_twilio.emulator.query import encode_page_token
from tests.sandbox.sandbox_helpers import TwilioApi

Record = dict[str, Any]


def created(record: Record) -> datetime:
    return datetime.fromisoformat(record["create_time"])


def query_of(url: str) -> dict[str, str]:
    parsed = yarl.URL(url)
    assert parsed.path == "/v1/Conferences"
    return dict(parsed.query)


async def test_first_page_defaults(twilio: TwilioApi, sandbox: Sandbox) -> None:
    status, headers, body = await twilio.list()
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    root = sandbox.twilio_base_url
    assert body["conferences"] == sandbox.twilio_records()[:50]
    assert body["meta"] == {
        "page": 0,
        "page_size": 50,
        "first_page_url": f"{root}/Conferences?PageSize=50&Page=0",
        "previous_page_url": None,
        "url": f"{root}/Conferences?PageSize=50&Page=0",
        "next_page_url": f"{root}/Conferences?PageSize=50&Page=1&PageToken={encode_page_token(50)}",
        "key": "conferences",
    }
    assert list(body) == ["conferences", "meta"]


@pytest.mark.parametrize(
    ("page_size", "region"), [(1, "us1"), (7, None), (50, None), (1000, None), (33, "au1")]
)
async def test_following_next_page_url_yields_every_record_once(
    twilio: TwilioApi, sandbox: Sandbox, page_size: int, region: str | None
) -> None:
    params: dict[str, str | int] = {"PageSize": page_size}
    if region is not None:
        params["MixerRegion"] = region
    records, urls = await twilio.walk(**params)
    expected = sandbox.twilio_records(region)
    assert records == expected
    assert len({r["conference_sid"] for r in records}) == len(expected)
    assert len(urls) == -(-len(expected) // page_size)
    for index, url in enumerate(urls):
        query = query_of(url)
        assert query["PageSize"] == str(page_size)
        assert query["Page"] == str(index)
        assert ("PageToken" in query) == (index > 0)
        assert query.get("MixerRegion") == region


async def test_previous_page_urls_walk_back(twilio: TwilioApi) -> None:
    _, urls = await twilio.walk(PageSize=100, MixerRegion="jp1", Status="completed")
    assert len(urls) == 1
    _, urls = await twilio.walk(PageSize=20, MixerRegion="jp1")
    assert len(urls) == 5
    for previous, current in itertools.pairwise(urls):
        _, _, body = await twilio.get_url(current)
        assert body["meta"]["previous_page_url"] == previous
        assert body["meta"]["first_page_url"] == urls[0]
        assert body["meta"]["page"] == int(query_of(current)["Page"])


async def test_last_page_and_past_the_end(twilio: TwilioApi, sandbox: Sandbox) -> None:
    _, urls = await twilio.walk(PageSize=40, MixerRegion="de1")
    _, _, last = await twilio.get_url(urls[-1])
    assert last["meta"]["next_page_url"] is None
    assert len(last["conferences"]) == 20
    token = encode_page_token(5000)
    status, _, body = await twilio.list(PageSize=40, Page=125, PageToken=token)
    assert status == 200
    assert body["conferences"] == []
    assert body["meta"]["next_page_url"] is None
    assert body["meta"]["page"] == 125
    # An empty listing is one page with no next page.
    status, _, body = await twilio.list(FriendlyName="No such conference")
    assert (status, body["conferences"], body["meta"]["next_page_url"]) == (200, [], None)


async def test_page_token_decides_where_the_page_starts(
    twilio: TwilioApi, sandbox: Sandbox
) -> None:
    records = sandbox.twilio_records()
    _, _, body = await twilio.list(PageSize=10, Page=3, PageToken=encode_page_token(17))
    assert body["conferences"] == records[17:27]
    assert query_of(body["meta"]["next_page_url"])["PageToken"] == encode_page_token(27)
    assert query_of(body["meta"]["previous_page_url"])["PageToken"] == encode_page_token(7)


async def test_meta_urls_keep_every_filter(twilio: TwilioApi, sandbox: Sandbox) -> None:
    filters = {
        "FriendlyName": "Daily standup 7",
        "Status": "completed",
        "CreatedAfter": "2026-09-01T00:00:00+00:00",
        "CreatedBefore": "2026-11-01T00:00:00Z",
        "MixerRegion": "us1",
        "Tags": "quality_warnings",
        "Subaccount": sandbox.twilio_account_sid,
        "DetectedIssues": "call_quality",
        "EndReason": "last_participant_left",
        "ConferenceSid": "CF" + "0" * 32,
        "Unknown": "dropped",
    }
    _, _, body = await twilio.list(PageSize=1, **filters)
    meta = body["meta"]
    kept = {key: value for key, value in filters.items() if key != "Unknown"}
    for key in ("first_page_url", "url"):
        assert query_of(meta[key]) == {**kept, "PageSize": "1", "Page": "0"}
    assert meta["next_page_url"] is None
    # The raw URL encodes what must be encoded, and stays readable otherwise.
    raw = yarl.URL(meta["url"]).raw_query_string
    assert "FriendlyName=Daily%20standup%207" in raw
    assert "CreatedAfter=2026-09-01T00:00:00%2B00:00" in raw


async def test_following_filtered_pages(twilio: TwilioApi, sandbox: Sandbox) -> None:
    expected = [
        r
        for r in sandbox.twilio_records()
        if r["status"] == "completed" and "quality_warnings" in r["tags"]
    ]
    records, urls = await twilio.walk(PageSize=9, Status="completed", Tags="quality_warnings")
    assert records == expected
    assert len(urls) > 3
    for url in urls:
        query = query_of(url)
        assert (query["Status"], query["Tags"]) == ("completed", "quality_warnings")


async def test_meta_urls_are_on_the_request_host(twilio: TwilioApi, sandbox: Sandbox) -> None:
    local = f"http://localhost:{sandbox.port}"
    _, _, body = await twilio.get_url(f"{local}/v1/Conferences?PageSize=5")
    for key in ("first_page_url", "url", "next_page_url"):
        assert body["meta"][key].startswith(f"{local}/v1/Conferences?"), key
    assert body["conferences"][0]["url"].startswith(f"{local}/v1/Conferences/CF")
    # What counts is the Host the client sent, not the address the server binds.
    headers = {**twilio.headers, "Host": "conferences.example:8443"}
    _, _, body = await twilio.get("/v1/Conferences?PageSize=5", headers=headers)
    assert body["meta"]["next_page_url"].startswith("http://conferences.example:8443/v1/")
    assert body["meta"]["url"].startswith("http://conferences.example:8443/v1/")
    links = body["conferences"][0]["links"]["conference_participants"]
    assert links.startswith("http://conferences.example:8443/v1/Conferences/CF")
    # A Host that is no host name: the address the request came in on.
    for host in ("bad host", 'x"y', "x:port"):
        headers = {**twilio.headers, "Host": host}
        _, _, body = await twilio.get("/v1/Conferences?PageSize=5", headers=headers)
        assert body["meta"]["url"].startswith(sandbox.twilio_base_url + "/Conferences?")
        assert body["conferences"][0]["url"].startswith(sandbox.twilio_base_url + "/Conferences/")


async def test_next_page_origin_override(twilio: TwilioApi, sandbox: Sandbox) -> None:
    assert sandbox.twilio_next_page_origin is None
    _, _, plain = await twilio.list(PageSize=5, Status="completed")
    sandbox.twilio_next_page_origin = "http://127.0.0.2:9/ignored/path"
    assert sandbox.twilio_next_page_origin == "http://127.0.0.2:9"
    _, _, moved = await twilio.list(PageSize=5, Status="completed")
    assert moved["conferences"] == plain["conferences"]
    own = sandbox.base_url
    assert plain["meta"]["next_page_url"].startswith(own + "/v1/Conferences?")
    assert moved["meta"]["next_page_url"] == (
        "http://127.0.0.2:9" + plain["meta"]["next_page_url"][len(own) :]
    )
    for key in ("first_page_url", "url"):
        assert moved["meta"][key] == plain["meta"][key]
    sandbox.twilio_next_page_origin = None
    _, _, back = await twilio.list(PageSize=5, Status="completed")
    assert back == plain


@pytest.mark.parametrize("value", ["127.0.0.2:9", "/v1", "ftp://127.0.0.2", "http://"])
def test_next_page_origin_must_be_an_http_url(value: str) -> None:
    sb = Sandbox(size=1)
    with pytest.raises(ValueError, match="absolute"):
        sb.twilio_next_page_origin = value


async def test_repeat_next_page(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sandbox.twilio_repeat_next_page = True
    assert sandbox.twilio_repeat_next_page is True
    _, _, first = await twilio.list(PageSize=50)
    assert first["meta"]["next_page_url"] == first["meta"]["url"]
    status, _, again = await twilio.get_url(first["meta"]["next_page_url"])
    assert status == 200
    assert again == first
    _, _, later = await twilio.list(PageSize=50, Page=13, PageToken=encode_page_token(650))
    assert later["meta"]["next_page_url"] == later["meta"]["url"]
    assert len(later["conferences"]) == 50  # the last page repeats itself too
    sandbox.twilio_next_page_origin = "https://127.0.0.2:9"
    _, _, both = await twilio.list(PageSize=50)
    assert (
        both["meta"]["next_page_url"]
        == "https://127.0.0.2:9" + (first["meta"]["url"][len(sandbox.base_url) :])
    )
    sandbox.twilio_repeat_next_page = False
    sandbox.twilio_next_page_origin = None
    records, _ = await twilio.walk(PageSize=500)
    assert len(records) == 700


# --- filters ------------------------------------------------------------------------------


async def check_filter(
    twilio: TwilioApi, predicate: Callable[[Record], bool], **params: str | int
) -> list[Record]:
    expected = [r for r in twilio.sandbox.twilio_records() if predicate(r)]
    records, _ = await twilio.walk(PageSize=1000, **params)
    assert records == expected
    return records


async def test_conference_sid(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sid = sandbox.twilio_records("br1")[10]["conference_sid"]
    found = await check_filter(twilio, lambda r: r["conference_sid"] == sid, ConferenceSid=sid)
    assert len(found) == 1
    upper = "CF" + sid[2:].upper()
    records, _ = await twilio.walk(ConferenceSid=upper)
    assert records == found
    records, _ = await twilio.walk(ConferenceSid=sid, MixerRegion="br1", Status=found[0]["status"])
    assert records == found
    # The other filters still apply.
    records, _ = await twilio.walk(ConferenceSid=sid, MixerRegion="us1")
    assert records == []
    other_status = "not_started" if found[0]["status"] != "not_started" else "completed"
    records, _ = await twilio.walk(ConferenceSid=sid, Status=other_status)
    assert records == []
    records, _ = await twilio.walk(ConferenceSid="CF" + "f" * 32)
    assert records == []


async def test_friendly_name_is_exact(twilio: TwilioApi, sandbox: Sandbox) -> None:
    names = [r["friendly_name"] for r in sandbox.twilio_records()]
    # A name whose prefix is no name: asking for the prefix must find nothing.
    name = next(n for n in names if n[:-1] not in names)
    found = await check_filter(twilio, lambda r: r["friendly_name"] == name, FriendlyName=name)
    assert len(found) >= 1
    await check_filter(twilio, lambda r: False, FriendlyName=name.upper())
    await check_filter(twilio, lambda r: False, FriendlyName=name[:-1])


@pytest.mark.parametrize("value", ["in_progress", "not_started", "completed", "summary_timeout"])
async def test_status(twilio: TwilioApi, value: str) -> None:
    found = await check_filter(twilio, lambda r: r["status"] == value, Status=value)
    assert found


async def test_created_after_is_inclusive_and_before_exclusive(
    twilio: TwilioApi, sandbox: Sandbox
) -> None:
    records = sandbox.twilio_records()
    bound_text = records[100]["create_time"]
    bound = created(records[100])
    after = await check_filter(twilio, lambda r: created(r) >= bound, CreatedAfter=bound_text)
    assert records[100] in after
    before = await check_filter(twilio, lambda r: created(r) < bound, CreatedBefore=bound_text)
    assert records[100] not in before
    assert len(after) + len(before) == len(records)
    lower = created(records[300])
    await check_filter(
        twilio,
        lambda r: lower <= created(r) < bound,
        CreatedAfter=records[300]["create_time"],
        CreatedBefore=bound_text,
    )
    # Other offsets, a naive value (UTC), a date alone: all ISO 8601.
    later = bound + timedelta(seconds=1)
    shifted = later.astimezone(timezone(timedelta(hours=2))).isoformat()
    assert shifted.endswith("+02:00")
    await check_filter(twilio, lambda r: created(r) >= later, CreatedAfter=shifted)
    naive = (bound - timedelta(hours=3)).replace(tzinfo=None).isoformat()
    await check_filter(
        twilio, lambda r: created(r) < bound - timedelta(hours=3), CreatedBefore=naive
    )
    await check_filter(
        twilio,
        lambda r: created(r) >= datetime(2026, 10, 30, tzinfo=UTC),
        CreatedAfter="2026-10-30",
    )
    await check_filter(twilio, lambda r: False, CreatedAfter=bound_text, CreatedBefore=bound_text)


async def test_created_bounds_with_millisecond_records(twilio: TwilioApi, sandbox: Sandbox) -> None:
    precise = next(r for r in sandbox.twilio_records() if "." in r["create_time"])
    moment = created(precise)
    # Record times are whole milliseconds: one more excludes it and nothing else.
    just_after = (moment + timedelta(milliseconds=1)).isoformat()
    found = await check_filter(
        twilio, lambda r: created(r) >= moment, CreatedAfter=precise["create_time"]
    )
    assert precise in found
    found = await check_filter(twilio, lambda r: created(r) > moment, CreatedAfter=just_after)
    assert precise not in found


@pytest.mark.parametrize("region", ["us1", "de1", "au1"])
async def test_mixer_region(twilio: TwilioApi, region: str) -> None:
    found = await check_filter(twilio, lambda r: r["mixer_region"] == region, MixerRegion=region)
    assert len(found) == 100


@pytest.mark.parametrize(
    "tags",
    [
        "quality_warnings",
        "quality_warnings,high_jitter",
        "participant_behavior_issues,detected_silence",
        "quality_warnings,participant_behavior_issues",
        "region_configuration_issues",
    ],
)
async def test_tags_must_all_be_present(twilio: TwilioApi, tags: str) -> None:
    wanted = set(tags.split(","))
    found = await check_filter(twilio, lambda r: wanted <= set(r["tags"]), Tags=tags)
    assert found
    if len(wanted) > 1:
        some = await check_filter(
            twilio, lambda r: tags.split(",")[0] in r["tags"], Tags=tags.split(",")[0]
        )
        assert len(some) > len(found)


async def test_tags_with_spaces_and_repeated(twilio: TwilioApi, sandbox: Sandbox) -> None:
    expected = [
        r
        for r in sandbox.twilio_records()
        if {"quality_warnings", "high_latency"} <= set(r["tags"])
    ]
    records, _ = await twilio.walk(PageSize=1000, Tags="quality_warnings, high_latency")
    assert records == expected
    status, _, body = await twilio.get(
        "/v1/Conferences?Tags=quality_warnings&Tags=high_latency&PageSize=1000"
    )
    assert status == 200
    assert body["conferences"] == expected
    assert query_of(body["meta"]["url"])["Tags"] == "quality_warnings,high_latency"


async def test_subaccount(twilio: TwilioApi, sandbox: Sandbox) -> None:
    records = sandbox.twilio_records()
    main = sandbox.twilio_account_sid
    subaccount = next(r["account_sid"] for r in records if r["account_sid"] != main)
    found = await check_filter(
        twilio, lambda r: r["account_sid"] == subaccount, Subaccount=subaccount
    )
    assert 0 < len(found) < len(records) // 5
    own = await check_filter(twilio, lambda r: r["account_sid"] == main, Subaccount=main)
    assert len(own) > len(records) // 2
    upper = "AC" + subaccount[2:].upper()
    assert (await twilio.walk(PageSize=1000, Subaccount=upper))[0] == found
    await check_filter(twilio, lambda r: False, Subaccount="AC" + "1" * 32)


@pytest.mark.parametrize(
    "issues",
    [
        "call_quality",
        "participant_behavior",
        "region_configuration",
        "call_quality,participant_behavior",
    ],
)
async def test_detected_issues(twilio: TwilioApi, issues: str) -> None:
    names = issues.split(",")

    def predicate(record: Record) -> bool:
        found = record["detected_issues"]
        return found is not None and all(found[name] > 0 for name in names)

    assert await check_filter(twilio, predicate, DetectedIssues=issues)


@pytest.mark.parametrize(
    "reason",
    [
        "last_participant_left",
        "conference_ended_via_api",
        "participant_with_end_conference_on_exit_left",
        "last_participant_kicked",
        "participant_with_end_conference_on_exit_kicked",
    ],
)
async def test_end_reason(twilio: TwilioApi, reason: str) -> None:
    assert await check_filter(twilio, lambda r: r["end_reason"] == reason, EndReason=reason)


async def test_combined_filters(twilio: TwilioApi, sandbox: Sandbox) -> None:
    since = datetime(2026, 9, 15, tzinfo=UTC)

    def predicate(record: Record) -> bool:
        return (
            record["status"] == "completed"
            and record["mixer_region"] in ("us1",)
            and {"quality_warnings"} <= set(record["tags"])
            and created(record) >= since
            and record["account_sid"] == sandbox.twilio_account_sid
            and record["detected_issues"] is not None
            and record["detected_issues"]["call_quality"] > 0
            and record["end_reason"] != "conference_ended_via_api"
        )

    found = await check_filter(
        twilio,
        lambda r: predicate(r) and r["end_reason"] == "last_participant_left",
        Status="completed",
        MixerRegion="us1",
        Tags="quality_warnings",
        CreatedAfter="2026-09-15T00:00:00Z",
        Subaccount=sandbox.twilio_account_sid,
        DetectedIssues="call_quality",
        EndReason="last_participant_left",
    )
    assert found
    records, urls = await twilio.walk(
        PageSize=2, Status="completed", Tags="quality_warnings,high_jitter", MixerRegion="us1"
    )
    expected = [
        r
        for r in sandbox.twilio_records("us1")
        if r["status"] == "completed" and {"quality_warnings", "high_jitter"} <= set(r["tags"])
    ]
    assert records == expected
    assert len(urls) == -(-len(expected) // 2)


# --- validation ---------------------------------------------------------------------------


def bad(message: str) -> dict[str, object]:
    return {
        "code": 20001,
        "message": message,
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }


STATUSES = "in_progress, not_started, completed, summary_timeout"
# specs/twilio-insights-list-conferences.md: the documented mixer regions, in that order.
REGIONS = "us1, au1, br1, ie1, jp1, sg1, de1"
REASONS = (
    "last_participant_left, conference_ended_via_api, "
    "participant_with_end_conference_on_exit_left, last_participant_kicked, "
    "participant_with_end_conference_on_exit_kicked"
)
PAGE_SIZE_RANGE = "must be an integer from 1 to 1000"
SID_PATTERN = "must match ^CF[0-9a-fA-F]{32}$"
ACCOUNT_PATTERN = "must match ^AC[0-9a-fA-F]{32}$"
ISO = "must be an ISO 8601 date-time"
TOKEN = "not a page token this API issued"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"PageSize": "0"}, f"Invalid PageSize: 0 ({PAGE_SIZE_RANGE})"),
        ({"PageSize": "1001"}, f"Invalid PageSize: 1001 ({PAGE_SIZE_RANGE})"),
        ({"PageSize": "-5"}, f"Invalid PageSize: -5 ({PAGE_SIZE_RANGE})"),
        ({"PageSize": "ten"}, f"Invalid PageSize: ten ({PAGE_SIZE_RANGE})"),
        ({"PageSize": ""}, f"Invalid PageSize:  ({PAGE_SIZE_RANGE})"),
        ({"PageSize": "9" * 100}, f"Invalid PageSize: {'9' * 61}... ({PAGE_SIZE_RANGE})"),
        ({"Page": "-1"}, "Invalid Page: -1 (must be an integer from 0 to 2147483647)"),
        ({"Page": "2"}, "Invalid Page: 2 (a PageToken is required when Page > 0)"),
        ({"Page": "1", "PageToken": "PAxyz"}, f"Invalid PageToken: PAxyz ({TOKEN})"),
        ({"PageToken": "garbage"}, f"Invalid PageToken: garbage ({TOKEN})"),
        ({"PageToken": "PA"}, f"Invalid PageToken: PA ({TOKEN})"),
        ({"Status": "ended"}, f"Invalid Status: ended (must be one of {STATUSES})"),
        ({"Status": "Completed"}, f"Invalid Status: Completed (must be one of {STATUSES})"),
        ({"MixerRegion": "US1"}, f"Invalid MixerRegion: US1 (must be one of {REGIONS})"),
        ({"MixerRegion": "us3"}, f"Invalid MixerRegion: us3 (must be one of {REGIONS})"),
        # Participant regions, which no conference is documented to be mixed in.
        ({"MixerRegion": "us2"}, f"Invalid MixerRegion: us2 (must be one of {REGIONS})"),
        ({"MixerRegion": "in1"}, f"Invalid MixerRegion: in1 (must be one of {REGIONS})"),
        ({"EndReason": "host_left"}, f"Invalid EndReason: host_left (must be one of {REASONS})"),
        ({"CreatedAfter": "yesterday"}, f"Invalid CreatedAfter: yesterday ({ISO})"),
        (
            {"CreatedBefore": "2023-13-01T00:00:00Z"},
            f"Invalid CreatedBefore: 2023-13-01T00:00:00Z ({ISO})",
        ),
        ({"Subaccount": "AC123"}, f"Invalid Subaccount: AC123 ({ACCOUNT_PATTERN})"),
        ({"Subaccount": "SK" + "0" * 32}, f"Invalid Subaccount: SK{'0' * 32} ({ACCOUNT_PATTERN})"),
        (
            {"ConferenceSid": "CA" + "0" * 32},
            f"Invalid ConferenceSid: CA{'0' * 32} ({SID_PATTERN})",
        ),
        (
            {"ConferenceSid": "CF" + "g" * 32},
            f"Invalid ConferenceSid: CF{'g' * 32} ({SID_PATTERN})",
        ),
        (
            {"Tags": "quality_warnings,loud"},
            "Invalid Tags: quality_warnings,loud (each value must be one of "
            "invalid_requested_region, duplicate_identity, start_failure, "
            "region_configuration_issues, quality_warnings, participant_behavior_issues, "
            "high_packet_loss, high_jitter, high_latency, low_mos, detected_silence)",
        ),
        (
            {"DetectedIssues": "call_quality,,"},
            "Invalid DetectedIssues: call_quality,, (each value must be one of "
            "call_quality, region_configuration, participant_behavior)",
        ),
        # Several bad parameters: the first in the documented order is reported.
        (
            {"PageSize": "0", "Status": "ended", "MixerRegion": "x"},
            f"Invalid Status: ended (must be one of {STATUSES})",
        ),
    ],
)
async def test_invalid_parameters_are_400_20001(
    twilio: TwilioApi, params: dict[str, str], message: str
) -> None:
    status, _, body = await twilio.get("/v1/Conferences", params)
    assert (status, body) == (400, bad(message))


async def test_repeated_parameter_is_400(twilio: TwilioApi) -> None:
    status, _, body = await twilio.get("/v1/Conferences?Status=completed&Status=in_progress")
    assert (status, body) == (400, bad("Invalid Status: in_progress (must be given at most once)"))


async def test_unencoded_plus_in_a_date_is_rejected(twilio: TwilioApi) -> None:
    # A literal "+" decodes to a space: clients must send %2B.
    status, _, body = await twilio.get("/v1/Conferences?CreatedAfter=2026-10-01T00:00:00+02:00")
    assert status == 400
    assert body["message"].startswith("Invalid CreatedAfter: 2026-10-01T00:00:00 02:00")
    status, _, _ = await twilio.get("/v1/Conferences?CreatedAfter=2026-10-01T00:00:00%2B02:00")
    assert status == 200


async def test_unknown_parameters_are_ignored(twilio: TwilioApi, sandbox: Sandbox) -> None:
    status, _, body = await twilio.list(pagesize=0, status="bogus", Foo="bar", PageSize=3)
    assert status == 200
    assert body["conferences"] == sandbox.twilio_records()[:3]
    assert query_of(body["meta"]["url"]) == {"PageSize": "3", "Page": "0"}


async def test_stats_count_twilio_routes(twilio: TwilioApi, sandbox: Sandbox) -> None:
    await twilio.walk(PageSize=300)
    sid = sandbox.twilio_records()[0]["conference_sid"]
    await twilio.get(f"/v1/Conferences/{sid}")
    await twilio.get("/v1/Conferences/CF1")
    await twilio.get("/v1/Calls")
    assert sandbox.stats.requests == {
        ("GET", "/v1/Conferences"): 3,
        ("GET", "/v1/Conferences/{sid}"): 2,
        ("GET", "<unmatched>"): 1,
    }
    assert sandbox.stats.paths["/v1/Conferences"] == 3
    method, target = sandbox.stats.queries[1]
    assert method == "GET"
    assert target.startswith("/v1/Conferences?PageSize=300&Page=1&PageToken=PA")
