"""The sending transport CaseManagement uses unless given one: httpx's API over aiohttp.

Chosen by measurement (bench/transport_choice.py, loopback, concurrency 32): httpx's own pool
reaches a fraction of the throughput of the same httpx API over aiohttp's connection pool
through httpx-aiohttp. This module only builds that transport and corrects how httpx-aiohttp
maps aiohttp's connection errors; retries and pacing are RetryTransport's (``_transport``).
"""

from __future__ import annotations

import httpx

from ._transport import _UNSENT_EXCEPTIONS, provably_unsent

__all__ = ["default_transport"]


def default_transport(*, verify: bool = True) -> httpx.AsyncBaseTransport:
    """The sending transport the client uses unless given one: httpx-aiohttp when installed.

    Measured by bench/transport_choice.py on loopback at concurrency 32: httpx's own pool is
    several times slower than the same httpx API over aiohttp (see the commit that chose it).
    Imported here, not at module import, so ``import ddcases`` doesn't pay for aiohttp.
    TLS verification stays on; timeouts come from the request (httpx.Timeout → aiohttp
    sock_connect / sock_read / connect), so the client's finite default applies.
    """
    try:
        import aiohttp
        from httpx_aiohttp import AiohttpTransport
    except ImportError:  # pragma: no cover - both are dependencies; kept for vendored copies
        return httpx.AsyncHTTPTransport(verify=verify)

    class _Transport(AiohttpTransport):
        """AiohttpTransport with the errors it maps to ConnectTimeout put right.

        httpx-aiohttp's table maps every aiohttp.ClientConnectionError to ConnectTimeout, and
        its more specific ClientConnectorError → ConnectError entry loses (ConnectError is not
        a ConnectTimeout subclass), so a refused port would read as a timeout. A plain
        connector failure becomes ConnectError; a real connect timeout stays ConnectTimeout;
        a failure after sending becomes a read or protocol error.
        """

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            try:
                return await super().handle_async_request(request)
            except _UNSENT_EXCEPTIONS as exc:
                cause = exc.__cause__
                if isinstance(exc, httpx.ConnectTimeout) and _refused(cause):
                    raise httpx.ConnectError(str(exc), request=request) from cause
                if provably_unsent(exc):
                    raise
                cls = (
                    httpx.RemoteProtocolError
                    if isinstance(exc.__cause__, aiohttp.ServerDisconnectedError)
                    else httpx.ReadError
                )
                raise cls(str(exc), request=request) from exc.__cause__

    def _refused(cause: BaseException | None) -> bool:
        # ClientConnectorError wraps the OSError from connect() (ECONNREFUSED, unreachable,
        # DNS, TLS); one whose OSError is itself a timeout (ETIMEDOUT) stays a timeout.
        return isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(
            cause.os_error, TimeoutError
        )

    ssl_context = httpx.create_ssl_context(verify=verify)

    def session() -> aiohttp.ClientSession:
        # httpx keeps the cookies; a second jar in aiohttp would only confuse.
        connector = aiohttp.TCPConnector(ssl=ssl_context, limit=100, keepalive_timeout=5.0)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    return _Transport(verify=ssl_context, client=session)
