"""One paginator for every page-numbered listing: give it a function that fetches page *n*.

Shape borrowed from openai-python's ``AsyncPaginator`` (``src/openai/_base_client.py``):
``await`` it for the first page, ``async for`` over it for items, ``.pages()`` for pages.
Like githubkit's ``rest/paginator.py`` it is generic over the request: the namespace passes
a callable and the paginator knows nothing about endpoints.

Two walks:

* **Ahead** (the default). Stops on the service's page count, a short or empty page, or
  ``limit`` items. With ``prefetch=N``, the requests for up to *N* pages after the one the
  caller is on (or waiting for) are out at once: when the caller asks for page *k*, page
  *k + N* is requested before page *k* is awaited, so fetching overlaps both the caller's work
  and the parsing of earlier pages. Past page 1 the service's page count says which pages
  exist, so no page past the end is requested; without a count only the page after the last
  full one is. Items are yielded in page order whatever order the responses come in; besides
  the page the caller holds, at most *N + 1* are in flight or waiting; stopping early cancels
  every request in flight.
* **For update** (:meth:`AsyncPaginator.for_update`). Offset paging skips items when the
  caller's actions make earlier items stop matching (closing each of 250 open cases, 100 a
  page, reached 150 of them). This walk reads each page again once the caller is done with
  it, until it brings nothing new, and only then moves on: items that left the filter let
  later ones move onto this page, and they are read there. Nothing is fetched ahead, since
  each page depends on what the caller did with the last.

In both, items whose key was already yielded are skipped (the set of seen keys grows with the
number of items yielded). A page that brings nothing new where it should means the service is
not paging (one that ignores the page number was seen sending the same page forever): that is
an ``UnexpectedResponseError`` rather than an endless walk or a silently short result.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Generator, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from ._exceptions import UnexpectedResponseError

__all__ = ["AsyncPaginator", "Page", "RawPage", "prefetch_pages"]

T = TypeVar("T")
U = TypeVar("U")


class RawPage(NamedTuple, Generic[T]):
    """What a fetch function returns: the items as sent and the counts the service reported."""

    items: list[T]
    total_pages: int | None = None
    total_items: int | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results.

    ``items`` leaves out items already yielded from an earlier page and items beyond ``limit``.
    """

    #: The items on this page.
    items: list[T]
    #: The page number, counted from 1 (a walk for update can read the same number again).
    number: int
    #: The number of pages the service reported, if it did.
    total_pages: int | None
    #: The number of items the service reported (``meta.total_cases``), if it did.
    total_items: int | None
    #: Whether the walk goes on after this page (a full page not known to be the last).
    has_next_page: bool = field(default=False)


FetchPage = Callable[[int], Coroutine[Any, Any, RawPage[T]]]


def prefetch_pages(value: object) -> int:
    """``prefetch`` as a number of pages fetched ahead: ``True`` is 1, ``False`` 0."""
    if value is True or value is False:
        return int(value)
    if not isinstance(value, int) or value < 0:
        error = ValueError if isinstance(value, int) else TypeError
        raise error(f"prefetch must be a bool or an int >= 0 (pages fetched ahead), got {value!r}")
    return value


class AsyncPaginator(Generic[T]):
    """Items across pages, fetched lazily.

    Usage::

        async for case in dd.cases.search("status:open"):
            ...
        async for page in dd.cases.search("status:open").pages():
            page.items, page.number, page.total_pages
        first = await dd.cases.search("status:open")
        async for case in dd.cases.search("status:open priority:P1").for_update():
            await dd.cases.update_status(case.id, "IN_PROGRESS")   # every match, once

    **Parameters:**

    * **fetch_page** - ``async (number) -> RawPage``, one request per call.
    * **key** - identity of an item, used to skip repeats.
    * **page_size** - the size requested; a page with fewer items is the last one.
    * **start_page** - the first page number to request.
    * **limit** - stop after this many items (``None``: no limit); it bounds requests too.
    * **prefetch** - pages requested ahead of the one the caller is on (``True`` = 1).
    """

    def __init__(
        self,
        fetch_page: FetchPage[T],
        *,
        key: Callable[[T], Hashable],
        page_size: int,
        start_page: int = 1,
        limit: int | None = None,
        prefetch: int | bool = True,
        _for_update: bool = False,
    ) -> None:
        self._fetch_page = fetch_page
        self._key = key
        self._page_size = page_size
        self._start_page = start_page
        self._limit = limit
        self._prefetch = 0 if _for_update else prefetch_pages(prefetch)
        self._for_update = _for_update
        # Iterations in progress, so aclose() can stop them.
        self._open: set[AsyncGenerator[object, None]] = set()

    def __repr__(self) -> str:
        walk = "for_update" if self._for_update else f"prefetch={self._prefetch}"
        return (
            f"<AsyncPaginator page_size={self._page_size} start_page={self._start_page} "
            f"limit={self._limit} {walk}>"
        )

    def __await__(self) -> Generator[object, None, Page[T]]:
        return self._first_page().__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._track(self._items())

    def pages(self) -> AsyncIterator[Page[T]]:
        """Iterate over whole pages instead of items."""
        return self._track(self._pages())

    def for_update(self) -> AsyncPaginator[T]:
        """The same listing, walked so that acting on each item cannot make the walk skip one.

        Usage::

            async for case in dd.cases.search("status:open priority:P1").for_update():
                await dd.cases.update_status(case.id, "IN_PROGRESS")

        Finish with an item (with ``.pages()``: with a page) before asking for the next one.
        Each full page is read again once you are done with it, until it brings nothing new:
        matches your actions removed have let later ones move onto it. So every item that
        matches until the walk reaches it is yielded, and none twice, whether or not the
        action keeps it matching. Requests, for 250 matches at 100 a page: 3 when every
        action removes the match (page 1 three times), 5 when none does (1, 1, 2, 2, 3);
        nothing is fetched ahead. Memory: one page and the keys seen. Items that start
        matching during the walk are yielded when they sort after its position (with
        ``sort="created_at", ascending=True``, all of them), so over a busy filter the walk
        may go on: bound it with ``limit``.
        """
        return AsyncPaginator(
            self._fetch_page,
            key=self._key,
            page_size=self._page_size,
            start_page=self._start_page,
            limit=self._limit,
            _for_update=True,
        )

    async def aclose(self) -> None:
        """Stop every iteration started from this paginator and cancel its requests in flight.

        Breaking out of ``async for`` also stops it, once the abandoned iterator is finalised;
        ``async with contextlib.aclosing(paginator)`` makes that immediate.
        """
        for gen in list(self._open):
            await gen.aclose()

    async def _track(self, gen: AsyncGenerator[U, None]) -> AsyncGenerator[U, None]:
        # The caller holds this wrapper and the paginator holds ``gen``: dropping the wrapper
        # (a plain ``break``) lets asyncio finalise it, and aclose() reaches ``gen`` directly.
        self._open.add(gen)
        try:
            async for item in gen:
                yield item
        finally:
            self._open.discard(gen)
            await gen.aclose()

    async def _first_page(self) -> Page[T]:
        async with contextlib.aclosing(self._pages(prefetch=0)) as pages:
            async for page in pages:
                return page
        raise AssertionError("a walk always yields at least one page")  # pragma: no cover

    async def _items(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self._pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    def _pages(self, *, prefetch: int | None = None) -> AsyncGenerator[Page[T], None]:
        if self._for_update:
            return self._reread_pages()
        return self._ahead_pages(self._prefetch if prefetch is None else prefetch)

    def _take_new(self, raw: list[T], seen: set[Hashable], room: int | None) -> list[T]:
        """The items of ``raw`` not in ``seen`` (added to it), at most ``room`` of them."""
        key = self._key
        items: list[T] = []
        for item in raw:
            k = key(item)
            if k in seen:
                continue
            if room is not None and len(items) >= room:
                break
            seen.add(k)
            items.append(item)
        return items

    async def _ahead_pages(self, ahead: int) -> AsyncGenerator[Page[T], None]:
        fetch, size = self._fetch_page, self._page_size
        seen: set[Hashable] = set()
        remaining = self._limit
        number = self._start_page  # the page the caller is on, or waiting for
        requested = number  # the highest page number requested so far
        parsed = number  # the last page whose response was read
        total: int | None = None  # the page count the service last reported
        # Requests for pages number+1 .. requested (after a yield) or number .. requested
        # (while the caller waits), in page order; they may complete in any order.
        inflight: collections.deque[asyncio.Task[RawPage[T]]] = collections.deque()

        def top_up(current: int) -> None:
            # Request pages up to current + ahead that exist (the page count says so, or, with
            # no count, the page after the last full one) and that limit may still need.
            nonlocal requested
            end = total if total is not None else parsed + 1
            while (
                requested < current + ahead
                and requested < end
                and (remaining is None or len(inflight) * size < remaining)
            ):
                requested += 1
                inflight.append(asyncio.create_task(fetch(requested)))

        try:
            raw = await fetch(number)
            while True:
                parsed = number
                if raw.total_pages is not None:
                    total = raw.total_pages
                items = self._take_new(raw.items, seen, remaining)
                if remaining is not None:
                    remaining -= len(items)
                has_next = len(raw.items) >= size and (total is None or number < total)
                more = has_next and (remaining is None or remaining > 0)
                if more and not items:
                    raise _not_paging(number, len(raw.items))
                if more and ahead:
                    top_up(number)
                yield Page(items, number, raw.total_pages, raw.total_items, has_next)
                if not more:
                    return
                number += 1
                if ahead:
                    top_up(number)
                if inflight:
                    raw = await inflight.popleft()
                else:
                    requested = number
                    raw = await fetch(number)
        finally:
            # Stopped early (break, aclose, an error, cancellation): drop the pages fetched
            # ahead. Awaiting them also retrieves their exceptions, if they had any.
            for task in inflight:
                task.cancel()
            for task in inflight:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _reread_pages(self) -> AsyncGenerator[Page[T], None]:
        fetch, size = self._fetch_page, self._page_size
        seen: set[Hashable] = set()
        remaining = self._limit
        number = self._start_page
        first = True
        fresh = True  # this request reads page `number` for the first time
        stale = 0  # fresh pages in a row that held only items already seen
        while True:
            raw = await fetch(number)
            items = self._take_new(raw.items, seen, remaining)
            if remaining is not None:
                remaining -= len(items)
            total = raw.total_pages
            last = len(raw.items) < size or (total is not None and number >= total)
            done = last or remaining == 0
            if items or first:
                yield Page(items, number, total, raw.total_items, not done)
            first = False
            if done:
                return
            if items:
                # Read this page again: what the caller did may move later items onto it.
                fresh, stale = False, 0
                continue
            if fresh:
                # Legitimate when the caller's actions moved seen items further on, but
                # `stale` full pages of them cannot hold more than were seen.
                stale += 1
                if stale * size > len(seen):
                    raise _not_paging(number, len(raw.items))
            number, fresh = number + 1, True


def _not_paging(number: int, count: int) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"page {number} brought no item that earlier pages did not (all {count} repeated): "
        "the service does not seem to honour the page number; stopped rather than page forever",
        status_code=200,
    )
