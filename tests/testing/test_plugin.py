"""The pytest plugin's fixtures and the facade against the emulator, in process."""

from __future__ import annotations

import pytest

import ddcases
from ddcases import CaseManagement, NotFoundError
from ddcases.testing import Emulator, emulated_client

USER = "9b1f8a6e-4b7c-4a55-8f1f-2f7e0c1d2a3b"

pytest_plugins = ["pytester"]


async def test_fixtures_give_a_ready_client(
    ddcases_client: CaseManagement, emulator: Emulator
) -> None:
    project = await ddcases_client.projects.create(key="SEC", name="Security")
    case = await ddcases_client.cases.create(project="SEC", title="Leak", priority="P2")
    assert case.attributes.key == "SEC-1"
    assert (await ddcases_client.projects.get("SEC")).id == project.id
    assert emulator.requests["CreateCase"] == 1
    assert len(list(emulator.store.cases())) == 1


async def test_facade_covers_every_operation(ddcases_client: CaseManagement) -> None:
    dd = ddcases_client
    await dd.projects.create(key="SEC", name="Security")
    for n in range(25):
        await dd.cases.create(project="SEC", title=f"case {n}", priority="P1" if n % 2 else "P3")
    assert [p.attributes.key async for p in dd.projects.list()] == ["SEC"]
    p1 = [c.attributes.key async for c in dd.cases.search("priority:P1", page_size=5)]
    assert len(p1) == 12
    pages = [page async for page in dd.cases.search("status:open", page_size=10).pages()]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert pages[0].total_pages == 3
    case = await dd.cases.update_status("SEC-1", "CLOSED")
    assert case.attributes.closed_at is not None
    case = await dd.cases.update_priority("SEC-1", "P1")
    assert str(case.attributes.priority) == "P1"
    case = await dd.cases.assign("SEC-1", USER)
    assert case.relationships.assignee.data.id == USER
    await dd.cases.unassign("SEC-1")
    case = await dd.cases.archive("SEC-1")
    assert case.attributes.archived_at is not None
    assert [c.attributes.key async for c in dd.cases.search("archived:true")] == ["SEC-1"]
    await dd.cases.unarchive("SEC-1")
    await dd.projects.delete("SEC")
    with pytest.raises(NotFoundError):
        await dd.cases.get("SEC-1")


async def test_retries_show_in_the_request_counts(
    ddcases_client: CaseManagement, emulator: Emulator
) -> None:
    emulator.faults.fail_next(1, status=429, headers={"X-RateLimit-Reset": "0"})
    await ddcases_client.projects.create(key="SEC", name="Security")
    assert emulator.requests["CreateProject"] == 2


async def test_emulated_client_outside_pytest_fixtures() -> None:
    async with emulated_client() as dd:
        await dd.projects.create(key="OPS", name="Ops")
        assert (await dd.cases.create(project="OPS", title="x")).attributes.key == "OPS-1"
    assert "emulated_client" in ddcases.testing.__all__


def test_plugin_is_registered_and_needs_no_extra_at_import(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_fixture_available(emulator):
            assert emulator.faults is emulator.app.state.faults

        def test_plugin_import_pulled_in_no_extra(request):
            assert request.config.pluginmanager.has_plugin("ddcases")
        """
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
    pytester.makepyfile(
        check_import="""
        import sys
        import ddcases.testing.plugin
        loaded = sorted(m for m in ("starlette", "uvicorn", "pydantic") if m in sys.modules)
        print("LOADED", loaded)
        """
    )
    run = pytester.run(sys_executable(), "check_import.py")
    assert "LOADED []" in run.stdout.str()


def sys_executable() -> str:
    import sys

    return sys.executable
