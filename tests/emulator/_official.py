"""Datadog's official client (datadog-api-client) pointed at an emulator it serves on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from datadog_api_client import ApiClient, Configuration

from ddcases.testing import Emulator


@contextlib.contextmanager
def official_api_client(emulator: Emulator) -> Iterator[ApiClient]:
    """The official client's ``ApiClient``, with keys, against ``emulator`` served over HTTP."""
    with emulator.serve() as base_url:
        configuration = Configuration(host=base_url)
        configuration.api_key["apiKeyAuth"] = "official-api-key"
        configuration.api_key["appKeyAuth"] = "official-app-key"
        with ApiClient(configuration) as client:
            yield client
