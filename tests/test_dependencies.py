"""Dependency bounds: the same in pyproject.toml, the code and the README, and a version outside
them said once (issue 18 item 6)."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import httpx
import pytest

from ddcases import CaseManagement, _dependencies
from ddcases._dependencies import BOUNDS, within

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"api_key": "a" * 32, "app_key": "b" * 40, "base_url": "http://localhost:8126"}


def pyproject_bounds() -> dict[str, tuple[str, str | None]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found: dict[str, tuple[str, str | None]] = {}
    extras = project["optional-dependencies"]
    for requirement in [*project["dependencies"], *extras["emulator"], *extras["redis"]]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)[0]  # type: ignore[index]
        low = re.search(r">=([\d.]+)", requirement)
        high = re.search(r"<([\d.]+)", requirement)
        assert low is not None, requirement
        found[name] = (low[1], high[1] if high else None)
    return found


def test_the_bounds_are_pyprojects() -> None:
    assert pyproject_bounds() == BOUNDS


def test_the_readme_states_every_bound() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, (low, high) in BOUNDS.items():
        wanted = f"{name}>={low}" + (f",<{high}" if high else "")
        assert f"`{wanted}`" in readme, wanted


@pytest.mark.parametrize(
    ("version", "ok"),
    [
        ("0.28.0", True),
        ("0.28.1", True),
        ("0.29.0", False),
        ("0.27.2", False),
        ("0.29.0rc1", False),
        ("1.0", False),
        ("0.28", True),
        ("weird", True),
    ],
)
def test_within(version: str, ok: bool) -> None:
    assert within(version, "0.28", "0.29") is ok


def test_a_version_outside_the_bounds_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`pip install httpx` next to a vendored copy gave 0.29.0, with pyproject saying <0.29."""
    monkeypatch.setattr(httpx, "__version__", "0.29.0")
    monkeypatch.setattr(_dependencies, "_checked", set())
    caplog.set_level(logging.WARNING, logger="ddcases")
    CaseManagement(**KEYS)
    CaseManagement(**KEYS)
    said = [r.getMessage() for r in caplog.records if r.name == "ddcases"]
    assert len(said) == 1, said
    assert "httpx 0.29.0 is installed" in said[0]
    assert "install 'httpx>=0.28,<0.29'" in said[0]


def test_versions_inside_the_bounds_say_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_dependencies, "_checked", set())
    caplog.set_level(logging.WARNING, logger="ddcases")
    CaseManagement(**KEYS)
    assert [r for r in caplog.records if r.name == "ddcases"] == []
