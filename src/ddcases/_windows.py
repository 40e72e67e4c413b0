"""The service's fixed rate-limit windows, and when the next request of a bucket may go.

Datadog allows ``X-RateLimit-Limit`` requests per ``X-RateLimit-Period`` seconds in fixed
windows, and says when the current one ends only to the whole second (``X-RateLimit-Reset``,
rounded up). Waiting for that rounded second from the moment a window runs out idles up to a
whole window each time; bursting at a guessed start sends a window's requests into the
previous one. :class:`WindowSchedule` instead keeps **bounds** on where the windows' ends lie
and narrows them from what the answers prove:

* any answer to a request sent at ``sent`` and answered at ``received`` lies in a window that
  ends after ``sent`` (and after ``sent + Reset - 1`` with a whole-second ``Reset``, after
  ``sent + Reset`` with an exact one) and no later than ``received + period``;
* the earliest answer of a window proves that window began before it was received, so its
  end is no later than ``received + period`` (true of windows on a fixed grid and of windows
  that start with the first request after the last one ended alike);
* a **probe** - the first request of a window whose start is still uncertain, sent alone at
  the middle of the uncertainty - either lands in the new window (the start lies before it
  was received) or in the old, full one (a 429: the old window ends after it was sent). Each
  probe halves the uncertainty, at the cost of at most one 429 a window; once the start is
  known within ``PROBE_WIDTH`` of a period, no more probes go.

Requests **reserve** their turn: the window being filled takes ``limit`` reservations, in the
order they are asked for (so no call waits behind later ones), then the next window begins.
A reservation in a window whose start is already past goes at once; the others wait for the
latest time the window can have started, when the whole window's worth goes together (asked
again when the wait is over: where windows start with the first request after the last one
ended, a window's start is known only once the one before it has begun). A
request is never sent in the last ``GUARD`` of a window (it could arrive in the next one).

Windows are numbered from the bounds' origin: window ``k`` ends in
``[lo + k*period, hi + k*period]``. The same rules run in Redis for a fleet (``_rate_store``,
its Lua script is this class written again); ``tests/test_windows.py`` holds both to the same
answers.
"""

from __future__ import annotations

import math

__all__ = ["CROWDED_FOR", "CROWDED_START", "GUARD", "NEVER", "PROBE_WIDTH", "WindowSchedule"]

#: Fraction of a period before a window's earliest possible end from which no request is sent
#: in that window: it could arrive after the end, in a window already counted full.
GUARD = 0.01
#: Probes go while a window's start is known less precisely than this fraction of a period.
PROBE_WIDTH = 0.02
#: A window number before any (the spent and crowded window when there is none yet).
NEVER = -(2**53)
#: Windows after a crowded one in which turns stay spread out (a process that bursts while
#: others spread sees no sign of them: it would take their windows).
CROWDED_FOR = 30
#: The crowded window a process's schedule starts with: its first 3 windows spread out.
CROWDED_START = 3 - CROWDED_FOR
#: How much later than ``received + Reset`` an exact (fractional) ``Reset`` may put the end.
_EXACT_SLACK = 0.001


class WindowSchedule:
    """When requests of one bucket may go, for a service allowing ``limit`` per ``period``.

    Built from the first answer carrying the limit (:meth:`start`); then :meth:`reserve`
    before each request, :meth:`wait` when its wait is over, and :meth:`observe` with each
    answer. Times are seconds on any one clock; nothing here sleeps or reads a clock.
    """

    __slots__ = (
        "crowded",
        "hi",
        "hi_window",
        "limit",
        "lo",
        "period",
        "spent",
        "tail",
        "used",
    )

    def __init__(self, limit: int, period: float, lo: float, hi: float) -> None:
        self.limit = limit
        self.period = period
        #: Bounds of the end of window 0 (window k: the same plus k periods).
        self.lo = lo
        self.hi = hi
        #: The window whose earliest answer set ``hi``.
        self.hi_window = 0
        #: The window being filled, and how many turns it holds.
        self.tail = 0
        self.used = 0
        #: The last window the service said was spent (a 429, or ``Remaining: 0``): its turns
        #: not yet taken are stale.
        self.spent = NEVER
        #: The last window others spent part of (it ran out before our turns in it did).
        #: For ``CROWDED_FOR`` windows after it, the turns of a window do not go together but
        #: spread over the part of it surely in the window, so that every client sharing the
        #: budget unseen (processes without a shared store) sees it run out in time to stop.
        self.crowded = NEVER

    @classmethod
    def start(
        cls,
        limit: int,
        period: float,
        sent: float,
        received: float,
        status: int,
        remaining: int | None,
        reset: float | None,
        crowded: int = CROWDED_START,
    ) -> WindowSchedule:
        """The schedule known from one answer, which lies in window 0. ``crowded``: the window
        taken as the last crowded one; by default a process spreads its first windows' turns,
        since it cannot know yet whether others share the budget (a shared store, which sees
        every process, starts with ``NEVER``)."""
        schedule = cls(limit, period, sent, received + period)
        schedule._learn_reset(0, sent, received, reset)
        schedule._consistent()
        schedule.used = limit if status == 429 or remaining is None else limit - remaining
        schedule.crowded = crowded
        return schedule

    def __repr__(self) -> str:
        return (
            f"<WindowSchedule {self.limit}/{self.period:g}s ends in "
            f"[{self.lo:.3f}, {self.hi:.3f}] + k*{self.period:g}; window {self.tail} "
            f"holds {self.used}>"
        )

    def reserve(self, now: float) -> tuple[float, int, int, bool]:
        """Take the next turn: ``(seconds to wait, its window, its place in the window,
        whether it is a probe)``. Ask :meth:`wait` again when the wait is over."""
        period = self.period
        current = math.floor((now + period * GUARD - self.lo) / period) + 1
        if self.tail < current or self.used >= self.limit:
            self.tail = max(current, self.tail + 1)
            self.used = 0
        index = self.used
        self.used += 1
        probe = (
            index == 0
            and now < self.hi + (self.tail - 1) * period
            and self.hi - self.lo > period * PROBE_WIDTH
        )
        return max(0.0, self.wait(self.tail, index, probe, now)), self.tail, index, probe

    def wait(self, window: int, index: int, probe: bool, now: float) -> float:
        """Seconds until the turn ``index`` of ``window`` may go: none once the window has
        surely begun (plus ``index`` gaps); a probe goes at the middle of the uncertainty
        about the start, the others at its end, looking again once the probe may have
        answered (it can move the start earlier). Negative when the turn is stale (the window
        was spent, which shows others spend it too, or may be over before the turn arrives):
        take another."""
        period = self.period
        begins = (window - 1) * period
        if window <= self.spent:
            # Spent before this turn of ours: others draw on the budget too.
            self.crowded = max(self.crowded, window)
            return -1.0
        if now >= self.lo + begins + period * (1 - GUARD):
            return -1.0
        latest = self.hi + begins
        if index and self.crowded >= window - CROWDED_FOR:
            spread = period * (1 - GUARD) - (self.hi - self.lo)
            latest += index * max(0.0, spread) / self.limit
        if now >= latest:
            return 0.0
        middle = begins + (self.lo + self.hi) / 2
        if probe:
            return max(0.0, middle - now)
        look = middle + (self.hi - self.lo) / 4
        if self.hi - self.lo > period * PROBE_WIDTH and now < look:
            return look - now
        return latest - now

    def observe(
        self,
        window: int | None,
        probe: bool,
        sent: float,
        received: float,
        status: int,
        remaining: int | None,
        reset: float | None,
    ) -> None:
        """Learn from the answer to a request reserved in ``window`` (None: sent unreserved)."""
        period = self.period
        if window is None:
            # Sent before this schedule existed: only the count of the window it fell in.
            window = math.floor((received - self.hi) / period) + 1
            if window == self.tail and remaining is not None and status != 429:
                self.used = max(self.used, self.limit - remaining)
            return
        if probe and (status == 429 or remaining is None or remaining < self.limit - 1):
            # The probe fell in the previous window: that one ends after it was sent. After a
            # 429 its retry keeps the probe's turn; if it went through, the turn is free again.
            self.lo = max(self.lo, sent - (window - 1) * period)
            if status != 429 and window == self.tail:
                self.used -= 1
            self._consistent()
            return
        if status == 429 or remaining == 0:
            # The window is spent. Before our turns in it were, if others spend it too.
            if (window == self.tail and self.used < self.limit) or status == 429:
                self.crowded = max(self.crowded, window)
            self.spent = max(self.spent, window)
            if window == self.tail:
                self.used = self.limit
            if status == 429:
                return
        # The window began before this answer arrived, so it ends within a period of it.
        bound = received - (window - 1) * period
        if window > self.hi_window:
            self.hi, self.hi_window = bound, window
        elif window == self.hi_window and bound < self.hi:
            self.hi = bound
        self._learn_reset(window, sent, received, reset)
        if window == self.tail and remaining is not None:
            self.used = max(self.used, self.limit - remaining)
        self._consistent()

    def _learn_reset(self, window: int, sent: float, received: float, reset: float | None) -> None:
        if reset is None or reset < 0:
            return
        shift = window * self.period
        if reset.is_integer():  # rounded up to the second: the end is after sent + reset - 1
            self.lo = max(self.lo, sent + reset - 1 - shift)
        else:  # exact: the end lies between sent + reset and received + reset
            self.lo = max(self.lo, sent + reset - shift)
            if window >= self.hi_window:
                self.hi = min(self.hi, received + reset + _EXACT_SLACK - shift)

    def _consistent(self) -> None:
        # Answers that contradict the bounds (the service moved its windows): start over from
        # the upper bound, which answers only ever prove.
        if self.lo > self.hi:
            self.lo = self.hi - self.period
