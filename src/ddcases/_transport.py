"""RetryTransport: retries, 429 waits and X-RateLimit pacing around any AsyncBaseTransport.

A wrapping transport (httpx docs/advanced/transports.md) so every generated call inherits the
policy, in front of the network, a MockTransport or an ASGITransport alike. The decisions are
small functions in the shape of openai-python's src/openai/_base_client.py
(``_should_retry``, ``_calculate_retry_timeout``, ``_parse_retry_after_header``) and
githubkit/retry.py; the shared pacing is githubkit/throttling.py's idea reduced to one window.
Datadog's rate-limit headers: https://docs.datadoghq.com/api/latest/rate-limits/
"""

from __future__ import annotations

import asyncio
import email.utils
import random as _random
import sys
import time
from collections.abc import Awaitable, Callable

import httpx

from ._constants import (
    CREATE_PATHS,
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
    RATE_LIMIT_REMAINING_HEADER,
    RATE_LIMIT_RESET_HEADER,
    RETRIES_EXTENSION,
    RETRY_AFTER_HEADER,
    RETRY_AFTER_MS_HEADER,
    RETRY_STATUSES,
)
from ._exceptions import CreateOutcomeUnknownError, scrub_transport_error
from ._logs import logger

__all__ = ["RetryTransport"]

Sleep = Callable[[float], Awaitable[None]]

# Failures worth another attempt; UnsupportedProtocol, LocalProtocolError, ProxyError and
# TooManyRedirects would fail the same way again.
_RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Raised before a byte of the request was written: even a create may be re-sent.
_UNSENT_EXCEPTIONS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def is_create(request: httpx.Request) -> bool:
    """POST /api/v2/cases or POST /api/v2/cases/projects (after any base-path prefix)."""
    path = request.url.path.rstrip("/")
    return request.method == "POST" and path.endswith(CREATE_PATHS)


def provably_unsent(exc: BaseException) -> bool:
    """True when the request cannot have reached the service (a connect-phase failure).

    httpx-aiohttp maps every aiohttp.ClientConnectionError, including ServerDisconnectedError
    after the request was written, to httpx.ConnectTimeout, so with an aiohttp cause only a real
    connect failure counts.
    """
    if not isinstance(exc, _UNSENT_EXCEPTIONS):
        return False
    cause = exc.__cause__
    aiohttp = sys.modules.get("aiohttp")
    if cause is None or aiohttp is None or not type(cause).__module__.startswith("aiohttp"):
        return True
    return isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def retry_after_seconds(headers: httpx.Headers, now: float | None = None) -> float | None:
    """The wait the service asks for: the largest of retry-after-ms, Retry-After (seconds or an
    HTTP date) and X-RateLimit-Reset (seconds until the window resets), or None."""
    waits: list[float] = []
    if (ms := _float(headers.get(RETRY_AFTER_MS_HEADER))) is not None:
        waits.append(ms / 1000)
    if (value := headers.get(RETRY_AFTER_HEADER)) is not None:
        seconds = _float(value)
        if seconds is None:
            try:
                date = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                date = None
            if date is not None:
                seconds = date.timestamp() - (time.time() if now is None else now)
        if seconds is not None:
            waits.append(seconds)
    if (reset := _float(headers.get(RATE_LIMIT_RESET_HEADER))) is not None:
        waits.append(reset)
    return max(0.0, *waits) if waits else None


def backoff_delay(
    retries_done: int, *, initial: float, maximum: float, random: Callable[[], float]
) -> float:
    """Exponential backoff with up to 25 % jitter (openai-python _calculate_retry_timeout)."""
    return min(initial * 2.0**retries_done, maximum) * (1 - 0.25 * random())


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries, rate-limit waits and pacing around ``inner``.

    Usage::

        transport = RetryTransport(default_transport(), max_retries=2)
        client = httpx.AsyncClient(base_url=..., transport=transport)

    **Parameters:**

    * **inner** - the transport that sends: network, MockTransport, ASGITransport.
    * **max_retries** - extra attempts after the first (429, 500, 502, 503, 504, connection
      errors, timeouts). A create (POST /api/v2/cases, POST /api/v2/cases/projects) is retried
      only after a 429 or a connect-phase failure; any other failure raises
      CreateOutcomeUnknownError at once.
    * **max_rate_limit_wait** - the longest wait accepted for a 429 or an exhausted window;
      past it the 429 is returned at once (the caller raises RateLimitError with retry_after).
    * **sleep**, **clock**, **wall_clock**, **random** - injectable so tests never wait.

    Each response is read in full before it is returned, so a body cut short is retried (or
    reported as an unknown create outcome) like any other transport failure.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        initial_retry_delay: float = INITIAL_RETRY_DELAY,
        max_retry_delay: float = MAX_RETRY_DELAY,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        for name, delay in (
            ("initial_retry_delay", initial_retry_delay),
            ("max_retry_delay", max_retry_delay),
        ):
            if not delay >= 0:  # NaN fails too
                raise ValueError(f"{name} must be >= 0 seconds, got {delay}")
        self.inner = inner
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.initial_retry_delay = initial_retry_delay
        self.max_retry_delay = max_retry_delay
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random
        # Shared window: while _remaining <= 0 and clock() < _reset_at, requests wait.
        self._remaining: int | None = None
        self._reset_at = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r}, max_retries={self.max_retries})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        create = is_create(request)
        retries = 0
        while True:
            await self._pace()
            try:
                response = await _buffered(await self.inner.handle_async_request(request), request)
            except _RETRY_EXCEPTIONS as exc:
                if create and not provably_unsent(exc):
                    raise CreateOutcomeUnknownError(
                        method=request.method, path=request.url.path, reason=type(exc).__name__
                    ) from scrub_transport_error(exc)
                if retries >= self.max_retries:
                    raise
                delay = self._backoff(retries)
                self._log(request, type(exc).__name__, retries, delay)
            else:
                self._observe(response)
                status = response.status_code
                if create and status >= 500:
                    await response.aread()  # the message carries the service's details
                    raise CreateOutcomeUnknownError(
                        method=request.method,
                        path=request.url.path,
                        status_code=status,
                        response=response,
                    )
                response.extensions[RETRIES_EXTENSION] = retries
                if status not in RETRY_STATUSES or retries >= self.max_retries:
                    return response
                hint = retry_after_seconds(response.headers, self._wall_clock())
                if status == 429 and hint is not None and hint > self.max_rate_limit_wait:
                    return response
                if hint is not None and hint <= self.max_rate_limit_wait:
                    delay = hint
                else:
                    delay = self._backoff(retries)
                await response.aclose()
                self._log(request, str(status), retries, delay)
            retries += 1
            await self._sleep(delay)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _backoff(self, retries_done: int) -> float:
        return backoff_delay(
            retries_done,
            initial=self.initial_retry_delay,
            maximum=self.max_retry_delay,
            random=self._random,
        )

    def _observe(self, response: httpx.Response) -> None:
        """Remember the window the service reports (Remaining/Reset, or a 429's wait)."""
        headers = response.headers
        remaining = _float(headers.get(RATE_LIMIT_REMAINING_HEADER))
        if response.status_code == 429:
            wait = retry_after_seconds(headers, self._wall_clock())
            if wait is not None:
                self._remaining, self._reset_at = 0, self._clock() + wait
        elif remaining is not None:
            reset = _float(headers.get(RATE_LIMIT_RESET_HEADER))
            if reset is not None:
                self._remaining, self._reset_at = int(remaining), self._clock() + reset

    async def _pace(self) -> None:
        """Wait for the window to reset when it is spent, instead of spending a 429.

        The lock makes waiters take their turn: each one that goes reserves one request of the
        remaining budget, so N tasks don't all rush into a window that has room for fewer.
        A wait longer than max_rate_limit_wait is not taken: the request goes and its 429
        reaches the caller as RateLimitError.
        """
        async with self._lock:
            if self._remaining is None:
                return
            if self._remaining <= 0:
                wait = self._reset_at - self._clock()
                if 0 < wait <= self.max_rate_limit_wait:
                    logger.debug("rate limit window spent; pacing %.2fs until it resets", wait)
                    await self._sleep(wait)
                if wait <= self.max_rate_limit_wait:
                    self._remaining = None  # a fresh window of unknown size
                    return
            self._remaining -= 1

    def _log(self, request: httpx.Request, why: str, retries: int, delay: float) -> None:
        logger.info(
            "retrying %s %s after %s (retry %d of %d) in %.2fs",
            request.method,
            request.url.path,
            why,
            retries + 1,
            self.max_retries,
            delay,
        )


async def _buffered(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    """Read the body inside the retry loop; return a response over the raw (still encoded)
    bytes so the client decodes it exactly as it would have."""
    if response.is_stream_consumed:  # built from bytes (MockTransport): already in memory
        return response
    try:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),
        request=request,
        extensions=response.extensions,
    )


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
