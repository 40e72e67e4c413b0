"""A throwaway copy of this repository, committed, for tests that change the spec and regenerate.

The copy holds the working tree's files as git sees them (tracked and untracked, not ignored), so
uncommitted work is what gets tested. Python code in the copy runs with the copy's ``src`` and
``generated`` ahead of the dev venv's editable install (``env()``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GIT = ["git", "-c", "user.name=ddcases tests", "-c", "user.email=tests@ddcases.invalid"]


def make(into: Path) -> Path:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel)
    commit(into, "the working tree of the ddcases checkout")
    return into


def commit(repo: Path, message: str) -> None:
    if not (repo / ".git").exists():
        subprocess.run([*GIT, "init", "-q", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-q", "-m", message], check=True)


def env(repo: Path) -> dict[str, str]:
    variables = dict(os.environ)
    variables["PYTHONPATH"] = os.pathsep.join([str(repo / "src"), str(repo / "generated")])
    return variables


def run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in ``repo`` with the dev venv's interpreter and the copy's packages."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=repo,
        env=env(repo),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def generate(repo: Path) -> None:
    run(repo, "generator/generate.py", "--spec", "openapi.yaml", "--out", "generated")


def load_spec(repo: Path) -> dict:  # type: ignore[type-arg]
    loaded: dict = yaml.safe_load((repo / "openapi.yaml").read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return loaded


def save_spec(repo: Path, spec: dict) -> None:  # type: ignore[type-arg]
    (repo / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
