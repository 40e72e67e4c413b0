"""Helpers for tests/vendoring: run scripts/vendor.py as a user would, and the runtime venvs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
NAME = "myapp._vendor.cases"
#: Where NAME lands below DEST.
PARTS = NAME.split(".")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


runtime_venvs = _load("runtime_venvs")
vendor_stamp = _load("vendor_stamp")


def vendor(
    *args: str, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``python scripts/vendor.py ARGS`` in ``cwd`` (what `make vendor` runs)."""
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "vendor.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def copy_of(dest: Path, name: str = NAME) -> Path:
    return dest.joinpath(*name.split("."))


def make_copy(dest: Path, *, emulator: bool, name: str = NAME) -> Path:
    vendor("--dest", str(dest), "--name", name, *(["--with-emulator"] if emulator else []))
    return copy_of(dest, name)
