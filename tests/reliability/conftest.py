"""Fixtures of the reliability suites: the emulator behind uvicorn, and the raw fault server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ddcases.testing import Emulator

from ._fault_server import FaultServer
from ._helpers import assert_no_duplicates


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
