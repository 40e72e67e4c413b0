"""pytest fixtures ``emulator`` and ``ddcases_client`` (registered under ``pytest11``).

Starlette, uvicorn and pydantic are imported inside the fixtures, so installing ddcases without
the ``emulator`` extra never breaks a pytest run; only a test that asks for a fixture needs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from ._emulator import Emulator

if TYPE_CHECKING:
    from ddcases import CaseManagement

try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # pragma: no cover - pytest-asyncio is what runs async tests at all
    _async_fixture = pytest.fixture  # type: ignore[assignment]

__all__ = ["ddcases_client", "emulator"]


@pytest.fixture
def emulator() -> Emulator:
    """A fresh emulator: ``emulator.faults``, ``emulator.store``, ``emulator.requests``."""
    return Emulator()


@_async_fixture
async def ddcases_client(emulator: Emulator) -> AsyncIterator[CaseManagement]:
    """A ``CaseManagement`` bound to ``emulator`` through ``httpx.ASGITransport``."""
    async with emulator.client() as dd:
        yield dd
