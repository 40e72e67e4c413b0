"""The package as a user gets it: `python -m build` makes a wheel and an sdist that `twine check`
passes, and the wheel, installed into a fresh venv, runs the quick start against the emulator.

The wheel alone must not need pydantic (nor starlette or uvicorn): the venv first holds only the
wheel and its required dependencies, runs the quick start against an emulator served from this
process, then gains the ``emulator`` extra and runs it against its own ``python -m
ddcases.emulator`` (the tests run in file order: the venv is lean until the last one). One venv,
built once (~15 s, the packages from pip's cache).
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import ddcases
from ddcases.testing import serve
from tests.docs import _site

ROOT = Path(__file__).resolve().parents[1]
readme_code = _site.script("readme_code")
PIP = ["-m", "pip", "install", "-q", "--disable-pip-version-check"]

# Points the quick start's `CaseManagement()` at the emulator, as tests/test_readme.py does in
# process: the block itself is run unchanged.


def _run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make dist`: the sdist, then the wheel built from it (so the sdist is complete)."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("ddcases-*.whl")
    return wheel


def test_build_makes_a_wheel_and_an_sdist_twine_accepts(dist: Path) -> None:
    version = ddcases.__version__
    assert sorted(p.name for p in dist.iterdir()) == [
        f"ddcases-{version}-py3-none-any.whl",
        f"ddcases-{version}.tar.gz",
    ]
    result = _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_holds_the_packages_the_license_and_the_metadata(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = set(wheel.namelist())
        info = f"ddcases-{ddcases.__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
    assert {"ddcases/py.typed", "ddcases_api/py.typed", "ddcases_schema/models.py"} <= names
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "scripts/"))]
    assert "License-Expression: MIT" in metadata
    assert "Project-URL: Source, " in metadata
    assert "Project-URL: Changelog, " in metadata
    assert "Requires-Dist: pydantic" in metadata  # only under the extra:
    assert not [
        line
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line and "pydantic" in line
    ]
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")


def test_the_version_is_one(dist: Path) -> None:
    """``ddcases.__version__``, the installed metadata and the built files agree."""
    assert importlib.metadata.version("ddcases") == ddcases.__version__
    assert f"## {ddcases.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and its required dependencies only."""
    where = tmp_path_factory.mktemp("venv") / "venv"
    _run(sys.executable, "-m", "venv", where)
    python = where / "bin" / "python"
    _run(python, *PIP, "-c", ROOT / "requirements" / "dev.txt", _wheel(dist))
    return python


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    (block, *_) = readme_code.blocks(source=ROOT / "docs" / "guides" / "quickstart.md")
    script = tmp_path_factory.mktemp("quickstart") / "quickstart.py"
    script.write_text(block.code, encoding="utf-8")  # as written: the environment points it
    return script


def _env(base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "DDCASES_", "PYTHON"))}
    return {**env, "DD_API_KEY": "k", "DD_APP_KEY": "a", "DDCASES_BASE_URL": base_url}


@pytest.fixture
def http_emulator() -> Iterator[str]:
    with serve() as url:
        yield url


def test_the_wheel_alone_needs_no_pydantic(
    venv: Path, quick_start: Path, http_emulator: str
) -> None:
    probe = _run(
        venv,
        "-c",
        "import importlib.util as u, ddcases, ddcases.testing, ddcases.errors; "
        "print(ddcases.__version__, [m for m in ('pydantic', 'starlette', 'uvicorn') "
        "if u.find_spec(m)])",
    )
    assert probe.stdout.split() == [ddcases.__version__, "[]"]
    _run(venv, "-m", "pip", "check")
    result = _run(venv, quick_start, env=_env(http_emulator), cwd=quick_start.parent)
    assert "NOPE" in result.stdout  # the NotFoundError the quick start prints last


def test_the_wheel_with_the_emulator_extra_runs_the_quick_start(
    venv: Path, dist: Path, quick_start: Path
) -> None:
    _run(venv, *PIP, "-c", ROOT / "requirements" / "dev.txt", f"{_wheel(dist)}[emulator]")
    with subprocess.Popen(
        [str(venv), "-m", "ddcases.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as emulator:
        try:
            assert emulator.stdout is not None
            base_url = emulator.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:"), base_url
            result = _run(venv, quick_start, env=_env(base_url), cwd=quick_start.parent)
            assert "NOPE" in result.stdout
        finally:
            emulator.terminate()
            emulator.wait(10)
