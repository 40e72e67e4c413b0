"""The emulator answers without JSON ``null``s, as the live service does (issue 18 item 18).

Reference sheet §5.2: "No JSON null in any Case Management response: absent optional members
are left out." The emulator sent ``"jira_issue": null``, ``"assignee": null``, ... A scenario
through the facade reaches every route the emulator has, error answers included, and every
body it receives is checked; a route the scenario does not reach fails the test by name.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ddcases import CaseManagement, NotFoundError
from ddcases.emulator._routes import routes
from ddcases.testing import Emulator

from ._helpers import USER


class Bodies(httpx.AsyncBaseTransport):
    """Keeps every JSON body the emulator answers with, by operation."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[tuple[str, Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        where = f"{request.method} {request.url.path} -> {response.status_code}"
        if content:
            self.bodies.append((where, json.loads(content)))
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def nulls(value: Any, path: str = "") -> list[str]:
    """The JSON paths of every ``null`` in ``value``."""
    if value is None:
        return [path or "/"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls(v, f"{path}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{path}/{i}")]
    return []


@pytest.fixture
async def recorded(emulator: Emulator) -> AsyncIterator[tuple[CaseManagement, Bodies]]:
    bodies = Bodies(emulator.transport())
    async with emulator.client(transport=bodies) as dd:
        yield dd, bodies


async def test_no_route_answers_with_a_null(
    emulator: Emulator, recorded: tuple[CaseManagement, Bodies]
) -> None:
    dd, bodies = recorded
    emulator.define_custom_attribute("score", "NUMBER")
    project = await dd.projects.create(key="SEC", name="Security")
    await dd.projects.get("SEC")
    await dd.projects.update("SEC", name="Security (EMEA)")
    [p async for p in dd.projects.list()]
    # A case with nothing optional set: unassigned, never modified, closed or archived.
    case = await dd.cases.create(project.id, "Leaked token")
    await dd.cases.get(case.id)
    [c async for c in dd.cases.search("status:open")]
    await dd.cases.update_title(case.id, "Leaked token (rotated)")
    await dd.cases.update_description(case.id, "found in a public gist")
    await dd.cases.update_priority(case.id, "P1")
    await dd.cases.assign(case.id, USER)
    await dd.cases.unassign(case.id)
    await dd.cases.update_status(case.id, "CLOSED")
    await dd.cases.archive(case.id)
    await dd.cases.unarchive(case.id)
    await dd.cases.update_attributes(case.id, {"env": ["prod"]})
    await dd.cases.update_custom_attribute(case.id, "score", 7.5)
    await dd.cases.delete_custom_attribute(case.id, "score")
    comment = await dd.cases.comment(case.id, "Escalated")
    await dd.cases.delete_comment(case.id, comment.id)
    with pytest.raises(NotFoundError):
        await dd.cases.delete_comment(case.id, comment.id)
    with pytest.raises(NotFoundError):
        await dd.cases.get("SEC-404")
    await dd.projects.delete("SEC")

    missing = sorted({r.name for r in routes()} - set(emulator.requests))
    assert not missing, f"routes this test does not reach (add them to it): {missing}"
    assert len(bodies.bodies) > 20
    found = {where: nulls(body) for where, body in bodies.bodies if nulls(body)}
    assert not found, f"explicit nulls, which the live service never sends: {found}"


async def test_an_unset_member_is_absent_not_null(
    recorded: tuple[CaseManagement, Bodies],
) -> None:
    dd, bodies = recorded
    project = await dd.projects.create(key="SEC", name="Security")
    await dd.cases.create(project.id, "Leaked token")
    (_, document) = bodies.bodies[-1]
    attributes, relationships = document["data"]["attributes"], document["data"]["relationships"]
    for member in ("closed_at", "archived_at", "jira_issue", "service_now_ticket"):
        assert member not in attributes
    assert "assignee" not in relationships
    case = await dd.cases.get("SEC-1")
    assert case.relationships.assignee is not None  # type: ignore[union-attr]
    from ddcases import Unset

    assert isinstance(case.attributes.closed_at, Unset)  # parsed as the live answer is
