"""A raw-socket server that rate-limits the way Datadog does, for the pacing test and bench.

Each endpoint family has its own bucket, named in ``X-RateLimit-Name``: ``LIMIT`` requests per
fixed ``PERIOD``-second window, the window starting with the first request after the last one
ended; past the limit a 429. Every answer carries ``X-RateLimit-Limit``, ``-Period``,
``-Remaining``, ``-Reset`` (whole seconds until the window ends, rounded up, as the emulator
does) and ``-Name``. It counts what it served per bucket and status.

Routes: ``GET /api/v2/cases/{id}`` (bucket ``cases_get``) answers a small case;
``GET /api/v2/cases?...`` (bucket ``cases_search``) an empty page. Standalone (no imports from
the test package) so that bench/rate_limits.py can load it too.

Usage::

    async with RateLimitedServer(limits={"cases_get": (100, 1.0)}) as server:
        ... CaseManagement(base_url=server.url) ...
        server.served["cases_get"][429]
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import time
from types import TracebackType
from typing import Self

CASE = {
    "data": {
        "id": "5a2b0b4e-7d47-4a3c-9d6e-0b8d2c7f1e11",
        "type": "case",
        "attributes": {
            "key": "SEC-1",
            "title": "paced",
            "status": "OPEN",
            "priority": "P3",
            "type": "STANDARD",
            "created_at": "2026-01-02T03:04:05.123456789Z",
        },
    }
}
PAGE = {"data": [], "meta": {"page": {"current": 1, "size": 100, "total": 1}}}


class _Window:
    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.start = -math.inf
        self.used = 0

    def take(self, now: float) -> tuple[bool, dict[str, str]]:
        if now >= self.start + self.period:
            self.start, self.used = now, 0
        self.used += 1
        reset = max(1, math.ceil(self.start + self.period - now))
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Period": f"{self.period:g}",
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Reset": str(reset),
        }
        return self.used <= self.limit, headers


class RateLimitedServer:
    """See the module docstring. ``limits``: bucket name -> (limit, period in seconds)."""

    def __init__(self, limits: dict[str, tuple[int, float]], host: str = "127.0.0.1") -> None:
        self._windows = {name: _Window(*spec) for name, spec in limits.items()}
        self.host = host
        self.url = ""
        #: bucket -> status -> answers served.
        self.served: dict[str, collections.Counter[int]] = collections.defaultdict(
            collections.Counter
        )
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, self.host, 0)
        self.url = f"http://{self.host}:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()

    def total(self, status: int) -> int:
        return sum(counts[status] for counts in self.served.values())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                path = target.split("?", 1)[0]
                bucket, body = (
                    ("cases_search", PAGE) if path == "/api/v2/cases" else ("cases_get", CASE)
                )
                window = self._windows.get(bucket)
                allowed, headers = (True, {}) if window is None else window.take(time.monotonic())
                status = 200 if allowed else 429
                payload = json.dumps(body if allowed else {"errors": ["Too many requests"]})
                self.served[bucket][status] += 1
                lines = [
                    f"HTTP/1.1 {status} {'OK' if allowed else 'Too Many Requests'}",
                    "Content-Type: application/vnd.api+json",
                    f"Content-Length: {len(payload)}",
                    f"X-RateLimit-Name: {bucket}",
                    *(f"{k}: {v}" for k, v in headers.items()),
                ]
                writer.write(("\r\n".join(lines) + "\r\n\r\n" + payload).encode())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
