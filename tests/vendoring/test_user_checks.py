"""A vendored copy passes its user's own `ruff check` and `mypy --strict`, with no overrides.

"No overrides" is ruff's default rule set and settings (``--isolated``: no config file applies)
and plain ``mypy --strict``, run over the user's tree: the copy plus a module of theirs that uses
it. mypy resolves third-party packages in the runtime venv the copy is meant for.

Findings whose fix belongs to another line (templates the ops line owns, the transport) are
listed in PENDING: the tests below ignore exactly those, and test_pending_findings_are_gone
(strict xfail) fails as soon as they disappear, so the list cannot go stale.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ._vendoring import NAME, copy_of, runtime_venvs

RUFF = Path(sys.executable).with_name("ruff")
COPY = "/".join(NAME.split("."))

PENDING: dict[tuple[str, str, str], str] = {}

USER_MODULE = textwrap.dedent(
    f"""
    \"\"\"The user's own code on the copy.\"\"\"

    from {NAME} import Case, CaseManagement, NotFoundError


    async def escalate(dd: CaseManagement, ref: str) -> Case | None:
        try:
            return await dd.cases.update_priority(ref, "P1")
        except NotFoundError:
            return None
    """
).lstrip()

USER_TEST = textwrap.dedent(
    f"""
    \"\"\"The user's tests, with the vendored emulator.\"\"\"

    from {NAME} import CaseManagement
    from {NAME}.testing import Emulator
    from myapp.bot import escalate


    async def test_escalate(ddcases_client: CaseManagement, emulator: Emulator) -> None:
        await ddcases_client.projects.create(key="SEC", name="Security")
        case = await ddcases_client.cases.create(project="SEC", title="t", priority="P2")
        assert await escalate(ddcases_client, case.id) is not None
        assert emulator.requests["UpdatePriority"] == 1
    """
).lstrip()


def _project(dest: Path, tmp_path: Path, *, emulator: bool) -> Path:
    project = tmp_path / "project"
    shutil.copytree(dest, project)
    (project / "myapp" / "bot.py").write_text(USER_MODULE)
    if emulator:
        (project / "myapp" / "test_bot.py").write_text(USER_TEST)
    return project


def _pending(tool: str, path: str, code: str) -> bool:
    return (tool, path, code) in PENDING


def ruff_findings(project: Path) -> list[tuple[str, str, str, str]]:
    result = subprocess.run(
        [str(RUFF), "check", "--isolated", "--output-format", "json", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return [
        (
            "ruff",
            Path(f["filename"]).relative_to(project).as_posix(),
            f["code"],
            f"{f['location']['row']}: {f['message']}",
        )
        for f in json.loads(result.stdout)
    ]


MYPY_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<msg>.*?)\s+\[(?P<code>[\w-]+)\]$"
)


def mypy_findings(project: Path, venv: str, cache: Path) -> list[tuple[str, str, str, str]]:
    python = runtime_venvs.ensure(venv)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-executable",
            str(python),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "-p",
            "myapp",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    findings = []
    for line in result.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match:
            findings.append(("mypy", match["path"], match["code"], match["msg"]))
        else:
            assert ": note: " in line, line
    return findings


COPIES = {"plain": False, "emulator": True}
# Every runtime venv: only the required packages, each optional group missing, everything
# (issue 18 item 5: a copy failed mypy --strict unless every optional package was installed).
VENVS = list(runtime_venvs.VENVS)
Finding = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def findings(
    plain_dest: Path, emulator_dest: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], list[Finding]]:
    """(copy kind, "ruff" or a venv) -> findings on a user's tree holding that copy (run once)."""
    found = {}
    for kind, emulator in COPIES.items():
        tmp = tmp_path_factory.mktemp(f"user-{kind}")
        root = _project(emulator_dest if emulator else plain_dest, tmp, emulator=emulator)
        assert copy_of(root).is_dir()
        found[kind, "ruff"] = ruff_findings(root)
        for venv in VENVS:
            found[kind, venv] = mypy_findings(root, venv, tmp / f"mypy-cache-{venv}")
    return found


@pytest.mark.parametrize("kind", list(COPIES))
def test_users_ruff_check_passes(kind: str, findings: dict[tuple[str, str], list[Finding]]) -> None:
    assert [f for f in findings[kind, "ruff"] if not _pending(*f[:3])] == []


@pytest.mark.parametrize("venv", VENVS)
@pytest.mark.parametrize("kind", list(COPIES))
def test_users_mypy_strict_passes_in_every_runtime_venv(
    kind: str, venv: str, findings: dict[tuple[str, str], list[Finding]]
) -> None:
    """With only httpx and attrs installed, with each optional group missing, with all."""
    assert [f for f in findings[kind, venv] if not _pending(*f[:3])] == []


def test_only_modules_importing_an_optional_package_get_mypy_options(emulator_dest: Path) -> None:
    """The per-file options scripts/vendor.py adds stay off the modules that need none."""
    copy = copy_of(emulator_dest)
    marked = sorted(
        p.relative_to(copy).as_posix()
        for p in copy.rglob("*.py")
        if p.read_text().startswith("# mypy: ")
    )
    assert "_aiohttp_transport.py" in marked
    assert "_schema/models.py" in marked
    assert "_client.py" not in marked
    assert not any(m.startswith("_api/") and m != "_api/types.py" for m in marked), marked


@pytest.mark.xfail(bool(PENDING), strict=True, reason="; ".join(PENDING.values()))
def test_pending_findings_are_gone(findings: dict[tuple[str, str], list[Finding]]) -> None:
    assert [f for found in findings.values() for f in found if _pending(*f[:3])] == []
