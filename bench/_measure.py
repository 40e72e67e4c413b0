"""How the benches time a client: per-call latency, and throughput at a given concurrency.

Each measurement opens fresh clients, warms them up (connections, lazy imports, caches), and
then times only steady-state calls. Page fetches take turns client by client, call by call;
throughput rounds alternate between clients; either way drift in the machine (the other core,
a VM slowing down) lands on all of them alike.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import statistics
import time
from collections.abc import Callable, Sequence

from _clients import CASE_ID, Client

ClientFactory = Callable[[], Client]


async def _interleaved_page_times(
    factories: Sequence[ClientFactory], calls: Sequence[int], warmup: int
) -> list[list[float]]:
    clients = [make() for make in factories]
    try:
        for client in clients:
            for _ in range(warmup):
                await client.page()
        gc.collect()
        times: list[list[float]] = [[] for _ in clients]
        # One page of each client in turn: whatever the machine does meanwhile (the VM slowing
        # down for a few seconds, the other core busy) lands on all of them alike.
        for n in range(max(calls)):
            for i, client in enumerate(clients):
                if n < calls[i]:
                    start = time.perf_counter()
                    await client.page()
                    times[i].append(time.perf_counter() - start)
        return times
    finally:
        for client in clients:
            await client.aclose()


def page_medians(
    factories: Sequence[ClientFactory], calls: Sequence[int], rounds: int = 3, warmup: int = 5
) -> list[float]:
    """Median seconds per page fetch+parse, one per factory (`calls[i]` timed calls a round),
    the clients taking turns call by call."""
    samples: list[list[float]] = [[] for _ in factories]
    for _ in range(rounds):
        for i, times in enumerate(asyncio.run(_interleaved_page_times(factories, calls, warmup))):
            samples[i] += times
    return [statistics.median(s) for s in samples]


async def _throughput(
    make: ClientFactory, concurrency: int, seconds: float, distinct: bool = False
) -> tuple[float, float]:
    client = make()
    ids = (f"SEC-{n}" for n in itertools.count(1))  # every call a case not asked for before
    try:
        await asyncio.gather(*(client.get(CASE_ID) for _ in range(concurrency)))  # open the pool
        for _ in range(3):
            await asyncio.gather(*(client.get(CASE_ID) for _ in range(concurrency)))
        gc.collect()
        done = 0
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await client.get(next(ids) if distinct else CASE_ID)
                done += 1

        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - start), (time.process_time() - cpu) / done
    finally:
        await client.aclose()


def throughputs(
    factories: Sequence[ClientFactory],
    concurrency: int,
    seconds: float = 1.0,
    rounds: int = 3,
    *,
    distinct: bool = False,
) -> list[tuple[float, float]]:
    """Median requests per second of `get`, one per factory, with `concurrency` callers, and
    the median client CPU seconds per request (this process only: the server has its own).
    With `distinct`, every call asks for another case (no URL is requested twice).

    CPU per request hardly moves when other work competes for the cores; req/s does.
    """
    rates: list[list[float]] = [[] for _ in factories]
    cpus: list[list[float]] = [[] for _ in factories]
    order = list(enumerate(factories))
    for n in range(rounds):
        # Forward, then backward: no client always runs first after a pause, or last.
        for i, make in order if n % 2 == 0 else order[::-1]:
            rate, cpu = asyncio.run(_throughput(make, concurrency, seconds, distinct))
            rates[i].append(rate)
            cpus[i].append(cpu)
    return [(statistics.median(r), statistics.median(c)) for r, c in zip(rates, cpus, strict=True)]
