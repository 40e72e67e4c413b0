"""Where `make vendor` puts the copy, what a bad NAME or DEST gets, and re-vendoring in place."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from ._vendoring import NAME, ROOT, copy_of, make_copy, vendor, vendor_stamp

STALE_IMPORT = re.compile(r"^\s*(?:from|import)\s+ddcases", re.MULTILINE)


def test_a_dotted_name_makes_nested_packages_and_relative_imports(plain_dest: Path) -> None:
    copy = copy_of(plain_dest)
    assert (plain_dest / "myapp" / "__init__.py").read_text() == ""
    assert (plain_dest / "myapp" / "_vendor" / "__init__.py").read_text() == ""
    assert (copy / "__init__.py").is_file()
    assert (copy / "_api" / "client.py").is_file()
    # Without EMULATOR=1 neither the emulator nor the helpers that need it come along.
    assert not any((copy / sub).exists() for sub in ("emulator", "testing", "_schema"))
    sources = {p: p.read_text(encoding="utf-8") for p in copy.rglob("*.py")}
    assert not [str(p) for p, text in sources.items() if STALE_IMPORT.search(text)]
    cases = sources[copy / "resources" / "cases.py"]
    assert "from .._api.api.case_management import (" in cases
    # Other mentions name the copy: the logger is the user's, not "ddcases".
    assert f'getLogger("{NAME}")' in sources[copy / "_logs.py"]


def test_an_existing_parent_package_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "myapp").mkdir()
    (tmp_path / "myapp" / "__init__.py").write_text('"""The user\'s own package."""\n')
    result = vendor("--dest", str(tmp_path), "--name", NAME)
    assert (tmp_path / "myapp" / "__init__.py").read_text() == '"""The user\'s own package."""\n'
    assert (tmp_path / "myapp" / "_vendor" / "__init__.py").is_file()
    assert "created" in result.stdout
    assert "myapp/_vendor/__init__.py" in result.stdout
    assert "myapp/__init__.py" not in result.stdout


def _make_env(cwd: Path) -> dict[str, str]:
    # What a shell gives make: PWD is where the user is. No jobserver of an outer make.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PWD"] = str(cwd)
    return env


def test_make_vendor_takes_a_relative_dest_from_where_it_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "vendor",
            "DEST=third_party",
            "NAME=acme.cases",
            "EMULATOR=1",
        ],
        cwd=tmp_path,
        env=_make_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "third_party" / "acme" / "cases"
    assert (copy / "emulator" / "__init__.py").is_file()
    assert (copy / "_schema").is_dir()
    assert not (ROOT / "third_party").exists()
    assert str(copy) in result.stdout


def test_make_vendor_without_name_prints_the_usage(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "vendor", "DEST=x"],
        cwd=tmp_path,
        env=_make_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout.startswith("usage: make vendor DEST=dir NAME=pkg[.sub]")


BAD = {
    "hyphen": (["--name", "acme-cases"], "not a (dotted) Python package name"),
    "digit": (["--name", "1cases"], "not a (dotted) Python package name"),
    "keyword": (["--name", "myapp.class"], "not a (dotted) Python package name"),
    "empty part": (["--name", "myapp..cases"], "not a (dotted) Python package name"),
    "no name": ([], "--dest and --name are both needed"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_name_gets_a_usage_line(tmp_path: Path, case: str) -> None:
    args, message = BAD[case]
    result = vendor("--dest", str(tmp_path), *args, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: scripts/vendor.py --dest DIR --name PKG")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_dest_that_is_a_file_gets_a_usage_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("mine")
    result = vendor("--dest", "file", "--name", "acme", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "is not a directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "file").read_text() == "mine"


def test_vendoring_over_the_sdk_itself_is_refused() -> None:
    result = vendor("--dest", str(ROOT / "src"), "--name", "ddcases", check=False)
    assert result.returncode == 2
    assert "would overwrite this SDK's own src/ddcases" in result.stderr


def test_a_directory_that_is_not_a_copy_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "mine.py").write_text("precious = 1\n")
    result = vendor("--dest", str(tmp_path), "--name", "acme", check=False)
    assert result.returncode == 2
    assert "is not a vendored copy" in result.stderr
    assert [p.name for p in (tmp_path / "acme").iterdir()] == ["mine.py"]


def test_revendoring_updates_in_place_and_removes_what_no_longer_exists(tmp_path: Path) -> None:
    copy = make_copy(tmp_path, emulator=True)
    # An older release had a module this one doesn't: on disk and in the manifest.
    (copy / "_old_module.py").write_text("gone = True\n")
    stamp = json.loads((copy / "VENDORED.json").read_text())
    stamp["files"]["_old_module.py"] = vendor_stamp.sha256(b"gone = True\n")
    (copy / "VENDORED.json").write_text(json.dumps(stamp))
    (copy / "_api" / "__pycache__").mkdir()
    (copy / "_api" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"")
    unchanged = copy / "_client.py"
    os.utime(unchanged, (1_000_000_000, 1_000_000_000))

    result = vendor("--dest", str(tmp_path), "--name", NAME)  # now without the emulator

    assert not (copy / "_old_module.py").exists()
    assert not any((copy / sub).exists() for sub in ("emulator", "testing", "_schema"))
    assert not list(copy.rglob("__pycache__"))
    assert unchanged.stat().st_mtime == 1_000_000_000  # in place: same bytes, not rewritten
    removed = int(re.search(r"(\d+) removed", result.stdout).group(1))  # type: ignore[union-attr]
    assert removed > 10
    stamp = json.loads((copy / "VENDORED.json").read_text())
    assert stamp["emulator"] is False
    assert "_old_module.py" not in stamp["files"]
    assert set(stamp["files"]) == set(vendor_stamp.manifest(copy))


def test_hand_edits_stop_a_revendor_until_forced(tmp_path: Path) -> None:
    copy = make_copy(tmp_path, emulator=False)
    edited = copy / "_client.py"
    original = edited.read_text()
    edited.write_text(original + "# a local patch\n")

    refused = vendor("--dest", str(tmp_path), "--name", NAME, check=False)
    assert refused.returncode == 1
    # The reason first, with no `usage:` line: the command was right (issue 18 item 15).
    assert refused.stderr.startswith("scripts/vendor.py: ")
    assert "usage:" not in refused.stderr
    assert "edited by hand" in refused.stderr
    assert "modified  _client.py" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert edited.read_text().endswith("# a local patch\n")  # nothing lost

    vendor("--dest", str(tmp_path), "--name", NAME, "--force")
    assert edited.read_text() == original
