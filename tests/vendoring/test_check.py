"""The provenance stamp, and `scripts/vendor.py --check` on clean, edited and stale copies."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ._vendoring import NAME, ROOT, make_copy, vendor, vendor_stamp


def _check(copy: Path) -> subprocess.CompletedProcess[str]:
    return vendor("--check", str(copy), check=False)


def test_the_stamp_records_versions_spec_hash_and_every_file(plain_dest: Path) -> None:
    copy = plain_dest / "myapp" / "_vendor" / "cases"
    stamp = json.loads((copy / "VENDORED.json").read_text())
    assert stamp["name"] == NAME
    assert stamp["emulator"] is False
    assert stamp["ddcases_version"] == vendor_stamp.ddcases_version() != "unknown"
    assert stamp["openapi_sha256"] == vendor_stamp.sha256((ROOT / "openapi.yaml").read_bytes())
    pins = (ROOT / "requirements" / "dev.txt").read_text()
    for tool, version in stamp["generators"].items():
        assert f"{tool}=={version}" in pins
    on_disk = {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()}
    assert set(stamp["files"]) == on_disk - {"VENDORED.json"}
    assert stamp["files"]["_client.py"] == vendor_stamp.sha256((copy / "_client.py").read_bytes())


def test_check_passes_a_clean_current_copy(plain_dest: Path) -> None:
    result = vendor("--check", str(plain_dest), "--name", NAME, check=False)
    assert result.returncode == 0, result.stdout
    assert "not edited: all" in result.stdout
    assert "up to date with this checkout's openapi.yaml" in result.stdout


def test_check_names_every_hand_edit(tmp_path: Path) -> None:
    copy = make_copy(tmp_path, emulator=False)
    (copy / "_client.py").write_text((copy / "_client.py").read_text().replace("30", "31"))
    (copy / "_api" / "models" / "extra.py").write_text("x = 1\n")
    (copy / "errors.py").unlink()
    (copy / "_api" / "__pycache__").mkdir(exist_ok=True)  # bytecode is not an edit

    result = _check(copy)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "edited by hand: 3 file(s) differ from the manifest" in lines
    assert "  modified  _client.py" in lines
    assert "  added     _api/models/extra.py" in lines
    assert "  removed   errors.py" in lines
    assert "up to date with this checkout's openapi.yaml" in lines


def _older_spec_hash() -> tuple[str, int] | None:
    """(sha256, spec commits ago) of the oldest committed openapi.yaml unlike today's."""
    git = ["git", "-C", str(ROOT)]
    revs = subprocess.run(
        [*git, "rev-list", "HEAD", "--", "openapi.yaml"], capture_output=True, text=True, check=True
    ).stdout.split()
    now = vendor_stamp.sha256((ROOT / "openapi.yaml").read_bytes())
    for ago, rev in reversed(list(enumerate(revs))):
        blob = subprocess.run(
            [*git, "show", f"{rev}:openapi.yaml"], capture_output=True, check=True
        ).stdout
        if vendor_stamp.sha256(blob) != now:
            return vendor_stamp.sha256(blob), ago
    return None


def test_check_says_how_far_behind_the_spec_a_copy_is(tmp_path: Path) -> None:
    older = _older_spec_hash()
    if older is None:
        pytest.skip("openapi.yaml has no earlier committed version in this checkout")
    copy = make_copy(tmp_path, emulator=False)
    stamp = json.loads((copy / "VENDORED.json").read_text())
    stamp["openapi_sha256"] = older[0]  # as if vendored from that commit's spec
    (copy / "VENDORED.json").write_text(json.dumps(stamp))

    result = _check(copy)

    assert result.returncode == 1
    assert "not edited: all" in result.stdout
    assert f"{older[1]} spec commit(s) ago" in result.stdout
    assert "behind this checkout's spec" in result.stdout


def test_check_flags_a_spec_this_checkout_never_had(tmp_path: Path) -> None:
    copy = make_copy(tmp_path, emulator=False)
    stamp = json.loads((copy / "VENDORED.json").read_text())
    stamp["openapi_sha256"] = "0" * 64
    (copy / "VENDORED.json").write_text(json.dumps(stamp))
    result = _check(copy)
    assert result.returncode == 1
    assert "a spec this checkout's history does not hold" in result.stdout


def test_check_on_something_that_is_not_a_copy(tmp_path: Path) -> None:
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "no readable VENDORED.json" in result.stdout
