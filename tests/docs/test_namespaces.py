"""The reference finds namespaces in the code: a namespace the generator adds (top-level or
nested, generated whole or subclassed in ddcases.resources) gets its page with no edit to the
docs, and a facade class no namespace reaches fails the strict build instead of going missing."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest

from tests.docs import _site

docs_reference = _site.script("docs_reference")

# A tree shaped like src/ + generated/ after the operation issues: dd.links (generated whole),
# dd.cases (subclassed by hand), dd.case_types.custom_attributes (nested), one orphan class.
TREE = {
    "src/ddcases/__init__.py": """
        from ._client import CaseManagement
        __all__ = ["CaseManagement"]
    """,
    "src/ddcases/_resource.py": """
        class Resource:
            '''Base of every namespace.'''
    """,
    "src/ddcases/_client.py": """
        from ddcases_api.facade import Namespaces
        class CaseManagement(Namespaces):
            '''The client.'''
    """,
    "src/ddcases/resources/__init__.py": "",
    "src/ddcases/resources/cases.py": """
        from functools import cached_property
        from ddcases_api.facade import cases as generated
        class CasesWithRawResponse(generated.CasesWithRawResponse):
            pass
        class Cases(generated.Cases):
            '''dd.cases, by hand.'''
            @cached_property
            def with_raw_response(self) -> CasesWithRawResponse:
                return CasesWithRawResponse()
            async def search(self) -> None:
                '''Search.'''
    """,
    "generated/ddcases_api/__init__.py": "",
    "generated/ddcases_api/facade/__init__.py": """
        from __future__ import annotations
        from functools import cached_property
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from ddcases.resources.cases import Cases
            from .case_types import CaseTypes
            from .links import Links
        class Namespaces:
            @cached_property
            def cases(self) -> Cases: ...
            @cached_property
            def links(self) -> Links: ...
            @cached_property
            def case_types(self) -> CaseTypes: ...
    """,
    "generated/ddcases_api/models/__init__.py": """
        class Case:
            '''A case.'''
        __all__ = ["Case"]
    """,
    "generated/ddcases_api/facade/params.py": """
        from typing import TypedDict
        class LinkParam(TypedDict):
            id: str
    """,
    "generated/ddcases_api/facade/cases.py": """
        from ddcases._resource import Resource
        class CasesWithRawResponse:
            pass
        class Cases(Resource):
            async def get(self, case: str) -> None:
                '''Get a case.'''
    """,
    "generated/ddcases_api/facade/links.py": """
        from functools import cached_property
        from ddcases._resource import Resource
        class LinksWithRawResponse:
            pass
        class Links(Resource):
            @cached_property
            def with_raw_response(self) -> LinksWithRawResponse:
                return LinksWithRawResponse()
            async def create(self, case: str) -> None:
                '''Link two cases.'''
        class Orphan(Resource):
            '''Reached by no namespace.'''
    """,
    "generated/ddcases_api/facade/case_types.py": """
        from __future__ import annotations
        from functools import cached_property
        from typing import TYPE_CHECKING
        from ddcases._resource import Resource
        if TYPE_CHECKING:
            from .case_types_custom_attributes import CustomAttributes
        class CaseTypes(Resource):
            @cached_property
            def custom_attributes(self) -> CustomAttributes: ...
    """,
    "generated/ddcases_api/facade/case_types_custom_attributes.py": """
        from ddcases._resource import Resource
        class CustomAttributes(Resource):
            async def list(self) -> None:
                '''Custom attributes of a case type.'''
    """,
}


@pytest.fixture
def packages(tmp_path: Path) -> dict[str, object]:
    for name, text in TREE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    logging.getLogger("griffe").setLevel(logging.ERROR)
    loaded: dict[str, object] = docs_reference.load([tmp_path / "src", tmp_path / "generated"])
    return loaded


def test_namespaces_are_found_top_level_and_nested(packages: dict[str, object]) -> None:
    found = {ns.title: ns for ns in docs_reference.namespaces(packages)}
    assert list(found) == [
        "dd.cases",
        "dd.links",
        "dd.case_types",
        "dd.case_types.custom_attributes",
    ]
    assert found["dd.cases"].cls.path == "ddcases.resources.cases.Cases"
    assert found["dd.cases"].raw.path == "ddcases.resources.cases.CasesWithRawResponse"
    assert found["dd.links"].cls.path == "ddcases_api.facade.links.Links"
    nested = found["dd.case_types.custom_attributes"]
    assert nested.cls.path == "ddcases_api.facade.case_types_custom_attributes.CustomAttributes"
    assert nested.uri == "reference/namespaces/case_types.custom_attributes.md"


def test_each_namespace_gets_a_page_with_its_methods(packages: dict[str, object]) -> None:
    pages = {page.uri: page for page in docs_reference.pages(packages)}
    links = pages["reference/namespaces/links.md"]
    assert links.title == "dd.links"
    assert "::: ddcases_api.facade.links.Links\n" in links.text
    assert "::: ddcases_api.facade.links.LinksWithRawResponse\n" in links.text
    cases = pages["reference/namespaces/cases.md"].text
    assert "`get`, `search`" in cases  # generated and hand-written methods, inherited ones too
    assert "reference/namespaces/case_types.custom_attributes.md" in pages


def test_a_facade_class_no_namespace_reaches_is_reported(packages: dict[str, object]) -> None:
    found = docs_reference.namespaces(packages)
    assert docs_reference.unreached_facade_classes(packages, found) == [
        "ddcases_api.facade.links.Orphan"
    ]
