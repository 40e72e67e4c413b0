"""Acting on every match of dd.cases.search (issue 10 §3), against the emulator.

The README's quick start changes each case's status inside the search loop. With 250 open P1
cases, plain offset paging handled 150 and left 100 open; ``.for_update()`` handles all 250, once
each, whether the action takes the case out of the filter or not. In process through
ASGITransport, and once end to end over a loopback socket with the default transport.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator

import pytest

from ddcases import CaseManagement
from ddcases.testing import Emulator

USER = "9b1f8a6e-4b7c-4a55-8f1f-2f7e0c1d2a3b"
FILTER = "project:SEC status:open priority:P1"


@pytest.fixture
async def dd(emulator: Emulator) -> AsyncIterator[CaseManagement]:
    async with emulator.client() as client:
        await seed(client, p1=250, other=30)
        yield client


async def seed(dd: CaseManagement, *, p1: int, other: int) -> None:
    await dd.projects.create(key="SEC", name="Security")
    semaphore = asyncio.Semaphore(32)

    async def one(n: int) -> None:
        async with semaphore:
            priority = "P1" if n < p1 else "P3"
            await dd.cases.create(project="SEC", title=f"case {n}", priority=priority)

    await asyncio.gather(*(one(n) for n in range(p1 + other)))


async def open_p1(dd: CaseManagement) -> set[str]:
    return {case.id async for case in dd.cases.search(FILTER)}


async def test_plain_search_skips_cases_the_action_removes(
    dd: CaseManagement, emulator: Emulator
) -> None:
    # What the quick start used to do, kept as the reason for for_update().
    handled = 0
    async for case in dd.cases.search(FILTER, sort="priority", ascending=False, prefetch=False):
        await dd.cases.update_status(case.id, "IN_PROGRESS")
        handled += 1
    assert handled == 150
    assert len(await open_p1(dd)) == 100


async def test_every_match_once_when_the_action_removes_it(
    dd: CaseManagement, emulator: Emulator
) -> None:
    # The quick start's loop: each case leaves "status:open" as it is handled.
    handled: collections.Counter[str] = collections.Counter()
    before = emulator.requests["SearchCases"]
    async for case in dd.cases.search(FILTER, sort="priority", ascending=False).for_update():
        await dd.cases.assign(case.id, USER)
        await dd.cases.update_status(case.id, "IN_PROGRESS")
        handled[case.id] += 1
    assert emulator.requests["SearchCases"] - before == 3  # 100, 100, then a short page of 50
    assert len(handled) == 250
    assert set(handled.values()) == {1}
    assert await open_p1(dd) == set()
    in_progress = [c async for c in dd.cases.search("project:SEC status:in_progress")]
    assert {c.id for c in in_progress} == set(handled)


async def test_every_match_once_when_the_action_keeps_it(
    dd: CaseManagement, emulator: Emulator
) -> None:
    handled: collections.Counter[str] = collections.Counter()
    before = emulator.requests["SearchCases"]
    async for case in dd.cases.search(FILTER, sort="priority", ascending=False).for_update():
        await dd.cases.assign(case.id, USER)  # still open, still P1: it keeps matching
        handled[case.id] += 1
    assert emulator.requests["SearchCases"] - before == 5  # pages 1, 1, 2, 2, 3
    assert set(handled) == await open_p1(dd)
    assert len(handled) == 250
    assert set(handled.values()) == {1}


async def test_every_match_once_when_the_action_removes_some(dd: CaseManagement) -> None:
    handled: collections.Counter[str] = collections.Counter()
    async for case in dd.cases.search(FILTER).for_update():
        handled[case.id] += 1
        if len(handled) % 2:
            await dd.cases.update_status(case.id, "CLOSED")
        else:
            await dd.cases.update_priority(case.id, "P1")  # a change that keeps it matching
    assert len(handled) == 250
    assert set(handled.values()) == {1}
    assert len(await open_p1(dd)) == 125


async def test_new_matches_after_the_walk_position_are_handled_too(dd: CaseManagement) -> None:
    handled: collections.Counter[str] = collections.Counter()
    filed = 0
    walk = dd.cases.search(FILTER, sort="created_at", ascending=True).for_update()
    async for case in walk:
        handled[case.id] += 1
        await dd.cases.update_status(case.id, "CLOSED")
        if filed < 20 and len(handled) % 10 == 0:  # someone files another P1 meanwhile
            await dd.cases.create(project="SEC", title="late", priority="P1")
            filed += 1
    assert filed == 20
    assert len(handled) == 270
    assert set(handled.values()) == {1}
    assert await open_p1(dd) == set()


async def test_limit_bounds_the_walk(dd: CaseManagement, emulator: Emulator) -> None:
    before = emulator.requests["SearchCases"]
    handled = [case.id async for case in dd.cases.search(FILTER, limit=120).for_update()]
    assert len(handled) == len(set(handled)) == 120
    assert emulator.requests["SearchCases"] - before == 3  # 1, 1 (nothing new), 2


async def test_every_match_once_over_a_socket(emulator: Emulator) -> None:
    with emulator.serve() as base_url:
        async with CaseManagement(base_url=base_url, api_key="k", app_key="a") as dd:
            await seed(dd, p1=250, other=10)
            handled: collections.Counter[str] = collections.Counter()
            walk = dd.cases.search(FILTER, page_size=50).for_update()
            async for page in walk.pages():  # a page at a time, its cases concurrently
                await asyncio.gather(
                    *(dd.cases.update_status(case.id, "CLOSED") for case in page.items)
                )
                handled.update(case.id for case in page.items)
            assert len(handled) == 250
            assert set(handled.values()) == {1}
            assert await open_p1(dd) == set()
