"""Paging through dd.cases.search: stop rules, limit, duplicates, prefetch and its cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time

import pytest

from ddcases import AsyncPaginator, Case, CaseManagement, Page

from ._fake_service import FakeService


def search_params(fake: FakeService) -> list[int]:
    return [int(r.url.params["page[number]"]) for r in fake.requests]


def seeded(n: int, **kwargs: float) -> tuple[FakeService, CaseManagement]:
    fake = FakeService(**kwargs)
    for _ in range(n):
        fake.add_case()
    return fake, fake.client()


async def collect(paginator: AsyncPaginator[Case]) -> list[str]:
    return [case.id async for case in paginator]


@pytest.mark.parametrize("prefetch", [True, False])
async def test_stops_at_the_page_count(prefetch: bool) -> None:
    fake, dd = seeded(5)
    ids = await collect(dd.cases.search(page_size=2, prefetch=prefetch))
    assert ids == list(fake.cases)
    assert search_params(fake) == [1, 2, 3]


@pytest.mark.parametrize("prefetch", [True, False])
async def test_full_last_page_is_not_followed_by_a_request(prefetch: bool) -> None:
    fake, dd = seeded(4)
    assert len(await collect(dd.cases.search(page_size=2, prefetch=prefetch))) == 4
    assert search_params(fake) == [1, 2]


@pytest.mark.parametrize("prefetch", [0, 1, 4])
async def test_stops_on_a_short_page_before_the_page_count(prefetch: int) -> None:
    fake, dd = seeded(5)
    ids = list(fake.cases)
    fake.pages = {1: (ids[0:2], 9), 2: (ids[2:3], 9), 3: (ids[3:5], 9)}
    assert await collect(dd.cases.search(page_size=2, prefetch=prefetch)) == ids[:3]
    # Pages the count says exist may have been asked for ahead; none of theirs is yielded.
    assert search_params(fake)[:2] == [1, 2]
    assert set(search_params(fake)) <= set(range(1, 3 + prefetch))


async def test_without_a_page_count_stops_on_the_empty_page() -> None:
    fake, dd = seeded(4)
    ids = list(fake.cases)
    fake.pages = {1: (ids[0:2], None), 2: (ids[2:4], None)}
    assert await collect(dd.cases.search(page_size=2)) == ids
    assert search_params(fake) == [1, 2, 3]


@pytest.mark.parametrize("prefetch", [True, False])
async def test_empty_first_page(prefetch: bool) -> None:
    fake, dd = seeded(0)
    assert await collect(dd.cases.search(page_size=10, prefetch=prefetch)) == []
    pages = [page async for page in dd.cases.search(page_size=10).pages()]
    assert [(p.items, p.number, p.has_next_page) for p in pages] == [([], 1, False)]
    assert search_params(fake) == [1, 1]


@pytest.mark.parametrize("prefetch", [True, False])
async def test_limit_caps_items_and_requests(prefetch: bool) -> None:
    fake, dd = seeded(7)
    ids = await collect(dd.cases.search(page_size=2, limit=3, prefetch=prefetch))
    assert ids == list(fake.cases)[:3]
    assert search_params(fake) == [1, 2]  # page 3 is never asked for, not even prefetched
    pages = [p async for p in dd.cases.search(page_size=2, limit=3).pages()]
    assert [len(p.items) for p in pages] == [2, 1]


async def test_duplicates_across_pages_are_yielded_once() -> None:
    fake, dd = seeded(4)
    a, b, c, d = fake.cases
    # The service shifted b onto page 2 as well (e.g. a case was created meanwhile).
    fake.pages = {1: ([a, b], 3), 2: ([b, c], 3), 3: ([c, d], 3)}
    assert await collect(dd.cases.search(page_size=2)) == [a, b, c, d]
    pages = [p async for p in dd.cases.search(page_size=2).pages()]
    assert [[x.id for x in p.items] for p in pages] == [[a, b], [c], [d]]


async def test_limit_counts_distinct_items() -> None:
    fake, dd = seeded(4)
    a, b, c, _ = fake.cases
    fake.pages = {1: ([a, b], 3), 2: ([b, c], 3)}
    assert await collect(dd.cases.search(page_size=2, limit=3)) == [a, b, c]
    assert search_params(fake) == [1, 2]


async def test_pages_carry_numbers_and_totals() -> None:
    _, dd = seeded(5)
    pages = [p async for p in dd.cases.search(page_size=2).pages()]
    assert all(isinstance(p, Page) for p in pages)
    assert [(p.number, p.total_pages, p.total_items, p.has_next_page) for p in pages] == [
        (1, 3, 5, True),
        (2, 3, 5, True),
        (3, 3, 5, False),
    ]
    assert [len(p.items) for p in pages] == [2, 2, 1]


async def test_await_returns_the_first_page_only() -> None:
    fake, dd = seeded(5)
    page = await dd.cases.search(page_size=2, start_page=2)
    assert page.number == 2
    assert [c.id for c in page.items] == list(fake.cases)[2:4]
    assert search_params(fake) == [2]


async def test_start_page() -> None:
    fake, dd = seeded(5)
    assert await collect(dd.cases.search(page_size=2, start_page=2)) == list(fake.cases)[2:]
    assert search_params(fake) == [2, 3]


async def test_query_parameters() -> None:
    fake, dd = seeded(1)
    await collect(dd.cases.search("status:open priority:P1", sort="priority", ascending=False))
    params = fake.requests[0].url.params
    assert params["filter"] == "status:open priority:P1"
    assert params["sort[field]"] == "priority"
    assert params["sort[asc]"] == "false"
    assert params["page[size]"] == "100"
    assert params["page[number]"] == "1"
    await collect(dd.cases.search())
    assert set(fake.requests[1].url.params) == {"page[size]", "page[number]"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"page_size": 0},
        {"page_size": 101},
        {"page_size": True},
        {"page_size": "10"},
        {"page_size": 10.0},
        {"limit": 0},
        {"limit": -1},
        {"limit": "5"},
        {"start_page": 0},
        {"sort": "title"},
        {"sort": "PRIORITY"},
        {"ascending": "yes"},
        {"filter": 5},
        {"prefetch": -1},
        {"prefetch": 1.5},
        {"prefetch": "2"},
        {"prefetch": None},
    ],
)
async def test_bad_arguments_raise_before_sending(kwargs: dict[str, object]) -> None:
    fake, dd = seeded(1)
    # A wrong value is a ValueError, a wrong type a TypeError (issue 18 item 13).
    with pytest.raises((ValueError, TypeError)):
        dd.cases.search(**kwargs)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_prefetch_stays_one_page_ahead() -> None:
    fake, dd = seeded(10)
    it = aiter(dd.cases.search(page_size=2))
    await anext(it)
    await asyncio.sleep(0.05)  # a slow consumer: the prefetch finishes, nothing more is asked
    assert search_params(fake) == [1, 2]
    await it.aclose()  # type: ignore[attr-defined]


async def test_break_with_aclosing_cancels_the_prefetch() -> None:
    fake, dd = seeded(10, delay=0.2)
    paginator = dd.cases.search(page_size=2)
    async with contextlib.aclosing(paginator):
        async for _ in paginator:
            await asyncio.sleep(0.01)  # let the prefetch request start
            break
    assert search_params(fake) == [1, 2]
    assert [int(r.url.params["page[number]"]) for r in fake.cancelled] == [2]
    await asyncio.sleep(0.3)
    assert search_params(fake) == [1, 2]  # nothing else was sent


async def test_plain_break_cancels_the_prefetch_once_the_iterator_is_dropped() -> None:
    fake, dd = seeded(10, delay=0.2)
    async for _ in dd.cases.search(page_size=2):
        await asyncio.sleep(0.01)
        break
    gc.collect()
    for _ in range(5):  # asyncio finalises the abandoned generator in a callback
        await asyncio.sleep(0)
    assert len(fake.cancelled) == 1
    await asyncio.sleep(0.3)
    assert search_params(fake) == [1, 2]


async def test_error_in_prefetched_page_surfaces_when_reached() -> None:
    from ddcases import ServerError

    fake, dd = seeded(4)
    ids = list(fake.cases)
    fake.pages = {1: (ids[:2], 2)}
    original = fake.handle

    async def failing(request):  # type: ignore[no-untyped-def]
        if request.url.params.get("page[number]") == "2":
            fake.requests.append(request)
            from ._fake_service import error

            return error(500, "boom")
        return await original(request)

    fake.handle = failing  # type: ignore[method-assign]
    dd = fake.client(max_retries=0)
    got: list[str] = []

    async def consume() -> None:
        async for case in dd.cases.search(page_size=2):
            got.append(case.id)  # noqa: PERF401 - the items before the error are the point

    with pytest.raises(ServerError, match="boom"):
        await consume()
    assert got == ids[:2]


async def test_prefetch_overlaps_fetch_and_work() -> None:
    pages, fetch, work = 5, 0.05, 0.05

    async def run(prefetch: bool) -> float:
        fake, dd = seeded(pages * 2, delay=fetch)
        start = time.perf_counter()
        async for _ in dd.cases.search(page_size=2, prefetch=prefetch).pages():
            await asyncio.sleep(work)
        elapsed = time.perf_counter() - start
        assert search_params(fake) == list(range(1, pages + 1))
        return elapsed

    sequential = await run(False)
    overlapped = await run(True)
    # sequential ~ N * (fetch + work) = 0.50 s; prefetch ~ N * max(fetch, work) + fetch = 0.30 s
    assert sequential >= pages * (fetch + work) * 0.95
    assert overlapped < sequential * 0.75, (overlapped, sequential)


async def test_projects_list_is_awaitable_like_search() -> None:
    # Issue 10 §3: `await dd.projects.list()` was a TypeError while `await dd.cases.search()`
    # worked. Both are the same paginator now: await gives the first (here: only) page.
    fake, dd = seeded(3)
    for key in ("A", "B", "C"):
        fake.add_project(key)
    listing = dd.projects.list()
    assert isinstance(listing, AsyncPaginator)
    assert isinstance(dd.cases.search(), AsyncPaginator)
    assert fake.requests == []  # nothing is sent before it is awaited or iterated
    page = await listing
    assert isinstance(page, Page)
    assert [p.attributes.key for p in page.items] == ["A", "B", "C"]
    assert (page.number, page.total_pages, page.total_items, page.has_next_page) == (1, 1, 3, False)
    assert [p.attributes.key async for p in dd.projects.list()] == ["A", "B", "C"]
    pages = [p async for p in dd.projects.list().pages()]
    assert [len(p.items) for p in pages] == [3]
    assert fake.paths() == ["GET /api/v2/cases/projects"] * 3


@pytest.mark.parametrize("prefetch", [1, 4])
async def test_search_keeps_prefetch_pages_in_flight(prefetch: int) -> None:
    # Through the facade and its transport stack: while the caller waits for page k, the
    # requests for pages k + 1 .. k + N are out too, and every case still comes once, in order.
    fake, _ = seeded(40, delay=0.01)
    inflight, peak = 0, 0
    original = fake.handle

    async def counting(request):  # type: ignore[no-untyped-def]
        nonlocal inflight, peak
        inflight += 1
        peak = max(peak, inflight)
        try:
            return await original(request)
        finally:
            inflight -= 1

    fake.handle = counting  # type: ignore[method-assign]
    dd = fake.client()
    assert await collect(dd.cases.search(page_size=2, prefetch=prefetch)) == list(fake.cases)
    assert sorted(search_params(fake)) == list(range(1, 21))
    assert peak == prefetch + 1
