"""Every response the emulator tests receive is checked against openapi.yaml.

The same fixtures as tests/emulator/ (an emulator with the conformance check, raw httpx to it).
"""

from tests.emulator.conftest import AUTH, emulator, http

__all__ = ["AUTH", "emulator", "http"]
