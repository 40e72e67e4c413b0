"""Provenance of a vendored copy: the VENDORED.json stamp, and what has changed since.

The stamp records the ddcases version, the sha256 of the openapi.yaml the copy was generated
from, the generator versions (the pins in requirements/dev.txt, which the drift check holds
generated/ to) and a manifest of every file's sha256. ``scripts/vendor.py --check`` compares a
copy with its manifest (edited by hand?) and the stamp with this checkout (behind its spec?).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAMP = "VENDORED.json"
SPEC = ROOT / "openapi.yaml"
# Tools whose versions decide the bytes of generated/ (ruff formats it).
GENERATORS = ("openapi-python-client", "datamodel-code-generator", "ruff")
SKIP_DIRS = frozenset({"__pycache__"})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(copy: Path) -> dict[str, str]:
    """relative posix path -> sha256 of every file in ``copy`` except the stamp and bytecode."""
    files: dict[str, str] = {}
    for path in sorted(copy.rglob("*")):
        rel = path.relative_to(copy)
        if path.is_dir() or SKIP_DIRS.intersection(rel.parts) or path.suffix == ".pyc":
            continue
        if rel.as_posix() != STAMP:
            files[rel.as_posix()] = sha256(path.read_bytes())
    return files


def ddcases_version() -> str:
    text = (ROOT / "src" / "ddcases" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", text)
    return found.group(1) if found else "unknown"


def generator_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "dev.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and name.strip().lower() in GENERATORS:
            pins[name.strip().lower()] = version.strip()
    return {name: pins.get(name, "unknown") for name in GENERATORS}


def make_stamp(name: str, *, with_emulator: bool, files: dict[str, str]) -> dict[str, Any]:
    return {
        "vendored_from": "ddcases (scripts/vendor.py); do not edit, re-vendor instead",
        "name": name,
        "ddcases_version": ddcases_version(),
        "openapi_sha256": sha256(SPEC.read_bytes()),
        "generators": generator_versions(),
        "emulator": with_emulator,
        "files": files,
    }


def read_stamp(copy: Path) -> dict[str, Any] | None:
    path = copy / STAMP
    if not path.is_file():
        return None
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return loaded if isinstance(loaded, dict) and isinstance(loaded.get("files"), dict) else None


def write_stamp(copy: Path, stamp: dict[str, Any]) -> None:
    (copy / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")


@dataclass
class Edits:
    """Differences between a copy on disk and the manifest in its stamp."""

    modified: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.modified or self.added or self.removed)

    def lines(self) -> list[str]:
        return [
            *(f"  modified  {p}" for p in self.modified),
            *(f"  added     {p}" for p in self.added),
            *(f"  removed   {p}" for p in self.removed),
        ]


def edits(copy: Path, stamp: dict[str, Any]) -> Edits:
    recorded: dict[str, str] = stamp["files"]
    current = manifest(copy)
    return Edits(
        modified=sorted(p for p in current.keys() & recorded.keys() if current[p] != recorded[p]),
        added=sorted(current.keys() - recorded.keys()),
        removed=sorted(recorded.keys() - current.keys()),
    )


def spec_history(digest: str) -> tuple[int, str] | None:
    """(commits since, commit) when openapi.yaml had ``digest`` in this checkout's history."""
    try:
        revs = subprocess.run(
            ["git", "-C", str(ROOT), "rev-list", "HEAD", "--", "openapi.yaml"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    for behind, rev in enumerate(revs):
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:openapi.yaml"],
            capture_output=True,
            check=False,
        )
        if shown.returncode == 0 and sha256(shown.stdout) == digest:
            return behind, rev
    return None


def check(copy: Path) -> tuple[bool, list[str]]:
    """(clean and current?, report lines) for the vendored copy at ``copy``."""
    stamp = read_stamp(copy)
    if stamp is None:
        return False, [f"{copy}: no readable {STAMP}; not a copy made by scripts/vendor.py"]
    spec_now = sha256(SPEC.read_bytes())
    spec_then = str(stamp.get("openapi_sha256", ""))
    report = [
        f"{copy}: {stamp.get('name')} vendored from ddcases {stamp.get('ddcases_version')}, "
        f"openapi.yaml sha256 {spec_then[:12]}"
        + (", with the emulator" if stamp.get("emulator") else "")
    ]
    ok = True
    found = edits(copy, stamp)
    if found:
        ok = False
        report.append(f"edited by hand: {len(found.lines())} file(s) differ from the manifest")
        report.extend(found.lines())
    else:
        report.append(f"not edited: all {len(stamp['files'])} files match the manifest")
    if spec_then == spec_now:
        report.append("up to date with this checkout's openapi.yaml")
    else:
        ok = False
        history = spec_history(spec_then)
        if history is None:
            where = "a spec this checkout's history does not hold (newer, or from another branch)"
        elif history[0] == 0:
            where = f"the committed spec ({history[1][:12]}); openapi.yaml has uncommitted changes"
        else:
            where = f"the spec of {history[1][:12]}, {history[0]} spec commit(s) ago"
        report.append(
            f"behind this checkout's spec: generated from {where}; this checkout has "
            f"sha256 {spec_now[:12]} (re-vendor to update)"
        )
    if stamp.get("ddcases_version") != ddcases_version():
        report.append(f"this checkout is ddcases {ddcases_version()}")
    if stamp.get("generators") != generator_versions():
        pins = ", ".join(f"{k} {v}" for k, v in generator_versions().items())
        report.append(f"this checkout generates with {pins}")
    return ok, report
