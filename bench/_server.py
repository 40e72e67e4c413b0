"""A fixed-response Case Management server on loopback, so that only client cost differs.

Every response body is encoded once at start-up (bench/_fixtures.py); a request costs the server
one header scan and one write. It is a bare asyncio.Protocol speaking HTTP/1.1 keep-alive, run in
its own process (on 2 cores: one for the server, one for the client under test), so a client's
event loop never pays for the server.

Routes:
    GET /api/v2/cases?page[number]=K&...   page K of `pages` full pages of `page_size` live-shaped
                                           cases; past the end an empty page
    GET /api/v2/cases/{case_id}            one live-shaped case (the same one for every id)
    GET /__stats                           {"requests": n, "max_page": k}, then resets both
Every response waits `latency` seconds first (a server-side sleep, not a busy loop).

Usage:

    with serve(latency=0.02, pages=100) as base_url:   # "http://127.0.0.1:PORT"
        ...
    python bench/_server.py --latency 0.02 --pages 100   # prints the port, serves until killed
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _fixtures


def _response(body: bytes, status: str = "200 OK") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\n"
        f"Content-Type: {_fixtures.CONTENT_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


class _Routes:
    def __init__(self, pages: int, page_size: int) -> None:
        self.pages = [
            _response(_fixtures.encode(_fixtures.cases_page(k, page_size, pages)))
            for k in range(1, pages + 1)
        ]
        self.empty = _response(_fixtures.encode(_fixtures.cases_page(pages + 1, page_size, pages)))
        self.case = _response(_fixtures.encode(_fixtures.one_case()))
        self.not_found = _response(
            b'{"errors":[{"code":"resource_not_found","title":"not found"}]}', "404 Not Found"
        )
        self.requests = 0
        self.max_page = 0

    def answer(self, target: str) -> bytes:
        self.requests += 1
        if target.startswith("/api/v2/cases/"):
            return self.case
        url = urlsplit(target)
        if url.path == "/api/v2/cases":
            number = int(parse_qs(url.query).get("page[number]", ["1"])[0])
            self.max_page = max(self.max_page, number)
            return self.pages[number - 1] if 1 <= number <= len(self.pages) else self.empty
        if url.path == "/__stats":
            self.requests -= 1
            stats = {"requests": self.requests, "max_page": self.max_page}
            self.requests = self.max_page = 0
            return _response(json.dumps(stats).encode())
        return self.not_found


class _Http(asyncio.Protocol):
    """HTTP/1.1 keep-alive; requests are GETs without bodies (anything else is answered 404)."""

    def __init__(self, routes: _Routes, latency: float) -> None:
        self.routes = routes
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            target = head.split(b" ", 2)[1].decode("latin-1")
            reply = self.routes.answer(target)
            if self.latency:
                asyncio.get_running_loop().call_later(self.latency, self._write, reply)
            else:
                self._write(reply)

    def _write(self, reply: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _main(latency: float, pages: int, page_size: int) -> None:
    routes = _Routes(pages, page_size)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(routes, latency), "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


@contextlib.contextmanager
def serve(latency: float = 0.0, pages: int = 1, page_size: int = 100) -> Iterator[str]:
    """Run the server in a child process; yield its base URL; stop it on exit."""
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            f"--latency={latency}",
            f"--pages={pages}",
            f"--page-size={page_size}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def stats(base_url: str) -> dict[str, int]:
    """Requests served (and the highest page number asked for) since the last call."""
    import urllib.request

    with urllib.request.urlopen(base_url + "/__stats") as r:
        result: dict[str, int] = json.loads(r.read())
        return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    parser.add_argument("--pages", type=int, default=1, help="full pages in the case list")
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.latency, args.pages, args.page_size))
