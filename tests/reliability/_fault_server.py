"""A raw-socket HTTP/1.1 server that misbehaves on cue, for the reliability suites.

The emulator's fault knobs cover 429s, 5xx and dropped connections; this server covers what an
ASGI app cannot do: reset a connection before reading the request, hang, cut a body short, answer
like a proxy (HTML, 520), lie about the content type. Everything it does not fault is forwarded to
an in-process emulator app, so creates really create and the tests can count what exists.

Usage::

    async with FaultServer() as server:
        server.plan(Reply(503), Reply(502), method="GET")
        async with CaseManagement(base_url=server.url, ...) as dd: ...
        assert server.count("GET", "/api/v2/cases/SEC-1") == 3
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import functools
import socket
import struct
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import httpx

__all__ = [
    "Close",
    "Drip",
    "Echo",
    "FaultServer",
    "Forward",
    "Hang",
    "Raw",
    "Reply",
    "Reset",
    "Seen",
    "Stream",
    "Truncated",
    "closed_port",
    "within",
]

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class Reply:
    """Answer with exactly this status, body and content type; ``close_after`` then closes the
    connection (FIN) instead of keeping it alive, without saying ``Connection: close``."""

    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | bytes | None = None
    close_after: bool = False


@dataclasses.dataclass(frozen=True)
class Forward:
    """Answer as the emulator does (the default for unplanned requests), plus ``headers``."""

    headers: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Raw:
    """Write exactly these bytes as the answer (protocol garbage of any kind); then close the
    connection, or with ``keep_open`` go on reading the next request on it."""

    data: bytes
    keep_open: bool = False


@dataclasses.dataclass(frozen=True)
class Drip:
    """Send ``data`` (a whole answer) one byte every ``interval`` seconds."""

    data: bytes
    interval: float = 1.0


@dataclasses.dataclass(frozen=True)
class Stream:
    """Send ``head``, then ``chunk`` ``count`` times, then close: a large body made on the fly,
    so the server's own memory stays small."""

    head: bytes
    chunk: bytes
    count: int


@dataclasses.dataclass(frozen=True)
class Echo:
    """Answer ``status`` with an HTML page quoting the request's headers (a debugging proxy, a
    WAF page)."""

    status: int = 403


@dataclasses.dataclass(frozen=True)
class Reset:
    """Reset the connection (TCP RST): before reading the request, or after reading it.

    ``after_read=False`` applies to the next *new* connection (plan it with no method or path,
    after :meth:`FaultServer.reset_idle` so the client cannot reuse a kept-alive one).

    With ``forward=True`` the request is first handled by the emulator (it really happened),
    then the answer is lost: the case a create leaves behind when its response never arrives.
    """

    after_read: bool = True
    forward: bool = False


@dataclasses.dataclass(frozen=True)
class Close:
    """Read the request, then close the connection cleanly without answering (FIN)."""


@dataclasses.dataclass(frozen=True)
class Hang:
    """Read the request and never answer (until the server shuts down)."""


@dataclasses.dataclass(frozen=True)
class Truncated:
    """Send headers promising ``declared`` bytes, send ``body``, then close the connection."""

    body: bytes = b'{"data": {"id": "'
    declared: int = 4096
    status: int = 200


Action = Reply | Forward | Reset | Close | Hang | Truncated | Raw | Drip | Echo | Stream


@dataclasses.dataclass(frozen=True)
class Seen:
    """One request as it arrived on the wire."""

    method: str
    target: str  # the raw request-target, percent-encoding untouched
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def path(self) -> str:
        """The raw path (still percent-encoded), without the query."""
        return urlsplit(self.target).path

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclasses.dataclass
class _Planned:
    action: Action
    method: str | None
    path: str | None


class FaultServer:
    """HTTP/1.1 on 127.0.0.1, port 0; planned faults first, then the emulator ``app``.

    **Parameters:**

    * **app** - the ASGI app to forward to (default: a fresh emulator); ``None`` plus
      ``default`` answers every unplanned request with ``default`` instead.
    * **default** - the action for unplanned requests (``Forward()``).
    * **host** - where to listen; ``127.0.0.2`` makes a second origin on loopback.
    * **port** - 0 (the default) picks a free port.
    """

    def __init__(
        self,
        app: Any = None,
        *,
        default: Action | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if app is None and (default is None or isinstance(default, Forward)):
            from ddcases.emulator import create_app

            app = create_app()
        self.app = app
        self.default: Action = default if default is not None else Forward()
        self.host = host
        self.port = port
        self.seen: list[Seen] = []
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()
        self._planned: list[_Planned] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._stopping = asyncio.Event()
        self._forwarder: httpx.AsyncClient | None = None
        self.url = ""
        #: TCP connections accepted so far.
        self.connections = 0

    # ---------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Self:
        if self.app is not None:
            self._forwarder = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url="http://emulator"
            )
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for writer in list(self._writers):
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None
        if self._forwarder is not None:
            await self._forwarder.aclose()
            self._forwarder = None

    # ---------------------------------------------------------------- knobs

    def plan(self, *actions: Action, method: str | None = None, path: str | None = None) -> None:
        """Use ``actions`` in order for the next matching requests (``path``: raw, exact)."""
        self._planned.extend(_Planned(a, method, path) for a in actions)

    def reset_idle(self) -> None:
        """Reset every open connection now (a load balancer dropping idle keep-alives)."""
        for writer in list(self._writers):
            _reset(writer)

    def count(self, method: str, path: str) -> int:
        """Requests that arrived for ``method`` and raw ``path`` (faulted ones included)."""
        return self.counts[(method, path)]

    def bodies(self, method: str, path: str) -> list[bytes]:
        return [s.body for s in self.seen if (s.method, s.path) == (method, path)]

    # ---------------------------------------------------------------- serving

    def _take(self, method: str, path: str) -> Action:
        for planned in self._planned:
            if planned.method in (None, method) and planned.path in (None, path):
                self._planned.remove(planned)
                return planned.action
        return self.default

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        self.connections += 1
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        planned = self._planned[0] if self._planned else None
        if planned is not None and planned.action == Reset(after_read=False):
            # A fresh connection, reset before a byte of the request is read.
            self._planned.pop(0)
            _reset(writer)
            return
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = tuple(
                (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:-2])
            )
            length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
            body = await reader.readexactly(length) if length else b""
            seen = Seen(method, target, headers, body)
            self.seen.append(seen)
            self.counts[(method, seen.path)] += 1
            action = self._take(method, seen.path)
            if not await self._act(action, seen, writer):
                return

    async def _act(self, action: Action, seen: Seen, writer: asyncio.StreamWriter) -> bool:
        """Carry out ``action``; False when the connection is finished."""
        if isinstance(action, Reset):
            if action.forward:
                await self._forward(seen)
            _reset(writer)
            return False
        if isinstance(action, Close):
            return False
        if isinstance(action, Hang):
            await self._stopping.wait()
            return False
        if isinstance(action, Truncated):
            writer.write(
                _head(action.status, None, "application/json", (), action.declared) + action.body
            )
            await writer.drain()
            return False
        if isinstance(action, Raw):
            writer.write(action.data)
            await writer.drain()
            return action.keep_open
        if isinstance(action, Drip):
            for i in range(len(action.data)):
                writer.write(action.data[i : i + 1])
                await writer.drain()
                if await _stopped(self._stopping, action.interval):
                    return False
            return True
        if isinstance(action, Stream):
            writer.write(action.head)
            for _ in range(action.count):
                writer.write(action.chunk)
                await writer.drain()
            return False
        if isinstance(action, Echo):
            quoted = "".join(f"<li>{k}: {v}</li>" for k, v in seen.headers).encode()
            page = b"<html><body><h1>Request blocked</h1><ul>" + quoted + b"</ul></body></html>"
            writer.write(_head(action.status, None, "text/html", (), len(page)) + page)
            await writer.drain()
            return True
        if isinstance(action, Forward):
            status, headers, body = await self._forward(seen)
            writer.write(_head(status, None, None, headers + action.headers, len(body)) + body)
        else:
            extra = action.headers
            writer.write(
                _head(action.status, action.reason, action.content_type, extra, len(action.body))
                + action.body
            )
            if action.close_after:
                await writer.drain()
                return False
        await writer.drain()
        return True

    async def _forward(self, seen: Seen) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        if self._forwarder is None:
            raise RuntimeError("no app to forward to")
        skip = {"host", "content-length", "connection", "transfer-encoding"}
        headers = [(k, v) for k, v in seen.headers if k.lower() not in skip]
        request = self._forwarder.build_request(
            seen.method, httpx.URL(seen.target), headers=headers, content=seen.body
        )
        response = await self._forwarder.send(request)
        drop = {"content-length", "transfer-encoding", "connection"}
        out = tuple((k, v) for k, v in response.headers.multi_items() if k.lower() not in drop)
        return response.status_code, out, response.content


def _head(
    status: int,
    reason: str | bytes | None,
    content_type: str | None,
    headers: tuple[tuple[str, str], ...],
    length: int,
) -> bytes:
    phrase = reason if reason is not None else _REASONS.get(status, "Unknown")
    raw_phrase = phrase if isinstance(phrase, bytes) else phrase.encode("latin-1")
    lines = [f"Content-Length: {length}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{k}: {v}" for k, v in headers]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return b"HTTP/1.1 %d %s\r\n" % (status, raw_phrase) + head


async def _stopped(stopping: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds``; True if the server is shutting down meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)
    return stopping.is_set()


_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    307: "Temporary Redirect",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    520: "Web Server Returned an Unknown Error",
}


def _reset(writer: asyncio.StreamWriter) -> None:
    """Abort with SO_LINGER 0, so the peer gets a TCP RST rather than a clean FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def within(seconds: float) -> Callable[[F], F]:
    """Decorate an async test so it fails, instead of hanging, after ``seconds``."""

    def decorate(test: F) -> F:
        @functools.wraps(test)
        async def bounded(*args: Any, **kwargs: Any) -> Any:
            async with asyncio.timeout(seconds):
                return await test(*args, **kwargs)

        return bounded  # type: ignore[return-value]

    return decorate
