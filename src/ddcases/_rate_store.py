"""The rate-limit budget shared by a fleet of processes, kept in Redis (``rate_limit_store=``).

Every process using the same keys reserves its requests' turns from one
:class:`~ddcases._windows.WindowSchedule` per bucket, kept in Redis and changed only by two Lua
scripts (each runs atomically, so no two processes take the same turn): ``RESERVE`` is
:meth:`WindowSchedule.reserve` and ``OBSERVE`` is :meth:`WindowSchedule.observe` and
:meth:`WindowSchedule.start`, written again in Lua (``tests/test_windows.py`` holds the two to
the same answers). Each process still learns the limit, the period and the windows from the
service's headers and reports what it learns; the store holds only bucket names, counters and
times, under one hash per organisation named by a digest of the key and the site (never the
key itself), which expires an hour after its last use.

Why redis-py and not ``limits``: ``limits`` counts requests in windows of its own clock, and
its async Redis storage can neither align them with the service's windows (learnt from the
answers) nor hand out turns in order; the pacing needs both, so the two scripts run through
redis-py's asyncio client, which loads them (``EVALSHA``, reloading after a restart),
reconnects and times out.

The store never stops the work: when Redis is down, slow (over ``TIMEOUT``) or answers
something else, :class:`RateStore` says so once in the log (where, never the password, and the
error's kind) and the process paces by itself (``_ratelimit``), trying the store again every
``RETRY_EVERY`` seconds and saying when it is back.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ._logs import logger
from ._windows import CROWDED_FOR, GUARD, NEVER, PROBE_WIDTH

if TYPE_CHECKING:
    from redis.asyncio import Redis as Redis  # noqa: PLC0414 - re-exported for _client

__all__ = ["OBSERVE", "RESERVE", "WAIT", "RateStore", "store_location"]

#: Seconds a store call may take before the process paces by itself.
TIMEOUT: Final = 0.25
#: Seconds between attempts to take a failed store back.
RETRY_EVERY: Final = 1.0
#: The organisation's hash expires this long after it was last written (milliseconds).
TTL_MS: Final = 3_600_000

_PRELUDE = f"""
local GUARD, PROBE_WIDTH, CROWDED_FOR = {GUARD!r}, {PROBE_WIDTH!r}, {CROWDED_FOR!r}
local NEVER = {NEVER!r}
local FIELDS = {{'limit', 'period', 'lo', 'hi', 'hi_window', 'tail', 'used', 'spent', 'crowded'}}
local function f(x) return string.format('%.17g', x) end
local h, route, name = KEYS[1], ARGV[1], ARGV[2]
local function load(p)
  local keys = {{}}
  for i, field in ipairs(FIELDS) do keys[i] = p .. field end
  local s = redis.call('HMGET', h, unpack(keys))
  local v = {{}}
  for i, field in ipairs(FIELDS) do v[field] = tonumber(s[i]) end
  return v
end
local function save(p, v, ttl)
  local args = {{}}
  for _, field in ipairs(FIELDS) do
    args[#args + 1] = p .. field
    args[#args + 1] = f(v[field])
  end
  redis.call('HSET', h, unpack(args))
  redis.call('PEXPIRE', h, ttl)
end
local function wait(v, window, index, probe, now)
  local period = v.period
  local begins = (window - 1) * period
  if window <= v.spent then
    v.crowded = math.max(v.crowded, window)
    return -1
  end
  if now >= v.lo + begins + period * (1 - GUARD) then return -1 end
  local latest = v.hi + begins
  if index > 0 and v.crowded >= window - CROWDED_FOR then
    latest = latest + index * math.max(0, period * (1 - GUARD) - (v.hi - v.lo)) / v.limit
  end
  if now >= latest then return 0 end
  local middle = begins + (v.lo + v.hi) / 2
  if probe == 1 then return math.max(0, middle - now) end
  local look = middle + (v.hi - v.lo) / 4
  if v.hi - v.lo > period * PROBE_WIDTH and now < look then return look - now end
  return latest - now
end
"""

#: ARGV: route, bucket name ('' when the service named none yet), now, ttl in ms. Returns
#: {{name}} when the store knows no limit for the bucket, else {{name, seconds to wait, window,
#: place in the window, probe (0/1)}}.
RESERVE: Final = (
    _PRELUDE
    + """
if name == '' then name = redis.call('HGET', h, 'route:' .. route) or '' end
local p = name .. '|'
local v = load(p)
if not v.limit then return {name} end
local now, period = tonumber(ARGV[3]), v.period
local current = math.floor((now + period * GUARD - v.lo) / period) + 1
if v.tail < current or v.used >= v.limit then
  v.tail = math.max(current, v.tail + 1)
  v.used = 0
end
local index = v.used
v.used = v.used + 1
save(p, v, ARGV[4])
local probe = 0
if index == 0 and now < v.hi + (v.tail - 1) * period and v.hi - v.lo > period * PROBE_WIDTH then
  probe = 1
end
return {name, f(math.max(0, wait(v, v.tail, index, probe, now))), v.tail, index, probe}
"""
)

#: ARGV: route, bucket name, window, place, probe (0/1), now. Returns the seconds the turn
#: still waits (answers since it was taken may have moved the window's start; -1: stale, the
#: window was spent or may be over), '' if the store knows no limit for the bucket.
WAIT: Final = (
    _PRELUDE
    + """
local p = name .. '|'
local v = load(p)
if not v.limit then return '' end
local crowded = v.crowded
local delay = wait(v, tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
if v.crowded ~= crowded then redis.call('HSET', h, p .. 'crowded', f(v.crowded)) end
return f(delay)
"""
)

#: ARGV: route, bucket name, window ('' when sent unreserved), probe ('1'/'0'), sent,
#: received, status, limit, period, remaining (''), reset (''), ttl in ms, and the bounds of
#: window 0's end as the reporting process knows them ('' ''), taken when the store knows no
#: windows for the bucket. Returns 1.
OBSERVE: Final = (
    _PRELUDE
    + """
if name ~= '' then redis.call('HSET', h, 'route:' .. route, name) end
local p = name .. '|'
local sent, received, status = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local limit, period = tonumber(ARGV[8]), tonumber(ARGV[9])
local remaining, reset = tonumber(ARGV[10]), tonumber(ARGV[11])
local v = load(p)

local function learn_reset(window)
  if reset == nil or reset < 0 then return end
  local shift = window * period
  if reset == math.floor(reset) then
    v.lo = math.max(v.lo, sent + reset - 1 - shift)
  else
    v.lo = math.max(v.lo, sent + reset - shift)
    if window >= v.hi_window then v.hi = math.min(v.hi, received + reset + 0.001 - shift) end
  end
end
local function consistent()
  if v.lo > v.hi then v.lo = v.hi - period end
end

if v.limit ~= limit or v.period ~= period then
  v = {limit = limit, period = period, lo = sent, hi = received + period, hi_window = 0,
       tail = 0, spent = NEVER, crowded = NEVER}
  local seed_lo, seed_hi = tonumber(ARGV[13]), tonumber(ARGV[14])
  if seed_lo and seed_hi and seed_lo <= seed_hi then
    -- the windows as the reporting process knows them; nothing of theirs is counted yet
    v.lo, v.hi, v.used = seed_lo, seed_hi, 0
  else
    learn_reset(0)
    consistent()
    if status == 429 or remaining == nil then v.used = limit else v.used = limit - remaining end
  end
  save(p, v, ARGV[12])
  return 1
end
local window = tonumber(ARGV[3])
if window == nil then
  window = math.floor((received - v.hi) / period) + 1
  if window == v.tail and remaining ~= nil and status ~= 429 then
    v.used = math.max(v.used, limit - remaining)
  end
elseif ARGV[4] == '1' and (status == 429 or remaining == nil or remaining < limit - 1) then
  v.lo = math.max(v.lo, sent - (window - 1) * period)
  if status ~= 429 and window == v.tail then v.used = v.used - 1 end
  consistent()
else
  local spent = status == 429 or remaining == 0
  if spent then
    if (window == v.tail and v.used < limit) or status == 429 then
      v.crowded = math.max(v.crowded, window)
    end
    v.spent = math.max(v.spent, window)
    if window == v.tail then v.used = limit end
  end
  if status ~= 429 then
    local bound = received - (window - 1) * period
    if window > v.hi_window then
      v.hi, v.hi_window = bound, window
    elseif window == v.hi_window and bound < v.hi then
      v.hi = bound
    end
    learn_reset(window)
    if window == v.tail and remaining ~= nil then v.used = math.max(v.used, limit - remaining) end
    consistent()
  end
end
save(p, v, ARGV[12])
return 1
"""
)


def store_location(store: Any) -> str:
    """Where ``store`` is, for the log: a URL without its user and password, or the client's
    host and port (never a credential)."""
    if isinstance(store, str):
        from urllib.parse import urlsplit

        parts = urlsplit(store)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"
    kwargs = getattr(getattr(store, "connection_pool", None), "connection_kwargs", {})
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def organisation_key(secret: str, origin: str) -> str:
    """The store's name for an organisation: a digest of its key and site, not the key."""
    digest = hashlib.sha256(f"{origin}\0{secret}".encode()).hexdigest()[:32]
    return f"ddcases:ratelimit:{digest}"


class RateStore:
    """The shared budget of one organisation in Redis; see the module docstring.

    **Parameters:**

    * **store** - a ``redis://`` / ``rediss://`` / ``unix://`` URL, or a ``redis.asyncio.Redis``
      client (left open by :meth:`aclose`: its owner closes it).
    * **key** - the organisation's hash (:func:`organisation_key`).
    * **clock** - the clock the retry interval is measured on.
    """

    def __init__(self, store: Any, key: str, *, clock: Callable[[], float] = time.monotonic):
        from ._dependencies import BOUNDS, check_versions

        try:
            import redis.asyncio as aioredis
        except ImportError as exc:  # tests/vendoring/test_runtime.py, in a venv without it
            low, high = BOUNDS["redis"]
            raise ImportError(
                "rate_limit_store needs redis-py, which is not installed: pip install "
                f"'redis>={low},<{high}' (the redis extra)"
            ) from exc

        check_versions()  # redis was not imported yet when the client checked the others
        self.location = store_location(store)
        if isinstance(store, str):
            self._client = aioredis.Redis.from_url(
                store, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
            )
            self._owns = True
        elif isinstance(store, aioredis.Redis):
            self._client, self._owns = store, False
        else:
            raise TypeError(
                "rate_limit_store must be a redis:// URL or a redis.asyncio.Redis client, "
                f"got {type(store).__name__}"
            )
        self.key = key
        self._clock = clock
        self._reserve = self._client.register_script(RESERVE)
        self._observe = self._client.register_script(OBSERVE)
        self._wait = self._client.register_script(WAIT)
        #: While the store is down: when to try it again (None: it is up).
        self._retry_at: float | None = None

    def __repr__(self) -> str:
        state = "up" if self._retry_at is None else "down"
        return f"<RateStore {self.location} {state}>"

    @property
    def available(self) -> bool:
        """False while the store is down and not yet due another try."""
        return self._retry_at is None or self._clock() >= self._retry_at

    async def reserve(
        self, route: str, name: str | None, now: float
    ) -> tuple[str, float, int, int, bool] | str | None:
        """A turn for ``route``'s bucket: ``(bucket name, seconds to wait, window, place in the
        window, probe)``; the bucket's name alone when the store knows no limit for it; None
        when the store failed (the caller paces by itself)."""
        answer = await self._call(self._reserve, [route, name or "", repr(now), TTL_MS])
        if answer is None:
            return None
        try:
            if not isinstance(answer, list):
                raise TypeError(f"an answer of type {type(answer).__name__}")
            bucket = _text(answer[0])
            if len(answer) == 1:
                return bucket  # (not proof enough that the store is back)
            delay, window, index = _delay(answer[1], 0), int(answer[2]), int(answer[3])
            probe = int(answer[4])
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            self._failed(exc)
            return None
        self._answered()
        return bucket, delay, window, index, probe == 1

    async def wait(
        self, name: str, window: int, index: int, probe: bool, now: float
    ) -> float | None:
        """Seconds the turn taken in ``window`` still waits (negative: the window may be over,
        take another turn); None when the store failed or forgot the bucket (the turn goes)."""
        args = ["", name, str(window), str(index), int(probe), repr(now)]
        answer = await self._call(self._wait, args)
        if answer is None:
            return None
        try:
            text = _text(answer)
            delay = _delay(text, -1) if text else None
        except (TypeError, ValueError) as exc:
            self._failed(exc)
            return None
        self._answered()
        return delay

    async def observe(
        self,
        route: str,
        name: str | None,
        window: int | None,
        probe: bool,
        sent: float,
        received: float,
        status: int,
        limit: int,
        period: float,
        remaining: int | None,
        reset: float | None,
        bounds: tuple[float, float] | None = None,
    ) -> None:
        """Report an answer (times on the wall clock); the schedule in the store learns it.
        ``bounds``: where this process knows window 0 to end, should the store know nothing."""
        answer = await self._call(
            self._observe,
            [
                route,
                name or "",
                "" if window is None else str(window),
                "1" if probe else "0",
                repr(sent),
                repr(received),
                str(status),
                str(limit),
                repr(period),
                "" if remaining is None else str(remaining),
                "" if reset is None else repr(reset),
                TTL_MS,
                "" if bounds is None else repr(bounds[0]),
                "" if bounds is None else repr(bounds[1]),
            ],
        )
        if answer == 1:
            self._answered()
        elif answer is not None:
            self._failed(ValueError("an unexpected answer"))

    async def aclose(self) -> None:
        if self._owns:
            await self._client.aclose()

    async def _call(self, script: Any, args: list[object]) -> Any:
        if not self.available:
            return None
        try:
            async with asyncio.timeout(TIMEOUT):
                answer = await script(keys=[self.key], args=args)
        except Exception as exc:  # noqa: BLE001 - any failure of the store: pace by ourselves
            self._failed(exc)
            return None
        return answer

    def _answered(self) -> None:
        """A well-formed answer came: the store is up (again)."""
        if self._retry_at is not None:
            self._retry_at = None
            logger.info("rate-limit store %s answers again: sharing its budget", self.location)

    def _failed(self, exc: BaseException) -> None:
        if self._retry_at is None:
            # The error's kind only: a message could quote the URL with its password.
            logger.warning(
                "rate-limit store %s failed (%s); pacing in this process until it answers",
                self.location,
                type(exc).__name__,
            )
        self._retry_at = self._clock() + RETRY_EVERY


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value
    raise TypeError(f"a bucket name of type {type(value).__name__}")


def _delay(value: object, low: float) -> float:
    """A wait the store answered, in seconds: a number from ``low`` up to days (not NaN)."""
    delay = float(_text(value))
    if not low <= delay < 1e7:
        raise ValueError(f"a wait of {delay}")
    return delay
