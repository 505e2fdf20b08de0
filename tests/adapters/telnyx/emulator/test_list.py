"""GET /v2/conferences: paging, filters, regions and query validation."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Api


async def test_defaults_us_region_first_page_of_20(api: Api, sandbox: Sandbox) -> None:
    status, headers, body = await api.list()
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body["meta"] == {
        "total_pages": 5,
        "total_results": 100,
        "page_number": 1,
        "page_size": 20,
    }
    assert body["data"] == sandbox.telnyx_records("US")[:20]


@pytest.mark.parametrize("size", [1, 7, 20, 33, 100, 250])
async def test_pages_cover_the_region_in_order(api: Api, sandbox: Sandbox, size: int) -> None:
    expected = sandbox.telnyx_records("Europe")
    pages = math.ceil(len(expected) / size)
    seen = []
    for number in range(1, pages + 1):
        status, _, body = await api.list(region="Europe", page_number=number, page_size=size)
        assert status == 200
        assert body["meta"] == {
            "total_pages": pages,
            "total_results": 100,
            "page_number": number,
            "page_size": size,
        }
        assert len(body["data"]) == min(size, 100 - (number - 1) * size)
        seen.extend(body["data"])
    assert seen == expected


@pytest.mark.parametrize("number", [11, 99, 2**31 - 1])
async def test_page_past_the_end_is_empty(api: Api, number: int) -> None:
    status, _, body = await api.list(page_number=number, page_size=10)
    assert status == 200
    assert body == {
        "data": [],
        "meta": {"total_pages": 10, "total_results": 100, "page_number": number, "page_size": 10},
    }


async def test_each_region_lists_its_own_records(api: Api, sandbox: Sandbox) -> None:
    for region in sandbox.telnyx_regions:
        _, _, body = await api.list(region=region, page_size=250)
        assert body["data"] == sandbox.telnyx_records(region)


async def test_filter_name_is_exact_and_case_sensitive(api: Api, sandbox: Sandbox) -> None:
    name = sandbox.telnyx_records("US")[3]["name"]
    expected = [r for r in sandbox.telnyx_records("US") if r["name"] == name]
    _, _, body = await api.list(filter_name=name)
    assert body["data"] == expected
    assert body["meta"]["total_results"] == len(expected) >= 1
    _, _, body = await api.list(filter_name=name.upper())
    assert body["data"] == []
    assert body["meta"] == {"total_pages": 0, "total_results": 0, "page_number": 1, "page_size": 20}
    _, _, body = await api.list(filter_name=name[:-1])
    assert name not in [r["name"] for r in body["data"]]


@pytest.mark.parametrize("status_value", ["init", "in_progress", "completed"])
async def test_filter_status(api: Api, sandbox: Sandbox, status_value: str) -> None:
    expected = [r for r in sandbox.telnyx_records("US") if r["status"] == status_value]
    _, _, body = await api.list(filter_status=status_value, page_size=250)
    assert body["data"] == expected
    assert body["meta"]["total_results"] == len(expected)


async def test_filter_connection_id_and_combination(api: Api, sandbox: Sandbox) -> None:
    records = sandbox.telnyx_records("US")
    connection_id = Counter(r["connection_id"] for r in records).most_common(1)[0][0]
    expected = [r for r in records if r["connection_id"] == connection_id]
    _, _, body = await api.list(filter_connection_id=connection_id, page_size=250)
    assert body["data"] == expected
    both = [r for r in expected if r["status"] == "completed"]
    _, _, body = await api.list(
        filter_connection_id=connection_id, filter_status="completed", page_size=3, page_number=2
    )
    assert body["data"] == both[3:6]
    assert body["meta"]["total_results"] == len(both)


async def test_documented_filters_are_accepted_but_not_applied(api: Api) -> None:
    params = {
        "filter[application_name][contains]": "abc",
        "filter[outbound.outbound_voice_profile_id]": "1293384261075731499",
        "filter[leg_id]": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "filter[application_session_id]": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "filter[product]": "texml",
        "filter[failed]": "false",
        "filter[from]": "+12025550142",
        "filter[to]": "+12025550142",
        "filter[type]": "webhook",
        "filter[occurred_at][eq]": "2019-03-29T11:10:00Z",
        "filter[occurred_at][gt]": "2019-03-29T11:10:00Z",
        "filter[occurred_at][gte]": "2019-03-29T11:10:00.123Z",
        "filter[occurred_at][lt]": "2019-03-29T11:10:00+00:00",
        "filter[occurred_at][lte]": "2019-03-29T11:10:00Z",
        "page[limit]": "5",
        "page[after]": "x",
        "page[before]": "y",
        "unrelated": "ignored",
    }
    status, _, body = await api.get("/v2/conferences", params)
    assert status == 200
    assert body["meta"]["total_results"] == 100


def _error(code: str, title: str, detail: str, parameter: str) -> dict[str, object]:
    return {"code": code, "title": title, "detail": detail, "source": {"parameter": parameter}}


REGIONS_DETAIL = "The value must be one of: Australia, Europe, Middle East, US."
RANGE = "Value outside of range"
INVALID = "Invalid parameter"
ENUM = "Invalid enumerated value"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (
            {"page[size]": "0"},
            _error("10033", RANGE, "page[size] must be between 1 and 250", "page[size]"),
        ),
        (
            {"page[size]": "251"},
            _error("10033", RANGE, "page[size] must be between 1 and 250", "page[size]"),
        ),
        (
            {"page[limit]": "251"},
            _error("10033", RANGE, "page[limit] must be between 1 and 250", "page[limit]"),
        ),
        (
            {"page[number]": "0"},
            _error("10033", RANGE, "page[number] must be between 1 and 2147483647", "page[number]"),
        ),
        (
            {"page[number]": "9" * 5000},
            _error("10033", RANGE, "page[number] must be between 1 and 2147483647", "page[number]"),
        ),
        (
            {"page[size]": "ten"},
            _error("10002", INVALID, "page[size] must be an integer", "page[size]"),
        ),
        (
            {"page[number]": "1.5"},
            _error("10002", INVALID, "page[number] must be an integer", "page[number]"),
        ),
        ({"region": "Mars"}, _error("10032", ENUM, REGIONS_DETAIL, "region")),
        ({"region": "us"}, _error("10032", ENUM, REGIONS_DETAIL, "region")),
        (
            {"filter[status]": "ended"},
            _error(
                "10032",
                ENUM,
                "The value must be one of: init, in_progress, completed.",
                "filter[status]",
            ),
        ),
        (
            {"filter[product]": "sms"},
            _error(
                "10032",
                ENUM,
                "The value must be one of: call_control, fax, texml.",
                "filter[product]",
            ),
        ),
        (
            {"filter[type]": "event"},
            _error("10032", ENUM, "The value must be one of: command, webhook.", "filter[type]"),
        ),
        (
            {"filter[application_name][contains]": "ab"},
            _error(
                "10002",
                INVALID,
                "filter[application_name][contains] requires at least three characters",
                "filter[application_name][contains]",
            ),
        ),
        (
            {"filter[failed]": "yes"},
            _error("10002", INVALID, "filter[failed] must be true or false", "filter[failed]"),
        ),
        (
            {"filter[leg_id]": "not-a-uuid"},
            _error("10002", INVALID, "filter[leg_id] must be a UUID", "filter[leg_id]"),
        ),
        (
            {"filter[application_session_id]": "123"},
            _error(
                "10002",
                INVALID,
                "filter[application_session_id] must be a UUID",
                "filter[application_session_id]",
            ),
        ),
        (
            {"filter[outbound.outbound_voice_profile_id]": "abc"},
            _error(
                "10002",
                INVALID,
                "filter[outbound.outbound_voice_profile_id] must be an int64 id",
                "filter[outbound.outbound_voice_profile_id]",
            ),
        ),
        (
            {"filter[occurred_at][gte]": "yesterday"},
            _error(
                "10002",
                INVALID,
                "filter[occurred_at][gte] must be an ISO 8601 datetime",
                "filter[occurred_at][gte]",
            ),
        ),
        (
            {"filter[colour]": "red"},
            _error(
                "10015",
                "Unsupported parameter",
                "filter[colour] is not a supported filter",
                "filter[colour]",
            ),
        ),
        (
            {"filter[occurred_at][since]": "2019-03-29T11:10:00Z"},
            _error(
                "10015",
                "Unsupported parameter",
                "filter[occurred_at][since] is not a supported filter",
                "filter[occurred_at][since]",
            ),
        ),
        (
            {"page[offset]": "3"},
            _error(
                "10015",
                "Unsupported parameter",
                "page[offset] is not a supported page parameter",
                "page[offset]",
            ),
        ),
    ],
)
async def test_invalid_query_is_422_with_source_parameter(
    api: Api, params: dict[str, str], error: dict[str, object]
) -> None:
    status, _, body = await api.get("/v2/conferences", params)
    assert status == 422
    assert body == {"errors": [error]}


async def test_unencoded_plus_in_a_datetime_is_rejected(api: Api) -> None:
    # A literal "+" in a query string decodes to a space: clients must send %2B.
    status, _, body = await api.get(
        "/v2/conferences?filter%5Boccurred_at%5D%5Bgte%5D=2019-03-29T11:10:00+01:00"
    )
    assert status == 422
    assert body["errors"][0]["source"] == {"parameter": "filter[occurred_at][gte]"}
    status, _, _ = await api.get(
        "/v2/conferences?filter%5Boccurred_at%5D%5Bgte%5D=2019-03-29T11:10:00%2B01:00"
    )
    assert status == 200


async def test_repeated_parameter_and_several_errors(api: Api) -> None:
    status, _, body = await api.get("/v2/conferences?page[size]=5&page[size]=6&region=Moon")
    assert status == 422
    assert body["errors"] == [
        _error("10002", INVALID, "page[size] must be given at most once", "page[size]"),
        _error("10032", ENUM, REGIONS_DETAIL, "region"),
    ]


async def test_raw_query_is_recorded(api: Api, sandbox: Sandbox) -> None:
    target = "/v2/conferences?filter[occurred_at][gte]=2019-03-29T11:10:00Z&page[number]=1"
    status, _, _ = await api.get(target)
    assert status == 200
    assert sandbox.stats.queries[-1] == ("GET", target)
    assert sandbox.stats.paths["/v2/conferences"] == 1
