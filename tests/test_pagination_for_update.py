"""The walk for update (issue 10 §3): acting on each item may change what matches, and still no
item is skipped and none is yielded twice. Driven through AsyncPaginator over a small in-memory
service whose matches change as the caller acts, so the request count is exact."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from ddcases import AsyncPaginator, UnexpectedResponseError
from ddcases._pagination import RawPage


class Matches:
    """Items ``0..n-1`` with a mutable state each; the filter keeps those in state ``"open"``.

    ``order`` sorts the matches (by item, by default) on every request, like the service does.
    """

    def __init__(self, n: int, size: int, *, total: bool = True) -> None:
        self.state = {f"c{i:04d}": "open" for i in range(n)}
        self.rank = {item: i for i, item in enumerate(self.state)}
        self.size = size
        self.total = total
        self.requests: list[int] = []

    def matching(self) -> list[str]:
        found = [item for item, state in self.state.items() if state == "open"]
        return sorted(found, key=self.rank.__getitem__)

    async def fetch(self, number: int) -> RawPage[str]:
        self.requests.append(number)
        found = self.matching()
        page = found[(number - 1) * self.size : number * self.size]
        pages = math.ceil(len(found) / self.size) if self.total else None
        return RawPage(page, pages, len(found))

    def walk(self, **kwargs: object) -> AsyncPaginator[str]:
        paginator = AsyncPaginator(self.fetch, key=str, page_size=self.size, **kwargs)  # type: ignore[arg-type]
        return paginator.for_update()


async def act_on_each(walk: AsyncPaginator[str], action: Callable[[str], None]) -> list[str]:
    done: list[str] = []
    async for item in walk:
        action(item)
        done.append(item)
    return done


@pytest.mark.parametrize("total", [True, False])
async def test_plain_paging_skips_matches_the_action_removes(total: bool) -> None:
    # The problem: offset paging over a filter the action empties reaches 150 of 250.
    service = Matches(250, 100, total=total)
    paginator = AsyncPaginator(service.fetch, key=str, page_size=100, prefetch=0)
    done = await act_on_each(paginator, lambda item: service.state.__setitem__(item, "closed"))
    assert len(done) == 150
    assert len(service.matching()) == 100


@pytest.mark.parametrize("total", [True, False])
async def test_every_match_once_when_the_action_removes_it(total: bool) -> None:
    service = Matches(250, 100, total=total)
    done = await act_on_each(service.walk(), lambda i: service.state.__setitem__(i, "closed"))
    assert sorted(done) == sorted(service.state)
    assert len(done) == len(set(done)) == 250
    assert service.matching() == []
    assert service.requests == [1, 1, 1]  # 100 + 100 + a short page of 50


@pytest.mark.parametrize("total", [True, False])
async def test_every_match_once_when_the_action_keeps_it(total: bool) -> None:
    service = Matches(250, 100, total=total)
    done = await act_on_each(service.walk(), lambda item: None)
    assert done == service.matching()
    assert service.requests == [1, 1, 2, 2, 3]  # each full page is read again, once


async def test_every_match_once_when_the_action_removes_some() -> None:
    service = Matches(250, 100)

    def close_every_third(item: str) -> None:
        if service.rank[item] % 3 == 0:
            service.state[item] = "closed"

    done = await act_on_each(service.walk(), close_every_third)
    assert sorted(done) == sorted(service.state)
    assert len(done) == len(set(done))
    assert len(service.requests) <= 2 * math.ceil(250 / 100) + 3


async def test_every_match_once_when_the_action_moves_it_later() -> None:
    # Sorted by a field the action changes (say priority): each handled item sinks to the end
    # of the order but keeps matching, so later pages fill up with items already seen.
    service = Matches(250, 100)
    sink = iter(range(1000, 2000))
    done = await act_on_each(
        service.walk(), lambda item: service.rank.__setitem__(item, next(sink))
    )
    assert sorted(done) == sorted(service.state)
    assert len(done) == len(set(done))


async def test_matches_appearing_later_in_the_order_are_included() -> None:
    service = Matches(250, 100)
    extra = iter(range(250, 260))

    def close_and_file_one_more(item: str) -> None:
        service.state[item] = "closed"
        n = next(extra, None)
        if n is not None:  # a new match, at the end of the order (created_at ascending)
            new = f"c{n:04d}"
            service.state[new] = "open"
            service.rank[new] = n

    done = await act_on_each(service.walk(), close_and_file_one_more)
    assert len(done) == len(set(done)) == 260
    assert service.matching() == []


async def test_limit_bounds_items_and_requests() -> None:
    service = Matches(250, 100)
    done = await act_on_each(service.walk(limit=120), lambda item: None)
    assert done == service.matching()[:120]
    assert service.requests == [1, 1, 2]
    service.requests.clear()
    done = await act_on_each(service.walk(limit=30), lambda i: service.state.__setitem__(i, "x"))
    assert len(done) == 30
    assert service.requests == [1]


async def test_pages_can_be_handled_a_page_at_a_time() -> None:
    service = Matches(250, 100)
    seen: list[str] = []
    async for page in service.walk().pages():
        for item in page.items:  # e.g. asyncio.gather over the page
            service.state[item] = "closed"
        seen += page.items
    assert sorted(seen) == sorted(service.state)
    assert service.requests == [1, 1, 1]


async def test_nothing_matching_gives_one_empty_page() -> None:
    service = Matches(0, 100)
    assert [item async for item in service.walk()] == []
    page = await service.walk()
    assert (page.items, page.number, page.has_next_page) == ([], 1, False)
    assert service.requests == [1, 1]


async def test_start_page_and_repr() -> None:
    service = Matches(250, 100)
    walk = service.walk(start_page=2, prefetch=3)
    assert "for_update" in repr(walk)
    assert "prefetch" not in repr(walk)  # nothing is fetched ahead when updating
    assert await act_on_each(walk, lambda item: None) == service.matching()[100:]
    assert service.requests == [2, 2, 3]


async def test_a_service_ignoring_the_page_number_ends_in_an_error() -> None:
    same = [f"c{i}" for i in range(10)]
    calls: list[int] = []

    async def ignores_the_page_number(number: int) -> RawPage[str]:
        calls.append(number)
        return RawPage(list(same))

    walk = AsyncPaginator(ignores_the_page_number, key=str, page_size=10).for_update()
    done: list[str] = []
    with pytest.raises(UnexpectedResponseError, match="brought no item"):
        await act_on_each(walk, done.append)
    assert done == same
    assert calls == [1, 1, 2, 3]  # the repeat, then fresh pages until they can't be legitimate
