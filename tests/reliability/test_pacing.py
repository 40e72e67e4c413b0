"""Issue 8 §6: rate limits are paced per bucket, and few 429s are spent.

Against a raw-socket server that limits like Datadog (fixed windows per endpoint family, named
in ``X-RateLimit-Name``; ``_rate_limited_server``):

* 200 tasks x 3 GETs against 100 requests a second: the first burst draws 100 429s that no
  client can avoid (it knows no limit yet); after that the client spreads its requests under
  the limit, so at most 10 % of the 600 more are 429s, and no request is lost;
* a 429 from the search bucket does not make a GetCase wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from ddcases import CaseManagement

from ._fault_server import within
from ._helpers import API_KEY, APP_KEY
from ._rate_limited_server import RateLimitedServer


async def burst(url: str, tasks: int, calls: int) -> tuple[int, list[BaseException], float]:
    """``tasks`` tasks each making ``calls`` sequential GetCase calls; (ok, errors, seconds)."""
    errors: list[BaseException] = []
    ok = 0

    async def worker(dd: CaseManagement) -> None:
        nonlocal ok
        for _ in range(calls):
            try:
                await dd.cases.get("SEC-1")
            except Exception as exc:  # noqa: BLE001 - counted as lost, asserted below
                errors.append(exc)
            else:
                ok += 1

    async with CaseManagement(base_url=url, api_key=API_KEY, app_key=APP_KEY, timeout=10) as dd:
        start = time.monotonic()
        await asyncio.gather(*(worker(dd) for _ in range(tasks)))
        return ok, errors, time.monotonic() - start


@within(60)
async def test_200_tasks_against_100_a_second_spend_few_429s_and_lose_nothing() -> None:
    async with RateLimitedServer(limits={"cases_get": (100, 1.0)}) as server:
        ok, errors, seconds = await burst(server.url, tasks=200, calls=3)
    served_429 = server.served["cases_get"][429]
    first_burst = 200 - 100
    print(
        f"429s served: {served_429} (first burst {first_burst}); {seconds:.1f}s; lost {len(errors)}"
    )
    assert errors == []
    assert ok == 600
    assert server.served["cases_get"][200] == 600
    assert served_429 <= first_burst + 0.10 * 600
    # Spread under the limit: 600 requests at 100/s take at least ~6 s, and not much more.
    assert seconds < 12


@within(30)
async def test_a_429_of_one_bucket_does_not_hold_another() -> None:
    limits = {"cases_search": (0, 30.0), "cases_get": (1000, 1.0)}
    async with (
        RateLimitedServer(limits=limits) as server,
        CaseManagement(
            base_url=server.url, api_key=API_KEY, app_key=APP_KEY, max_rate_limit_wait=60
        ) as dd,
    ):
        await dd.cases.get("SEC-1")  # learn the bucket's name

        async def search_again() -> object:
            return await dd.cases.search("status:open")

        searching = asyncio.create_task(search_again())
        await asyncio.sleep(0.2)  # the search got a 429 and waits 30 s for the reset
        start = time.monotonic()
        case = await dd.cases.get("SEC-1")
        took = time.monotonic() - start
        searching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await searching
    assert case.attributes.key == "SEC-1"
    assert server.served["cases_search"][429] == 1
    assert took < 0.5  # the GetCase bucket is not the one that is spent
