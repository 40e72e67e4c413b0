"""Every response the emulator tests receive is checked against openapi.yaml."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from ddcases.testing import Emulator

from ._conformance import check

AUTH = {"DD-API-KEY": "test-api-key", "DD-APPLICATION-KEY": "test-app-key"}


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(checks=[check])


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """Raw httpx, in process, with keys: for status codes and bodies the facade would hide."""
    async with httpx.AsyncClient(
        transport=emulator.transport(), base_url="http://emulator", headers=AUTH
    ) as client:
        yield client
