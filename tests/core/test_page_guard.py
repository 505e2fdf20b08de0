"""PageGuard, without I/O: what a listing refuses of the pages a server sends."""

from __future__ import annotations

import tracemalloc

import pytest

from confclient import Conference, DecodeError
from confclient._page_guard import MAX_PAGES_WITHOUT_PROGRESS, PageGuard


def page(*ids: str) -> list[Conference]:
    return [Conference(provider="fake", id=i) for i in ids]


def check(guard: PageGuard, items: list[Conference], **where: object) -> frozenset[int]:
    options: dict[str, object] = {"number": None, "total_pages": None, "has_next": True}
    options.update(where)
    return guard.check(items, **options)  # type: ignore[arg-type]


def test_records_repeated_across_neighbouring_pages_are_dropped() -> None:
    guard = PageGuard("fake", 1)
    assert check(guard, page("a", "b", "c")) == frozenset()
    assert check(guard, page("c", "d", "e")) == {0}  # "c" shifted down from page 1
    assert check(guard, page("e", "f", "g")) == {0}
    assert guard.dropped == 2


def test_a_record_repeated_within_a_page_is_dropped_too() -> None:
    guard = PageGuard("fake", 1)
    assert check(guard, page("a", "b", "a", "c", "b")) == {2, 4}
    assert guard.dropped == 2


def test_a_record_seen_two_pages_ago_is_not_remembered() -> None:
    """Only the neighbouring page's ids are kept: memory does not grow with the listing."""
    guard = PageGuard("fake", 1)
    check(guard, page("a", "b"))
    check(guard, page("c", "d"))
    assert check(guard, page("a", "e")) == frozenset()


def test_the_previous_page_again_is_an_error() -> None:
    guard = PageGuard("fake", 1)
    check(guard, page("a", "b"), number=1, total_pages=3)
    with pytest.raises(DecodeError, match="page 2 holds only records of the previous page") as info:
        check(guard, page("b", "a"), number=2, total_pages=3)
    assert info.value.field == "page"


def test_an_earlier_page_again_is_an_error() -> None:
    guard = PageGuard("fake", 1)
    check(guard, page("a", "b"))
    check(guard, page("c", "d"))
    with pytest.raises(DecodeError, match="repeats an earlier page"):
        check(guard, page("a", "b"))


def test_an_empty_page_before_the_last_of_a_known_total_is_an_error() -> None:
    guard = PageGuard("fake", 1)
    check(guard, page("a"), number=1, total_pages=3)
    with pytest.raises(DecodeError, match="page 2 of 3 is empty"):
        check(guard, page(), number=2, total_pages=3)


def test_an_empty_last_page_ends_a_listing_quietly() -> None:
    guard = PageGuard("fake", 1)
    check(guard, page("a"), number=1, total_pages=2)
    assert check(guard, page(), number=2, total_pages=2, has_next=False) == frozenset()
    assert check(PageGuard("fake", 1), page(), number=1, total_pages=0, has_next=False) == set()


def test_a_cursor_listing_may_skip_a_few_empty_pages_but_not_forever() -> None:
    guard = PageGuard("fake", 1)
    for _ in range(MAX_PAGES_WITHOUT_PROGRESS - 1):
        check(guard, page())
    check(guard, page("a"))  # progress: the count starts again
    for _ in range(MAX_PAGES_WITHOUT_PROGRESS - 1):
        check(guard, page())
    with pytest.raises(DecodeError, match=f"{MAX_PAGES_WITHOUT_PROGRESS} pages in a row brought"):
        check(guard, page())


def test_a_next_page_announced_twice_is_a_loop() -> None:
    guard = PageGuard("fake", {"page": 1})
    guard.next_page({"page": 2}, 1)
    guard.next_page({"page": 3}, 2)
    with pytest.raises(DecodeError, match="already sent") as info:
        guard.next_page({"page": 2}, 3)
    assert info.value.field == "next page"
    with pytest.raises(DecodeError, match="already sent"):
        PageGuard("fake", {"page": 1}).next_page({"page": 1}, 1)  # the first page again
    PageGuard("fake", 1).next_page(None, 1)  # the last page names none


def test_memory_grows_by_a_fingerprint_a_page() -> None:
    """20,000 pages: what the guard keeps is two fingerprints a page (a few hundred bytes
    with the sets' own overhead), not ids: 18,000 pages stay far below the 16 MiB that
    issue 12 allows a whole listing to grow between its 2,000th and 20,000th page."""
    guard = PageGuard("fake", 0)
    pages = [page(*(f"{n}-{i}" for i in range(250))) for n in range(2)]
    tracemalloc.start()
    try:
        for n in range(20_000):
            guard.next_page(n + 1, n)
            check(guard, pages[n % 2] if n < 2 else page(f"{n}-x"))
            if n == 2_000:
                at_2000 = tracemalloc.get_traced_memory()[0]
        at_20000 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    per_page = (at_20000 - at_2000) / 18_000
    assert per_page < 512, per_page
