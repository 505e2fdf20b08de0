"""GET /v1/Conferences/{sid}, Basic authentication and unknown Twilio paths."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from confclient.sandbox import Sandbox
from tests.sandbox.sandbox_helpers import TwilioApi, basic_auth

UNAUTHORIZED = {
    "code": 20003,
    "message": "Authenticate",
    "more_info": "https://www.twilio.com/docs/errors/20003",
    "status": 401,
}


def not_found(resource: str) -> dict[str, object]:
    return {
        "code": 20404,
        "message": f"The requested resource {resource} was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }


@pytest.mark.parametrize("region", ["us1", "sg1", "de1"])
async def test_retrieve_one_record_without_envelope(
    twilio: TwilioApi, sandbox: Sandbox, region: str
) -> None:
    for record in sandbox.twilio_records(region)[::33]:
        status, headers, body = await twilio.get(f"/v1/Conferences/{record['conference_sid']}")
        assert (status, body) == (200, record)
        assert headers["X-Request-Id"]


async def test_retrieve_accepts_upper_case_hex(twilio: TwilioApi, sandbox: Sandbox) -> None:
    record = sandbox.twilio_records()[0]
    status, _, body = await twilio.get(f"/v1/Conferences/CF{record['conference_sid'][2:].upper()}")
    assert (status, body) == (200, record)


async def test_retrieve_on_the_request_host(twilio: TwilioApi, sandbox: Sandbox) -> None:
    sid = sandbox.twilio_records()[0]["conference_sid"]
    headers = {**twilio.headers, "Host": "insights.example"}
    _, _, body = await twilio.get(f"/v1/Conferences/{sid}", headers=headers)
    assert body["url"] == f"http://insights.example/v1/Conferences/{sid}"
    assert body["links"] == {"conference_participants": body["url"] + "/Participants"}


@pytest.mark.parametrize(
    ("sid", "resource"),
    [
        ("CF" + "0" * 32, "/Conferences/CF" + "0" * 32),  # well formed, region 0, unknown
        ("CF" + "f" * 32, "/Conferences/CF" + "f" * 32),  # well formed, no such region
        ("CF" + "0" * 31 + "7", "/Conferences/CF" + "0" * 31 + "7"),  # the first past de1
        ("CF" + "0" * 31 + "8", "/Conferences/CF" + "0" * 31 + "8"),
        ("CF123", "/Conferences/CF123"),
        ("CA" + "0" * 32, "/Conferences/CA" + "0" * 32),
        ("..%2FCalls", "/Conferences/../Calls"),
    ],
)
async def test_bad_or_unknown_sid_is_20404(twilio: TwilioApi, sid: str, resource: str) -> None:
    status, _, body = await twilio.get(f"/v1/Conferences/{sid}")
    assert (status, body) == (404, not_found(resource))


async def test_sid_of_another_seed_is_unknown(twilio: TwilioApi) -> None:
    sid = Sandbox(seed=99, size=5).twilio_records("us1")[0]["conference_sid"]
    status, _, body = await twilio.get(f"/v1/Conferences/{sid}")
    assert (status, body) == (404, not_found(f"/Conferences/{sid}"))


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        ("/v1/Calls", "/Calls"),
        ("/v1/Conferences/", "/Conferences/"),
        ("/v1/Conferences/CF00/Participants", "/Conferences/CF00/Participants"),
        ("/v1/conferences", "/conferences"),
        ("/v1", "/v1"),
    ],
)
async def test_unknown_paths_under_v1(twilio: TwilioApi, path: str, resource: str) -> None:
    status, _, body = await twilio.get(path)
    assert (status, body) == (404, not_found(resource))


async def test_method_not_allowed(twilio: TwilioApi, session: aiohttp.ClientSession) -> None:
    async with session.post(
        twilio.sandbox.twilio_base_url + "/Conferences", headers=twilio.headers
    ) as response:
        assert response.status == 405
        assert "GET" in response.headers["Allow"]
        assert response.headers["Twilio-Request-Id"].startswith("RQ")
        assert await response.json() == {
            "code": 20004,
            "message": "Method not allowed",
            "more_info": "https://www.twilio.com/docs/errors/20004",
            "status": 405,
        }


async def test_both_credential_kinds_are_accepted(twilio: TwilioApi, sandbox: Sandbox) -> None:
    for user, password in (
        (sandbox.twilio_account_sid, sandbox.twilio_auth_token),
        (sandbox.twilio_api_key, sandbox.twilio_api_secret),
    ):
        for path in (
            "/v1/Conferences",
            f"/v1/Conferences/{sandbox.twilio_records()[0]['conference_sid']}",
        ):
            status, _, _ = await twilio.get(path, headers=basic_auth(user, password))
            assert status == 200
    # The scheme name is case-insensitive, as in HTTP.
    token = base64.b64encode(f"{sandbox.twilio_api_key}:{sandbox.twilio_api_secret}".encode())
    status, _, _ = await twilio.get(
        "/v1/Conferences", headers={"Authorization": f"basic {token.decode()}"}
    )
    assert status == 200


def _wrong_credentials(sb: Sandbox) -> list[dict[str, str]]:
    sid, token = sb.twilio_account_sid, sb.twilio_auth_token
    key, secret = sb.twilio_api_key, sb.twilio_api_secret
    return [
        {},
        basic_auth(sid, "0" * 32),
        basic_auth(key, "wrong"),
        basic_auth(sid, secret),  # a pair mixed from the two kinds
        basic_auth(key, token),
        basic_auth(sid.upper(), token),
        basic_auth(sid, ""),
        basic_auth("", ""),
        basic_auth(sid + "x", token),
        {"Authorization": f"Bearer {token}"},
        {"Authorization": "Basic"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Basic " + base64.b64encode(f"{sid}{token}".encode()).decode()},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},
        {"Authorization": f"Bearer {Sandbox(seed=0).telnyx_api_key}"},
    ]


@pytest.mark.parametrize("case", range(15))
@pytest.mark.parametrize(
    "path", ["/v1/Conferences", "/v1/Conferences/CF" + "0" * 32, "/v1/Calls", "/v1"]
)
async def test_401_without_good_credentials(
    twilio: TwilioApi, sandbox: Sandbox, case: int, path: str
) -> None:
    headers = _wrong_credentials(sandbox)[case]
    status, response_headers, body = await twilio.get(path, headers=headers)
    assert (status, body) == (401, UNAUTHORIZED)
    assert response_headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'


async def test_credentials_of_one_provider_do_not_open_the_other(
    twilio: TwilioApi, sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    url = sandbox.telnyx_base_url + "/conferences"
    async with session.get(url, headers=twilio.headers) as response:
        assert response.status == 401
        assert "Twilio-Request-Id" not in response.headers
        assert (await response.json())["errors"][0]["code"] == "10009"


async def test_request_ids_are_unique_and_deterministic(
    session: aiohttp.ClientSession,
) -> None:
    runs = []
    for _ in range(2):
        async with Sandbox(seed=4, size=5) as sb:
            ids = []
            headers = basic_auth(sb.twilio_account_sid, sb.twilio_auth_token)
            for path in ("/Conferences", "/Conferences/CF1", "/Nope"):
                async with session.get(sb.twilio_base_url + path, headers=headers) as response:
                    ids.append(response.headers["Twilio-Request-Id"])
            async with session.get(sb.twilio_base_url + "/Conferences") as response:
                assert response.status == 401
                ids.append(response.headers["Twilio-Request-Id"])
            runs.append(ids)
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 4
    assert all(len(value) == 34 and value.startswith("RQ") for value in runs[0])
    int(runs[0][0][2:], 16)
