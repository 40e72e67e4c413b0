"""Fault injection, real rate limiting and per-operation request counts.

The knobs live on ``app.state.faults`` (a ``Faults``); ``FaultMiddleware`` applies them to every
request before it reaches a handler::

    faults = app.state.faults
    faults.fail_next(2, status=429)              # the next two requests answer 429
    faults.fail_next(1, status=503, operation="CreateCase")
    faults.fail_fraction(0.2, seed=7)            # a seeded 20 % answer 503
    faults.slow_next(1, delay=0.5)               # answer after half a second
    faults.drop_next(1)                          # close the connection without answering
    faults.rate_limit(100, period=10)            # 100 requests per 10 s window, then 429
    faults.requests["CreateCase"]                # how many CreateCase requests arrived

Rate-limit headers follow Datadog's (https://docs.datadoghq.com/api/latest/rate-limits/):
``X-RateLimit-Limit``, ``-Period`` (seconds), ``-Remaining``, ``-Reset`` (seconds until the window
resets) and ``-Name``; they go on every response while a limit is set, and on injected 429s.

A dropped connection over a real socket (``python -m ddcases.emulator`` or the testing helper)
closes the TCP connection without a response; in process there is no socket, so the request raises
``ConnectionDropped``, an ``httpx.RemoteProtocolError`` — what httpx raises for the real thing.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpx
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._jsonapi import error_response

__all__ = ["DROP_EXTENSION", "ConnectionDropped", "FaultMiddleware", "Faults", "socket_app"]

#: ASGI scope extension holding a zero-argument callable that closes the client connection.
DROP_EXTENSION = "ddcases.emulator.drop"


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised in process where a real server would have closed the connection."""


@dataclasses.dataclass
class _Planned:
    kind: str  # "fail" | "slow" | "drop"
    remaining: int
    operation: str | None
    status: int = 0
    headers: Mapping[str, str] | None = None
    delay: float = 0.0


@dataclasses.dataclass
class _Limit:
    limit: int
    period: float
    name: str
    window_start: float = -math.inf
    used: int = 0


class Faults:
    """What to do wrong, and what arrived. One per emulator app, at ``app.state.faults``.

    ``operation=`` must name one of ``operations`` (the app's operationIds): a typo such as
    ``"UpdatePriorty"`` is a ``ValueError`` that lists them, not a fault that never fires.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        operations: Iterable[str] = (),
    ) -> None:
        #: The operationIds ``operation=`` may name (empty: any name is accepted).
        self.operations = frozenset(operations)
        self._clock = clock
        self._sleep = sleep
        self._planned: list[_Planned] = []
        self._fraction: tuple[float, int, random.Random, str | None] | None = None
        self._limit: _Limit | None = None
        #: Requests that arrived, by operationId ("unknown" for unmatched paths), faults included.
        self.requests: collections.Counter[str] = collections.Counter()

    # ---------------------------------------------------------------- knobs

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 429,
        headers: Mapping[str, str] | None = None,
        operation: str | None = None,
    ) -> None:
        """Answer the next ``n`` requests (of ``operation``, if given) with ``status``.

        A 429 carries ``X-RateLimit-*`` headers (reset in 1 s unless ``headers`` say otherwise).
        """
        self._check_operation(operation)
        self._planned.append(_Planned("fail", n, operation, status=status, headers=headers))

    def fail_fraction(
        self, p: float, *, status: int = 503, seed: int = 0, operation: str | None = None
    ) -> None:
        """Answer a seeded random fraction ``p`` of requests with ``status``; 0 turns it off."""
        if not 0 <= p <= 1:
            raise ValueError("p must be between 0 and 1")
        self._check_operation(operation)
        self._fraction = (p, status, random.Random(seed), operation) if p else None

    def slow_next(self, n: int = 1, *, delay: float, operation: str | None = None) -> None:
        """Wait ``delay`` seconds before handling each of the next ``n`` requests."""
        self._check_operation(operation)
        self._planned.append(_Planned("slow", n, operation, delay=delay))

    def drop_next(self, n: int = 1, *, operation: str | None = None) -> None:
        """Close the connection without a response for the next ``n`` requests."""
        self._check_operation(operation)
        self._planned.append(_Planned("drop", n, operation))

    def rate_limit(self, limit: int | None, period: float = 10.0, *, name: str = "cases") -> None:
        """Allow ``limit`` requests per fixed ``period``-second window, 429 beyond (None: off)."""
        if limit is not None and (limit < 1 or period <= 0):
            raise ValueError("limit must be >= 1 and period > 0")
        self._limit = None if limit is None else _Limit(limit, period, name)

    def reset(self) -> None:
        """Forget every planned fault, the fraction, the limit and the request counts."""
        self._planned.clear()
        self._fraction = None
        self._limit = None
        self.requests.clear()

    def _check_operation(self, operation: str | None) -> None:
        if operation is not None and self.operations and operation not in self.operations:
            known = ", ".join(sorted(self.operations))
            raise ValueError(f"unknown operation {operation!r}; expected one of: {known}")

    # ---------------------------------------------------------------- decisions

    def _take(self, operation: str) -> _Planned | None:
        for planned in self._planned:
            if planned.operation in (None, operation):
                planned.remaining -= 1
                if planned.remaining <= 0:
                    self._planned.remove(planned)
                return planned
        if self._fraction is not None:
            p, status, rng, only = self._fraction
            if only in (None, operation) and rng.random() < p:
                return _Planned("fail", 1, operation, status=status)
        return None

    def _hit_limit(self) -> tuple[dict[str, str], bool]:
        """Count one request against the limit: (headers for the response, allowed?)."""
        limit = self._limit
        if limit is None:
            return {}, True
        now = self._clock()
        if now >= limit.window_start + limit.period:
            limit.window_start, limit.used = now, 0
        limit.used += 1
        allowed = limit.used <= limit.limit
        reset = max(1, math.ceil(limit.window_start + limit.period - now))
        return _limit_headers(
            limit.limit, limit.period, limit.limit - limit.used, reset, limit.name
        ), allowed


def _limit_headers(
    limit: int, period: float, remaining: int, reset: int, name: str
) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Period": str(int(period) if float(period).is_integer() else period),
        "X-RateLimit-Remaining": str(max(0, remaining)),
        "X-RateLimit-Reset": str(reset),
        "X-RateLimit-Name": name,
    }


def _operation(scope: Scope) -> str:
    app = scope.get("app")
    for route in getattr(app, "routes", ()):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.name)
    return "unknown"


class FaultMiddleware:
    """Pure ASGI middleware applying ``Faults`` (counts, planned faults, the rate limit)."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = self.faults
        operation = _operation(scope)
        faults.requests[operation] += 1
        planned = faults._take(operation)
        if planned is not None and planned.kind == "drop":
            await _drop(scope)
            return
        if planned is not None and planned.kind == "slow":
            await faults._sleep(planned.delay)
        limit_headers, allowed = faults._hit_limit()
        if planned is not None and planned.kind == "fail":
            headers = dict(limit_headers)
            if planned.status == 429 and not headers:
                headers = _limit_headers(100, 10, 0, 1, "cases")
            headers.update(planned.headers or {})
            detail = "injected fault"
            await error_response(planned.status, detail, headers=headers)(scope, receive, send)
            return
        if not allowed:
            detail = (
                f"rate limit of {faults._limit.limit if faults._limit else 0} requests exceeded"
            )
            await error_response(429, detail, headers=limit_headers)(scope, receive, send)
            return
        if not limit_headers:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw += [(k.lower().encode(), v.encode()) for k, v in limit_headers.items()]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _drop(scope: Scope) -> None:
    close = (scope.get("extensions") or {}).get(DROP_EXTENSION)
    if close is None:
        raise ConnectionDropped("Server disconnected without sending a response.")
    close()
    # Let the server notice the closed connection, so it doesn't try to answer on it.
    for _ in range(3):
        await asyncio.sleep(0)


def socket_app(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` for uvicorn so ``drop_next`` can close the real TCP connection.

    uvicorn's ``send`` is a bound method of its per-request cycle, which holds the asyncio
    transport; anywhere else the wrapper changes nothing and drops raise ``ConnectionDropped``.
    """

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if scope["type"] == "http" and transport is not None:
            extensions = {**(scope.get("extensions") or {}), DROP_EXTENSION: transport.close}
            scope = {**scope, "extensions": extensions}
        await app(scope, receive, send)

    return wrapped
