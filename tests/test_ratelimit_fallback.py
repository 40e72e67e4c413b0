"""RateLimiter between the shared store and its own schedule (issue 19), on a fake clock with a
fake store: a store that knows no limit yet never holds a request back, a failed one hands
over to the process's own schedule, and a store back again takes the waiting turns over."""

from __future__ import annotations

import asyncio

import pytest

from ddcases._ratelimit import RateLimiter, Ticket

HEADERS = {
    "X-RateLimit-Limit": "2",
    "X-RateLimit-Period": "1",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": "1",
}


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.now += delay
        await asyncio.sleep(0)


class FakeStore:
    """Answers as told: "unknown" (no limit known), None (failed) or a turn; counts calls."""

    def __init__(self, answer: object, time: FakeTime) -> None:
        self.answer = answer
        self.time = time
        self.down_until = 0.0
        self.reserves = 0
        self.reports: list[tuple[object, ...]] = []

    @property
    def available(self) -> bool:
        return self.time.now >= self.down_until

    async def reserve(self, route: str, name: str | None, now: float) -> object:
        self.reserves += 1
        if self.answer is None:
            self.down_until = self.time.now + 1.0
        return self.answer

    async def wait(self, *args: object) -> float:
        return 0.0

    async def observe(self, *args: object) -> None:
        self.reports.append(args)


def limiter_with(store: FakeStore, time: FakeTime) -> RateLimiter:
    return RateLimiter(
        max_wait=60,
        clock=time.clock,
        sleep=time.sleep,
        wall_clock=time.clock,
        store=store,  # type: ignore[arg-type]
    )


async def answer(limiter: RateLimiter, ticket: Ticket | None, sent: float) -> None:
    bucket = limiter.bucket("GetCase")
    report = limiter.observe(bucket, "GetCase", 200, HEADERS, ticket, sent)
    if report is not None:
        await report


@pytest.mark.parametrize("answer_of_store", ["", None], ids=["knows-no-limit", "failed"])
async def test_the_process_paces_itself_when_the_store_has_no_turn(
    answer_of_store: object,
) -> None:
    time = FakeTime()
    store = FakeStore(answer_of_store, time)
    limiter = limiter_with(store, time)
    bucket = limiter.bucket("GetCase")
    ticket = await limiter.acquire(bucket, "GetCase")  # nothing known: goes at once
    assert ticket is None
    await answer(limiter, ticket, time.now)  # limit 2 a second, spent: the process learns it
    assert bucket.schedule is not None
    # The store still has no turn to give: the request is paced by the process, and goes.
    start = time.now
    turn = await asyncio.wait_for(limiter.acquire(bucket, "GetCase"), 5)
    assert turn is not None
    assert not turn.shared
    assert 0 < time.now - start <= 1.1  # the next window, not never
    if answer_of_store == "":
        # The report of an answer carries the windows the process knows, for the store to start
        # from.
        await answer(limiter, turn, time.now)
        assert store.reports[-1][-1] is not None


async def test_a_store_back_again_takes_over_the_turns_waiting() -> None:
    time = FakeTime()
    store = FakeStore(None, time)  # failed
    limiter = limiter_with(store, time)
    bucket = limiter.bucket("GetCase")
    await answer(limiter, await limiter.acquire(bucket, "GetCase"), time.now)
    turns = [await limiter.acquire(bucket, "GetCase") for _ in range(2)]  # the window's 2
    assert all(t is not None and not t.shared for t in turns)
    store.answer = ("GetCase", 0.0, 7, 0, False)  # the store is back with a turn
    waiting = asyncio.create_task(limiter.acquire(bucket, "GetCase"))
    turn = await asyncio.wait_for(waiting, 5)
    assert turn == Ticket(7, 0, False, shared=True)
