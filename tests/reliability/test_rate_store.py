"""The shared rate-limit store (issue 19) against a real redis-server, and against servers
that misbehave: the Lua scripts give WindowSchedule's answers; a store that is down, slow or
answers garbage never stops a call, is logged once without its password, and is taken back
when it answers again; the store holds no key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from ddcases import CaseManagement
from ddcases._rate_store import OBSERVE, RESERVE, WAIT, RateStore, organisation_key
from ddcases._windows import NEVER, WindowSchedule

from ._fault_server import within
from ._helpers import API_KEY, APP_KEY
from ._rate_limited_server import RateLimitedServer
from ._redis_server import RedisServer, free_port

LIMIT, PERIOD = 100, 1.0
WALL = 1_780_000_000.0  # the store works on the wall clock


def _field(raw: dict[bytes, bytes], name: str) -> float:
    return float(raw[f"b|{name}".encode()])


async def test_the_lua_scripts_give_the_schedules_answers(redis_server: RedisServer) -> None:
    """Random runs of reserve / wait / observe: Redis and WindowSchedule agree to the bit."""
    client = aioredis.Redis.from_url(redis_server.url)
    reserve, wait, observe = map(client.register_script, (RESERVE, WAIT, OBSERVE))
    try:
        for seed in range(20):
            rng = random.Random(seed)
            key = f"conformance:{seed}"
            now = WALL + rng.random()
            first = (now, now + 0.002, rng.choice([200, 429]), rng.randrange(LIMIT), 1.0)
            python = WindowSchedule.start(LIMIT, PERIOD, *first, crowded=NEVER)
            args = ["r", "b", "", "0", *map(repr, first[:2]), first[2], LIMIT, repr(PERIOD)]
            await observe(keys=[key], args=[*args, first[3], repr(first[4]), 60_000])
            turns: list[tuple[int, int, bool]] = []
            for _ in range(300):
                now += rng.expovariate(200)
                step = rng.random()
                if step < 0.5 or not turns:
                    expected = python.reserve(now)
                    got = await reserve(keys=[key], args=["r", "b", repr(now), 60_000])
                    assert (float(got[1]), got[2], got[3], bool(got[4])) == expected
                    turns.append(expected[1:])
                elif step < 0.7:
                    window, index, probe = rng.choice(turns)
                    args = ["r", "b", window, index, int(probe), repr(now)]
                    got = await wait(keys=[key], args=args)
                    assert float(got) == python.wait(window, index, probe, now)
                else:
                    window, _, probe = rng.choice([*turns, (None, 0, False)])
                    sent = now - rng.random() * 0.01
                    status = 429 if rng.random() < 0.2 else 200
                    remaining = rng.choice([None, 0, rng.randrange(LIMIT), LIMIT - 1])
                    reset = rng.choice([None, 1.0, 0.4321])
                    python.observe(window, probe, sent, now, status, remaining, reset)
                    await observe(
                        keys=[key],
                        args=[
                            "r",
                            "b",
                            "" if window is None else window,
                            int(probe),
                            repr(sent),
                            repr(now),
                            status,
                            LIMIT,
                            repr(PERIOD),
                            "" if remaining is None else remaining,
                            "" if reset is None else repr(reset),
                            60_000,
                        ],
                    )
                    raw = await client.hgetall(key)
                    assert _field(raw, "lo") == python.lo
                    assert _field(raw, "hi") == python.hi
                    assert (_field(raw, "tail"), _field(raw, "used")) == (python.tail, python.used)
                    assert (_field(raw, "spent"), _field(raw, "crowded")) == (
                        python.spent,
                        python.crowded,
                    )
    finally:
        await client.aclose()


async def fleet_gets(url: str, store: object, *, processes: int, calls: int) -> list[Any]:
    """``processes`` clients (as separate processes would be) sharing ``store``, each making
    ``calls`` GetCase calls from 10 tasks; the calls' errors."""
    errors: list[Any] = []

    async def member() -> None:
        async with CaseManagement(
            base_url=url, api_key=API_KEY, app_key=APP_KEY, rate_limit_store=store, max_retries=10
        ) as dd:

            async def task() -> None:
                for _ in range(calls // 10):
                    try:
                        await dd.cases.get("SEC-1")
                    except Exception as exc:  # noqa: BLE001 - counted, asserted by the caller
                        errors.append(exc)

            await asyncio.gather(*(task() for _ in range(10)))

    await asyncio.gather(*(member() for _ in range(processes)))
    return errors


@within(60)
async def test_clients_sharing_a_store_keep_to_one_budget(redis_server: RedisServer) -> None:
    async with RateLimitedServer(limits={"cases_get": (50, 1.0)}, aligned=True) as server:
        errors = await fleet_gets(server.url, redis_server.url, processes=3, calls=100)
    windows = server.windows("cases_get")
    print([(w.ok, w.limited) for w in windows])
    assert errors == []
    assert sum(w.ok for w in windows) == 300
    # After the first window (the burst before anything is known), at most a probe's 429 each.
    assert all(w.limited <= 1 for w in windows[1:])


async def test_the_store_holds_no_key_only_a_digest_names_and_numbers(
    redis_server: RedisServer,
) -> None:
    async with RateLimitedServer(limits={"cases_get": (20, 1.0)}, aligned=True) as server:
        assert await fleet_gets(server.url, redis_server.url, processes=2, calls=40) == []
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        keys = await client.keys("*")
        assert keys == [organisation_key(API_KEY, server.url).encode()]
        content = repr(await client.hgetall(keys[0]))
        ttl = await client.ttl(keys[0])
    finally:
        await client.aclose()
    for secret in (API_KEY, APP_KEY, API_KEY[:8], APP_KEY[-8:]):
        assert secret not in content
        assert secret not in keys[0].decode()
    assert "cases_get|limit" in content
    assert 0 < ttl <= 3600


# ------------------------------------------------------------ stores that misbehave


@contextlib.asynccontextmanager
async def raw_server(
    answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    """A loopback server that speaks as ``answer`` says to whoever connects; its redis:// URL
    (with a password, which must never reach a log)."""
    writers: set[asyncio.StreamWriter] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.add(writer)
        try:
            await answer(reader, writer)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            writers.discard(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://fleet:s3cr3t-pa55@127.0.0.1:{port}/0"
    finally:
        server.close()
        for writer in list(writers):
            writer.close()
        await server.wait_closed()


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while await reader.read(4096):
            writer.write(b"*1\r\n$5\r\nhello\r\n:12\r\n+what\r\n")  # well formed, meaningless
            await writer.drain()


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while await reader.read(4096):
            pass  # reads everything, answers nothing: a store that hangs


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    pass  # closed at once


def _closed_port_url() -> str:
    return f"redis://fleet:s3cr3t-pa55@127.0.0.1:{free_port('127.0.0.1')}/0"


@pytest.mark.parametrize("behaviour", ["refused", "garbage", "silent", "hangs up"])
@within(60)
async def test_a_failing_store_never_stops_a_call_and_is_logged_once_without_its_password(
    behaviour: str, caplog: pytest.LogCaptureFixture
) -> None:
    answers = {"garbage": _garbage, "silent": _silent, "hangs up": _hang_up}
    caplog.set_level(logging.DEBUG, logger="ddcases")
    async with contextlib.AsyncExitStack() as stack:
        if behaviour == "refused":
            url = _closed_port_url()
        else:
            url = await stack.enter_async_context(raw_server(answers[behaviour]))
        server = await stack.enter_async_context(
            RateLimitedServer(limits={"cases_get": (30, 1.0)}, aligned=True)
        )
        errors = await fleet_gets(server.url, url, processes=2, calls=60)
    assert errors == []
    assert sum(w.ok for w in server.windows("cases_get")) == 120
    # Paced by each process alone: no more than one window's burst of 429s per process.
    assert all(w.limited <= 30 for w in server.windows("cases_get")[1:])
    warnings = [r for r in caplog.records if "rate-limit store" in r.getMessage()]
    assert [r.levelno for r in warnings].count(logging.WARNING) == 2  # once per client
    for record in caplog.records:
        assert "s3cr3t-pa55" not in record.getMessage()
        assert "fleet:" not in record.getMessage()
    assert "redis://127.0.0.1:" in warnings[0].getMessage()


@within(60)
async def test_the_store_is_taken_back_when_it_answers_again(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ddcases")
    redis_server.stop()
    clock = [0.0]
    store = RateStore(redis_server.url, "ddcases:ratelimit:test", clock=lambda: clock[0])
    try:
        assert await store.reserve("GetCase", None, WALL) is None  # down: pace by yourself
        assert not store.available
        redis_server.start()
        assert await store.reserve("GetCase", None, WALL) is None  # not tried before its time
        clock[0] += 1.01
        assert store.available
        assert await store.reserve("GetCase", None, WALL) == ""  # up: knows nothing yet
        await store.observe("GetCase", None, None, False, WALL, WALL + 0.01, 200, 100, 1.0, 99, 1.0)
        assert await store.reserve("GetCase", None, WALL + 0.02) is not None  # learnt
    finally:
        await store.aclose()
    messages = [r.getMessage() for r in caplog.records if "rate-limit store" in r.getMessage()]
    assert len(messages) == 2
    assert "failed (ConnectionError)" in messages[0]
    assert "answers again" in messages[1]


async def test_a_client_object_is_used_and_left_open(redis_server: RedisServer) -> None:
    client = aioredis.Redis.from_url(redis_server.url)
    async with RateLimitedServer(limits={"cases_get": (20, 1.0)}, aligned=True) as server:
        assert await fleet_gets(server.url, client, processes=2, calls=30) == []
    assert await client.ping()  # still open: its owner closes it
    assert await client.keys("ddcases:ratelimit:*")
    await client.aclose()
