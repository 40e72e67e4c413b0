"""Test helpers: an in-process emulator, clients wired to it, and pytest fixtures.

Usage with pytest (the plugin is registered as an entry point; needs the ``emulator`` extra and
pytest-asyncio)::

    from ddcases.testing import Emulator

    async def test_escalate(ddcases_client: CaseManagement, emulator: Emulator) -> None:
        await ddcases_client.projects.create(key="SEC", name="Security")
        emulator.faults.fail_next(1, status=503)
        ...

Without pytest::

    async with ddcases.testing.emulated_client() as dd:
        ...

Over a real socket: ``with ddcases.testing.serve() as base_url: ...``.
"""

from ._emulator import Emulator, ResponseCheck, emulated_client, serve

__all__ = ["Emulator", "ResponseCheck", "emulated_client", "serve"]
