"""The transport ``CaseManagement`` sends with unless given one, built without blocking the loop.

Constructing a client must not stall the event loop it runs in (a service may build one per
tenant while other tasks run): importing aiohttp takes 0.1-0.6 s and building an SSL context
20-55 ms. So construction only checks that aiohttp is installed; :class:`DeferredTransport`
imports it and builds the one SSL context all clients share in a worker thread, on the first
request, while the loop goes on running other tasks. Without aiohttp, httpx's own connection
pool is used instead, with one warning.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import TYPE_CHECKING

import httpx

from ._logs import logger

if TYPE_CHECKING:
    from ._aiohttp_transport import AiohttpTransport

__all__ = ["DeferredTransport", "default_transport", "shared_ssl_context"]

_fallback_warned = False
# True once aiohttp is imported and the shared SSL context built (in a worker thread).
_loaded = False


def default_transport(max_response_bytes: int) -> httpx.AsyncBaseTransport:
    """Our aiohttp transport (deferred); httpx's own pool, with one warning, without aiohttp."""
    global _fallback_warned
    import importlib.util  # here, not at import: `import ddcases` stays as fast (bench (d))

    missing = [name for name in ("aiohttp", "yarl") if importlib.util.find_spec(name) is None]
    if not missing:
        return DeferredTransport(max_response_bytes)
    if not _fallback_warned:
        _fallback_warned = True
        # Measured on loopback at concurrency 32 (the README's "Dependency choices" table:
        # httpx's own pool 0.03x raw aiohttp, httpx over our transport 0.27x).
        logger.warning(
            "ddcases: %s is not installed, so requests go through httpx's own connection pool, "
            "measured about 9x slower than the default transport at concurrency 32; install "
            "aiohttp for the default transport",
            " and ".join(missing),
        )
    return httpx.AsyncHTTPTransport(verify=shared_ssl_context())


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The SSL context of every client that verifies as usual: built once, then shared (each
    ``httpx.create_ssl_context()`` loads the CA bundle again, 20-55 ms)."""
    return httpx.create_ssl_context()


class DeferredTransport(httpx.AsyncBaseTransport):
    """:class:`~ddcases._aiohttp_transport.AiohttpTransport`, imported and built in a worker
    thread on the first request (see the module docstring)."""

    #: As AiohttpTransport: responses come back read, capped and within the deadline.
    reads_bodies = True

    def __init__(self, max_response_bytes: int) -> None:
        self.max_response_bytes = max_response_bytes
        self._inner: AiohttpTransport | None = None
        self._building: asyncio.Future[AiohttpTransport] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_response_bytes={self.max_response_bytes})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner
        if inner is None:
            inner = await self._build()
        return await inner.handle_async_request(request)

    async def _build(self) -> AiohttpTransport:
        if _loaded and self._building is None:  # imported, SSL context built: nothing blocks
            self._inner = _aiohttp_transport(self)
            return self._inner
        if self._building is None:
            self._building = asyncio.ensure_future(asyncio.to_thread(_aiohttp_transport, self))
        # Shielded: a cancelled first request leaves the build to finish for the next one.
        inner = await asyncio.shield(self._building)
        self._inner = inner
        return inner

    async def aclose(self) -> None:
        building = self._building
        if self._inner is None and building is not None and _succeeded(building):
            self._inner = building.result()
        if self._inner is not None:
            await self._inner.aclose()


def _succeeded(future: asyncio.Future[AiohttpTransport]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _aiohttp_transport(deferred: DeferredTransport) -> AiohttpTransport:
    """The import and the shared SSL context happen here: in a worker thread the first time."""
    from ._aiohttp_transport import AiohttpTransport
    from ._dependencies import check_versions

    global _loaded
    check_versions()  # aiohttp is imported now
    transport = AiohttpTransport(
        verify=shared_ssl_context(), max_response_bytes=deferred.max_response_bytes
    )
    _loaded = True
    return transport
