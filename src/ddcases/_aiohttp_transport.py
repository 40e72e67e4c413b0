"""AiohttpTransport: httpx's transport interface over aiohttp's connection pool, ours.

Why aiohttp: at concurrency 32 on loopback httpx's own pool reaches a fraction of aiohttp's
throughput (bench/transport_choice.py). Why our own transport rather than httpx-aiohttp: that
adapter streams each body through httpx's async iterators, maps aiohttp's errors to the wrong
httpx ones (every connection error became ConnectTimeout), chained aiohttp errors that hold the
request headers (the keys), let aiohttp retry idempotent requests behind our retry budget and
had no deadline, body cap or protection against a connection the server already closed. Here:

* **One deadline per attempt.** ``timeout`` bounds connect, send, headers and body together
  (aiohttp's ``total``), so a server dripping a byte a second cannot hold a call past it; the
  parts of an ``httpx.Timeout`` keep their meaning (connect, read between bytes).
* **The body is read here**, capped at ``max_response_bytes`` and decoded within the cap
  (``_response_body``); the response handed up is already read.
* **Every failure is an httpx error**, raised outside the handler of the aiohttp one, so no
  aiohttp exception (whose ``request_info`` holds the request headers) is chained or kept as
  context, and the request an error carries is a copy without credentials. Connect-phase
  failures (``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``) mean nothing was sent;
  anything later may have reached the server.
* **No hidden retries**: aiohttp re-sends an idempotent request once when a reused connection
  fails; that is turned off so the server sees exactly ``1 + max_retries`` attempts.
* **No request other than a GET on a connection the client can know is closed**: a pooled
  connection whose socket already holds an EOF (or stray bytes) is discarded before a
  non-GET request is written on it, so a create is never lost to the server's close.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime
import io
import socket
import ssl
import warnings
import weakref
from typing import Any

import aiohttp
import httpx
from yarl import URL

from ._constants import DEFAULT_MAX_RESPONSE_BYTES
from ._default_transport import shared_ssl_context
from ._exceptions import redact_request
from ._logs import scrub
from ._response_body import BodyError, decode, failed, read_capped, too_large

__all__ = ["AiohttpTransport"]

# Set while a request is under way: True once a connection was acquired, so a timeout can tell
# "never sent" from "may have been sent".
_connected: contextvars.ContextVar[bool] = contextvars.ContextVar("ddcases_connected")

# aiohttp warns (ResourceWarning) about sending bytes bodies over 1 MiB; larger ones go as a
# file-like object, which it writes in chunks.
_LARGE_BODY = 1024 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0)  # asyncio's sockets are non-blocking anyway
# The headers aiohttp adds to a request that lacks them (names as httpx's multi_items gives).
_AUTO = ("User-Agent", "Accept", "Accept-Encoding")
_AUTO_HEADERS = frozenset(name.lower() for name in _AUTO)


UNCLOSED = (
    "a ddcases CaseManagement client was never closed, so its connections stayed open until "
    "it was garbage collected: use `async with CaseManagement(...) as dd:`, or call "
    "`await dd.aclose()` when done with it"
)


def _warn_never_closed(source: object) -> None:
    warnings.warn(UNCLOSED, ResourceWarning, stacklevel=2, source=source)


class _Connector(aiohttp.TCPConnector):
    """TCPConnector that records that a connection was acquired and, for requests other than
    GET, skips pooled connections the server has already closed (see the module docstring).

    A pool its transport dropped without closing says so once, in ddcases' words (naming the
    fix), instead of aiohttp's "Unclosed client session" and "Unclosed connector ... _Connector"
    printed at exit: it counts as closed once its transport is garbage (so the session's
    finalizer stays silent, whichever runs first), and closes its sockets quietly.
    """

    def __init__(self, owner: AiohttpTransport, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owner = weakref.ref(owner)

    @property
    def closed(self) -> bool:
        return self._closed or self._owner() is None

    def close_quietly(self) -> bool:
        """Close the pool's sockets without awaiting; True if it held any."""
        if self._closed:
            return False
        held = bool(self._conns)
        with contextlib.suppress(Exception):  # a finalizer must not raise (a closed loop)
            self._close()
        self._closed = True
        return held

    def __del__(self, _warnings: Any = None) -> None:
        # Reached open only when the transport's own __del__ did not run first (a cycle).
        if self.close_quietly():
            _warn_never_closed(self)

    async def connect(self, req: Any, *args: Any, **kwargs: Any) -> Any:
        # (traces, timeout) passed through unnamed: a parameter named timeout on an async
        # function is ASYNC109, and a noqa for it is RUF100 under ruff's default rules.
        careful = req.method not in _SAFE_METHODS
        for _ in range(64):  # each discarded connection leaves the pool; this ends quickly
            conn = await super().connect(req, *args, **kwargs)
            if careful and _peer_gone(conn):
                conn.close()
                continue
            _connected.set(True)
            return conn
        raise aiohttp.ServerDisconnectedError("every pooled connection was closed by the server")


def _peer_gone(conn: Any) -> bool:
    """True when the connection's socket already holds an EOF or unread bytes (never on an
    idle, healthy keep-alive connection)."""
    transport = conn.transport
    if transport is None or transport.is_closing():
        return True
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    try:
        with sock.dup() as peek:
            peek.recv(1, socket.MSG_PEEK | _DONTWAIT)  # b"" (EOF) or a stray byte: unusable
    except BlockingIOError:
        return False  # nothing to read: the connection is idle and open
    except OSError:
        pass
    return True


class AiohttpTransport(httpx.AsyncBaseTransport):
    """The transport ``CaseManagement`` sends with by default (see the module docstring).

    Usage::

        transport = AiohttpTransport(max_response_bytes=8 * 2**20)
        async with httpx.AsyncClient(base_url=..., transport=transport) as client: ...

    **Parameters:**

    * **verify** - TLS verification: True (the default), False, or an ``ssl.SSLContext``.
    * **max_response_bytes** - the largest body accepted, after decompression.
    * **max_connections** - the pool size.
    * **keepalive_expiry** - seconds an idle connection is kept.

    One instance belongs to one event loop: the first it is used in.
    """

    #: Tells RetryTransport that responses come back read, capped and within the deadline.
    reads_bodies = True

    def __init__(
        self,
        *,
        verify: bool | ssl.SSLContext = True,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
    ) -> None:
        if verify is True:
            verify = shared_ssl_context()  # built once per process, not once per client
        elif not isinstance(verify, ssl.SSLContext):
            verify = httpx.create_ssl_context(verify=verify)
        self.ssl_context = verify
        self.max_response_bytes = max_response_bytes
        self.max_connections = max_connections
        self.keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_response_bytes={self.max_response_bytes})"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or loop is not self._loop:
            session = self._open(loop)
        try:
            body = request.content
        except httpx.RequestNotRead:
            body = await request.aread()
        data: bytes | io.BytesIO | None = body or None
        if body and len(body) > _LARGE_BODY:
            data = io.BytesIO(body)
        _connected.set(False)
        start = loop.time()
        error: httpx.TransportError
        try:
            resp = await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                **_headers_of(request),
                data=data,
                allow_redirects=False,
                timeout=self._timeout(request.extensions.get("timeout")),
            )
            try:
                raw = await self._read(resp)
            finally:
                resp.release()
        except BodyError as exc:
            return failed(self._response(resp, b"", request, start), exc)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an httpx error (below)
            error = _mapped(exc, request, connected=_connected.get(False))
        else:
            return self._response(resp, raw, request, start)
        # Raised here, outside the handler, so the aiohttp error is neither cause nor context.
        raise error

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def __del__(self) -> None:
        # Garbage while its pool is open: the client was never closed (see _Connector).
        session = self.__dict__.get("_session")
        if session is None or session.closed:
            return
        connector = session.connector
        session.detach()  # the session counts as closed and leaves the connector to us
        if isinstance(connector, _Connector) and connector.close_quietly():
            _warn_never_closed(self)

    # ---------------------------------------------------------------- helpers

    def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self._loop is not None and self._session is None:
            raise RuntimeError("this transport is closed")
        if self._loop is not None:
            raise RuntimeError(
                "this ddcases client is bound to the event loop it was first used in; "
                "create one client per event loop (for example inside the coroutine that "
                "asyncio.run() runs)"
            )
        connector = _Connector(
            self,
            ssl=self.ssl_context,
            limit=self.max_connections,
            keepalive_timeout=self.keepalive_expiry,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # the API is stateless
            auto_decompress=False,  # _response_body decodes, within the cap
        )
        # aiohttp re-sends an idempotent request once when a reused connection fails (RFC 9112
        # §9.3.1), unseen by our retry budget; there is no public switch. Pinned below aiohttp 4,
        # and tests/reliability count the attempts the server sees.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        self._session, self._loop = session, loop
        return session

    def _timeout(self, parts: dict[str, float | None] | None) -> aiohttp.ClientTimeout:
        key = tuple(parts.values()) if parts else ()  # httpx: connect, read, write, pool
        timeout = self._timeouts.get(key)
        if timeout is None:
            connect, read = (parts or {}).get("connect"), (parts or {}).get("read")
            finite = [p for p in key if p is not None]
            total = max(finite) if finite else None
            # A read timeout no tighter than the deadline adds only a timer re-armed on every
            # chunk received (about 2 % of a call's CPU): leave it to the deadline.
            if read is not None and total is not None and read >= total:
                read = None
            timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
            if len(self._timeouts) < 64:
                self._timeouts[key] = timeout
        return timeout

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        cap = self.max_response_bytes
        declared = resp.content_length
        if declared is not None:
            if declared > cap:
                resp.close()  # unread bytes: the connection cannot be reused
                raise too_large(cap)
            return await resp.read()
        try:
            return await read_capped(resp.content.iter_any(), cap)
        except BodyError:
            resp.close()
            raise

    def _response(
        self, resp: aiohttp.ClientResponse, raw: bytes, request: httpx.Request, start: float
    ) -> httpx.Response:
        headers: Any = resp.raw_headers
        encoding = resp.headers.get("Content-Encoding")
        content = raw
        error: BodyError | None = None
        if encoding:
            try:
                content = decode(raw, encoding, self.max_response_bytes)
            except BodyError as exc:
                content, error = b"", exc
            headers = [
                (k, v)
                for k, v in headers
                if k.lower() not in (b"content-encoding", b"content-length")
            ]
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if resp.reason:
            extensions["reason_phrase"] = resp.reason.encode("ascii", "replace")
        response = read_response(resp.status, headers, content, request, extensions)
        response.elapsed = datetime.timedelta(seconds=asyncio.get_running_loop().time() - start)
        return response if error is None else failed(response, error)


def read_response(
    status: int, headers: Any, body: bytes, request: httpx.Request, extensions: dict[str, Any]
) -> httpx.Response:
    """An ``httpx.Response`` over a body already in memory, marked as read.

    ``httpx.Response(content=...)`` runs the whole read machinery (decoders, chunker, request
    context) to copy bytes it was handed: ~10 µs, 3 % of a get's CPU. Here the body is given as a
    stream and also stored where httpx keeps a read body (``_content``); were httpx to rename
    that, ``.content`` would read the stream instead, slower but the same bytes
    (tests/test_aiohttp_transport.py checks the shortcut still holds).
    """
    response = httpx.Response(
        status,
        headers=headers,
        stream=httpx.ByteStream(body),
        request=request,
        extensions=extensions,
    )
    response._content = body
    response.is_stream_consumed = True
    response.is_closed = True
    return response


def _headers_of(request: httpx.Request) -> dict[str, Any]:
    """aiohttp's ``headers`` and ``skip_auto_headers`` for ``request``.

    The request goes as httpx built it: aiohttp adds Accept, Accept-Encoding (br and zstd too
    when installed, which _response_body cannot undo) and User-Agent when they are missing, so
    it is asked not to, but only then: on the session the skip would cost every request a
    sorted copy of its headers (~2 % of a get's CPU). Built here rather than in a local of
    handle_async_request, whose locals a traceback can show (capture_locals): they hold keys.
    """
    headers = request.headers.multi_items()
    complete = {name for name, _ in headers} >= _AUTO_HEADERS
    return {"headers": headers, "skip_auto_headers": None if complete else _AUTO}


def _mapped(exc: Exception, request: httpx.Request, *, connected: bool) -> httpx.TransportError:
    """The httpx error for an aiohttp failure: its kind and message, a redacted request."""
    cls: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        cls = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        cls = httpx.ConnectError
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        cls = httpx.ReadTimeout
    elif isinstance(exc, TimeoutError):  # the attempt's deadline (aiohttp's total)
        cls = httpx.ReadTimeout if connected else httpx.PoolTimeout
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        cls = httpx.UnsupportedProtocol
    elif not connected:
        cls = httpx.ConnectError
    elif isinstance(exc, aiohttp.ClientOSError | aiohttp.ClientPayloadError | OSError):
        cls = httpx.ReadError
    else:  # ServerDisconnectedError, a malformed status line or header, anything unexpected
        cls = httpx.RemoteProtocolError
    detail = str(exc) or "no detail"
    message = scrub(f"{type(exc).__name__}: {detail}")
    return cls(message, request=redact_request(request))
