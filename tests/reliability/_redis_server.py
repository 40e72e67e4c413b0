"""Debian's redis-server on a free loopback port, for the shared rate-limit store's tests and bench.

Nothing persisted (``--save ''``, ``--appendonly no``), its own temporary directory, bound to
127.0.0.1 only. :meth:`RedisServer.stop` kills it (as a crash would) and :meth:`RedisServer.start`
brings it back on the same port, empty, so a test can take the store away mid-run. Standalone
(no imports from the test package) so that bench/fleet.py can load it by path.

Usage::

    with RedisServer() as redis:
        ... CaseManagement(..., rate_limit_store=redis.url) ...
        redis.stop()
        redis.start()
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

__all__ = ["RedisServer", "redis_server_path"]


def redis_server_path() -> str | None:
    """Where ``redis-server`` is, or None when it is not installed."""
    return shutil.which("redis-server")


def free_port(host: str) -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _answers_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server process; see the module docstring. ``port`` None: a free one, chosen
    at the first :meth:`start` and kept for the next ones."""

    def __init__(self, port: int | None = None, *, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or 0
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """The address clients take, e.g. ``redis://127.0.0.1:6390/0``."""
        return f"redis://{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the server (again, on the same port) and return once it answers PING."""
        if self.running:
            return
        path = redis_server_path()
        if path is None:
            raise FileNotFoundError(
                "redis-server is not installed (Debian: apt-get install redis-server)"
            )
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="ddcases-redis-")
        if not self.port:
            self.port = free_port(self.host)
        log_path = Path(self._dir.name) / "redis.log"
        self._log = log_path.open("ab")
        options = {
            "--port": str(self.port),
            "--bind": self.host,
            "--save": "",  # nothing persisted
            "--appendonly": "no",
            "--daemonize": "no",
            "--dir": self._dir.name,
        }
        self._process = subprocess.Popen(
            [path, *(word for option in options.items() for word in option)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not _answers_ping(self.host, self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n{output}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Kill the server (SIGKILL: no goodbye to its clients) and wait until it is gone."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
