"""RetryTransport: retries, 429 waits and per-bucket rate-limit pacing around any transport.

A wrapping transport (httpx docs/advanced/transports.md) so every generated call inherits the
policy, in front of the network, a MockTransport or an ASGITransport alike. The decisions are
small functions in the shape of openai-python's src/openai/_base_client.py
(``_should_retry``, ``_calculate_retry_timeout``) and githubkit/retry.py; pacing is
githubkit/throttling.py's idea, kept per rate-limit bucket in ``_ratelimit``.

Each attempt is bounded as a whole by the request's timeout (our aiohttp transport does that
itself; for any other inner transport it is done here), and its body is read in full, capped
and decoded (``_response_body``) before the response is returned, so a body cut short is
retried (or reported as an unknown create outcome) like any other transport failure.
"""

from __future__ import annotations

import asyncio
import datetime
import random as _random
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from ._constants import (
    CREATE_PATHS,
    CREATES,
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
    RETRIES_EXTENSION,
    RETRY_STATUSES,
)
from ._exceptions import (
    CreateOutcomeUnknownError,
    redact_request,
    scrub_transport_error,
    sent_path,
)
from ._logs import logger
from ._ratelimit import RateLimiter, retry_after_seconds

if TYPE_CHECKING:
    from ._rate_store import RateStore
from ._response_body import BODY_ERROR, BodyError, decode, failed, read_capped, unframed

__all__ = ["RetryTransport", "attempt_deadline", "created_by", "is_create", "provably_unsent"]

Sleep = Callable[[float], Awaitable[None]]

# Failures worth another attempt; UnsupportedProtocol, LocalProtocolError, ProxyError and
# TooManyRedirects would fail the same way again.
_RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Raised before a byte of the request was written: even a create may be re-sent.
_UNSENT_EXCEPTIONS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# A path segment that is not a lower-case word (an id, a key, a UUID), for route names.
_ID_SEGMENT = re.compile(r"/(?![a-z_]+(?:/|$))[^/]+")
#: Request extension naming the operation (the generated client sets it: types.OPERATION_EXTENSION),
#: for pacing; requests without it are told apart by their path with the ids elided.
ROUTE_EXTENSION = "openapi.operation"


def created_by(request: httpx.Request) -> str | None:
    """What ``request`` creates if it is not idempotent ("case", "project", "comment"), else None.

    By the operation the generated client names (``CREATES``), else by method and path.
    """
    operation = request.extensions.get(ROUTE_EXTENSION)
    if operation is not None:
        return CREATES.get(operation)
    if request.method != "POST":
        return None
    path = request.url.path.rstrip("/")
    return next((what for suffix, what in CREATE_PATHS.items() if path.endswith(suffix)), None)


def is_create(request: httpx.Request) -> bool:
    """True for a request that is not idempotent (see :func:`created_by`)."""
    return created_by(request) is not None


def provably_unsent(exc: BaseException) -> bool:
    """True when the request cannot have reached the service (a connect-phase failure)."""
    return isinstance(exc, _UNSENT_EXCEPTIONS)


def attempt_deadline(request: httpx.Request) -> float | None:
    """Seconds one attempt may take in all: the largest part of the request's timeout."""
    parts = request.extensions.get("timeout") or {}
    finite = [v for v in parts.values() if v is not None]
    return max(finite) if finite else None


def backoff_delay(
    retries_done: int, *, initial: float, maximum: float, random: Callable[[], float]
) -> float:
    """Exponential backoff with up to 25 % jitter (openai-python _calculate_retry_timeout)."""
    return min(initial * 2.0**retries_done, maximum) * (1 - 0.25 * random())


def route_of(request: httpx.Request) -> str:
    """What a rate-limit bucket is learnt for: the operation, or the path with ids elided."""
    route = request.extensions.get(ROUTE_EXTENSION)
    if route is None:
        route = request.method + _ID_SEGMENT.sub("/{}", request.url.path)
    return str(route)


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries, rate-limit waits and pacing around ``inner``.

    Usage::

        transport = RetryTransport(AiohttpTransport(), max_retries=2)
        client = httpx.AsyncClient(base_url=..., transport=transport)

    **Parameters:**

    * **inner** - the transport that sends: network, MockTransport, ASGITransport.
    * **max_retries** - extra attempts after the first (429, 500, 502, 503, 504, connection
      errors, timeouts): the server sees at most ``1 + max_retries`` attempts. A create (POST
      /api/v2/cases, POST /api/v2/cases/projects) is retried only after a 429 or a
      connect-phase failure; any other failure raises CreateOutcomeUnknownError at once.
    * **max_rate_limit_wait** - the longest wait accepted for a 429 or an exhausted window;
      past it the 429 is returned at once (the caller raises RateLimitError with retry_after).
    * **max_response_bytes** - the largest body accepted from an inner transport that does not
      cap bodies itself.
    * **rate_limit_store** - the budget shared with other processes (``_rate_store``), or None.
    * **sleep**, **clock**, **wall_clock**, **random** - injectable so tests never wait.

    Worst case of one call: ``(1 + max_retries)`` attempts of at most the timeout each, plus
    the waits between them (each at most ``max_retry_delay``, or a rate-limit wait of at most
    ``max_rate_limit_wait``).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        initial_retry_delay: float = INITIAL_RETRY_DELAY,
        max_retry_delay: float = MAX_RETRY_DELAY,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random: Callable[[], float] = _random.random,
        rate_limit_store: RateStore | None = None,
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
        self.initial_retry_delay = initial_retry_delay
        self.max_retry_delay = max_retry_delay
        self.max_response_bytes = max_response_bytes
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random
        self.limiter = RateLimiter(
            max_wait=max_rate_limit_wait,
            clock=clock,
            sleep=sleep,
            wall_clock=wall_clock,
            store=rate_limit_store,
        )
        # Our aiohttp transport bounds each attempt and reads the body itself.
        self._inner_reads = bool(getattr(inner, "reads_bodies", False))

    @property
    def max_rate_limit_wait(self) -> float:
        return self.limiter.max_wait

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r}, max_retries={self.max_retries})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        create = created_by(request)
        limiter = self.limiter
        route = route_of(request)
        retries = 0
        again = None  # a probe's turn, kept by its retry after a 429
        while True:
            bucket = limiter.bucket(route)
            ticket = None if limiter.free(bucket) else await limiter.acquire(bucket, route, again)
            again = None
            sent = self._clock()
            try:
                if self._inner_reads:  # our transport: read, capped and within the deadline
                    response = await self.inner.handle_async_request(request)
                else:
                    response = await self._attempt(request)
            except _RETRY_EXCEPTIONS as exc:
                limiter.release(bucket)
                if create and not provably_unsent(exc):
                    raise CreateOutcomeUnknownError(
                        method=request.method,
                        path=sent_path(request.url),
                        reason=type(exc).__name__,
                        what=create,
                    ) from scrub_transport_error(exc)
                if retries >= self.max_retries:
                    raise
                delay = self._backoff(retries)
                self._log(request, type(exc).__name__, retries, delay)
            except BaseException:
                limiter.release(bucket)
                raise
            else:
                status = response.status_code
                report = limiter.observe(bucket, route, status, response.headers, ticket, sent)
                if report is not None:
                    await report
                if create and (status >= 500 or response.extensions.get(BODY_ERROR)):
                    raise CreateOutcomeUnknownError(
                        method=request.method,
                        path=sent_path(request.url),
                        status_code=status,
                        reason=str(response.extensions.get(BODY_ERROR) or ""),
                        response=response,
                        what=create,
                    )
                response.extensions[RETRIES_EXTENSION] = retries
                if status not in RETRY_STATUSES or retries >= self.max_retries:
                    return response
                hint = retry_after_seconds(response.headers, self._wall_clock())
                if hint is not None and hint > self.max_rate_limit_wait:
                    if status == 429:
                        return response  # not worth waiting for: RateLimitError at once
                    hint = None
                if status == 429 and limiter.bucket(route).schedule is not None:
                    delay = 0.0  # the bucket's windows are known: its next turn is the wait
                    again = ticket if ticket is not None and ticket.probe else None
                else:
                    # (a 429's wait also holds the whole bucket: other tasks wait in acquire)
                    delay = hint if hint is not None else self._backoff(retries)
                self._log(request, str(status), retries, delay)
            retries += 1
            if delay > 0:
                await self._sleep(delay)

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            if self.limiter.store is not None:
                await self.limiter.store.aclose()

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One attempt through an inner transport that neither bounds it nor reads the body."""
        deadline = attempt_deadline(request)
        start = time.monotonic()
        try:
            async with asyncio.timeout(deadline):
                response = await self.inner.handle_async_request(request)
                response = await _read(response, request, self.max_response_bytes)
                response.elapsed = datetime.timedelta(seconds=time.monotonic() - start)
                return response
        except TimeoutError:
            # Raised outside the timeout's scope; whether the request was written is unknown.
            pass
        raise httpx.ReadTimeout(
            f"no complete answer within the {deadline}s timeout", request=redact_request(request)
        )

    def _backoff(self, retries_done: int) -> float:
        return backoff_delay(
            retries_done,
            initial=self.initial_retry_delay,
            maximum=self.max_retry_delay,
            random=self._random,
        )

    def _log(self, request: httpx.Request, why: str, retries: int, delay: float) -> None:
        logger.info(
            "retrying %s %s after %s (retry %d of %d) in %.2fs",
            request.method,
            sent_path(request.url),
            why,
            retries + 1,
            self.max_retries,
            delay,
        )


async def _read(response: httpx.Response, request: httpx.Request, cap: int) -> httpx.Response:
    """Read the body of an inner transport's response within ``cap``; return a response over
    the decoded bytes (or one carrying the body error, see ``_response_body``)."""
    if response.is_stream_consumed:  # built from bytes (MockTransport): already in memory
        raw = response.content
        if len(raw) > cap:
            return failed(response, BodyError(f"the response body is larger than {cap:,} bytes"))
        return response
    try:
        raw = await read_capped(response.aiter_raw(), cap)
        content = decode(raw, response.headers.get("Content-Encoding"), cap)
    except BodyError as exc:
        return failed(_with_request(response, request), exc)
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=unframed(response.headers.multi_items()),
        content=content,
        request=request,
        extensions=response.extensions,
    )


def _with_request(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    response.request = request
    return response
