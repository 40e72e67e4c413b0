"""Datadog's rate-limit headers, and the pacing state kept per rate-limit bucket.

Datadog limits requests per endpoint family and names the bucket in ``X-RateLimit-Name``;
``X-RateLimit-Limit`` requests are allowed per ``X-RateLimit-Period`` seconds,
``X-RateLimit-Remaining`` are left in the current window, which resets in
``X-RateLimit-Reset`` seconds (https://docs.datadoghq.com/api/latest/rate-limits/).

:class:`RateLimiter` keeps one :class:`Bucket` per name (one shared bucket while the service
sends no name) and learns which route (operation) draws on which bucket from the responses.
A bucket runs in one of two modes:

* **burst** (the start, and whenever the service reports plenty of room): requests go at once;
* **spread**, entered on evidence that the window will run out (a 429, ``Remaining: 0``, or
  fewer remaining than requests in flight): requests are spaced ``period / limit`` apart, a
  little slower than the limit (``SPREAD_MARGIN``), so that no window of the service's receives
  more than its limit whatever its alignment with ours, and none goes before a reset the
  service asked for (``blocked_until``).

Header values that are not finite numbers (``inf``, ``nan``, ``1e400``, text) are ignored.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from ._constants import (
    RATE_LIMIT_LIMIT_HEADER,
    RATE_LIMIT_NAME_HEADER,
    RATE_LIMIT_PERIOD_HEADER,
    RATE_LIMIT_REMAINING_HEADER,
    RATE_LIMIT_RESET_HEADER,
    RETRY_AFTER_HEADER,
    RETRY_AFTER_MS_HEADER,
    SPREAD_MARGIN,
)
from ._logs import logger

__all__ = ["Bucket", "RateLimitInfo", "RateLimiter", "finite", "retry_after_seconds"]

Headers = Mapping[str, str]
Sleep = Callable[[float], Awaitable[None]]

# Routes remembered per limiter; past this the map starts over (a route is an operation, so
# this is only reached by callers sending requests the generated client does not make).
_MAX_ROUTES = 1024


def finite(value: str | None) -> float | None:
    """``value`` as a finite float, or None (missing, not a number, ``inf``, ``nan``, ``1e400``)."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def retry_after_seconds(headers: Headers, now: float | None = None) -> float | None:
    """The wait the service asks for: the largest of retry-after-ms, Retry-After (seconds or an
    HTTP date) and X-RateLimit-Reset (seconds until the window resets), or None."""
    waits: list[float] = []
    if (ms := finite(headers.get(RETRY_AFTER_MS_HEADER))) is not None:
        waits.append(ms / 1000)
    if (value := headers.get(RETRY_AFTER_HEADER)) is not None:
        seconds = finite(value)
        if seconds is None:
            try:
                date = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError, OverflowError):
                date = None
            if date is not None:
                seconds = date.timestamp() - (time.time() if now is None else now)
        if seconds is not None:
            waits.append(seconds)
    if (reset := finite(headers.get(RATE_LIMIT_RESET_HEADER))) is not None:
        waits.append(reset)
    return max(0.0, *waits) if waits else None


@dataclass(frozen=True)
class RateLimitInfo:
    """The ``X-RateLimit-*`` values of one response; each None when missing or not finite."""

    limit: int | None
    period: float | None
    remaining: int | None
    reset: float | None
    name: str | None

    @classmethod
    def from_headers(cls, headers: Headers) -> RateLimitInfo:
        limit = finite(headers.get(RATE_LIMIT_LIMIT_HEADER))
        remaining = finite(headers.get(RATE_LIMIT_REMAINING_HEADER))
        return cls(
            limit=None if limit is None else int(limit),
            period=finite(headers.get(RATE_LIMIT_PERIOD_HEADER)),
            remaining=None if remaining is None else int(remaining),
            reset=finite(headers.get(RATE_LIMIT_RESET_HEADER)),
            name=headers.get(RATE_LIMIT_NAME_HEADER) or None,
        )


class Bucket:
    """Pacing state of one rate-limit bucket (see the module docstring)."""

    __slots__ = (
        "blocked_until",
        "credit",
        "in_flight",
        "interval",
        "name",
        "next_slot",
        "spread",
        "window_end",
    )

    def __init__(self, name: str | None) -> None:
        self.name = name
        #: No request of this bucket goes before this monotonic time (a reset the service named).
        self.blocked_until = 0.0
        #: Requests the current window still allows us (the service's last Remaining, minus what
        #: was in flight then and what we sent since), until ``window_end``; None: not known.
        self.credit: int | None = None
        self.window_end = 0.0
        #: Requests waiting for their turn or sent, and not yet answered.
        self.in_flight = 0
        #: Seconds between requests in spread mode (period / limit, plus the margin), once known.
        self.interval: float | None = None
        #: In spread mode, the earliest time the next request may take.
        self.next_slot = 0.0
        self.spread = False

    @property
    def paced(self) -> bool:
        """Whether a request may have to wait: spread out, blocked, or drawing on a known credit."""
        return self.spread or bool(self.blocked_until) or self.credit is not None

    def __repr__(self) -> str:
        mode = "spread" if self.spread else "burst"
        return f"<Bucket {self.name or '(shared)'} {mode} in_flight={self.in_flight}>"


class RateLimiter:
    """Per-bucket pacing for one client: :meth:`acquire` before a request, then :meth:`observe`
    with its answer or :meth:`release` without one.

    **Parameters:**

    * **max_wait** - the longest wait taken; a request that would wait longer goes at once (its
      429 becomes ``RateLimitError`` with ``retry_after``).
    * **clock**, **sleep**, **wall_clock** - injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        max_wait: float,
        clock: Callable[[], float],
        sleep: Sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self.shared = Bucket(None)
        self._named: dict[str, Bucket] = {}
        self._routes: dict[str, Bucket] = {}

    @property
    def learnt_routes(self) -> bool:
        """Whether the service has named any bucket (routes then need to be told apart)."""
        return bool(self._routes)

    def bucket(self, route: str) -> Bucket:
        """The bucket ``route`` draws on: the one a response for it named, else the shared one."""
        if not self._routes:  # the service has named no bucket: the common, cheap case
            return self.shared
        return self._routes.get(route, self.shared)

    def free(self, bucket: Bucket) -> bool:
        """True when ``bucket`` knows no limit to respect: the request goes without waiting.
        (The fast path, kept out of a coroutine; otherwise call :meth:`acquire`.)"""
        if bucket.paced:
            return False
        bucket.in_flight += 1
        return True

    async def acquire(self, bucket: Bucket) -> None:
        """Wait until ``bucket`` may send one more request; it counts as in flight from now
        (a request waiting for its turn will use the window as surely as one sent)."""
        bucket.in_flight += 1
        if bucket.paced:
            try:
                await self._wait_turn(bucket)
            except BaseException:
                bucket.in_flight -= 1
                raise

    def release(self, bucket: Bucket) -> None:
        """The request counted by :meth:`acquire` ended without an answer (an error, a cancel)."""
        bucket.in_flight -= 1

    def observe(self, bucket: Bucket, route: str, status: int, headers: Headers) -> Bucket:
        """Learn from the answer to a request counted on ``bucket``; returns the bucket the
        answer says the route belongs to (``bucket`` itself unless the service named another)."""
        counted = bucket
        counted.in_flight -= 1
        if status != 429 and RATE_LIMIT_REMAINING_HEADER not in headers:
            return bucket  # nothing to learn (the hot path when the service sends no limits)
        info = RateLimitInfo.from_headers(headers)
        if info.name is not None and info.name != bucket.name:
            bucket = self._named.get(info.name) or self._name(info.name)
            if len(self._routes) >= _MAX_ROUTES:
                self._routes.clear()
            self._routes[route] = bucket
        # Requests of this route still counted on the bucket it used before the service named
        # its own will use the named window too.
        in_flight = bucket.in_flight + (counted.in_flight if counted is not bucket else 0)
        now = self._clock()
        if info.limit and info.limit > 0 and info.period and info.period > 0:
            bucket.interval = info.period / info.limit * (1 + SPREAD_MARGIN)
        if status == 429:
            wait = retry_after_seconds(headers, self._wall_clock())
            self._block(bucket, now + (wait if wait is not None else 0.0))
            bucket.credit = None
            bucket.spread = True
        elif info.remaining is not None and info.reset is not None:
            credit = info.remaining - in_flight
            bucket.credit, bucket.window_end = max(0, credit), now + info.reset
            if info.remaining <= 0:
                self._block(bucket, now + info.reset)  # the window is spent: wait for its end
                bucket.spread = True
            elif credit <= 0:
                bucket.spread = True  # what is waiting or in flight will use up the window
            elif info.limit is not None and credit * 2 >= info.limit:
                bucket.spread = False  # plenty of room again: back to bursts
        return bucket

    def _name(self, name: str) -> Bucket:
        bucket = Bucket(name)
        self._named[name] = bucket
        return bucket

    def _block(self, bucket: Bucket, until: float) -> None:
        if until > bucket.blocked_until:
            bucket.blocked_until = until
            bucket.next_slot = max(bucket.next_slot, until)

    async def _wait_turn(self, bucket: Bucket) -> None:
        while True:
            now = self._clock()
            if now < bucket.blocked_until:
                wait = bucket.blocked_until - now
                if wait > self.max_wait:
                    return
                logger.debug("rate limit window spent; pacing %.2fs until it resets", wait)
                await self._sleep(wait)
                continue
            bucket.blocked_until = 0.0
            if bucket.credit is not None:
                if now >= bucket.window_end:
                    bucket.credit = None  # a new window, of a size only the service knows
                elif bucket.credit > 0:
                    bucket.credit -= 1
                    return
                elif bucket.interval is None:
                    # Spent, and no limit known to spread by: wait for the window's end.
                    self._block(bucket, bucket.window_end)
                    continue
            if not bucket.spread or bucket.interval is None:
                return
            slot = max(now, bucket.next_slot)
            wait = slot - now
            if wait > self.max_wait:
                return
            bucket.next_slot = slot + bucket.interval
            if wait <= 0:
                return
            logger.debug("spreading requests under the rate limit; pacing %.3fs", wait)
            await self._sleep(wait)
            if self._clock() >= bucket.blocked_until:
                return
            # The service blocked the bucket while we waited: queue again after the reset.
