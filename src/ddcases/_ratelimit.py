"""Datadog's rate-limit headers, and the pacing state kept per rate-limit bucket.

Datadog limits requests per endpoint family and names the bucket in ``X-RateLimit-Name``;
``X-RateLimit-Limit`` requests are allowed per ``X-RateLimit-Period`` seconds,
``X-RateLimit-Remaining`` are left in the current window, which resets in
``X-RateLimit-Reset`` seconds (https://docs.datadoghq.com/api/latest/rate-limits/).

:class:`RateLimiter` keeps one :class:`Bucket` per name (one shared bucket while the service
sends no name) and learns which route (operation) draws on which bucket from the responses.
Once an answer gives the limit and the period, a bucket follows the service's fixed windows
(:class:`~ddcases._windows.WindowSchedule`): each request reserves its turn, in the order asked,
and a whole window's worth goes as soon as the window can have begun; the window's phase is
learnt from the answers, not from the rounded-up ``Reset``. With ``rate_limit_store=`` the
turns come from a schedule shared by every process using the same keys
(:mod:`~ddcases._rate_store`), and from the process's own while the store fails. An answer
with a ``Remaining`` and ``Reset`` but no limit makes the bucket draw on that credit and wait
for that reset (``blocked_until``).

Header values that are not finite numbers (``inf``, ``nan``, ``1e400``, text) are ignored.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._constants import (
    RATE_LIMIT_LIMIT_HEADER,
    RATE_LIMIT_NAME_HEADER,
    RATE_LIMIT_PERIOD_HEADER,
    RATE_LIMIT_REMAINING_HEADER,
    RATE_LIMIT_RESET_HEADER,
    RETRY_AFTER_HEADER,
    RETRY_AFTER_MS_HEADER,
)
from ._logs import logger
from ._windows import NEVER, WindowSchedule

if TYPE_CHECKING:
    from ._rate_store import RateStore

__all__ = [
    "Bucket",
    "RateLimitInfo",
    "RateLimiter",
    "Ticket",
    "finite",
    "retry_after_seconds",
]

Headers = Mapping[str, str]
Sleep = Callable[[float], Awaitable[None]]

# Routes remembered per limiter; past this the map starts over (a route is an operation, so
# this is only reached by callers sending requests the generated client does not make).
_MAX_ROUTES = 1024
# How many times a turn from the shared store asks it again whether its window has begun.
_RECHECKS = 8


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


@dataclass(frozen=True, slots=True)
class Ticket:
    """A request's turn: its window and place in it, whether it probes, and from where."""

    window: int
    index: int
    probe: bool
    #: True when the turn came from the shared store, False from this process's schedule.
    shared: bool


class Bucket:
    """Pacing state of one rate-limit bucket (see the module docstring)."""

    __slots__ = (
        "blocked_until",
        "credit",
        "in_flight",
        "name",
        "reported",
        "schedule",
        "window_end",
    )

    def __init__(self, name: str | None) -> None:
        self.name = name
        #: The service's windows, once an answer gave the limit and the period.
        self.schedule: WindowSchedule | None = None
        #: Without them: no request goes before this time (a reset the service named) ...
        self.blocked_until = 0.0
        #: ... and the current window allows this many more (the service's last Remaining,
        #: minus what was in flight then and what we sent since), until ``window_end``.
        self.credit: int | None = None
        self.window_end = 0.0
        #: Requests waiting for their turn or sent, and not yet answered.
        self.in_flight = 0
        #: The last shared window whose first answer this process reported to the store.
        self.reported = NEVER

    @property
    def paced(self) -> bool:
        """Whether a request may have to wait: windows known, blocked, or drawing on a credit."""
        return self.schedule is not None or bool(self.blocked_until) or self.credit is not None

    def __repr__(self) -> str:
        return f"<Bucket {self.name or '(shared)'} {self.schedule!r} in_flight={self.in_flight}>"


class RateLimiter:
    """Per-bucket pacing for one client: :meth:`acquire` before a request, then :meth:`observe`
    with its answer or :meth:`release` without one.

    **Parameters:**

    * **max_wait** - the longest wait taken; a request that would wait longer goes at once (its
      429 becomes ``RateLimitError`` with ``retry_after``).
    * **store** - the budget shared with other processes (``_rate_store.RateStore``), or None.
    * **clock**, **sleep**, **wall_clock** - injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        max_wait: float,
        clock: Callable[[], float],
        sleep: Sleep,
        wall_clock: Callable[[], float] = time.time,
        store: RateStore | None = None,
    ) -> None:
        self.max_wait = max_wait
        self.store = store
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
        if bucket.paced or self.store is not None:
            return False
        bucket.in_flight += 1
        return True

    async def acquire(
        self, bucket: Bucket, route: str = "", again: Ticket | None = None
    ) -> Ticket | None:
        """Wait until ``bucket`` may send one more request; it counts as in flight from now
        (a request waiting for its turn will use the window as surely as one sent). Returns
        the turn taken, or None when the request goes unscheduled. ``again``: the turn of a
        probe that drew a 429, kept by its retry (it goes with the rest of its window)."""
        bucket.in_flight += 1
        try:
            while True:
                store = self.store
                watch = store is not None  # for the store to come back while we wait
                if store is not None and store.available:
                    turn = await self._shared_turn(store, bucket, route, again)
                    if turn is not None:
                        return turn
                    # The store knows no limit (yet, or any more) or failed: pace by ourselves.
                    watch = not store.available
                schedule = bucket.schedule
                if schedule is None:
                    break
                turn = await self._local_turn(schedule, bucket, again, watch)
                if turn is not None:
                    return turn
                # The failed store is due another try (it may be back): ask it for a turn.
            if bucket.paced:
                await self._wait_turn(bucket)
            return None
        except BaseException:
            bucket.in_flight -= 1
            raise

    async def _local_turn(
        self, schedule: WindowSchedule, bucket: Bucket, again: Ticket | None, watch: bool
    ) -> Ticket | None:
        """A turn from this process's schedule, waited for; None when, while waiting, the
        fleet's failed store became due another try (``watch``: it had failed)."""
        store = self.store
        now = self._clock()
        if store is not None:
            # Pacing by ourselves while the fleet's store fails: others share the budget
            # unseen, so spread the turns out from the start.
            schedule.crowded = max(schedule.crowded, schedule.tail)
        if again is not None and not again.shared:
            window, index, probe = again.window, again.index, False
            delay = schedule.wait(window, index, probe, now)
        if again is None or again.shared or delay < 0:
            delay, window, index, probe = schedule.reserve(now)
        while 0 < delay <= self.max_wait and bucket.schedule is schedule:
            await self._wait(delay)
            if watch and store is not None and store.available:
                return None
            delay = schedule.wait(window, index, probe, self._clock())
            if delay < 0:  # stale: the window was spent or may be over
                delay, window, index, probe = schedule.reserve(self._clock())
        return Ticket(window, index, probe, shared=False)

    async def _shared_turn(
        self, store: RateStore, bucket: Bucket, route: str, again: Ticket | None
    ) -> Ticket | None:
        """A turn from the store, waited for; None when it has none to give (see acquire)."""
        name = bucket.name or ""
        if again is not None and again.shared:
            window, index, probe = again.window, again.index, False
            delay = await store.wait(name, window, index, probe, self._wall_clock())
        else:
            turn = await store.reserve(route, bucket.name, self._wall_clock())
            if not isinstance(turn, tuple):
                return None
            name, delay, window, index, probe = turn
            if name and name != bucket.name:
                self._learn_route(route, name)  # this request stays counted where it is
        for _ in range(_RECHECKS):
            if delay is not None and delay < 0:  # stale: the window was spent or may be over
                turn = await store.reserve(route, name, self._wall_clock())
                if not isinstance(turn, tuple):
                    return None
                name, delay, window, index, probe = turn
            if delay is None or not 0 < delay <= self.max_wait:
                break
            await self._wait(delay)
            delay = await store.wait(name, window, index, probe, self._wall_clock())
        return Ticket(window, index, probe, shared=True)

    def release(self, bucket: Bucket) -> None:
        """The request counted by :meth:`acquire` ended without an answer (an error, a cancel)."""
        bucket.in_flight -= 1

    def observe(
        self,
        bucket: Bucket,
        route: str,
        status: int,
        headers: Headers,
        ticket: Ticket | None = None,
        sent: float | None = None,
    ) -> Awaitable[None] | None:
        """Learn from the answer to a request counted on ``bucket``, sent at ``sent`` (the
        limiter's clock) with ``ticket``. Returns the report to await for the shared store,
        if there is one to make."""
        counted = bucket
        counted.in_flight -= 1
        if status != 429 and RATE_LIMIT_REMAINING_HEADER not in headers:
            return None  # nothing to learn (the hot path when the service sends no limits)
        info = RateLimitInfo.from_headers(headers)
        if info.name is not None and info.name != bucket.name:
            bucket = self._learn_route(route, info.name)
        now = self._clock()
        sent = now if sent is None else sent
        limit, period = info.limit, info.period
        if limit is None or limit < 1 or period is None or period <= 0:
            # Not enough to know the windows: the remaining credit and the reset only.
            self._observe_partial(bucket, counted, status, headers, info, now)
            return None
        schedule = bucket.schedule
        local = ticket if ticket is not None and not ticket.shared else None
        if schedule is None or schedule.limit != limit or schedule.period != period:
            bucket.schedule = WindowSchedule.start(
                limit, period, sent, now, status, info.remaining, info.reset
            )
            bucket.credit, bucket.blocked_until = None, 0.0
        else:
            schedule.observe(
                None if local is None else local.window,
                local is not None and local.probe,
                sent,
                now,
                status,
                info.remaining,
                info.reset,
            )
        store = self.store
        if store is None or not store.available:
            return None
        if ticket is not None and ticket.shared and not ticket.probe and status != 429:
            # Of a window's answers the store needs this process's first only (its earliest).
            if ticket.window <= bucket.reported:
                return None
            bucket.reported = ticket.window
        skew = self._wall_clock() - now
        shared = ticket is not None and ticket.shared
        # An answer to a turn of our own tells the store the windows as we know them, in case
        # it knows none (it was restarted, or is new): better than one answer's.
        local_schedule = None if shared else bucket.schedule
        return store.observe(
            route,
            bucket.name,
            ticket.window if ticket is not None and shared else None,
            shared and ticket is not None and ticket.probe,
            sent + skew,
            now + skew,
            status,
            limit,
            period,
            info.remaining,
            info.reset,
            None
            if local_schedule is None
            else (local_schedule.lo + skew, local_schedule.hi + skew),
        )

    def _observe_partial(
        self,
        bucket: Bucket,
        counted: Bucket,
        status: int,
        headers: Headers,
        info: RateLimitInfo,
        now: float,
    ) -> None:
        # Requests of this route still counted on the bucket it used before the service named
        # its own will use the named window too.
        in_flight = bucket.in_flight + (counted.in_flight if counted is not bucket else 0)
        if status == 429:
            wait = retry_after_seconds(headers, self._wall_clock())
            self._block(bucket, now + (wait if wait is not None else 0.0))
            bucket.credit = None
        elif info.remaining is not None and info.reset is not None:
            bucket.credit, bucket.window_end = max(0, info.remaining - in_flight), now + info.reset
            if info.remaining <= 0:
                self._block(bucket, now + info.reset)  # the window is spent: wait for its end

    def _learn_route(self, route: str, name: str) -> Bucket:
        named = self._named.get(name)
        if named is None:
            named = self._named[name] = Bucket(name)
        if len(self._routes) >= _MAX_ROUTES:
            self._routes.clear()
        self._routes[route] = named
        return named

    def _block(self, bucket: Bucket, until: float) -> None:
        bucket.blocked_until = max(bucket.blocked_until, until)

    async def _wait(self, delay: float) -> None:
        logger.debug("pacing %.3fs for the request's turn in the rate-limit window", delay)
        await self._sleep(delay)

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
            if bucket.credit is None:
                return
            if now >= bucket.window_end:
                bucket.credit = None  # a new window, of a size only the service knows
                return
            if bucket.credit > 0:
                bucket.credit -= 1
                return
            self._block(bucket, bucket.window_end)  # spent: wait for the window's end
