"""Issue 19: a fleet of processes shares one rate limit through the Redis store, and loses nothing.

Datadog limits per organisation (API key), so processes using the same key draw on one budget.
Against a loopback server limiting one key to 100 GetCase requests per 1-second window (windows
on a grid from the first request; ``_fleet``), P worker processes x 50 tasks make 1,600
``dd.cases.get`` calls in all, with ``max_retries=10, max_rate_limit_wait=60``:

* with ``rate_limit_store=`` a redis-server of the test's own, at P = 2 and 4: at most 16 429s
  after the first window (whose burst no client can avoid, knowing no limit yet), at most one in
  any window, no call lost (the longest call and the wall time are bench/fleet.py's goals, and
  tests/test_windows.py's on virtual time: here, on two shared cores, a run now and then idles two
  windows);
* the store killed 5 s into the run at P = 4 and started again 4 s later: no call lost, no
  exception reaches the caller; 429s may come while it is down (each process paces alone, turns
  spread out), but from three windows after it is back, at most one per window;
* one process without a store uses the windows in full: within 5 % of the 16 s the limit allows.

Each run takes ~17 s (1,600 calls at 100 a second); ``pytest -s`` prints the figures.
bench/fleet.py measures every P, with and without the store.
"""

from __future__ import annotations

import pytest

from ._fault_server import within
from ._fleet import FleetResult, fleet, store_outage
from ._redis_server import RedisServer

TOTAL = 1600
LIMIT = 100
PERIOD = 1.0


def report(result: FleetResult) -> None:
    print(f"\n{result.summary()}")
    for line in result.series():
        print(f"  {line}")
    for error in result.errors[:5]:
        print(f"  error: {error}")
    for number, worker in enumerate(result.workers):
        for line in worker.stderr.splitlines()[-5:]:
            print(f"  worker {number}: {line}")


@pytest.mark.parametrize("processes", [2, 4])
@within(120)
async def test_processes_sharing_a_store_spend_at_most_one_429_a_window(
    redis_server: RedisServer, processes: int
) -> None:
    result = await fleet(
        processes, total=TOTAL, limit=LIMIT, period=PERIOD, store_url=redis_server.url
    )
    report(result)
    assert result.errors == []
    assert result.lost == 0
    assert result.limited_after_first <= TOTAL / LIMIT  # 16: at most one a window
    assert result.most_limited_window <= 1


@within(120)
async def test_the_store_killed_mid_run_loses_no_call_and_pacing_recovers(
    redis_server: RedisServer,
) -> None:
    outage = store_outage(redis_server.stop, redis_server.start, at=5.0, down_for=4.0)
    result = await fleet(
        4, total=TOTAL, limit=LIMIT, period=PERIOD, store_url=redis_server.url, schedule=outage
    )
    report(result)
    assert result.errors == []  # no exception reached the caller
    assert result.lost == 0
    down_since_up = result.outage()
    assert down_since_up is not None
    # Turns taken by each process alone while the store was down play out for up to two
    # windows more (a process tries the store again within a second).
    recovered = result.windows_from(down_since_up[1] + 3 * PERIOD)
    assert recovered, "the run ended before the store had been back for three windows"
    assert max(w.limited for w in recovered) <= 1, [w.limited for w in recovered]


@within(60)
async def test_one_process_without_a_store_takes_within_5_percent_of_the_ideal() -> None:
    result = await fleet(1, total=TOTAL, limit=LIMIT, period=PERIOD)
    report(result)
    assert result.lost == 0
    assert result.wall <= 1.05 * result.ideal, f"{result.wall:.2f} s > 1.05 x {result.ideal:g} s"
