"""Fixtures of the reliability suites: the emulator behind uvicorn, the raw fault server, and
Debian's redis-server for the shared rate-limit store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ddcases.testing import Emulator

from ._fault_server import FaultServer
from ._helpers import assert_no_duplicates
from ._redis_server import RedisServer, redis_server_path


@pytest.fixture
def served() -> Iterator[tuple[Emulator, str]]:
    """A fresh emulator behind uvicorn on an ephemeral loopback port."""
    emulator = Emulator()
    with emulator.serve() as url:
        yield emulator, url
    assert_no_duplicates(emulator.app)


@pytest.fixture
async def faulty() -> AsyncIterator[FaultServer]:
    """The tests' own fault server, forwarding unplanned requests to a fresh emulator."""
    async with FaultServer() as server:
        yield server
    assert_no_duplicates(server.app)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server on a free loopback port (nothing persisted), removed afterwards;
    the test may stop and start it. Skips only when the binary is missing."""
    if redis_server_path() is None:
        pytest.skip(
            "redis-server is not installed and could not be installed: make test installs "
            "Debian's redis-server package (scripts/services.sh) only when run as root with "
            "apt-get (apt-get install redis-server)"
        )
    with RedisServer() as server:
        yield server
