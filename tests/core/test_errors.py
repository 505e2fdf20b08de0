"""The exception hierarchy (as DESIGN.md draws it), APIError's fields and message, pickling."""

from __future__ import annotations

import pickle

import pytest

from confclient import (
    APIError,
    AuthenticationError,
    ConfClientError,
    ConfigurationError,
    DecodeError,
    ErrorDetail,
    ErrorSource,
    FanOutError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    TransportTimeoutError,
    UnsafeRedirectError,
    UnsupportedFilterError,
    UnsupportedOperationError,
    ValidationError,
    WebhookSignatureError,
)
from confclient.errors import error_class_for_status

# (class, its parent in the tree DESIGN.md draws)
TREE = [
    (ConfigurationError, ConfClientError),
    (InvalidRequestError, ConfClientError),
    (UnsupportedOperationError, InvalidRequestError),
    (UnsupportedFilterError, InvalidRequestError),
    (TransportError, ConfClientError),
    (TransportTimeoutError, TransportError),
    (ResponseTooLargeError, TransportError),
    (DecodeError, ConfClientError),
    (UnsafeRedirectError, ConfClientError),
    (WebhookSignatureError, ConfClientError),
    (FanOutError, ConfClientError),
    (APIError, ConfClientError),
    (AuthenticationError, APIError),
    (NotFoundError, APIError),
    (ValidationError, APIError),
    (RateLimitError, APIError),
    (ServerError, APIError),
]


@pytest.mark.parametrize(("cls", "parent"), TREE, ids=[c.__name__ for c, _ in TREE])
def test_hierarchy(cls: type[BaseException], parent: type[BaseException]) -> None:
    assert issubclass(cls, parent)
    assert issubclass(cls, ConfClientError)


def test_siblings_are_not_related() -> None:
    branches = [
        ConfigurationError,
        InvalidRequestError,
        TransportError,
        DecodeError,
        UnsafeRedirectError,
        FanOutError,
        APIError,
    ]
    for a in branches:
        for b in branches:
            assert issubclass(a, b) == (a is b), (a, b)
    api_leaves = [AuthenticationError, NotFoundError, ValidationError, RateLimitError, ServerError]
    for a in api_leaves:
        for b in api_leaves:
            assert issubclass(a, b) == (a is b), (a, b)


def test_builtin_bases() -> None:
    assert issubclass(InvalidRequestError, ValueError)
    assert issubclass(UnsupportedOperationError, ValueError)
    assert issubclass(UnsupportedFilterError, ValueError)
    assert issubclass(TransportTimeoutError, TimeoutError)
    assert not issubclass(TransportError, TimeoutError)
    assert issubclass(FanOutError, ExceptionGroup)
    assert not issubclass(APIError, ValueError)


def test_invalid_request_caught_as_value_error() -> None:
    with pytest.raises(ValueError, match="bad"):
        raise UnsupportedFilterError("bad", provider="p", filter="name")


def test_timeout_caught_as_builtin_timeout_error() -> None:
    with pytest.raises(TimeoutError):
        raise TransportTimeoutError("slow")


def _fan_out() -> FanOutError:
    return FanOutError(
        "2 of 3 regions failed",
        [NotFoundError(status=404, provider="p"), TransportError("down")],
    )


def test_fan_out_error_is_a_group_of_failures() -> None:
    exc = _fan_out()
    assert isinstance(exc, ExceptionGroup)
    assert isinstance(exc, ConfClientError)
    assert exc.message == "2 of 3 regions failed"
    assert [type(e) for e in exc.exceptions] == [NotFoundError, TransportError]


def test_fan_out_error_keeps_its_class_through_except_star() -> None:
    caught: list[BaseException] = []
    try:
        raise _fan_out()
    except* NotFoundError as group:
        caught.append(group)
    except* TransportError as group:
        caught.append(group)
    assert len(caught) == 2
    for group in caught:
        assert isinstance(group, FanOutError)
        assert isinstance(group, ConfClientError)
        assert group.message == "2 of 3 regions failed"
    assert [type(e) for g in caught for e in g.exceptions] == [NotFoundError, TransportError]


def _handle_not_found_only() -> None:
    try:
        raise _fan_out()
    except* NotFoundError:
        pass


def test_fan_out_error_rest_propagates_as_fan_out_error() -> None:
    with pytest.raises(FanOutError) as info:
        _handle_not_found_only()
    assert [type(e) for e in info.value.exceptions] == [TransportError]


def test_fan_out_error_split_and_subgroup() -> None:
    match, rest = _fan_out().split(NotFoundError)
    assert isinstance(match, FanOutError)
    assert isinstance(rest, FanOutError)
    sub = _fan_out().subgroup(TransportError)
    assert isinstance(sub, FanOutError)
    assert len(sub.exceptions) == 1


def _detail(n: int, **kw: object) -> ErrorDetail:
    return ErrorDetail(code=f"9000{n}", title=f"Title {n}", detail=f"Detail {n}", **kw)  # type: ignore[arg-type]


def test_api_error_fields_come_from_the_first_error() -> None:
    source = ErrorSource(pointer="/name")
    errors = [_detail(1, source=source), _detail(2)]
    exc = ValidationError(
        status=422,
        provider="telnyx",
        errors=errors,
        request_id="req-42",
        method="POST",
        url="https://api.example.com/v2/conferences",
    )
    assert exc.status == 422
    assert exc.provider == "telnyx"
    assert exc.code == "90001"
    assert exc.title == "Title 1"
    assert exc.detail == "Detail 1"
    assert exc.source == source
    assert exc.errors == tuple(errors)
    assert isinstance(exc.errors, tuple)
    assert exc.request_id == "req-42"
    assert exc.method == "POST"
    assert exc.url == "https://api.example.com/v2/conferences"


def test_api_error_without_errors() -> None:
    exc = ServerError(status=500, provider="twilio")
    assert exc.errors == ()
    assert exc.code is exc.title is exc.detail is exc.source is exc.request_id is None
    assert str(exc) == "twilio HTTP 500"


def test_api_error_str_leads_with_request_id_and_names_code() -> None:
    exc = NotFoundError(
        status=404,
        provider="telnyx",
        errors=[ErrorDetail(code="10005", title="Resource not found", detail="No such thing")],
        request_id="abc-123",
    )
    message = str(exc)
    assert message.startswith("[request abc-123]")
    assert "10005" in message
    assert "404" in message
    assert "telnyx" in message
    assert "Resource not found" in message
    assert "No such thing" in message
    assert "more" not in message


def test_api_error_str_counts_further_errors() -> None:
    one_more = APIError(status=409, provider="p", errors=[_detail(1), _detail(2)])
    assert "(+1 more error)" in str(one_more)
    three_more = APIError(status=409, provider="p", errors=[_detail(i) for i in range(4)])
    assert "(+3 more errors)" in str(three_more)


def test_api_error_str_shows_source_and_avoids_repeating_title() -> None:
    exc = ValidationError(
        status=400,
        provider="p",
        errors=[ErrorDetail(title="Invalid", detail="Invalid", source=ErrorSource(parameter="x"))],
    )
    assert str(exc) == "p HTTP 400: Invalid (at x)"


def test_api_error_explicit_message_wins() -> None:
    exc = APIError("custom", status=418, provider="p", errors=[_detail(1)])
    assert str(exc) == "custom"
    assert exc.code == "90001"


def test_error_source_str() -> None:
    assert str(ErrorSource(pointer="/a")) == "/a"
    assert str(ErrorSource(parameter="q")) == "q"
    assert str(ErrorSource()) == ""


def test_error_detail_meta_not_part_of_equality() -> None:
    assert ErrorDetail(code="1", meta={"a": 1}) == ErrorDetail(code="1", meta={"b": 2})
    assert ErrorDetail(code="1") != ErrorDetail(code="2")


def test_rate_limit_error_retry_after() -> None:
    exc = RateLimitError(status=429, provider="p", retry_after=2.5, request_id="r")
    assert exc.retry_after == 2.5
    assert exc.status == 429
    assert str(exc).startswith("[request r]")
    assert RateLimitError(status=429, provider="p").retry_after is None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (409, APIError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_error_class_for_status(status: int, cls: type[APIError]) -> None:
    assert error_class_for_status(status) is cls


PICKLED = [
    ConfClientError("base"),
    ConfigurationError("no key"),
    InvalidRequestError("bad"),
    UnsupportedOperationError("no create", provider="twilio", operation="create"),
    UnsupportedFilterError("no name", provider="twilio", filter="name"),
    TransportError("down"),
    TransportTimeoutError("slow"),
    ResponseTooLargeError("big"),
    DecodeError("shape", provider="telnyx", field="data[3].created_at", status=200, request_id="r"),
    UnsafeRedirectError("elsewhere", url="https://evil.example/x"),
    APIError(status=418, provider="p", errors=[_detail(1)], request_id="r", method="GET", url="u"),
    NotFoundError(
        status=404,
        provider="telnyx",
        errors=[_detail(1, source=ErrorSource(pointer="/id")), _detail(2)],
        request_id="r",
    ),
    RateLimitError(status=429, provider="p", retry_after=3.0),
    WebhookSignatureError("telnyx webhook: stale", reason="stale", provider="telnyx"),
]


def test_webhook_signature_error_reasons() -> None:
    for reason in WebhookSignatureError.REASONS:
        assert WebhookSignatureError("x", reason=reason).reason == reason
    with pytest.raises(ValueError, match="reason must be one of"):
        WebhookSignatureError("x", reason="because")


@pytest.mark.parametrize("exc", PICKLED, ids=[type(e).__name__ for e in PICKLED])
def test_pickle_round_trip(exc: Exception) -> None:
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is type(exc)
    assert copy.args == exc.args
    assert str(copy) == str(exc)
    assert vars(copy) == vars(exc)


def test_pickle_round_trip_keeps_specific_attributes() -> None:
    rate = pickle.loads(pickle.dumps(RateLimitError(status=429, provider="p", retry_after=1.5)))
    assert rate.retry_after == 1.5
    assert rate.status == 429
    op = pickle.loads(pickle.dumps(UnsupportedOperationError("x", provider="p", operation="get")))
    assert (op.provider, op.operation) == ("p", "get")
    redirect = pickle.loads(pickle.dumps(UnsafeRedirectError("x", url="https://e/x")))
    assert redirect.url == "https://e/x"


def test_fan_out_error_pickles() -> None:
    copy = pickle.loads(pickle.dumps(_fan_out()))
    assert type(copy) is FanOutError
    assert copy.message == "2 of 3 regions failed"
    assert [type(e) for e in copy.exceptions] == [NotFoundError, TransportError]
    assert copy.exceptions[0].status == 404
