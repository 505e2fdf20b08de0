"""Pages decoded one record at a time as the pager hands them out (``RecordCodec.deferred``).

The records of a page are checked for repeats by their raw ids, then each is decoded just
before it is yielded: a consumer that stops early decodes only what it took, a bad record
fails where the listing reaches it (after the good records before it, with a resume token
that points at it), and the guard's rules hold without decoding anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from confclient import Conference, DecodeError
from confclient.decoding import RecordCodec, make_strict_converter
from confclient.paging import DeferredItems, Pager, RawPage, decode_resume_token


def _fast(record: object, data_region: str | None) -> Conference | None:
    if type(record) is not dict or type(record.get("id")) is not str:
        return None
    return Conference(provider="fake", id=record["id"], data_region=data_region)


def _slow(
    record: object, path: str, status: int, headers: Mapping[str, Any], region: str | None
) -> Conference:
    raise DecodeError(f"fake: {path}.id is not a string", provider="fake", field=f"{path}.id")


def _no_error(status: int, headers: Any, data: object, text: str, **kw: Any) -> Exception:
    raise AssertionError("no error response in these tests")


class CountingCodec:
    """A fake provider's codec whose fast path counts the records it decodes."""

    def __init__(self, id_key: str | None = "id") -> None:
        self.decoded: list[object] = []

        def fast(record: object, region: str | None) -> Conference | None:
            self.decoded.append(record.get("id") if isinstance(record, dict) else record)
            return _fast(record, region)

        self.codec: RecordCodec[Conference] = RecordCodec(
            "fake", _no_error, make_strict_converter(), fast, _slow, id_key=id_key
        )

    def deferred(self, records: Sequence[Any]) -> DeferredItems[Conference]:
        return self.codec.deferred(records, "data", data_region="r1")


class Pages:
    """A listing of pre-made pages of raw records (cursor = page index)."""

    provider = "fake"

    def __init__(self, codec: CountingCodec, pages: list[list[Any]]) -> None:
        self.codec = codec
        self.pages = pages

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        following = cursor + 1 if cursor + 1 < len(self.pages) else None
        return RawPage(
            items=self.codec.deferred(self.pages[cursor]), next_cursor=following, number=cursor
        )


def _records(*ids: object) -> list[Any]:
    return [{"id": id_} for id_ in ids]


async def test_records_are_decoded_as_they_are_handed_out() -> None:
    codec = CountingCodec()
    pages = [_records("a", "b", "c"), _records("d", "e", "f"), _records("g", "h", "i")]
    pager = Pager(Pages(codec, pages), 0, page_concurrency=2)
    seen = []
    async for conference in pager:
        seen.append(conference.id)
        # The first page is decoded whole (its decoding time sizes the page window); after
        # it, nothing ahead of the consumer is decoded, even with the next pages in hand.
        assert codec.decoded == ["a", "b", "c", *seen[3:]]
        if len(seen) == 5:
            break
    assert seen == ["a", "b", "c", "d", "e"]
    assert codec.decoded == seen


async def test_items_keep_the_data_region_and_equal_a_whole_page_decode() -> None:
    codec = CountingCodec()
    records = _records("a", "b", "c")
    listed = await Pager(Pages(codec, [records]), 0).collect()
    assert listed == list(codec.codec.decode(records, "data", data_region="r1"))
    assert {c.data_region for c in listed} == {"r1"}


async def test_a_bad_record_fails_where_the_listing_reaches_it_and_resumes_there() -> None:
    codec = CountingCodec()
    source = Pages(codec, [_records("a", "b"), _records("c", 7, "d")])
    pager = Pager(source, 0)
    seen: list[str] = []

    async def consume() -> None:
        async for conference in pager:
            seen.append(conference.id)

    with pytest.raises(DecodeError) as info:
        await consume()
    assert seen == ["a", "b", "c"]
    assert info.value.field == "data[1].id"
    # The token points at the bad record: resuming meets it again, never skips it.
    token = pager.resume_token
    assert decode_resume_token(token, "fake") == (1, 1)
    with pytest.raises(DecodeError):
        await Pager(source, 1, skip=1).collect()


async def test_repeats_are_dropped_by_raw_id_without_being_decoded() -> None:
    codec = CountingCodec()
    # "b" repeats across the page boundary and "c" within the second page.
    source = Pages(codec, [_records("a", "b"), _records("b", "c", "c", "d")])
    listed = await Pager(source, 0).collect()
    assert [c.id for c in listed] == ["a", "b", "c", "d"]
    assert codec.decoded == ["a", "b", "c", "d"]  # the repeats were never decoded


async def test_ids_that_are_not_strings_are_never_taken_for_repeats() -> None:
    codec = CountingCodec()
    # Two records without a usable id: neither is dropped as the other's repeat; the first
    # one reached fails to decode, naming its place.
    source = Pages(codec, [[{"id": "a"}, {"name": "x"}, {"id": None}]])
    with pytest.raises(DecodeError) as info:
        await Pager(source, 0).collect()
    assert info.value.field == "data[1].id"


def test_ids_are_read_without_decoding() -> None:
    codec = CountingCodec()
    items = codec.deferred([{"id": "a"}, {"id": "b"}, ["not", "a", "record"], {"id": 3}])
    ids = items.ids()
    assert ids[:2] == ("a", "b")
    assert not isinstance(ids[2], str)
    assert not isinstance(ids[3], str)
    assert ids[2] != ids[3]
    assert codec.decoded == []
    assert not items.decoded


def test_indexing_decodes_one_record_and_iteration_decodes_the_page() -> None:
    codec = CountingCodec()
    items = codec.deferred(_records("a", "b", "c"))
    assert items[-1].id == "c"
    assert codec.decoded == ["c"]
    with pytest.raises(IndexError):
        items[3]
    assert [c.id for c in items] == ["a", "b", "c"]
    assert items.decoded
    assert items.one_by_one() is None  # decoded as a whole: the pager uses that
    assert items[0].id == "a"


def test_without_an_id_key_the_page_is_decoded_as_a_whole() -> None:
    codec = CountingCodec(id_key=None)
    items = codec.deferred(_records("a", "b"))
    assert items.one_by_one() is None
    assert items.ids() == ("a", "b")
    assert codec.decoded == ["a", "b"]


class HandMade:
    """Pages an adapter builds itself: ``DeferredItems`` with ``decode_one`` and, or not, a
    ``fast`` decoder that declines some records."""

    provider = "fake"

    def __init__(self, with_fast: bool) -> None:
        self.with_fast = with_fast
        self.by_decode_one: list[str] = []

    def decode_one(self, record: Any, index: int) -> Conference:
        self.by_decode_one.append(record["id"])
        return Conference(provider="fake", id=record["id"], name=f"slow {index}")

    async def fetch_page(self, cursor: Any) -> RawPage[Conference]:
        def decline_odd(record: Any, context: Any) -> Conference | None:
            if int(record["id"]) % 2:
                return None
            return Conference(provider="fake", id=record["id"], name=context)

        items = DeferredItems(
            _records(*(str(n) for n in range(cursor * 3, cursor * 3 + 3))),
            lambda page: [self.decode_one(r, i) for i, r in enumerate(page)],
            decode_one=self.decode_one,
            record_ids=lambda page: tuple(r["id"] for r in page),
            fast=(decline_odd, "fast") if self.with_fast else None,
        )
        return RawPage(items=items, next_cursor=cursor + 1 if cursor < 2 else None, number=cursor)


@pytest.mark.parametrize("with_fast", [True, False])
async def test_a_fast_decoder_is_tried_first_and_decode_one_takes_what_it_declines(
    with_fast: bool,
) -> None:
    source = HandMade(with_fast)
    # The first page is decoded whole (it sizes the window); the others one record at a time.
    listed = await Pager(source, 0, page_concurrency=2).collect()
    assert [c.id for c in listed] == [str(n) for n in range(9)]
    one_by_one = listed[3:]
    if with_fast:
        odd_slow = ["slow 0", "fast", "slow 2", "fast", "slow 1", "fast"]  # ids 3 to 8
        assert [c.name for c in one_by_one] == odd_slow
        assert source.by_decode_one == ["0", "1", "2", "3", "5", "7"]
    else:
        assert [c.name for c in one_by_one] == [f"slow {i}" for i in (0, 1, 2, 0, 1, 2)]
        assert source.by_decode_one == [str(n) for n in range(9)]


async def test_items_yielded_counts_every_item_inside_the_loop_and_after_a_break() -> None:
    # The one-by-one path keeps one position per item; the count handed out follows from it.
    pages = [_records("a", "b", "c"), _records("d", "e", "f"), _records("g", "h")]
    pager = Pager(Pages(CountingCodec(), pages), 0, page_concurrency=2)
    counts = []
    async for _conference in pager:
        counts.append(pager.items_yielded)
        assert f"items={pager.items_yielded} " in repr(pager)
        if len(counts) == 5:
            break
    assert counts == [1, 2, 3, 4, 5]
    assert pager.items_yielded == 5
    resumed = Pager(Pages(CountingCodec(), pages), 0)
    token = pager.resume_token
    assert token is not None
    cursor, skip = decode_resume_token(token, provider="fake")
    assert (cursor, skip) == (1, 2)
    rest = Pager(Pages(CountingCodec(), pages), cursor, skip=skip)
    assert [c.id async for c in rest] == ["f", "g", "h"]
    assert rest.items_yielded == 3
    assert [c.id async for c in resumed] == list("abcdefgh")
    assert resumed.items_yielded == 8


async def test_a_resumed_position_past_the_end_of_its_page_counts_nothing_there() -> None:
    pages = [_records("a", "b"), _records("c")]
    pager = Pager(Pages(CountingCodec(), pages), 0, skip=99)
    assert [c.id async for c in pager] == ["c"]
    assert pager.items_yielded == 1
