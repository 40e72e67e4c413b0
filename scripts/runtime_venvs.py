"""Venvs holding only what a vendored copy needs at run time, for tests/vendoring; cached.

Usage: python scripts/runtime_venvs.py [NAME ...]   (default: all; prints each venv's python)

A vendored copy runs with only httpx and attrs; orjson, aiohttp and the
emulator's packages are optional (README, "Vendoring"). One venv has everything, one lacks
each optional group, one has only the required packages. Each is built from the exact pins in
requirements/dev.txt under .venv-runtime/NAME, without pip itself, and rebuilt only when its
package list or the pins change (the hash of both is kept in NAME/.stamp).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".venv-runtime"
PINS = ROOT / "requirements" / "dev.txt"

REQUIRED = ("httpx", "attrs")
OPTIONAL = {
    "orjson": ("orjson",),
    "aiohttp": ("aiohttp",),
    "emulator": ("starlette", "uvicorn", "pydantic"),
    "redis": ("redis",),
}
# What a user's tests need to use the vendored pytest plugin.
TEST_TOOLS = ("pytest", "pytest-asyncio")


def _without(group: str) -> tuple[str, ...]:
    return REQUIRED + tuple(p for g, ps in OPTIONAL.items() if g != group for p in ps)


VENVS: dict[str, tuple[str, ...]] = {
    "all": REQUIRED + tuple(p for ps in OPTIONAL.values() for p in ps) + TEST_TOOLS,
    **{f"no-{group}": _without(group) for group in OPTIONAL},
    "bare": REQUIRED,
}


def python(name: str) -> Path:
    return HOME / name / "bin" / "python"


def _digest(packages: tuple[str, ...]) -> str:
    data = "\n".join([sys.version, *packages, PINS.read_text(encoding="utf-8")])
    return hashlib.sha256(data.encode()).hexdigest()


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    HOME.mkdir(exist_ok=True)
    with (HOME / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure(name: str) -> Path:
    """The python of venv ``name``, built first if missing or stale."""
    packages = VENVS[name]
    venv = HOME / name
    stamp = venv / ".stamp"
    digest = _digest(packages)
    with _locked():
        if stamp.is_file() and stamp.read_text() == digest and python(name).exists():
            return python(name)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
            check=True,
            capture_output=True,
        )
        install = [sys.executable, "-m", "pip", "--python", str(python(name)), "install"]
        result = subprocess.run(
            [*install, "-q", "--disable-pip-version-check", "-c", str(PINS), *packages],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise RuntimeError(f"could not build {venv}:\n{result.stdout}{result.stderr}")
        stamp.write_text(digest)
    return python(name)


def main(argv: list[str]) -> int:
    names = argv or list(VENVS)
    unknown = [n for n in names if n not in VENVS]
    if unknown:
        print(f"usage: runtime_venvs.py [{' | '.join(VENVS)} ...]", file=sys.stderr)
        return 2
    for name in names:
        print(ensure(name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
