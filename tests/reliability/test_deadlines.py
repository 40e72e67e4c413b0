"""Issue 8 §3: ``timeout`` is a deadline per attempt, and the server sees exactly the attempts
that were asked for.

* A server that sends its headers or its body a byte at a time cannot hold an attempt past
  ``timeout`` (a read timeout alone restarts on every byte).
* The worst case of one call is ``(1 + max_retries) * timeout`` plus the waits between.
* aiohttp's own silent re-send of idempotent requests is off: ``max_retries=0`` means one
  attempt on the wire, ``max_retries=2`` three.
* A request other than a GET never goes out on a kept-alive connection the server has already
  closed: a create sent right after such a close lands once instead of being lost.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from ddcases import ApiConnectionError, ApiTimeoutError, CaseManagement

from ._fault_server import Drip, FaultServer, Hang, Raw, Reset, within
from ._helpers import API_KEY, APP_KEY, CASES, PROJECTS, client, seed, takes_at_most
from .test_protocol import case_body

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"


@within(20)
@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(Drip(HEAD + b"{}", interval=0.25), id="headers"),
        pytest.param(Drip(HEAD[:-3] + b"0\r\n\r\n" + b" " * 100, interval=0.25), id="body"),
    ],
)
async def test_a_dripping_server_cannot_outlast_the_timeout(
    faulty: FaultServer, answer: Drip
) -> None:
    async with client(faulty.url, timeout=1.0, max_retries=0) as dd:
        key = await seed(dd)
        faulty.plan(answer, method="GET")
        start = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            await dd.cases.get(key)
    # One byte every 0.25 s keeps a read timeout of 1 s alive forever; the deadline does not.
    assert time.monotonic() - start < 1.6


@within(20)
async def test_worst_case_is_attempts_times_timeout_plus_waits(faulty: FaultServer) -> None:
    async with client(faulty.url, timeout=0.3, max_retries=2, max_retry_delay=0.05) as dd:
        key = await seed(dd)
        faulty.plan(Hang(), Hang(), Hang(), method="GET")
        with takes_at_most(3 * 0.3 + 2 * 0.05 + 0.5), pytest.raises(ApiTimeoutError):
            await dd.cases.get(key)
    assert faulty.count("GET", f"{CASES}/{key}") == 3


@within(20)
async def test_timeout_parts_keep_their_meaning(faulty: FaultServer) -> None:
    timeout = httpx.Timeout(10.0, read=0.2)
    async with client(faulty.url, timeout=timeout, max_retries=0) as dd:
        key = await seed(dd)
        faulty.plan(Hang(), method="GET")
        with takes_at_most(1.0), pytest.raises(ApiTimeoutError):
            await dd.cases.get(key)


@within(20)
@pytest.mark.parametrize("max_retries", [0, 1, 2])
async def test_the_server_sees_exactly_one_plus_max_retries_attempts(
    faulty: FaultServer, max_retries: int
) -> None:
    async with client(faulty.url, max_retries=max_retries) as dd:
        key = await seed(dd)
        faulty.plan(*[Reset()] * 5, method="GET")
        with pytest.raises(ApiConnectionError):
            await dd.cases.get(key)
        faulty.plan(*[Reset()] * 5, method="POST", path=f"{CASES}/{key}/priority")
        with pytest.raises(ApiConnectionError):
            await dd.cases.update_priority(key, "P1")
    assert faulty.count("GET", f"{CASES}/{key}") == 1 + max_retries
    assert faulty.count("POST", f"{CASES}/{key}/priority") == 1 + max_retries


@within(20)
async def test_a_stale_keep_alive_connection_costs_a_get_nothing(faulty: FaultServer) -> None:
    """The server dropped the idle connection a while ago: the next GET takes a new one,
    within the budget of a call that allows no retry at all."""
    async with client(faulty.url, max_retries=0) as dd:
        key = await seed(dd)
        faulty.reset_idle()
        await asyncio.sleep(0.05)
        case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert faulty.count("GET", f"{CASES}/{key}") == 1


@within(20)
@pytest.mark.parametrize("trial", range(4))
async def test_a_create_right_after_the_server_closed_the_connection_lands_once(
    faulty: FaultServer, trial: int
) -> None:
    async with client(faulty.url, max_retries=0) as dd:
        key = await seed(dd)
        body = await case_body(faulty, key)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        # Answered, then closed (FIN) without "Connection: close": the client may only learn it
        # from the socket.
        faulty.plan(Raw(head % len(body) + body), method="GET")
        await dd.cases.get(key)
        case = await dd.cases.create(project="SEC", title=f"right after the close {trial}")
        project = await dd.projects.create(key="OPS", name="Ops")
    assert case.attributes.title == f"right after the close {trial}"
    assert project.attributes.key == "OPS"
    assert faulty.count("POST", CASES) == 2  # the seed and this one
    assert faulty.count("POST", PROJECTS) == 2


def test_one_client_in_two_event_loops_is_a_clear_error_not_a_hang() -> None:
    """A client first used in one loop, then called from another thread's loop, raises at once
    (it used to hang past its timeout)."""

    async def serve_and_use() -> None:
        async with FaultServer() as server:
            dd = CaseManagement(base_url=server.url, api_key=API_KEY, app_key=APP_KEY, timeout=2)
            await dd.projects.create(key="SEC", name="Security")
            outcome: list[BaseException | None] = []

            def other_thread() -> None:
                async def call() -> None:
                    await dd.projects.get("SEC")

                try:
                    asyncio.run(call())
                except BaseException as exc:  # noqa: BLE001 - the test inspects it below
                    outcome.append(exc)
                else:
                    outcome.append(None)

            thread = threading.Thread(target=other_thread)
            start = time.monotonic()
            thread.start()
            await asyncio.to_thread(thread.join)
            assert time.monotonic() - start < 1.0
            assert isinstance(outcome[0], RuntimeError)
            assert "event loop" in str(outcome[0])
            # The first loop's client still works.
            assert (await dd.projects.get("SEC")).attributes.key == "SEC"
            await dd.aclose()

    asyncio.run(asyncio.wait_for(serve_and_use(), 10))
