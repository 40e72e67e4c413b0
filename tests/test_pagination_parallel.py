"""The walk ahead (issue 11): ``prefetch=N`` keeps N pages requested ahead, in order, bounded,
cancellable. Driven through AsyncPaginator with a fetch function that records what it was asked,
when, and what was cancelled, so the counts are exact rather than inferred from timing."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import random
import time
from collections.abc import Callable

import pytest

from ddcases import AsyncPaginator, UnexpectedResponseError
from ddcases._pagination import RawPage


class Source:
    """Pages of ``items``, each answered after ``delay(number)`` seconds; records everything.

    ``events`` holds ``("sent", n)`` when page n's request starts and ``("read", n)`` when its
    response has been parsed (the real fetch parses inside the call, as here).
    """

    def __init__(
        self,
        items: list[str],
        size: int,
        *,
        delay: Callable[[int], float] = lambda n: 0.0,
        total: bool = True,
        fail: int | None = None,
    ) -> None:
        self.items, self.size, self.delay, self.total, self.fail = items, size, delay, total, fail
        self.events: list[tuple[str, int]] = []
        self.cancelled: list[int] = []
        self.inflight = 0
        self.max_inflight = 0
        self._changed = asyncio.Event()

    @property
    def sent(self) -> list[int]:
        return [n for what, n in self.events if what == "sent"]

    async def fetch(self, number: int) -> RawPage[str]:
        self.events.append(("sent", number))
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        self._changed.set()
        try:
            await asyncio.sleep(self.delay(number))
        except asyncio.CancelledError:
            self.cancelled.append(number)
            raise
        finally:
            self.inflight -= 1
        if number == self.fail:
            raise RuntimeError(f"page {number} failed")
        self.events.append(("read", number))
        page = self.items[(number - 1) * self.size : number * self.size]
        pages = math.ceil(len(self.items) / self.size) if self.total else None
        return RawPage(page, pages, len(self.items) if self.total else None)

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until ``condition()`` holds, checked whenever a request starts."""
        while not condition():
            self._changed.clear()
            await self._changed.wait()

    def paginator(self, **kwargs: object) -> AsyncPaginator[str]:
        return AsyncPaginator(self.fetch, key=str, page_size=self.size, **kwargs)  # type: ignore[arg-type]


def ids(n: int) -> list[str]:
    return [f"c{i:05d}" for i in range(n)]


async def items_then_error(
    paginator: AsyncPaginator[str], error: type[BaseException]
) -> tuple[list[str], BaseException]:
    """The items yielded before ``error`` was raised, and the error (which must come)."""
    got: list[str] = []

    async def consume() -> None:
        async for item in paginator:
            got.append(item)  # noqa: PERF401 - the items before the error are the point

    with pytest.raises(error) as info:
        await consume()
    return got, info.value


def no_other_tasks() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(("value", "pages"), [(True, 1), (False, 0), (0, 0), (1, 1), (7, 7)])
def test_prefetch_is_a_page_count(value: object, pages: int) -> None:
    assert f"prefetch={pages}>" in repr(Source([], 1).paginator(prefetch=value))


@pytest.mark.parametrize("bad", [-1, 1.5, "2", None, [1]])
def test_bad_prefetch_is_a_value_or_type_error(bad: object) -> None:
    source = Source(ids(3), 1)
    error = ValueError if isinstance(bad, int) else TypeError  # issue 18 item 13
    with pytest.raises(error, match="prefetch must be a bool or an int >= 0"):
        source.paginator(prefetch=bad)
    assert source.events == []


# ---------------------------------------------------------------- in flight, bounded


@pytest.mark.parametrize("ahead", [1, 2, 4])
async def test_n_pages_are_in_flight_while_the_caller_waits(ahead: int) -> None:
    source = Source(ids(200), 10, delay=lambda n: 0.005)
    got = [item async for item in source.paginator(prefetch=ahead)]
    assert got == source.items
    assert source.sent == list(range(1, 21))  # each page once, none past the end (page 20)
    assert source.max_inflight == ahead + 1  # the awaited page and N ahead of it, never more


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ahead", [1, 4])
async def test_the_next_request_goes_out_before_this_page_is_read(ahead: int, seed: int) -> None:
    rng = random.Random(seed)
    delays = {n: rng.choice([0.001, 0.003, 0.006]) for n in range(1, 21)}
    source = Source(ids(200), 10, delay=delays.__getitem__)
    async for page in source.paginator(prefetch=ahead).pages():
        source.events.append(("got", page.number))  # no work: the caller asks for the next
    order = source.events.index
    # Page 1 is read before anything else is asked (its page count says which pages exist).
    # After that, whenever the caller asks for page k before it has arrived, the request for
    # page k + N is already out: reading page k never holds up the requests after it.
    waited = [k for k in range(2, 21) if order(("got", k - 1)) < order(("read", k))]
    assert len(waited) >= 5
    for k in waited:
        if k + ahead <= 20:
            assert order(("sent", k + ahead)) < order(("read", k)), (k, source.events)


async def test_sequential_walk_has_one_request_at_a_time() -> None:
    source = Source(ids(50), 10, delay=lambda n: 0.002)
    assert [item async for item in source.paginator(prefetch=0)] == source.items
    assert source.max_inflight == 1
    for k in range(1, 5):
        assert source.events.index(("read", k)) < source.events.index(("sent", k + 1))


@pytest.mark.parametrize("ahead", [0, 1, 3])
async def test_a_slow_caller_holds_at_most_n_pages_ahead(ahead: int) -> None:
    source = Source(ids(200), 10)
    it = aiter(source.paginator(prefetch=ahead).pages())
    await anext(it)
    await asyncio.sleep(0.02)  # the caller works on page 1; what was asked for has arrived
    assert source.sent == list(range(1, 2 + ahead))
    await anext(it)
    await asyncio.sleep(0.02)
    assert source.sent == list(range(1, 3 + ahead))
    await it.aclose()  # type: ignore[attr-defined]
    assert no_other_tasks()


async def test_no_page_past_the_count_even_far_ahead() -> None:
    source = Source(ids(25), 10, delay=lambda n: 0.002)
    assert [item async for item in source.paginator(prefetch=8)] == source.items
    assert source.sent == [1, 2, 3]


async def test_without_a_page_count_only_the_page_after_a_full_one_is_asked() -> None:
    source = Source(ids(35), 10, delay=lambda n: 0.002, total=False)
    assert [item async for item in source.paginator(prefetch=4)] == source.items
    assert source.sent == [1, 2, 3, 4]  # page 4 is short: nothing after it was asked for
    assert source.max_inflight == 1


@pytest.mark.parametrize(("limit", "requests"), [(1, 1), (10, 1), (11, 2), (35, 4)])
async def test_limit_bounds_the_pages_asked_ahead(limit: int, requests: int) -> None:
    source = Source(ids(200), 10, delay=lambda n: 0.002)
    got = [item async for item in source.paginator(prefetch=6, limit=limit)]
    assert got == source.items[:limit]
    assert source.sent == list(range(1, requests + 1))


# ---------------------------------------------------------------- order and duplicates


@pytest.mark.parametrize("seed", range(5))
async def test_order_holds_when_pages_complete_out_of_order(seed: int) -> None:
    rng = random.Random(seed)
    delays = {n: rng.choice([0.0, 0.001, 0.004, 0.008]) for n in range(1, 31)}
    source = Source(ids(300), 10, delay=delays.__getitem__)
    got = [item async for item in source.paginator(prefetch=5)]
    assert got == source.items
    reads = [n for what, n in source.events if what == "read"]
    assert reads != sorted(reads)  # the responses really did arrive out of order


async def test_later_pages_first_still_yields_in_order() -> None:
    # Every page answers faster than the one before it.
    source = Source(ids(80), 10, delay=lambda n: 0.002 * (10 - n))
    pages = [page async for page in source.paginator(prefetch=7).pages()]
    assert [p.number for p in pages] == list(range(1, 9))
    assert [i for p in pages for i in p.items] == source.items


async def test_duplicates_are_skipped_across_pages_fetched_together() -> None:
    items = ids(40)
    # The service shifted items while the pages were read: each page repeats two of the last.
    shifted = items[:10] + items[8:18] + items[16:26] + items[24:34] + items[32:40]
    source = Source(shifted, 10, delay=lambda n: 0.001 * (6 - n))
    got = [item async for item in source.paginator(prefetch=4)]
    assert got == items
    assert len(got) == len(set(got))


# ---------------------------------------------------------------- stopping


@pytest.mark.parametrize("ahead", [1, 4])
async def test_cancelling_the_caller_cancels_every_page_in_flight(ahead: int) -> None:
    source = Source(ids(500), 10, delay=lambda n: 0.0 if n < 3 else 5.0)
    paginator = source.paginator(prefetch=ahead)
    got: list[str] = []

    async def consume() -> None:
        async for item in paginator:
            got.append(item)  # noqa: PERF401 - the point is what was seen before the cancel

    task = asyncio.create_task(consume())
    # The caller waits on page 3, with pages 4 .. 3 + N on the way too.
    await source.wait_until(lambda: (3 + ahead) in source.sent)
    await asyncio.sleep(0.005)
    assert source.inflight == ahead + 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert got == source.items[:20]
    assert sorted(source.cancelled) == list(range(3, 4 + ahead))
    assert source.inflight == 0
    assert no_other_tasks()
    sent = len(source.sent)
    await asyncio.sleep(0.01)
    assert len(source.sent) == sent  # nothing more went out


async def test_cancelling_while_the_caller_works_cancels_the_pages_ahead() -> None:
    source = Source(ids(500), 10, delay=lambda n: 0.0 if n < 2 else 5.0)

    async def consume() -> None:
        async for _ in source.paginator(prefetch=4):
            await asyncio.sleep(10)  # the caller's work, cancelled in the middle of page 1

    task = asyncio.create_task(consume())
    await source.wait_until(lambda: 5 in source.sent)
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gc.collect()
    for _ in range(5):  # asyncio closes the abandoned iterator in a callback
        await asyncio.sleep(0)
    assert sorted(source.cancelled) == [2, 3, 4, 5]
    assert no_other_tasks()


@pytest.mark.parametrize("stop", ["break", "aclose"])
async def test_breaking_out_cancels_every_page_in_flight(stop: str) -> None:
    source = Source(ids(500), 10, delay=lambda n: 0.0 if n < 2 else 5.0)
    paginator = source.paginator(prefetch=4)
    got: list[str] = []
    async with contextlib.aclosing(paginator):
        async for item in paginator:
            got.append(item)
            await asyncio.sleep(0.001)  # let the requests ahead start
            if stop == "aclose":
                await paginator.aclose()
            break
    assert got == source.items[:1]
    assert sorted(source.cancelled) == [2, 3, 4, 5]
    assert no_other_tasks()


async def test_an_error_ahead_surfaces_in_order_and_stops_the_rest() -> None:
    source = Source(ids(200), 10, delay=lambda n: 0.001 * n, fail=3)
    got, error = await items_then_error(source.paginator(prefetch=4), RuntimeError)
    assert str(error) == "page 3 failed"
    assert got == source.items[:20]  # pages 1 and 2, although page 3 failed before page 2 came
    assert no_other_tasks()


async def test_an_error_in_a_page_never_reached_is_not_left_unretrieved() -> None:
    source = Source(ids(200), 10, fail=2)
    unretrieved: list[object] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: unretrieved.append(context))
    try:
        paginator = source.paginator(prefetch=3)
        async with contextlib.aclosing(paginator):
            async for _ in paginator:
                await asyncio.sleep(0.005)  # page 2 fails meanwhile
                break
        gc.collect()
        for _ in range(5):
            await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert unretrieved == []
    assert no_other_tasks()


# ---------------------------------------------------------------- a service that does not page


@pytest.mark.parametrize("ahead", [0, 1, 4])
async def test_a_full_page_of_repeats_is_an_error_not_an_endless_walk(ahead: int) -> None:
    same = ids(10)

    async def ignores_the_page_number(number: int) -> RawPage[str]:
        calls.append(number)
        return RawPage(list(same))  # no page count, the same full page every time

    calls: list[int] = []
    paginator = AsyncPaginator(ignores_the_page_number, key=str, page_size=10, prefetch=ahead)
    got, error = await items_then_error(paginator, UnexpectedResponseError)
    assert "page 2 brought no item" in str(error)
    assert got == same
    assert calls == [1, 2]
    assert isinstance(error, UnexpectedResponseError)
    assert error.status_code == 200


async def test_repeats_on_the_last_page_just_end_the_walk() -> None:
    source = Source([*ids(10), *ids(10)], 10)  # page 2 (of 2) repeats page 1
    assert [item async for item in source.paginator(prefetch=2)] == ids(10)


# ---------------------------------------------------------------- speed


async def test_walk_with_no_work_is_several_times_faster_ahead() -> None:
    async def walk(ahead: int) -> float:
        source = Source(ids(200), 10, delay=lambda n: 0.02)
        start = time.perf_counter()
        async for _ in source.paginator(prefetch=ahead).pages():
            pass
        return time.perf_counter() - start

    sequential = await walk(0)  # 20 pages x 20 ms = 0.40 s
    ahead = await walk(4)  # page 1, then five at a time: ~0.10 s
    assert sequential >= 20 * 0.02 * 0.95
    assert ahead < sequential / 2.5, (ahead, sequential)
