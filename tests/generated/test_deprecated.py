"""No response member that may go away is required (issue 18 item 17).

Datadog's API description (client 2.62.0) marks a case's ``status`` deprecated, replaced by
``status_name``/``status_group``; openapi.yaml required it, so the day the service stops sending
it every call returning a case would raise UnexpectedResponseError, in every vendored copy until
it is regenerated. Required members are a promise about the service: a deprecated one is not
one it keeps. This walks the whole spec, and checks that what Datadog marks deprecated is
marked here too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ddcases_api.models import CaseAttributes

from ._spec import resolve, spec

DATADOG = Path("/work/shared/recordings/datadog-v2-openapi-case-management-2026-04.yaml")
#: What Datadog's description (client 2.62.0, recorded 2026-04) marks deprecated: schemas, and
#: members as "Schema.member". Checked against the recording where it is at hand.
DATADOG_DEPRECATED = frozenset({"CaseStatus", "CaseType", "CaseUpdateStatusAttributes.status"})


def _objects(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema under ``node`` (nested properties, items, allOf/anyOf/oneOf)."""
    if not isinstance(node, dict):
        return
    if "properties" in node:
        yield where, node
    for name, child in node.get("properties", {}).items():
        yield from _objects(child, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        yield from _objects(node.get(key), f"{where}[{key}]")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, child in enumerate(node.get(key, [])):
            yield from _objects(child, f"{where}.{key}[{i}]")


def deprecated(member: Any) -> bool:
    """True when the member, or any schema it refers to, is marked deprecated."""
    seen: Any = member
    while isinstance(seen, dict):
        if seen.get("deprecated") is True:
            return True
        if "$ref" not in seen:
            return False
        seen = resolve({"$ref": seen["$ref"]})
    return False


def required_deprecated(document: dict[str, Any]) -> list[str]:
    return [
        f"{where}.{member}"
        for name, schema in document["components"]["schemas"].items()
        for where, obj in _objects(schema, name)
        for member in obj.get("required", [])
        if deprecated(obj["properties"].get(member))
    ]


def test_no_required_member_is_deprecated() -> None:
    assert required_deprecated(spec()) == []


def test_the_walk_finds_a_required_deprecated_member() -> None:
    """The check works: the spec as it was (status required) fails it."""
    import copy

    old = copy.deepcopy(spec())
    old["components"]["schemas"]["CaseAttributes"]["required"].append("status")
    assert required_deprecated(old) == ["CaseAttributes.status"]


@functools.cache
def datadog_deprecations() -> set[str]:
    """Schemas and members Datadog's published description marks deprecated."""
    document = yaml.safe_load(DATADOG.read_text(encoding="utf-8"))
    marked: set[str] = set()
    for name, schema in document["components"]["schemas"].items():
        if schema.get("deprecated") is True:
            marked.add(name)
        for member, prop in schema.get("properties", {}).items():
            if isinstance(prop, dict) and prop.get("deprecated") is True:
                marked.add(f"{name}.{member}")
    return marked


@pytest.mark.skipif(not DATADOG.exists(), reason="Datadog's recorded API description is absent")
def test_the_list_is_datadogs() -> None:
    assert datadog_deprecations() == DATADOG_DEPRECATED


def test_what_datadog_marks_deprecated_is_marked_here() -> None:
    schemas = spec()["components"]["schemas"]
    for mark in sorted(DATADOG_DEPRECATED):
        name, _, member = mark.partition(".")
        if name not in schemas:
            continue
        node = schemas[name]["properties"].get(member) if member else schemas[name]
        if node is not None:
            assert node.get("deprecated") is True, f"{mark} is deprecated in Datadog's description"


async def test_a_case_without_status_parses() -> None:
    """What the service may send once it drops `status`: a case with status_name only."""
    import httpx

    from ddcases import CaseManagement

    from ._live import live_case

    case = live_case()
    del case["attributes"]["status"]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": case})

    keys = {"api_key": "a" * 32, "app_key": "b" * 40, "base_url": "https://api.datadoghq.com"}
    async with CaseManagement(**keys, transport=httpx.MockTransport(handler)) as dd:
        got = await dd.cases.get("SEC-12")
    assert isinstance(got.attributes, CaseAttributes)
    assert got.attributes.status_name == "Open"
    from ddcases import Unset

    assert isinstance(got.attributes.status, Unset)
