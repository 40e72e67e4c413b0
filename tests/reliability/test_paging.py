"""Paging must end, against raw-socket servers that do not page properly (issue 8 §5).

A server that ignores ``page[number]`` and sends no ``meta.page.total`` made ``search()`` ask
for pages forever (2,000+ requests in 5 s), even with ``limit=50``. Now a page that brings no
case not yet seen, where more pages would follow, is an ``UnexpectedResponseError`` (after the
cases seen so far were yielded), and ``limit`` bounds requests as well as cases. A case whose id
is null or not a string makes its page an ``UnexpectedResponseError``: the id is how repeats
are told apart. Everything goes through the real facade, its default (aiohttp) transport and
``FaultServer`` answering from a small ASGI app of its own.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import pytest

from ddcases import CaseManagement, UnexpectedResponseError

from ._fault_server import FaultServer, Reply, within

API_KEY = "0f3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c"
APP_KEY = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
CASES = "/api/v2/cases"

Body = dict[str, Any]
Asgi = Callable[[dict[str, Any], Any, Callable[[dict[str, Any]], Awaitable[None]]], Awaitable[None]]


def case(case_id: object) -> Body:
    return {"id": case_id, "type": "case", "attributes": {"title": f"case {case_id}"}}


def page_body(ids: list[Any], meta: Body | None = None) -> bytes:
    body: Body = {"data": [case(i) for i in ids]}
    if meta is not None:
        body["meta"] = meta
    return json.dumps(body).encode()


def listing(answer: Callable[[int, int], bytes]) -> Asgi:
    """An ASGI app answering SearchCases with ``answer(page_number, page_size)``."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        query = parse_qs(scope["query_string"].decode())
        number = int(query.get("page[number]", ["1"])[0])
        size = int(query.get("page[size]", ["10"])[0])
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/vnd.api+json")],
            }
        )
        await send({"type": "http.response.body", "body": answer(number, size)})

    return app


@pytest.fixture
async def repeating() -> AsyncIterator[FaultServer]:
    """Ignores page[number]: the same ten cases, every time, and no page count."""
    same = [str(uuid.UUID(int=n)) for n in range(10)]
    async with FaultServer(app=None, default=Reply(200, page_body(same))) as server:
        yield server


@pytest.fixture
async def endless() -> AsyncIterator[FaultServer]:
    """Ignores page[number] too, but every page is full of cases never sent before."""
    app = listing(lambda number, size: page_body([str(uuid.uuid4()) for _ in range(size)]))
    async with FaultServer(app=app) as server:
        yield server


def client(url: str, **kwargs: Any) -> CaseManagement:
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("max_retries", 0)
    return CaseManagement(base_url=url, api_key=API_KEY, app_key=APP_KEY, **kwargs)


async def drain(dd: CaseManagement, **kwargs: Any) -> tuple[list[str], BaseException | None]:
    got: list[str] = []
    try:
        async for found in dd.cases.search(**kwargs):
            got.append(found.id)  # noqa: PERF401 - what came before an error is the point
    except UnexpectedResponseError as exc:
        return got, exc
    return got, None


# ---------------------------------------------------------------- paging ends


@within(10)
@pytest.mark.parametrize("prefetch", [0, 1, 4])
async def test_a_server_ignoring_the_page_number_ends_in_an_error(
    repeating: FaultServer, prefetch: int
) -> None:
    async with client(repeating.url) as dd:
        got, error = await drain(dd, page_size=10, prefetch=prefetch)
    assert len(got) == len(set(got)) == 10
    assert isinstance(error, UnexpectedResponseError)
    assert "page 2 brought no item" in str(error)
    assert repeating.count("GET", CASES) == 2


@within(10)
async def test_a_server_ignoring_the_page_number_with_limit(repeating: FaultServer) -> None:
    async with client(repeating.url) as dd:
        got, error = await drain(dd, page_size=10, limit=50)
        assert (len(got), repeating.count("GET", CASES)) == (10, 2)
        assert isinstance(error, UnexpectedResponseError)
        got, error = await drain(dd, page_size=100, limit=5)  # the first page is enough
    assert (len(got), error) == (5, None)
    assert repeating.count("GET", CASES) == 3


@within(10)
async def test_a_server_ignoring_the_page_number_while_updating(repeating: FaultServer) -> None:
    async with client(repeating.url) as dd:
        got = [found.id async for found in dd.cases.search(page_size=10, limit=10).for_update()]
        assert len(got) == 10
        assert repeating.count("GET", CASES) == 1
        walk = dd.cases.search(page_size=10).for_update()
        with pytest.raises(UnexpectedResponseError, match="brought no item"):
            [found async for found in walk]
    assert repeating.count("GET", CASES) == 5  # page 1, again, then pages 2 and 3


@within(10)
async def test_await_asks_for_one_page(repeating: FaultServer) -> None:
    async with client(repeating.url) as dd:
        page = await dd.cases.search(page_size=10)
    assert len(page.items) == 10
    assert repeating.count("GET", CASES) == 1


@within(10)
@pytest.mark.parametrize("prefetch", [0, 1, 4])
@pytest.mark.parametrize(("limit", "requests"), [(50, 5), (45, 5), (10, 1), (1, 1)])
async def test_limit_bounds_requests_on_an_endless_listing(
    endless: FaultServer, prefetch: int, limit: int, requests: int
) -> None:
    async with client(endless.url) as dd:
        got, error = await drain(dd, page_size=10, limit=limit, prefetch=prefetch)
    assert error is None
    assert len(got) == len(set(got)) == limit
    assert endless.count("GET", CASES) == requests


@within(10)
@pytest.mark.parametrize("total", ["3", True, -1, None, 2.5, [3]])
async def test_a_page_count_that_is_not_a_count_is_ignored(total: object) -> None:
    ids = [str(uuid.UUID(int=n)) for n in range(25)]

    def answer(number: int, size: int) -> bytes:
        meta = {"page": {"current": number, "size": size, "total": total}}
        return page_body(ids[(number - 1) * size : number * size], meta)

    async with FaultServer(app=listing(answer)) as server, client(server.url) as dd:
        got, error = await drain(dd, page_size=10, prefetch=4)
        assert error is None
        assert got == ids  # it ended on the short third page
        assert server.count("GET", CASES) == 3


# ---------------------------------------------------------------- case ids


@within(10)
@pytest.mark.parametrize("bad", [None, 5, 1.5, True, [], {}, ["a"]])
@pytest.mark.parametrize("prefetch", [0, 2])
async def test_a_case_id_that_is_not_a_string_is_an_unexpected_response(
    bad: object, prefetch: int
) -> None:
    good = [str(uuid.UUID(int=n)) for n in range(10)]

    def answer(number: int, size: int) -> bytes:
        meta = {"page": {"current": number, "size": size, "total": 3}}
        ids: list[Any] = good if number == 1 else [*good[:3], bad, *good[3:]]
        return page_body(ids[:size], meta)

    async with FaultServer(app=listing(answer)) as server, client(server.url) as dd:
        got, error = await drain(dd, page_size=10, prefetch=prefetch)
    assert got == good  # page 1, whole; nothing of page 2
    assert isinstance(error, UnexpectedResponseError)
    assert error.status_code == 200
    assert f"a case on the page has id {bad!r}, not a string" in str(error)
    assert "GET /api/v2/cases" in str(error)
