"""The vendored pytest plugin, as the README documents it, inside a user's vendored tree.

pytest runs in the runtime venv that has the emulator's packages, pytest and pytest-asyncio but
no ddcases, so the fixtures can only come from ``pytest_plugins = ["<name>.testing.plugin"]``.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

from ._vendoring import NAME, runtime_venvs

CONFTEST = f'pytest_plugins = ["{NAME}.testing.plugin"]\n'
# pytest-asyncio warns (an error under -W error) when its loop scope is left unset.
PYPROJECT = '[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = "function"\n'

USER_TESTS = textwrap.dedent(
    f"""
    import pytest

    from {NAME} import CaseManagement, NotFoundError
    from {NAME}.testing import Emulator


    @pytest.mark.asyncio
    async def test_escalates(ddcases_client: CaseManagement, emulator: Emulator) -> None:
        await ddcases_client.projects.create(key="SEC", name="Security")
        case = await ddcases_client.cases.create(project="SEC", title="Leaked", priority="P2")
        emulator.faults.fail_next(1, status=503)
        case = await ddcases_client.cases.update_priority(case.id, "P1")  # retried once
        assert case.attributes.priority == "P1"
        assert emulator.requests["UpdatePriority"] == 2


    @pytest.mark.asyncio
    async def test_errors_come_from_the_copy(ddcases_client: CaseManagement) -> None:
        with pytest.raises(NotFoundError):
            await ddcases_client.projects.get("NOPE")


    def test_each_test_gets_a_fresh_emulator(emulator: Emulator) -> None:
        assert emulator.requests == {{}}
    """
)


def test_pytest_inside_a_vendored_tree_gets_the_fixtures(
    emulator_dest: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(emulator_dest, project)
    (project / "conftest.py").write_text(CONFTEST)
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "tests").mkdir()
    (project / "tests" / "test_bot.py").write_text(USER_TESTS)
    python = runtime_venvs.ensure("all")
    result = subprocess.run(
        [str(python), "-I", "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
