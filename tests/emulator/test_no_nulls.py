"""The emulator answers without JSON ``null``s, as the live service does (issue 18 item 18).

Reference sheet §5.2: "No JSON null in any Case Management response: absent optional members
are left out." The emulator sent ``"jira_issue": null``, ``"assignee": null``, ... A scenario
through the facade reaches every route the emulator has, error answers included, and every
body it receives is checked; a route the scenario does not reach fails the test by name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ddcases import CaseManagement, NotFoundError
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
    await _case_life(dd, emulator, case.id)
    await _configuration(dd)
    await dd.projects.delete("SEC")

    names = {getattr(r, "name", None) for r in emulator.app.routes} - {None}
    missing = sorted(names - set(emulator.requests))
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


async def _case_life(dd: CaseManagement, emulator: Emulator, case: str) -> None:
    """Issue 16's operations, on a case with nothing optional set."""
    await dd.cases.update_due_date(case, "2026-12-31")
    await dd.cases.update_resolved_reason(case, "FALSE_POSITIVE")
    insight = {"type": "MONITOR", "resource_id": "123", "ref": "/monitors/123"}
    await dd.cases.add_insights(case, [insight])
    await dd.cases.remove_insights(case, [insight])
    cell = await dd.cases.comment(case, "a question?")
    [c async for c in dd.cases.timeline(case)]
    await dd.cases.update_comment(case, cell.id, "edited")
    await dd.cases.watch(case, USER)
    await dd.cases.watchers(case)
    await dd.cases.unwatch(case, USER)
    other = await dd.cases.create("SEC", "Other")
    link = await dd.links.create(
        parent_entity_type="CASE",
        parent_entity_id=case,
        child_entity_type="CASE",
        child_entity_id=other.id,
        relationship="BLOCKS",
    )
    await dd.links.list("CASE", case)
    await dd.links.delete(link.id)
    await dd.cases.link_incident(case, "00000000-0000-0000-1234-000000000000")
    await dd.cases.link_jira_issue(case, "https://jira.example.com/browse/PROJ-1")
    await dd.cases.unlink_jira_issue(case)
    await dd.cases.create_jira_issue(
        case, jira_account_id="acc", project_id="10000", issue_type_id="10001"
    )
    await dd.cases.create_servicenow_ticket(case, instance_name="acme", assignment_group="sec")
    emulator.app.state.case_life.complete_integrations()
    await dd.cases.get(case)  # with its integrations completed
    await dd.cases.create_notebook(case)
    await dd.cases.count("status:open", group_bys=["status"], limit=10)
    await dd.cases.aggregate("status:open", group_by=["priority"], limit=100)
    await dd.cases.bulk_update([other.id], "priority", {"priority": "P2"})
    ops = await dd.projects.create(key="OPS", name="Operations")
    await dd.cases.move(other.id, ops.id)


async def _configuration(dd: CaseManagement) -> None:
    """Issue 17's operations: case types, their custom attributes, rules, views, favorites and
    maintenance windows, each created with nothing optional set."""
    case_type = await dd.case_types.create(name="Security review")
    await dd.case_types.list()
    await dd.case_types.update(case_type.id, name="Security review (EMEA)")
    attributes = dd.case_types.custom_attributes
    config = await attributes.create(
        case_type.id, key="score", display_name="Score", type="NUMBER", is_multi=False
    )
    await attributes.list()
    await attributes.list(case_type.id)
    await attributes.update(case_type.id, config.id, display_name="Risk score")
    await attributes.delete(case_type.id, config.id)
    await dd.case_types.delete(case_type.id)
    rules = dd.projects.notification_rules
    rule = await rules.create("SEC", triggers=[{"type": "CASE_CREATED"}], recipients=[])
    await rules.list("SEC")
    await rules.update("SEC", rule.id, is_enabled=False)
    await rules.delete("SEC", rule.id)
    trigger, action = (
        {"type": "CASE_CREATED"},
        {"type": "EXECUTE_WORKFLOW", "data": {"handle": "t"}},
    )
    automation = await dd.projects.rules.create(
        "SEC", name="Triage", trigger=trigger, action=action
    )
    await dd.projects.rules.list("SEC")
    await dd.projects.rules.get("SEC", automation.id)
    await dd.projects.rules.update("SEC", automation.id, name="v2", trigger=trigger, action=action)
    await dd.projects.rules.disable("SEC", automation.id)
    await dd.projects.rules.enable("SEC", automation.id)
    await dd.projects.rules.delete("SEC", automation.id)
    view = await dd.views.create("SEC", name="Open", query="status:open")
    await dd.views.list("SEC")
    await dd.views.get(view.id)
    await dd.views.update(view.id, query="status:closed")
    await dd.views.delete(view.id)
    await dd.projects.favorite("SEC")
    await dd.projects.favorites()
    await dd.projects.unfavorite("SEC")
    start = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    window = await dd.maintenance_windows.create(
        name="DB upgrade", query="service:db", start_at=start, end_at=start + HOUR
    )
    await dd.maintenance_windows.list()
    await dd.maintenance_windows.update(window.id, end_at=start + 2 * HOUR)
    await dd.maintenance_windows.delete(window.id)


HOUR = datetime.timedelta(hours=1)
