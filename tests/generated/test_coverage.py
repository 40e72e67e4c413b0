"""Every operation in openapi.yaml has a generated module, a facade method, an emulator route
and examples; a failure says in words what an operation lacks (README, "Adding an operation")."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from ._coverage import (
    FACADE,
    RESOURCES,
    facade_methods,
    facade_methods_from,
    facade_methods_in,
    gaps,
    hand_written,
    x_ddcases,
)
from ._spec import operations, snake


def test_every_operation_is_covered() -> None:
    missing = gaps()
    assert not missing, (
        f"{len(missing)} gap(s) between openapi.yaml and the code "
        '(README, "Adding an operation"):\n  ' + "\n  ".join(missing)
    )


def test_facade_methods_are_found_through_private_helpers() -> None:
    source = textwrap.dedent(
        """
        from ddcases_api.api.case_management import get_projects, get_case as fetch, unused

        class Projects:
            async def list(self):
                for p in await self._fetch_all():
                    yield p

            async def _fetch_all(self):
                return await self._call(get_projects.asyncio_detailed, _pick)

            async def get(self, ref):
                return await self._call(fetch.asyncio_detailed, _pick, ref)
        """
    )
    found = facade_methods_in(source, "projects")
    assert found == {
        "ddcases_api.api.case_management.get_projects": ["dd.projects.list"],
        "ddcases_api.api.case_management.get_case": ["dd.projects.get"],
    }


def test_methods_inherited_from_a_private_module_count_for_the_namespace() -> None:
    edits = textwrap.dedent(
        """
        from ddcases_api.api.case_management import update_case_title

        _TITLE = update_case_title.asyncio_detailed

        class CaseEdits:
            async def retitle(self, case, title):
                return await self._call(_TITLE, case, title)
        """
    )
    cases = textwrap.dedent(
        """
        from ._case_edits import CaseEdits

        class Cases(CaseEdits):
            async def get(self, ref): ...
        """
    )
    found = facade_methods_from({"_case_edits": edits, "cases": cases})
    assert found == {"ddcases_api.api.case_management.update_case_title": ["dd.cases.retitle"]}


def test_the_real_facade_is_read_the_same_way() -> None:
    found = facade_methods()
    module = "ddcases_api.api.case_management."
    assert "dd.projects.list" in found[module + "get_projects"]
    assert "dd.cases.update_status" in found[module + "update_status"]
    # Every facade method found calls an operation the spec has.
    assert set(found) <= {module + snake(op) for op in operations()}


def _defined_methods(path: Path) -> set[str]:
    """Public methods defined in the classes of one module (not inherited ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        item.name
        for cls in tree.body
        if isinstance(cls, ast.ClassDef) and not cls.name.endswith("WithRawResponse")
        for item in cls.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        and not item.name.startswith("_")
        and item.name != "with_raw_response"
    }


def test_hand_written_methods_are_exactly_the_ones_the_spec_lists() -> None:
    """The one place that says which facade methods are hand-written, and why, is openapi.yaml's
    x-ddcases-hand-written: resources/ defines those and nothing else that calls the service, and
    the generator left each of them out."""
    listed = hand_written()
    assert listed, "openapi.yaml has no x-ddcases-hand-written"
    assert all(isinstance(why, str) and why.strip() for why in listed.values())
    expected: dict[str, set[str]] = {}
    for operation_id in listed:
        _m, _p, op = operations()[operation_id]
        namespace, _, name = x_ddcases(op)["method"].rpartition(".")
        expected.setdefault(namespace, set()).add(name)
    defined = {
        path.stem: _defined_methods(path)
        for path in RESOURCES.glob("*.py")
        if not path.stem.startswith("_")
    }
    for namespace, names in expected.items():
        module = namespace.replace(".", "_")
        assert defined.get(module) == names, (namespace, defined.get(module), names)
        assert not names & _defined_methods(FACADE / f"{module}.py"), namespace
    assert {m for m, names in defined.items() if names} == {ns.replace(".", "_") for ns in expected}
