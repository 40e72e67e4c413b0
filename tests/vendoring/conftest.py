"""Vendored copies made once per session (tests that change a copy make their own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._vendoring import make_copy


@pytest.fixture(scope="session")
def plain_dest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DEST holding ``myapp._vendor.cases`` without the emulator."""
    dest = tmp_path_factory.mktemp("plain")
    make_copy(dest, emulator=False)
    return dest


@pytest.fixture(scope="session")
def emulator_dest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DEST holding ``myapp._vendor.cases`` with the emulator and the testing helpers."""
    dest = tmp_path_factory.mktemp("emulator")
    make_copy(dest, emulator=True)
    return dest
