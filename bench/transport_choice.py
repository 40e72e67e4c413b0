"""Which inner transport should ddcases use by default? (issue 3, requirement 7)

Loopback, concurrency 32, a fixed JSON body served by a small aiohttp server in a child
process (so server and client don't share a core). Prints req/s for httpx's own pool, httpx
over httpx-aiohttp (the adapter ddcases used until issue 11), httpx over ddcases' own
AiohttpTransport (the default since), the same wrapped in RetryTransport, and raw aiohttp +
json.loads, each with its ratio to raw aiohttp. Asserts nothing.

    .venv/bin/python bench/transport_choice.py [--requests 2000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import socket
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from aiohttp import web
from httpx_aiohttp import AiohttpTransport as HttpxAiohttpTransport

from ddcases._aiohttp_transport import AiohttpTransport
from ddcases._transport import RetryTransport

BODY = json.dumps(
    {
        "data": {
            "id": "0f5ae9b5-3b0a-4e2b-8d7a-111111111111",
            "type": "case",
            "attributes": {
                "key": "SEC-12",
                "title": "Leaked token",
                "priority": "P2",
                "status": "OPEN",
                "description": "x" * 400,
            },
        }
    }
).encode()


def _serve(port: int) -> None:
    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=BODY, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/v2/cases/{case_id}", handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _run(fetch: Callable[[int], Awaitable[None]], n: int, concurrency: int) -> float:
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            await fetch(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n / (time.perf_counter() - start)


async def _httpx(url: str, transport: httpx.AsyncBaseTransport | None, n: int, c: int) -> float:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(transport=transport, limits=limits) as client:

        async def fetch(i: int) -> None:
            (await client.get(f"{url}/api/v2/cases/SEC-{i}")).json()

        await _run(fetch, 200, c)  # warm-up: open the pool
        return await _run(fetch, n, c)


async def _aiohttp(url: str, n: int, c: int) -> float:
    async with aiohttp.ClientSession() as session:

        async def fetch(i: int) -> None:
            async with session.get(f"{url}/api/v2/cases/SEC-{i}") as response:
                json.loads(await response.read())

        await _run(fetch, 200, c)
        return await _run(fetch, n, c)


async def main(n: int, c: int, port: int) -> None:
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):  # wait for the server
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            await asyncio.sleep(0.05)
    results = {
        "raw aiohttp + json.loads": await _aiohttp(url, n, c),
        "httpx AsyncHTTPTransport (httpcore)": await _httpx(url, None, n, c),
        "httpx + httpx_aiohttp (the adapter until issue 11)": await _httpx(
            url, HttpxAiohttpTransport(), n, c
        ),
        "httpx + ddcases AiohttpTransport (the default)": await _httpx(
            url, AiohttpTransport(), n, c
        ),
        "httpx + RetryTransport(AiohttpTransport)": await _httpx(
            url, RetryTransport(AiohttpTransport()), n, c
        ),
    }
    base = results["raw aiohttp + json.loads"]
    print(f"{n} requests, concurrency {c}, loopback")
    for name, rate in results.items():
        print(f"  {name:52s} {rate:8.0f} req/s   {rate / base:5.2f}x raw aiohttp")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    port = _free_port()
    server = multiprocessing.Process(target=_serve, args=(port,), daemon=True)
    server.start()
    try:
        asyncio.run(main(args.requests, args.concurrency, port))
    finally:
        server.terminate()
        server.join()
