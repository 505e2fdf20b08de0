"""The transport's body decoder hook (``loads``): used for success bodies only."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from confclient._response import decode_response
from confclient._secrets import Redactor

HEADERS = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))


URL_ = URL("https://api.example.com/v2/x")


def _decode(status: int, body: bytes, loads: Any) -> Any:
    return decode_response("GET", URL_, status, HEADERS, body, Redactor(()), loads=loads).data


def test_a_success_body_goes_to_the_hook() -> None:
    assert _decode(200, b'{"data":[]}', lambda body: ("typed", bytes(body))) == (
        "typed",
        b'{"data":[]}',
    )


@pytest.mark.parametrize("status", [400, 404, 429, 500])
def test_an_error_body_is_json_for_the_error_parser_whatever_the_hook(status: int) -> None:
    def never(body: bytes | bytearray) -> Any:
        raise AssertionError("the hook is for success bodies")

    assert _decode(status, b'{"errors":[{"code":"1"}]}', never) == {"errors": [{"code": "1"}]}


def test_a_success_body_the_hook_finds_not_json_is_no_body() -> None:
    def refuse(body: bytes | bytearray) -> Any:
        return orjson.loads(body)

    response = decode_response(
        "GET",
        URL("https://api.example.com/v2/x"),
        200,
        HEADERS,
        b"<html>",
        Redactor(()),
        loads=refuse,
    )
    assert response.garbled  # retried by the transport, as a body the JSON decoder refuses
