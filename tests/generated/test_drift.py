"""generated/ is exactly what the pinned generators make from openapi.yaml."""

from __future__ import annotations

import filecmp
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.generators


def _differences(cmp: filecmp.dircmp[str], prefix: str = "") -> list[str]:
    found = [f"{prefix}{name}" for name in cmp.left_only + cmp.right_only + cmp.diff_files]
    for name, sub in cmp.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return found


@pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None
    or importlib.util.find_spec("datamodel_code_generator") is None,
    reason="generators not installed (pip install -e .[dev])",
)
def test_generated_tree_matches_spec(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "generator" / "generate.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    cmp = filecmp.dircmp(ROOT / "generated", tmp_path, ignore=["__pycache__"])
    # dircmp compares shallowly by stat; force a byte comparison.
    stale = _differences(cmp)
    for path in tmp_path.rglob("*.py"):
        committed = ROOT / "generated" / path.relative_to(tmp_path)
        if committed.exists() and committed.read_bytes() != path.read_bytes():
            stale.append(str(path.relative_to(tmp_path)))
    assert not stale, f"run `make generate` and commit: {sorted(set(stale))}"
