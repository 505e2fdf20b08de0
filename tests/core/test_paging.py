"""Pager over an in-memory page source: streaming, limits, one-shot iteration, resume tokens."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confclient import Conference, InvalidRequestError, Page, Pager
from confclient.paging import RawPage, decode_resume_token, encode_resume_token

PROVIDER = "fake"


class FakeSource:
    """Pages held in memory; the cursor is the page index. Records every fetch.

    It chains pages by cursor and does not announce a total of pages: empty pages in the
    middle are then allowed (a few in a row), as a cursor API may send them. (With a known
    total, an empty page before the last is an error: tests/core/test_page_guard.py.)
    """

    def __init__(self, sizes: Sequence[int], provider: str = PROVIDER) -> None:
        self.pages = [
            [Conference(provider=provider, id=f"{p}-{i}") for i in range(size)]
            for p, size in enumerate(sizes)
        ]
        self._provider = provider
        self.fetched: list[int] = []

    @property
    def provider(self) -> str:
        return self._provider

    @property
    def all_ids(self) -> list[str]:
        return [c.id for page in self.pages for c in page]

    async def fetch_page(self, cursor: Any) -> RawPage:
        assert isinstance(cursor, int)
        self.fetched.append(cursor)
        await asyncio.sleep(0)
        last = cursor == len(self.pages) - 1
        return RawPage(
            items=self.pages[cursor],
            next_cursor=None if last else cursor + 1,
            number=cursor + 1,
            total_results=len(self.all_ids),
        )


def pager(source: FakeSource, *, limit: int | None = None) -> Pager:
    return Pager(source, 0, limit=limit)


def resumed(source: FakeSource, token: str, *, limit: int | None = None) -> Pager:
    """What an adapter does with ``svc.list(resume_token=token)``."""
    cursor, skip = decode_resume_token(token, source.provider)
    return Pager(source, cursor, limit=limit, skip=skip)


def ids(items: Sequence[Conference]) -> list[str]:
    return [c.id for c in items]


async def test_items_stream_across_pages_in_order() -> None:
    source = FakeSource([3, 0, 2, 4])
    p = pager(source)
    seen = [c.id async for c in p]
    assert seen == source.all_ids
    assert len(seen) == 9
    assert source.fetched == [0, 1, 2, 3]
    assert p.items_yielded == 9
    assert p.pages_fetched == 4
    assert p.resume_token is None


async def test_pages_are_fetched_lazily_while_iterating() -> None:
    source = FakeSource([2, 2, 2])
    p = pager(source)
    it = aiter(p)
    assert source.fetched == []
    await anext(it)
    assert source.fetched == [0]
    await anext(it)
    assert source.fetched == [0]
    await anext(it)
    assert source.fetched == [0, 1]
    await it.aclose()  # type: ignore[attr-defined]


async def test_nothing_is_fetched_before_iteration_starts() -> None:
    source = FakeSource([2, 2])
    p = pager(source)
    assert source.fetched == []
    assert p.resume_token is not None
    pages = p.pages()
    assert source.fetched == []
    await anext(pages)
    assert source.fetched == [0]
    await pages.aclose()  # type: ignore[attr-defined]


async def test_collect() -> None:
    source = FakeSource([2, 3])
    assert ids(await pager(source).collect()) == source.all_ids


async def test_empty_listing() -> None:
    source = FakeSource([0])
    p = pager(source)
    assert await p.collect() == []
    assert p.resume_token is None
    pages = [page async for page in pager(FakeSource([0])).pages()]
    assert pages == [Page(items=(), resume_token=None, number=1, total_results=0)]


async def test_pages_yield_each_page_with_metadata() -> None:
    source = FakeSource([2, 3, 1])
    pages = [page async for page in pager(source).pages()]
    assert [ids(page.items) for page in pages] == [["0-0", "0-1"], ["1-0", "1-1", "1-2"], ["2-0"]]
    assert all(isinstance(page.items, tuple) for page in pages)
    assert [page.number for page in pages] == [1, 2, 3]
    assert [page.total_results for page in pages] == [6, 6, 6]
    assert [len(page) for page in pages] == [2, 3, 1]


async def test_page_resume_token_resumes_after_the_page_and_is_none_on_the_last() -> None:
    source = FakeSource([2, 3, 1])
    pages = [page async for page in pager(source).pages()]
    assert pages[-1].resume_token is None
    done = 0
    for page in pages[:-1]:
        done += len(page)
        assert page.resume_token is not None
        rest = await resumed(FakeSource([2, 3, 1]), page.resume_token).collect()
        assert ids(rest) == source.all_ids[done:]


async def test_page_resume_token_with_trailing_empty_page() -> None:
    source = FakeSource([2, 0])
    pages = [page async for page in pager(source).pages()]
    assert [len(p) for p in pages] == [2, 0]
    assert pages[-1].resume_token is None
    assert pages[0].resume_token is not None
    assert await resumed(FakeSource([2, 0]), pages[0].resume_token).collect() == []


async def test_limit_mid_page_stops_without_fetching_more() -> None:
    source = FakeSource([3, 3, 3])
    p = pager(source, limit=4)
    assert ids(await p.collect()) == source.all_ids[:4]
    assert source.fetched == [0, 1]
    assert p.items_yielded == 4
    token = p.resume_token
    assert token is not None
    assert ids(await resumed(FakeSource([3, 3, 3]), token).collect()) == source.all_ids[4:]


async def test_limit_at_page_boundary_fetches_no_extra_page() -> None:
    source = FakeSource([3, 3, 3])
    p = pager(source, limit=3)
    assert ids(await p.collect()) == source.all_ids[:3]
    assert source.fetched == [0]
    token = p.resume_token
    assert token is not None
    rest_source = FakeSource([3, 3, 3])
    assert ids(await resumed(rest_source, token).collect()) == source.all_ids[3:]
    assert rest_source.fetched == [1, 2]  # resumes at the next page, not the old one


async def test_limit_equal_to_total_exhausts() -> None:
    source = FakeSource([2, 2])
    p = pager(source, limit=4)
    assert len(await p.collect()) == 4
    assert source.fetched == [0, 1]
    assert p.resume_token is None


async def test_limit_above_total() -> None:
    source = FakeSource([2, 1])
    p = pager(source, limit=100)
    assert ids(await p.collect()) == source.all_ids
    assert p.resume_token is None


async def test_limit_with_pages() -> None:
    source = FakeSource([3, 3, 3])
    pages = [page async for page in pager(source, limit=5).pages()]
    assert [len(page) for page in pages] == [3, 2]
    assert source.fetched == [0, 1]
    token = pages[-1].resume_token
    assert token is not None
    assert ids(await resumed(FakeSource([3, 3, 3]), token).collect()) == source.all_ids[5:]


async def test_limit_at_boundary_with_pages() -> None:
    source = FakeSource([3, 3, 3])
    pages = [page async for page in pager(source, limit=3).pages()]
    assert [len(page) for page in pages] == [3]
    assert source.fetched == [0]
    token = pages[0].resume_token
    assert token is not None
    assert ids(await resumed(FakeSource([3, 3, 3]), token).collect()) == source.all_ids[3:]


async def test_a_pager_is_iterated_once() -> None:
    p = pager(FakeSource([1]))
    assert len(await p.collect()) == 1
    with pytest.raises(RuntimeError, match="once"):
        aiter(p)
    with pytest.raises(RuntimeError, match="once"):
        p.pages()
    with pytest.raises(RuntimeError, match="once"):
        await p.collect()


async def test_pages_then_items_is_refused() -> None:
    p = pager(FakeSource([1]))
    pages = p.pages()
    with pytest.raises(RuntimeError):
        aiter(p)
    assert [len(page) async for page in pages] == [1]


async def test_resume_token_inside_loop_every_position() -> None:
    source = FakeSource([2, 0, 3, 1])
    p = pager(source)
    tokens: list[str | None] = []
    async for _conf in p:
        tokens.append(p.resume_token)
    assert p.resume_token is None
    for n, token in enumerate(tokens, start=1):
        assert token is not None
        rest = await resumed(FakeSource([2, 0, 3, 1]), token).collect()
        assert ids(rest) == source.all_ids[n:], n


async def test_resume_after_break() -> None:
    source = FakeSource([3, 3])
    p = pager(source)
    async for conf in p:
        if conf.id == "0-1":
            break
    token = p.resume_token
    assert token is not None
    assert ids(await resumed(FakeSource([3, 3]), token).collect()) == source.all_ids[2:]


async def test_token_of_a_fresh_pager_starts_at_the_beginning() -> None:
    source = FakeSource([2, 2])
    token = pager(source).resume_token
    assert token is not None
    assert ids(await resumed(FakeSource([2, 2]), token).collect()) == source.all_ids


async def _consume_in_chunks(sizes: list[int], chunks: list[int]) -> list[str]:
    """Take ``chunks[i]`` items, break, resume from the token in a fresh pager; then the rest."""
    seen: list[str] = []
    p = pager(FakeSource(sizes))
    for chunk in chunks:
        taken = 0
        if chunk:
            async for conf in p:
                seen.append(conf.id)
                taken += 1
                if taken == chunk:
                    break
        token = p.resume_token
        if token is None:
            assert seen == FakeSource(sizes).all_ids
            return seen
        p = resumed(FakeSource(sizes), token)
    seen += ids(await p.collect())
    return seen


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=6),
    chunks=st.lists(st.integers(min_value=0, max_value=6), max_size=8),
)
def test_break_and_resume_anywhere_loses_and_repeats_nothing(
    sizes: list[int], chunks: list[int]
) -> None:
    seen = asyncio.run(_consume_in_chunks(sizes, chunks))
    assert seen == FakeSource(sizes).all_ids


async def _pages_then_resume(sizes: list[int], limit: int | None) -> None:
    everything = FakeSource(sizes).all_ids
    source = FakeSource(sizes)
    p = pager(source, limit=limit)
    done = 0
    async for page in p.pages():
        assert ids(page.items) == everything[done : done + len(page)]
        done += len(page)
        if page.resume_token is None:
            assert done == len(everything)
        else:
            rest = await resumed(FakeSource(sizes), page.resume_token).collect()
            assert ids(rest) == everything[done:]
    expected = len(everything) if limit is None else min(limit, len(everything))
    assert done == expected
    # Never a page fetched past what the limit needed.
    if limit is not None and limit <= len(everything):
        needed = next(i for i in range(len(sizes)) if sum(sizes[: i + 1]) >= limit)
        assert source.fetched == list(range(needed + 1))


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=6),
    limit=st.none() | st.integers(min_value=1, max_value=25),
)
def test_page_tokens_resume_exactly_after_each_page(sizes: list[int], limit: int | None) -> None:
    asyncio.run(_pages_then_resume(sizes, limit))


async def _limit_then_resume(sizes: list[int], limit: int) -> None:
    everything = FakeSource(sizes).all_ids
    p = pager(FakeSource(sizes), limit=limit)
    first = ids(await p.collect())
    assert first == everything[:limit]
    token = p.resume_token
    if token is None:
        assert limit >= len(everything)
        return
    assert ids(await resumed(FakeSource(sizes), token).collect()) == everything[limit:]


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=6),
    limit=st.integers(min_value=1, max_value=25),
)
def test_limit_then_resume(sizes: list[int], limit: int) -> None:
    asyncio.run(_limit_then_resume(sizes, limit))


async def test_resume_with_limit() -> None:
    source = FakeSource([3, 3])
    token = encode_resume_token(PROVIDER, 0, 2)
    assert ids(await resumed(source, token, limit=2).collect()) == ["0-2", "1-0"]


async def test_skip_beyond_page_length_moves_on() -> None:
    token = encode_resume_token(PROVIDER, 0, 99)
    assert ids(await resumed(FakeSource([2, 1]), token).collect()) == ["1-0"]


def test_repr() -> None:
    assert repr(pager(FakeSource([1]), limit=5)) == "<Pager fake new items=0 pages=0 limit=5>"


# -- tokens -----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(cursor=json_values, skip=st.integers(min_value=0, max_value=10**6), provider=st.text())
def test_token_round_trip(cursor: Any, skip: int, provider: str) -> None:
    token = encode_resume_token(provider, cursor, skip)
    assert re.fullmatch(r"cc1\.[A-Za-z0-9_-]*", token)
    assert decode_resume_token(token, provider) == (cursor, skip)


def test_token_default_skip() -> None:
    assert decode_resume_token(encode_resume_token("p", {"page": 2}), "p") == ({"page": 2}, 0)


def _raw_token(payload: Any) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return "cc1." + body


@pytest.mark.parametrize(
    "token",
    [
        None,
        5,
        b"cc1.abc",
        "",
        "garbage",
        "cc2.eyJwIjoiZmFrZSJ9",
        "cc1.",
        "cc1.!!!!",
        "cc1.a",
        "cc1.é",
        "cc1." + base64.urlsafe_b64encode(b"not json").decode(),
        "cc1." + base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _raw_token([1, 2]),
        _raw_token({"c": 1, "s": 0}),
        _raw_token({"p": "fake", "s": 0}),
        _raw_token({"p": "fake", "c": 1}),
        _raw_token({"p": "fake", "c": 1, "s": -1}),
        _raw_token({"p": "fake", "c": 1, "s": "1"}),
        _raw_token({"p": "fake", "c": 1, "s": 1.5}),
        _raw_token({"p": 5, "c": 1, "s": 0}),
    ],
)
def test_bad_tokens_are_rejected(token: Any) -> None:
    with pytest.raises(InvalidRequestError):
        decode_resume_token(token, PROVIDER)


def test_damaged_token_is_rejected() -> None:
    token = encode_resume_token(PROVIDER, {"page": 3}, 1)
    with pytest.raises(InvalidRequestError, match="damaged"):
        decode_resume_token(token[:-3], PROVIDER)


def test_token_of_another_provider_is_rejected() -> None:
    token = encode_resume_token("twilio", 1, 0)
    with pytest.raises(InvalidRequestError, match="twilio"):
        decode_resume_token(token, "telnyx")


def test_rejection_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="resume_token"):
        decode_resume_token("nope", PROVIDER)
