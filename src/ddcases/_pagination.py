"""One paginator for every page-numbered listing: give it a function that fetches page *n*.

Shape borrowed from openai-python's ``AsyncPaginator`` (``src/openai/_base_client.py``):
``await`` it for the first page, ``async for`` over it for items, ``.pages()`` for pages.
Like githubkit's ``rest/paginator.py`` it is generic over the request: the namespace passes
a callable and the paginator knows nothing about endpoints.

Stop rules, whichever comes first: the service's page count, a short or empty page, or
``limit`` items. Items whose key was already yielded are skipped, because the service may
shift items between pages while they are being read (the set of seen keys grows with the
number of items yielded). With ``prefetch`` the next page is requested as soon as the current
one arrives, at most one page ahead, so at most two pages are held at once; the request is
cancelled when the consumer stops early.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Hashable
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

__all__ = ["AsyncPaginator", "Page"]

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
    #: The page number, counted from 1.
    number: int
    #: The number of pages the service reported, if it did.
    total_pages: int | None
    #: The number of items the service reported (``meta.total_cases``), if it did.
    total_items: int | None
    #: Whether the service has a page after this one (a full page not known to be the last).
    has_next_page: bool = field(default=False)


FetchPage = Callable[[int], Awaitable[RawPage[T]]]


class AsyncPaginator(Generic[T]):
    """Items across pages, fetched lazily.

    Usage::

        async for case in dd.cases.search("status:open"):
            ...
        async for page in dd.cases.search("status:open").pages():
            page.items, page.number, page.total_pages
        first = await dd.cases.search("status:open")

    **Parameters:**

    * **fetch_page** - ``async (number) -> RawPage``, one request per call.
    * **key** - identity of an item, used to skip repeats.
    * **page_size** - the size requested; a page with fewer items is the last one.
    * **start_page** - the first page number to request.
    * **limit** - stop after this many items (``None``: no limit).
    * **prefetch** - request page *n + 1* while the caller works on page *n*.
    """

    def __init__(
        self,
        fetch_page: FetchPage[T],
        *,
        key: Callable[[T], Hashable],
        page_size: int,
        start_page: int = 1,
        limit: int | None = None,
        prefetch: bool = True,
    ) -> None:
        self._fetch_page = fetch_page
        self._key = key
        self._page_size = page_size
        self._start_page = start_page
        self._limit = limit
        self._prefetch = prefetch
        # Iterations in progress, so aclose() can stop them.
        self._open: set[AsyncGenerator[object, None]] = set()

    def __repr__(self) -> str:
        return (
            f"<AsyncPaginator page_size={self._page_size} start_page={self._start_page} "
            f"limit={self._limit} prefetch={self._prefetch}>"
        )

    def __await__(self) -> Generator[object, None, Page[T]]:
        return self._first_page().__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._track(self._items())

    def pages(self) -> AsyncIterator[Page[T]]:
        """Iterate over whole pages instead of items."""
        return self._track(self._pages())

    async def aclose(self) -> None:
        """Stop every iteration started from this paginator and cancel its prefetch.

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
        async with contextlib.aclosing(self._pages(prefetch=False)) as pages:
            async for page in pages:
                return page
        raise AssertionError("_pages always yields at least one page")  # pragma: no cover

    async def _items(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self._pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def _pages(self, *, prefetch: bool | None = None) -> AsyncGenerator[Page[T], None]:
        prefetch = self._prefetch if prefetch is None else prefetch
        seen: set[Hashable] = set()
        remaining = self._limit
        number = self._start_page
        pending: asyncio.Task[RawPage[T]] | None = None
        try:
            raw = await self._fetch_page(number)
            while True:
                has_next = len(raw.items) >= self._page_size and (
                    raw.total_pages is None or number < raw.total_pages
                )
                items: list[T] = []
                for item in raw.items:
                    k = self._key(item)
                    if k in seen:
                        continue
                    if remaining is not None and len(items) >= remaining:
                        break
                    seen.add(k)
                    items.append(item)
                if remaining is not None:
                    remaining -= len(items)
                more = has_next and (remaining is None or remaining > 0)
                if more and prefetch:
                    pending = asyncio.create_task(_call(self._fetch_page, number + 1))
                yield Page(items, number, raw.total_pages, raw.total_items, has_next)
                if not more:
                    return
                number += 1
                if pending is not None:
                    task, pending = pending, None
                    raw = await task
                else:
                    raw = await self._fetch_page(number)
        finally:
            # The consumer stopped early (break, aclose, an error, cancellation): drop the
            # page fetched ahead. Awaiting it also retrieves its exception, if it had one.
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending


async def _call(fetch_page: FetchPage[T], number: int) -> RawPage[T]:
    return await fetch_page(number)
