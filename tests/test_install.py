"""The README's "Install" commands work, run as written (issue 18 item 1).

The only install line the README had, ``pip install 'ddcases[emulator]'``, could not work: the
package is on no index. Each command of the section's block runs here in a fresh venv, the
placeholders filled with this repository (a clone of it, and its URL as
``file://localhost/...``), and the installed package is imported from outside the checkout.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def install_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Install\n") :].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Install section has no sh block"
    return [line.split("  #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_install_section_shows_no_index_install() -> None:
    for command in install_block():
        words = shlex.split(command)
        if words[:2] == ["pip", "install"]:
            target = words[2]
            assert target.startswith("./") or " @ git+" in target, command


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _clone(tmp_path: Path) -> str:
    commit = run("git", "rev-parse", "HEAD", cwd=ROOT).strip()
    run("git", "clone", "-q", ROOT, "ddcases", cwd=tmp_path)
    run("git", "checkout", "-q", commit, cwd=tmp_path / "ddcases")
    run(sys.executable, "-m", "venv", "venv", cwd=tmp_path)
    return commit


def _pip(tmp_path: Path, command: str) -> None:
    words = shlex.split(command)
    assert words[:2] == ["pip", "install"], command
    pip = tmp_path / "venv" / "bin" / "pip"
    run(pip, "install", "-q", "--disable-pip-version-check", *words[2:], cwd=tmp_path)


def _imports(tmp_path: Path, *modules: str) -> bool:
    python = tmp_path / "venv" / "bin" / "python"
    probe = f"import {', '.join(modules)}"
    # Run outside the checkout, so the installed package is what gets imported.
    result = subprocess.run([python, "-c", probe], cwd=tmp_path / "venv", check=False)
    return result.returncode == 0


def test_the_checkout_commands_work_as_written(tmp_path: Path) -> None:
    clone, plain, emulator, redis, _ = install_block()
    assert clone == "git clone <repository URL> ddcases"
    _clone(tmp_path)
    _pip(tmp_path, plain)
    assert _imports(tmp_path, "ddcases", "ddcases.testing", "aiohttp", "orjson")
    assert not _imports(tmp_path, "starlette")
    assert not _imports(tmp_path, "redis")
    _pip(tmp_path, emulator)
    assert _imports(tmp_path, "ddcases.emulator", "starlette", "uvicorn", "pydantic")
    _pip(tmp_path, redis)
    assert _imports(tmp_path, "ddcases._rate_store", "redis.asyncio")


def test_the_git_url_command_works_as_written(tmp_path: Path) -> None:
    *_, from_git = install_block()
    commit = _clone(tmp_path)
    url = f"file://localhost{tmp_path / 'ddcases'}"
    _pip(
        tmp_path,
        from_git.replace("<repository URL>", url).replace("<tag, branch or commit>", commit),
    )
    assert _imports(tmp_path, "ddcases", "ddcases.emulator", "starlette")
