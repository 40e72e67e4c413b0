"""A raw-socket server that rate-limits the way Datadog does, for the pacing test and bench.

Each endpoint family has its own bucket, named in ``X-RateLimit-Name``: ``LIMIT`` requests per
fixed ``PERIOD``-second window; past the limit a 429. Windows are counted per API key
(``DD-API-KEY``; Datadog limits per organisation) and, by default, roll: a window starts with the
first request after the last one ended. With ``aligned=True`` they sit on a fixed grid anchored
at the bucket's first request (window k is ``[t0 + k*PERIOD, t0 + (k+1)*PERIOD)``), as a service
with wall-clock windows does, so that clients which read ``Reset`` well can use every window in
full. Every answer carries ``X-RateLimit-Limit``, ``-Period``, ``-Remaining``, ``-Reset`` (whole
seconds until the window ends, rounded up, at least 1, as the emulator does) and ``-Name``. It
counts what it served per bucket and status, and per window (:meth:`RateLimitedServer.windows`:
how many 200s and 429s each window served, to tell the first burst's 429s from later ones).

Routes: ``GET /api/v2/cases/{id}`` (bucket ``cases_get``) answers a small case;
``GET /api/v2/cases?...`` (bucket ``cases_search``) an empty page. Standalone (no imports from
the test package) so that bench/rate_limits.py can load it too.

Usage::

    async with RateLimitedServer(limits={"cases_get": (100, 1.0)}) as server:
        ... CaseManagement(base_url=server.url) ...
        server.served["cases_get"][429]
        server.windows("cases_get")  # [Served(start, ok, limited), ...] from the first window
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import math
import time
from types import TracebackType
from typing import NamedTuple, Self

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


class Served(NamedTuple):
    """What one window served: its start (``time.monotonic()``), 200s and 429s."""

    start: float
    ok: int
    limited: int


class _Window:
    def __init__(self, limit: int, period: float, aligned: bool) -> None:
        self.limit = limit
        self.period = period
        self.aligned = aligned
        #: The bucket's first request (the grid's anchor when aligned); None before it.
        self.origin: float | None = None
        self.start = -math.inf
        self.index = -1
        self.used = 0
        #: Window index -> its start and what it served (status -> answers).
        self.log: dict[int, tuple[float, collections.Counter[int]]] = {}

    def take(self, now: float) -> tuple[bool, dict[str, str]]:
        if self.origin is None:
            self.origin = now
        if self.aligned:
            index = int((now - self.origin) // self.period)
            if index != self.index:
                self.index, self.used = index, 0
                self.start = self.origin + index * self.period
        elif now >= self.start + self.period:
            self.start, self.used, self.index = now, 0, self.index + 1
        self.used += 1
        allowed = self.used <= self.limit
        if self.index not in self.log:
            self.log[self.index] = (self.start, collections.Counter())
        self.log[self.index][1][200 if allowed else 429] += 1
        reset = max(1, math.ceil(self.start + self.period - now))
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Period": f"{self.period:g}",
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Reset": str(reset),
        }
        return allowed, headers


def _api_key(head: bytes) -> str | None:
    """The request's ``DD-API-KEY``, or None (no key: one budget for all such requests)."""
    at = head.lower().find(b"\r\ndd-api-key:")
    if at < 0:
        return None
    start = at + len(b"\r\ndd-api-key:")
    end = head.find(b"\r\n", start)
    return head[start:end].strip().decode("latin-1")


class RateLimitedServer:
    """See the module docstring. ``limits``: bucket name -> (limit, period in seconds), each
    API key's own; ``aligned``: windows on a grid from the bucket's first request."""

    def __init__(
        self,
        limits: dict[str, tuple[int, float]],
        host: str = "127.0.0.1",
        *,
        aligned: bool = False,
    ) -> None:
        self._limits = dict(limits)
        self.aligned = aligned
        #: (API key, bucket) -> its window.
        self._windows: dict[tuple[str | None, str], _Window] = {}
        self.host = host
        self.url = ""
        #: bucket -> status -> answers served.
        self.served: dict[str, collections.Counter[int]] = collections.defaultdict(
            collections.Counter
        )
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> Self:
        # A fleet of processes opens hundreds of connections at once: a backlog of 100 would
        # drop SYNs and add the kernel's 1 s retransmit to some calls.
        self._server = await asyncio.start_server(self._handle, self.host, 0, backlog=1024)
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

    def origin(self, bucket: str, api_key: str | None = None) -> float | None:
        """The ``time.monotonic()`` of the bucket's first request (of ``api_key``; of any key
        when None), or None before it; when aligned, window k starts ``k * period`` later."""
        origins = [
            w.origin
            for (key, name), w in self._windows.items()
            if name == bucket and (api_key is None or key == api_key) and w.origin is not None
        ]
        return min(origins, default=None)

    def windows(self, bucket: str, api_key: str | None = None) -> list[Served]:
        """What each window of ``bucket`` served, from the first (index 0) to the last; windows
        in which nothing came are there too (aligned), served nothing. ``api_key`` None sums
        all keys by window index."""
        logs = [
            w
            for (key, name), w in self._windows.items()
            if name == bucket and (api_key is None or key == api_key)
        ]
        last = max((max(w.log, default=-1) for w in logs), default=-1)
        result = []
        for index in range(last + 1):
            starts: list[float] = []
            ok = limited = 0
            for w in logs:
                if index in w.log:
                    start, counts = w.log[index]
                    starts.append(start)
                    ok, limited = ok + counts[200], limited + counts[429]
                elif w.origin is not None and w.aligned:
                    starts.append(w.origin + index * w.period)
            result.append(Served(min(starts, default=math.nan), ok, limited))
        return result

    def _window(self, api_key: str | None, bucket: str) -> _Window | None:
        window = self._windows.get((api_key, bucket))
        if window is None and bucket in self._limits:
            limit, period = self._limits[bucket]
            window = self._windows[api_key, bucket] = _Window(limit, period, self.aligned)
        return window

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
                window = self._window(_api_key(head), bucket)
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
