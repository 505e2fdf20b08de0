"""GET /v2/conferences/{id}, authentication and unknown paths."""

from __future__ import annotations

import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import Api

UNAUTHORIZED = {
    "errors": [
        {
            "code": "10009",
            "title": "Authentication failed",
            "detail": (
                "The required authentication headers were either invalid or not included in "
                "the request."
            ),
            "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10009"},
        }
    ]
}
CONFERENCE_NOT_FOUND = {
    "errors": [
        {
            "code": "90058",
            "title": "Invalid conference_id",
            "detail": "The conference does not exist.",
        }
    ]
}
NOT_FOUND = {
    "errors": [{"code": "10007", "title": "Resource not found", "detail": "Resource not found"}]
}


async def test_retrieve_defaults_to_us(api: Api, sandbox: Sandbox) -> None:
    record = sandbox.telnyx_records("US")[42]
    status, headers, body = await api.get(f"/v2/conferences/{record['id']}")
    assert status == 200
    assert body == {"data": record}
    assert headers["X-Request-Id"]


async def test_retrieve_in_region(api: Api, sandbox: Sandbox) -> None:
    record = sandbox.telnyx_records("Middle East")[0]
    status, _, body = await api.get(f"/v2/conferences/{record['id']}", {"region": "Middle East"})
    assert status == 200
    assert body == {"data": record}
    # The same id is not found in the default region.
    status, _, body = await api.get(f"/v2/conferences/{record['id']}")
    assert status == 404
    assert body == CONFERENCE_NOT_FOUND


async def test_retrieve_bad_region(api: Api, sandbox: Sandbox) -> None:
    record = sandbox.telnyx_records("US")[0]
    status, _, body = await api.get(f"/v2/conferences/{record['id']}", {"region": "Asia"})
    assert status == 422
    assert body["errors"][0]["code"] == "10032"
    assert body["errors"][0]["source"] == {"parameter": "region"}


async def test_unknown_id_is_90058(api: Api) -> None:
    status, _, body = await api.get("/v2/conferences/3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert (status, body) == (404, CONFERENCE_NOT_FOUND)


async def test_encoded_slash_stays_one_segment(api: Api, sandbox: Sandbox) -> None:
    status, _, body = await api.get("/v2/conferences/..%2Fbalance")
    assert (status, body) == (404, CONFERENCE_NOT_FOUND)
    assert sandbox.stats.paths["/v2/conferences/..%2Fbalance"] == 1
    assert sandbox.stats.requests["GET", "/v2/conferences/{id}"] == 1


@pytest.mark.parametrize(
    "path",
    ["/v2/balance", "/v2/conferences/", "/v2/conferences/x/participants/y/z", "/v2", "/", "/v3/x"],
)
async def test_unknown_paths_are_10007(api: Api, path: str) -> None:
    status, _, body = await api.get(path)
    assert (status, body) == (404, NOT_FOUND)


async def test_dot_segments_are_normalised_before_routing(api: Api) -> None:
    status, _, body = await api.get("/v2/conferences/../balance")
    assert (status, body) == (404, NOT_FOUND)


async def test_method_not_allowed(api: Api) -> None:
    status, headers, body = await api.request("DELETE", "/v2/conferences")
    assert status == 405
    assert "POST" in headers["Allow"]
    assert body["errors"][0]["title"] == "Method not allowed"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic S0VZOg=="},
        {"Authorization": "Bearer"},
        {"Authorization": "KEYsandbox"},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/conferences"),
        ("GET", "/v2/conferences/abc"),
        ("POST", "/v2/conferences"),
        ("GET", "/v2/balance"),
    ],
)
async def test_401_without_the_key(
    api: Api, sandbox: Sandbox, headers: dict[str, str], method: str, path: str
) -> None:
    status, response_headers, body = await api.request(method, path, headers=headers)
    assert (status, body) == (401, UNAUTHORIZED)
    assert response_headers["X-Request-Id"]
    assert sandbox.stats.created == 0


async def test_bearer_scheme_is_case_insensitive(api: Api, sandbox: Sandbox) -> None:
    headers = {"Authorization": f"bearer {sandbox.telnyx_api_key}"}
    status, _, _ = await api.request("GET", "/v2/conferences", headers=headers)
    assert status == 200
