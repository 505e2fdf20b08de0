"""The transport's URLs, without I/O: path segments, building URLs, pinning a next-page
URL to the base URL's origin, and checking base URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from confclient import ConfigurationError, UnsafeRedirectError
from confclient.transport import encode_segment, validate_base_url

from ._transport_support import SECRET, transport


@given(st.text())
def test_encode_segment_is_one_reversible_segment(value: str) -> None:
    encoded = encode_segment(value)
    assert "/" not in encoded
    assert "?" not in encoded
    assert "#" not in encoded
    assert encoded not in (".", "..")
    assert unquote(encoded) == value


@given(st.integers(min_value=1, max_value=8))
def test_encode_segment_escapes_dot_only_segments(n: int) -> None:
    assert encode_segment("." * n) == "%2E" * n


def test_encode_segment_examples() -> None:
    assert encode_segment("abc-123_~.x") == "abc-123_~.x"
    assert encode_segment("../balance") == "..%2Fbalance"
    assert encode_segment("a b?c#d%e") == "a%20b%3Fc%23d%25e"
    assert encode_segment("v3:abc") == "v3%3Aabc"


def test_url_keeps_a_path_parameter_in_one_segment() -> None:
    t = transport()
    url = t.url("conferences", "../balance")
    assert url.raw_path == "/v2/conferences/..%2Fbalance"
    assert url.host == "api.example.com"
    assert t.url("conferences", "..").raw_path == "/v2/conferences/%2E%2E"
    assert t.url("conferences", "a?b=1#c").raw_path == "/v2/conferences/a%3Fb%3D1%23c"
    assert t.url("conferences", "a?b").query_string == ""


def test_url_with_params_and_trailing_slash_base() -> None:
    t = transport("https://api.example.com/v2/")
    url = t.url("conferences", params=[("page[size]", "2"), ("filter[name]", "A & B")])
    assert url.path == "/v2/conferences"
    assert url.query.getall("page[size]") == ["2"]
    assert url.query["filter[name]"] == "A & B"


def test_pin_accepts_relative_and_same_origin() -> None:
    t = transport()
    assert t.pin("/v2/conferences?page=2") == URL("https://api.example.com/v2/conferences?page=2")
    assert t.pin("conferences").host == "api.example.com"
    assert t.pin("https://api.example.com/v2/x") == URL("https://api.example.com/v2/x")
    # The default port, spelt out, is the same origin; host names are case-insensitive.
    assert t.pin("https://API.example.com:443/v2/x").path == "/v2/x"
    assert t.pin(URL("https://api.example.com/other")).path == "/other"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/v2/conferences",
        "https://api.example.com.evil.example/v2",
        "https://api.example.com:8443/v2/conferences",
        "http://api.example.com/v2/conferences",
        "//evil.example.com/v2/conferences",
        "ftp://api.example.com/v2",
    ],
)
def test_pin_refuses_another_origin(target: str) -> None:
    with pytest.raises(UnsafeRedirectError) as info:
        transport().pin(target)
    assert info.value.url is not None
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    "target",
    [
        URL("https://evil.example.com/v2/conferences"),
        URL("https://api.example.com.evil.example/v2"),
        URL("https://api.example.com:8443/v2/conferences"),
        URL("http://api.example.com/v2/conferences"),
        URL("https://user@api.example.com/v2/conferences"),
        URL("https://user:pw@api.example.com/v2/conferences"),
        URL("https://api.example.com@evil.example/v2"),
        URL("//evil.example.com/v2/conferences"),
        URL("https://api.example.com/v2/a b", encoded=True),
        URL("https://api.example.com/v2/\u00e9", encoded=True),
    ],
)
def test_pin_refuses_a_url_object_off_the_origin_or_the_wire(target: URL) -> None:
    # URL objects take a shorter way than text (their text starts with our origin); every
    # one that is not ours, or not sendable as it is, still ends in the full checks.
    with pytest.raises(UnsafeRedirectError):
        transport().pin(target)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_pin_of_a_built_url_is_that_url(segment: str) -> None:
    t = transport()
    if not segment:
        return
    url = t.url("conferences", segment, params=[("q", segment)])
    assert t.pin(url) is url


def test_pin_refusal_drops_the_query() -> None:
    with pytest.raises(UnsafeRedirectError) as info:
        transport().pin("https://evil.example.com/x?token=abc")
    assert "token=abc" not in str(info.value)
    assert info.value.url == "https://evil.example.com/x"


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://api.example.com/v2",
        "api.example.com/v2",
        "/v2",
        "https://",
        "https://user:pw@api.example.com/v2",
        "https://user@api.example.com/v2",
        "https://api.example.com/v2?x=1",
        "https://api.example.com/v2#frag",
        "http://api.example.com/v2",
        "http://10.0.0.1/v2",
        12,
    ],
)
def test_validate_base_url_rejects(base_url: Any) -> None:
    with pytest.raises(ConfigurationError):
        validate_base_url(base_url)


def test_validate_base_url_rejection_does_not_echo_password() -> None:
    with pytest.raises(ConfigurationError) as info:
        validate_base_url("https://user:hunter2@api.example.com/v2")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.example.com/v2", "https://api.example.com/v2"),
        ("https://api.example.com/v2/", "https://api.example.com/v2"),
        ("https://api.example.com", "https://api.example.com/"),
        ("http://127.0.0.1:8765/v1", "http://127.0.0.1:8765/v1"),
        ("http://localhost:8765/v1", "http://localhost:8765/v1"),
        ("http://[::1]:8765/v1", "http://[::1]:8765/v1"),
        (URL("https://api.example.com/v2"), "https://api.example.com/v2"),
    ],
)
def test_validate_base_url_accepts(base_url: str | URL, expected: str) -> None:
    assert str(validate_base_url(base_url)) == expected


def test_plain_http_to_remote_host_needs_opt_in() -> None:
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        validate_base_url("http://api.example.com/v2")
    url = validate_base_url("http://api.example.com/v2", allow_insecure_http=True)
    assert url.scheme == "http"
    t = transport("http://api.example.com/v2", allow_insecure_http=True)
    assert t.base_url.host == "api.example.com"
