"""Hostile payloads: a ``Conference`` or a ``DecodeError`` naming the field, nothing else.

A provider's body is input like any other: a bug, a proxy, a new API version or an attacker
between us and the provider can change any of it. Starting from real page and record
bodies (the adapters' fixtures, shaped after the providers' specs), hypothesis changes one
to three places at once: a value of the wrong type, a key removed or added, ``null``, huge
and negative numbers, deep nesting, unknown enum values, broken timestamps, strings no URL
or timestamp can hold. Decoding must then give valid conferences (every invariant of the
type holds) or raise ``DecodeError`` whose ``field`` names the place, never any other
exception: a web backend can catch one error type and report it usefully.

The adapters' public decoding functions are driven directly (pure, no I/O) and then end to
end through a listing and a ``get`` against a server answering with the mutated body.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import confclient
import confclient._json
import confclient_telnyx.pages as telnyx_pages
import confclient_telnyx.records as telnyx
import confclient_twilio.pages as twilio_pages
import confclient_twilio.records as twilio
from confclient import Conference, ConferenceStatus, DecodeError, EndReason, RetryPolicy

FIXTURES = Path(__file__).parent.parent / "adapters"
Path_ = tuple[str | int, ...]


def fixture(provider: str, name: str) -> Any:
    return json.loads((FIXTURES / provider / "fixtures" / name).read_text())


# A page and a record per provider, as the providers send them.
BODIES: dict[str, dict[str, Any]] = {
    "telnyx-page": fixture("telnyx", "list_page1.json"),
    "telnyx-record": {"data": fixture("telnyx", "conference.json")},
    "twilio-page": fixture("twilio", "page1.json"),
    "twilio-record": fixture("twilio", "page1.json")["conferences"][0],
}

# The same, as a one-page listing (served over HTTP, a page must not announce a next one
# elsewhere or again).
SERVED = copy.deepcopy(BODIES)
SERVED["telnyx-page"]["meta"]["total_pages"] = 1
SERVED["twilio-page"]["meta"]["next_page_url"] = None


def decode(kind: str, body: Any) -> list[Conference]:
    """The conferences a body decodes to, through the adapter's public parser."""
    if kind == "telnyx-page":
        cursor = {"q": [["region", "US"], ["page[size]", "250"]], "n": 1}
        return list(telnyx_pages.parse_page(200, {}, body, "", cursor).items)
    if kind == "telnyx-record":
        return [telnyx.parse_conference_response(200, {}, body, data_region="US")]
    if kind == "twilio-page":
        return list(twilio_pages.parse_page(200, {}, body, "", next_cursor=str).items)
    return [twilio.parse_conference_response(200, {}, body)]


# -- the mutations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deep:
    """A value nested ``depth`` levels deep (built when applied, shown short when a test
    fails)."""

    depth: int
    container: str

    def build(self) -> Any:
        value: Any = "bottom"
        for _ in range(self.depth):
            value = [value] if self.container == "list" else {"k": value}
        return value


@dataclass(frozen=True)
class Mutation:
    """One change at ``path``: ``replace`` the value there, ``delete`` it (from its object
    or array), or ``add`` an unknown key (or array item) holding ``value`` beside it."""

    action: str
    path: Path_
    value: Any = None

    def __repr__(self) -> str:
        shown = self.value if self.action != "delete" else ""
        return f"Mutation({self.action} at {list(self.path)}: {shown!r:.60})"

    def apply(self, body: Any, *, build: bool = True) -> Any:
        """``body`` changed (in place where it can be); deep values are built if ``build``."""
        if isinstance(self.value, Deep):
            value = self.value.build() if build else self.value
        else:
            value = copy.deepcopy(self.value)  # never share the constants above
        if not self.path:
            return value if self.action == "replace" else body
        parent = body
        for step in self.path[:-1]:
            parent = parent[step]
        last = self.path[-1]
        if self.action == "replace":
            parent[last] = value
        elif self.action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[f"x_unknown_{last}"] = value
        else:
            parent.append(value)
        return body


def mutated_body(kind: str, mutations: list[Mutation], bodies: Any = BODIES) -> Any:
    body = copy.deepcopy(bodies[kind])
    for mutation in mutations:
        body = mutation.apply(body)
    return body


HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            False,
            0,
            -1,
            2**63,
            10**30,
            -(10**30),
            10**400,
            1.5,
            -0.0,
            1e308,
            float("nan"),  # what the standard library's JSON decoder makes of NaN
            float("inf"),
            "",
            " ",
            "x" * 10_000,
            "brand_new_value",  # an enum value not known today
            "2019-13-45T25:61:61Z",
            "0000-00-00T00:00:00Z",
            "9999-12-31T23:59:59.999-23:59",  # past the largest datetime once in UTC
            "0001-01-01T00:00:00+23:59",  # before the smallest one
            "2019-01-23T18:10:02.574",  # no offset
            "2019-01-23",
            "\ud800",  # a lone surrogate: what the JSON escape \ud800 decodes to
            "\x00",
            [],
            {},
            [1, "a", None],
            {"a": {"b": [1]}},
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.builds(Deep, st.integers(1, 1000), st.sampled_from(["list", "dict"])),
)


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every place in a JSON value (the root included)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


@st.composite
def mutations(draw: st.DrawFn, kind: str, bodies: Any = BODIES) -> list[Mutation]:
    """One to three mutations of the body ``kind``, each at a place the previous ones left."""
    body = copy.deepcopy(bodies[kind])  # deep values stay Deep here: a leaf to draw paths in
    drawn: list[Mutation] = []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths(body))))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        mutation = Mutation(action, path, draw(HOSTILE_VALUES))
        drawn.append(mutation)
        body = mutation.apply(body, build=False)
    return drawn


# -- what must hold -----------------------------------------------------------------------------


def assert_valid(conf: Conference, provider: str) -> None:
    """Every invariant the ``Conference`` type promises."""
    assert conf.provider == provider
    assert isinstance(conf.id, str)
    assert conf.id
    for name in ("created_at", "started_at", "ended_at", "expires_at", "updated_at"):
        value = getattr(conf, name)
        assert value is None or value.tzinfo is UTC, (name, value)
    assert isinstance(conf.status, ConferenceStatus)
    assert conf.end_reason is None or isinstance(conf.end_reason, EndReason)
    assert conf.duration is None or isinstance(conf.duration, timedelta)
    for name in ("max_participants", "unique_participants", "max_concurrent_participants"):
        value = getattr(conf, name)
        assert value is None or (isinstance(value, int) and not isinstance(value, bool))
    for name in ("name", "region", "ended_by", "account_id", "connection_id"):
        value = getattr(conf, name)
        assert value is None or isinstance(value, str), (name, value)
    assert isinstance(conf.tags, tuple)
    assert all(isinstance(t, str) for t in conf.tags)
    assert_json_data(conf.raw)
    hash(conf)


def assert_json_data(value: Any) -> None:
    """``value`` is made of JSON types only, however deep (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert all(isinstance(key, str) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            assert item is None or isinstance(item, str | int | float), type(item)


def to_json(value: Any) -> bytes:
    """``value`` as JSON text, however deep (the test's own encoding, not the client's)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        return json.dumps(value, allow_nan=True).encode()
    finally:
        sys.setrecursionlimit(limit)


def assert_names_the_field(error: DecodeError, body: Any) -> None:
    """A ``DecodeError`` says where: its ``field`` is set, and its message shows it."""
    assert error.provider in ("telnyx", "twilio")
    if not isinstance(body, dict):
        return  # the body itself is the wrong thing: there is no field to name
    assert error.field, f"no field named: {error}"
    assert error.field.split(".")[-1].split("[")[0] in str(error)


def check(kind: str, body: Any) -> None:
    provider = kind.split("-")[0]
    try:
        conferences = decode(kind, body)
    except DecodeError as error:
        assert_names_the_field(error, body)
    else:
        for conf in conferences:
            assert_valid(conf, provider)


SETTINGS = settings(max_examples=300, deadline=None, derandomize=True)
DEEP = 600  # levels: under the 1024 orjson accepts off the wire


@SETTINGS
@given(changes=mutations("telnyx-page"))
@example(changes=[Mutation("add", ("data", 0, "id"), Deep(DEEP, "list"))])
@example(changes=[Mutation("replace", ("data", 0, "status"), "brand_new")])
@example(changes=[Mutation("replace", ("data", 0, "id"), "")])  # no id: no conference
@example(changes=[Mutation("replace", ("meta", "total_pages"), 10**400)])
def test_mutated_telnyx_pages_decode_or_name_the_field(changes: list[Mutation]) -> None:
    """Telnyx list pages, mutated: valid conferences or a ``DecodeError`` naming the field."""
    check("telnyx-page", mutated_body("telnyx-page", changes))


@SETTINGS
@given(changes=mutations("telnyx-record"))
@example(changes=[Mutation("replace", ("data", "created_at"), "9999-12-31T23:59:59-23:59")])
def test_mutated_telnyx_records_decode_or_name_the_field(changes: list[Mutation]) -> None:
    """Telnyx retrieve bodies, mutated: a valid conference or a ``DecodeError``."""
    check("telnyx-record", mutated_body("telnyx-record", changes))


@SETTINGS
@given(changes=mutations("twilio-page"))
@example(changes=[Mutation("replace", ("conferences", 0, "duration_seconds"), 10**30)])
@example(changes=[Mutation("replace", ("conferences", 0, "tag_info"), Deep(DEEP, "dict"))])
def test_mutated_twilio_pages_decode_or_name_the_field(changes: list[Mutation]) -> None:
    """Twilio list pages, mutated: valid conferences or a ``DecodeError`` naming the field."""
    check("twilio-page", mutated_body("twilio-page", changes))


@SETTINGS
@given(changes=mutations("twilio-record"))
@example(changes=[Mutation("replace", ("end_time",), float("nan"))])
def test_mutated_twilio_records_decode_or_name_the_field(changes: list[Mutation]) -> None:
    """Twilio summaries, mutated: a valid conference or a ``DecodeError``."""
    check("twilio-record", mutated_body("twilio-record", changes))


# -- deep nesting, at the interpreter's own recursion limit -------------------------------------

# Hypothesis raises the recursion limit while it runs a test, which would hide a decoder
# that recurses once per level: deep nesting is checked here, outside it, as deep as a JSON
# body can come off the wire (orjson refuses more than 1024 levels).
DEEP_PLACES = {
    "telnyx-page": [("data", 0, "x_unknown"), ("data", 0, "ended_by"), ("meta",)],
    "telnyx-record": [("data", "x_unknown"), ("data", "ended_by")],
    "twilio-page": [("conferences", 0, "tag_info"), ("conferences", 0, "tags"), ("meta",)],
    "twilio-record": [("x_unknown",), ("links",), ("tags",)],
}


def deep_bodies(kind: str, bodies: Any = BODIES) -> Iterator[tuple[str, Any]]:
    """The body ``kind`` with a deep value at each place, of each shape and depth."""
    for path in DEEP_PLACES[kind]:
        for container in ("list", "dict"):
            for depth in (100, 600, 1000):
                deep = Mutation("replace", path, Deep(depth, container))
                yield repr(deep), mutated_body(kind, [deep], bodies)


def unexpected_errors(cases: Iterator[tuple[str, Any]], run: Callable[[Any], None]) -> list[str]:
    failures = []
    for name, body in cases:
        try:
            run(body)
        except Exception as exc:  # every case is tried; all failures are reported together
            failures.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
    return failures


@pytest.mark.parametrize("kind", sorted(DEEP_PLACES))
def test_deep_nesting_decodes_or_names_the_field(kind: str) -> None:
    """Values nested 100, 600 and 1000 levels deep (lists, objects) where the record keeps
    unknown keys (its ``raw``), where it expects an object or an array, and in the paging
    meta: a conference or a ``DecodeError`` in every case."""
    failures = unexpected_errors(deep_bodies(kind), lambda body: check(kind, body))
    assert not failures, "\n".join(failures)


# -- end to end -------------------------------------------------------------------------------


class HostileProvider:
    """A loopback server answering every request with ``body`` (bytes, or a function of the
    request), as the provider would."""

    def __init__(self) -> None:
        self.body: bytes | Callable[[web.Request], bytes] = b"{}"
        self.requests = 0
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests += 1
        body = self.body if isinstance(self.body, bytes) else self.body(request)
        return web.Response(body=body, content_type="application/json")

    async def __aenter__(self) -> HostileProvider:
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


def service(provider: str, server: HostileProvider) -> Any:
    retry = RetryPolicy(max_attempts=2, backoff_base=0)
    if provider == "telnyx":
        return confclient.connect(
            "telnyx", api_key="KEY0123", base_url=server.base_url + "/v2", retry=retry
        )
    return confclient.connect(
        "twilio",
        account_sid="AC" + "0" * 32,
        auth_token="t" * 32,
        base_url=server.base_url + "/v1",
        retry=retry,
    )


async def fetch(provider: str, kind: str, server: HostileProvider) -> list[Conference]:
    """What a caller gets for the server's body: a listing's items, or one ``get``."""
    async with service(provider, server) as svc:
        if kind.endswith("page"):
            return await svc.list(limit=50).collect()
        conf_id = "x" if provider == "telnyx" else "CF" + "0" * 32
        return [await svc.get(conf_id)]


async def check_end_to_end(kind: str, body: Any, server: HostileProvider) -> None:
    """As :func:`check`, for a caller of the service. A body the client's JSON decoder
    refuses (``NaN``, a number too large for it) has no field to name; a next page
    elsewhere is refused as such (``UnsafeRedirectError``)."""
    provider = kind.split("-")[0]
    server.body = to_json(body)
    try:
        confclient._json.loads(server.body)
    except confclient._json.JSONDecodeError:
        body = None  # not JSON to the client: nothing to name
    try:
        conferences = await fetch(provider, kind, server)
    except DecodeError as error:
        assert_names_the_field(error, body)
    except confclient.UnsafeRedirectError:
        assert kind == "twilio-page"
    else:
        for conf in conferences:
            assert_valid(conf, provider)


@pytest.fixture
async def hostile() -> Any:
    async with HostileProvider() as server:
        yield server


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
@pytest.mark.parametrize("kind", sorted(BODIES))
async def test_mutated_bodies_end_to_end(kind: str, data: st.DataObject, hostile: Any) -> None:
    """The same mutations, served over HTTP to a listing and a ``get``: the caller gets
    valid conferences or a ``DecodeError``, whatever the body."""
    changes = data.draw(mutations(kind, SERVED), label="changes")
    await check_end_to_end(kind, mutated_body(kind, changes, SERVED), hostile)


@pytest.mark.parametrize("kind", sorted(DEEP_PLACES))
async def test_deep_nesting_end_to_end(kind: str, hostile: Any) -> None:
    """The same deep values served over HTTP (orjson accepts up to 1024 levels): the
    caller of a listing or a ``get`` gets conferences or a ``DecodeError`` in every case."""
    failures = []
    for name, body in deep_bodies(kind, SERVED):
        try:
            await check_end_to_end(kind, body, hostile)
        except Exception as exc:  # every case is tried; all failures are reported together
            failures.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_body_too_deep_for_the_json_decoder_is_a_decode_error(
    provider: str, hostile: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body nested 100,000 levels deep, with either JSON decoder (orjson refuses it; the
    standard library's, used when orjson is not installed, runs out of stack): the caller
    gets ``DecodeError``, as for any body that is not JSON."""
    hostile.body = b"[" * 100_000 + b"]" * 100_000
    for loads in (confclient._json.loads, json.loads):
        monkeypatch.setattr(confclient._json, "loads", loads)
        with pytest.raises(DecodeError):
            await fetch(provider, f"{provider}-page", hostile)


@pytest.mark.parametrize("provider", ["telnyx", "twilio"])
async def test_a_provider_that_repeats_its_first_page_is_an_error_not_a_short_listing(
    provider: str, hostile: Any
) -> None:
    """A provider (or a cache in front of it ignoring the query) answering every page with
    the first one, while announcing more: the listing raises ``DecodeError`` at the second
    page. Dropping its records as duplicates would return the first page as if it were the
    whole listing, the rest silently lost (or, with a fresh cursor each time, never end)."""
    page = copy.deepcopy(BODIES[f"{provider}-page"])

    def first_page_again(request: web.Request) -> bytes:
        if provider == "telnyx":
            page["meta"]["total_pages"] = 40
        else:
            page["meta"]["next_page_url"] = (
                f"{hostile.base_url}/v1/Conferences?PageToken=P{hostile.requests}"
            )
        return json.dumps(page).encode()

    hostile.body = first_page_again
    with pytest.raises(DecodeError, match="previous page") as info:
        async with service(provider, hostile) as svc:
            await svc.list(page_size=2).collect()
    assert info.value.field == "page"


async def test_a_next_page_url_that_is_no_url_ends_the_listing_with_a_confclient_error(
    hostile: Any,
) -> None:
    """Twilio's ``next_page_url`` is input too: one that does not parse as a URL (an
    unterminated IPv6 host, a port out of range) must end the listing with a confclient
    error, not whatever the URL parser raises."""
    page = copy.deepcopy(SERVED["twilio-page"])
    for broken in ("http://[::1/v1/Conferences", "http://127.0.0.1:99999999/v1/Conferences"):
        page["meta"]["next_page_url"] = broken
        hostile.body = json.dumps(page).encode()
        with pytest.raises(confclient.ConfClientError):
            await fetch("twilio", "twilio-page", hostile)
