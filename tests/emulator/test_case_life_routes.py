"""Issue 16's 22 operations in process: shapes (every answer is checked against openapi.yaml by
the conftest's ``check``), what later reads return, the behaviours picked where the sources are
silent, literal paths against ``/cases/{case_id}``, faults and request counters."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from ddcases.emulator._case_life import CaseLife
from ddcases.testing import Emulator

from ._helpers import USER, action, create_case, create_project

CASES = "/api/v2/cases"
OTHER_USER = "3f5c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"
MONITOR = {"type": "MONITOR", "resource_id": "123", "ref": "/monitors/123"}
SIGNAL = {"type": "SECURITY_SIGNAL", "resource_id": "s-1", "ref": "/security/signals/s-1"}


def _life(emulator: Emulator) -> CaseLife:
    life: CaseLife = emulator.app.state.case_life
    return life


def _doc(type_: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": type_, "attributes": attributes}}


async def _case(http: httpx.AsyncClient, key: str = "SEC", **attributes: Any) -> Any:
    projects = (await http.get(f"{CASES}/projects")).json()["data"]
    found = [p for p in projects if p["attributes"]["key"] == key]
    project = found[0] if found else await create_project(http, key)
    return await create_case(http, project["id"], **attributes)


async def _get(http: httpx.AsyncClient, case: str) -> Any:
    response = await http.get(f"{CASES}/{case}")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["errors"][0]
    return error


# ---------------------------------------------------------------- case fields


async def test_due_date_is_stored_and_echoed(http: httpx.AsyncClient) -> None:
    case = await _case(http)
    assert "due_date" not in case["attributes"]  # absent until set, as the service omits members
    response = await http.post(f"{CASES}/SEC-1/due_date", json=_doc("case", due_date="2026-12-31"))
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["due_date"] == "2026-12-31"
    assert (await _get(http, case["id"]))["attributes"]["due_date"] == "2026-12-31"


@pytest.mark.parametrize("bad", ["31/12/2026", "2026-02-30", "", 20261231, None])
async def test_a_due_date_that_is_not_a_date_is_400(http: httpx.AsyncClient, bad: Any) -> None:
    await _case(http)
    response = await http.post(f"{CASES}/SEC-1/due_date", json=_doc("case", due_date=bad))
    assert _error(response, 400)["source"]["pointer"].startswith("/data/attributes/due_date")


async def test_resolved_reason_is_stored_and_echoed(http: httpx.AsyncClient) -> None:
    await _case(http)
    body = _doc("case", security_resolved_reason="FALSE_POSITIVE")
    response = await http.post(f"{CASES}/SEC-1/resolved_reason", json=body)
    assert response.json()["data"]["attributes"]["security_resolved_reason"] == "FALSE_POSITIVE"
    assert (await _get(http, "SEC-1"))["attributes"]["security_resolved_reason"] == (
        "FALSE_POSITIVE"
    )
    for empty in ("", "  "):
        body = _doc("case", security_resolved_reason=empty)
        _error(await http.post(f"{CASES}/SEC-1/resolved_reason", json=body), 400)


async def test_field_updates_on_an_unknown_case_are_404(http: httpx.AsyncClient) -> None:
    await create_project(http)
    for path, body in (
        ("due_date", _doc("case", due_date="2026-12-31")),
        ("resolved_reason", _doc("case", security_resolved_reason="TRUE_POSITIVE")),
    ):
        response = await http.post(f"{CASES}/SEC-9/{path}", json=body)
        assert _error(response, 404) == {"code": "resource_not_found", "title": "case not found"}


async def test_move_gives_the_case_a_key_in_the_target_project(http: httpx.AsyncClient) -> None:
    case = await _case(http, "SEC")
    await _case(http, "OPS")  # OPS-1 exists, so the moved case is OPS-2
    ops = (await http.get(f"{CASES}/projects")).json()["data"][1]
    body = {"data": {"id": ops["id"], "type": "project"}}
    response = await http.patch(f"{CASES}/SEC-1/relationships/project", json=body)
    assert response.status_code == 200
    moved = response.json()["data"]
    assert moved["id"] == case["id"]
    assert moved["attributes"]["key"] == "OPS-2"
    assert moved["relationships"]["project"]["data"] == {"id": ops["id"], "type": "project"}
    assert (await http.get(f"{CASES}/SEC-1")).status_code == 404  # the old key is gone
    assert (await _get(http, "OPS-2"))["id"] == case["id"]
    # Moving to the project it is in changes nothing.
    again = await http.patch(f"{CASES}/OPS-2/relationships/project", json=body)
    assert again.json()["data"]["attributes"]["key"] == "OPS-2"
    search = (await http.get(CASES, params={"filter": "project:OPS"})).json()["data"]
    assert {c["attributes"]["key"] for c in search} == {"OPS-1", "OPS-2"}


async def test_move_errors(http: httpx.AsyncClient) -> None:
    await _case(http)
    unknown = {"data": {"id": "e555e290-ed65-49bd-ae18-8acbfcf18db7", "type": "project"}}
    response = await http.patch(f"{CASES}/SEC-1/relationships/project", json=unknown)
    assert _error(response, 404)["title"] == "project not found"
    wrong = {"data": {"id": "e555e290-ed65-49bd-ae18-8acbfcf18db7", "type": "case"}}
    response = await http.patch(f"{CASES}/SEC-1/relationships/project", json=wrong)
    assert 'expected one of "project"' in _error(response, 400)["detail"]
    response = await http.patch(f"{CASES}/SEC-7/relationships/project", json=unknown)
    assert _error(response, 404)["title"] == "case not found"


async def test_insights_are_added_once_and_removed_with_a_delete_body(
    http: httpx.AsyncClient,
) -> None:
    case = await _case(http)
    assert case["attributes"]["insights"] == []
    body = _doc("case", insights=[MONITOR, SIGNAL, MONITOR])
    response = await http.put(f"{CASES}/SEC-1/insights", json=body)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["insights"] == [MONITOR, SIGNAL]
    again = await http.put(f"{CASES}/SEC-1/insights", json=_doc("case", insights=[MONITOR]))
    assert again.json()["data"]["attributes"]["insights"] == [MONITOR, SIGNAL]
    other = {**MONITOR, "resource_id": "999"}
    removed = await http.request(
        "DELETE", f"{CASES}/SEC-1/insights", json=_doc("case", insights=[MONITOR, other])
    )
    assert removed.status_code == 200
    assert removed.json()["data"]["attributes"]["insights"] == [SIGNAL]
    assert (await _get(http, "SEC-1"))["attributes"]["insights"] == [SIGNAL]


@pytest.mark.parametrize(
    "insights",
    [
        [],
        [MONITOR] * 101,
        [{"type": "MONITOR", "resource_id": "1"}],
        [{"type": "NOT_A_KIND", "resource_id": "1", "ref": "/x"}],
    ],
    ids=["none", "101", "no-ref", "unknown-type"],
)
async def test_bad_insights_are_400(http: httpx.AsyncClient, insights: list[Any]) -> None:
    await _case(http)
    for method in ("PUT", "DELETE"):
        response = await http.request(
            method, f"{CASES}/SEC-1/insights", json=_doc("case", insights=insights)
        )
        _error(response, 400)
    assert (await _get(http, "SEC-1"))["attributes"]["insights"] == []


# ---------------------------------------------------------------- timeline and comments


async def _comment(http: httpx.AsyncClient, case: str, text: str) -> str:
    response = await http.post(f"{CASES}/{case}/comment", json=_doc("case", comment=text))
    assert response.status_code == 200, response.text
    cell_id: str = response.json()["data"][0]["id"]
    return cell_id


async def _timeline(http: httpx.AsyncClient, case: str, **params: Any) -> list[Any]:
    response = await http.get(f"{CASES}/{case}/timelines", params=params)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"}  # no meta: a pager stops on a short page
    cells: list[Any] = response.json()["data"]
    return cells


def _messages(cells: list[Any]) -> list[str]:
    return [c["attributes"]["cell_content"]["message"] for c in cells]


async def test_timeline_lists_comments_newest_first_in_zero_based_pages(
    http: httpx.AsyncClient,
) -> None:
    await _case(http)
    assert await _timeline(http, "SEC-1") == []
    for text in ("one", "two", "three"):
        await _comment(http, "SEC-1", text)
    assert _messages(await _timeline(http, "SEC-1")) == ["three", "two", "one"]
    ascending = await _timeline(http, "SEC-1", **{"sort[ascending]": "true"})
    assert _messages(ascending) == ["one", "two", "three"]
    pages = [
        _messages(await _timeline(http, "SEC-1", **{"page[size]": 2, "page[number]": n}))
        for n in range(3)
    ]
    assert pages == [["three", "two"], ["one"], []]
    (cell,) = await _timeline(http, "SEC-1", **{"page[size]": 1})
    attributes = cell["attributes"]
    assert attributes["type"] == "COMMENT"
    assert attributes["content"] == '{"message":"three"}'
    assert set(attributes["author"]["content"]) == {"ID", "name", "email", "handle", "active"}
    assert "modified_at" not in attributes


@pytest.mark.parametrize(
    "params",
    [
        {"page[size]": 0},
        {"page[size]": 101},
        {"page[number]": -1},
        {"page[number]": "x"},
        {"sort[ascending]": "yes"},
    ],
)
async def test_bad_timeline_parameters_are_400(
    http: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    await _case(http)
    response = await http.get(f"{CASES}/SEC-1/timelines", params=params)
    assert _error(response, 400)["source"] == {"parameter": next(iter(params))}


async def test_update_comment_changes_the_cell_and_deleted_ones_leave(
    http: httpx.AsyncClient,
) -> None:
    await _case(http)
    first = await _comment(http, "SEC-1", "first")
    second = await _comment(http, "SEC-1", "second")
    response = await http.put(
        f"{CASES}/SEC-1/comment/{first}", json=_doc("case", comment="edited text")
    )
    assert response.status_code == 200
    assert response.content == b""  # 200 without a body
    cells = await _timeline(http, "SEC-1", **{"sort[ascending]": "true"})
    assert _messages(cells) == ["edited text", "second"]
    assert cells[0]["attributes"]["content"] == '{"message":"edited text"}'
    assert "modified_at" in cells[0]["attributes"]
    assert (await http.delete(f"{CASES}/SEC-1/comment/{second}")).status_code == 204
    assert _messages(await _timeline(http, "SEC-1")) == ["edited text"]
    gone = await http.put(f"{CASES}/SEC-1/comment/{second}", json=_doc("case", comment="x"))
    assert _error(gone, 404)["title"] == "timeline cell not found"


async def test_update_comment_errors(http: httpx.AsyncClient) -> None:
    await _case(http)
    cell = await _comment(http, "SEC-1", "text")
    for empty in ("", "   "):
        response = await http.put(f"{CASES}/SEC-1/comment/{cell}", json=_doc("case", comment=empty))
        _error(response, 400)
    response = await http.put(f"{CASES}/SEC-1/comment/not-a-uuid", json=_doc("case", comment="x"))
    assert _error(response, 400) == {
        "status": "400",
        "title": "Invalid Parameter",
        "detail": 'invalid parameter "CommentID" in "path"; expected type "uuid"',
    }
    assert _messages(await _timeline(http, "SEC-1")) == ["text"]
    response = await http.get(f"{CASES}/SEC-8/timelines")
    assert _error(response, 404)["title"] == "case not found"


# ---------------------------------------------------------------- watchers


async def test_watchers(http: httpx.AsyncClient) -> None:
    await _case(http)
    assert (await http.get(f"{CASES}/SEC-1/watchers")).json() == {"data": []}
    for user in (USER, OTHER_USER, USER):  # watching twice keeps one watcher
        response = await http.post(f"{CASES}/SEC-1/watchers/{user}")
        assert response.status_code == 201
        assert response.content == b""
    watchers = (await http.get(f"{CASES}/SEC-1/watchers")).json()["data"]
    assert [w["relationships"]["user"]["data"] for w in watchers] == [
        {"id": USER, "type": "user"},
        {"id": OTHER_USER, "type": "user"},
    ]
    assert all(w["type"] == "watcher" and "attributes" not in w for w in watchers)
    for _ in range(2):  # unwatching someone who is not watching is a 204 too
        assert (await http.delete(f"{CASES}/SEC-1/watchers/{USER}")).status_code == 204
    watchers = (await http.get(f"{CASES}/SEC-1/watchers")).json()["data"]
    assert [w["relationships"]["user"]["data"]["id"] for w in watchers] == [OTHER_USER]


async def test_watcher_errors(http: httpx.AsyncClient) -> None:
    await _case(http)
    for method in ("POST", "DELETE"):
        response = await http.request(method, f"{CASES}/SEC-1/watchers/not-a-uuid")
        assert _error(response, 400)["title"] == "Invalid Parameter"
        response = await http.request(method, f"{CASES}/SEC-5/watchers/{USER}")
        assert _error(response, 404)["title"] == "case not found"
    assert (await http.get(f"{CASES}/SEC-5/watchers")).status_code == 404


# ---------------------------------------------------------------- links


def _link_body(
    parent_id: str,
    child_id: str,
    relationship: str = "BLOCKS",
    *,
    parent: str = "CASE",
    child: str = "CASE",
) -> Any:
    return _doc(
        "link",
        parent_entity_type=parent,
        parent_entity_id=parent_id,
        child_entity_type=child,
        child_entity_id=child_id,
        relationship=relationship,
    )


async def _links(http: httpx.AsyncClient, entity_id: str, **params: str) -> list[Any]:
    query = {"entity_type": "CASE", "entity_id": entity_id, **params}
    response = await http.get(f"{CASES}/link", params=query)
    assert response.status_code == 200, response.text
    links: list[Any] = response.json()["data"]
    return links


async def test_links_are_found_from_either_end_and_deleted_once(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    a, b = await _case(http), await _case(http)
    c = await _case(http)
    created = await http.post(f"{CASES}/link", json=_link_body(a["id"], b["id"]))
    assert created.status_code == 201
    link = created.json()["data"]
    assert link["type"] == "link"
    assert link["attributes"] == {
        "parent_entity_type": "CASE",
        "parent_entity_id": a["id"],
        "child_entity_type": "CASE",
        "child_entity_id": b["id"],
        "relationship": "BLOCKS",
    }
    # A key is accepted for a case end and stored as the case's UUID.
    other = await http.post(f"{CASES}/link", json=_link_body("SEC-3", a["id"], "CAUSES"))
    assert other.json()["data"]["attributes"]["parent_entity_id"] == c["id"]
    assert [x["id"] for x in await _links(http, a["id"])] == [
        link["id"],
        other.json()["data"]["id"],
    ]
    assert [x["id"] for x in await _links(http, b["id"])] == [link["id"]]
    assert [x["id"] for x in await _links(http, a["id"], relationship="BLOCKS")] == [link["id"]]
    assert [x["id"] for x in await _links(http, "SEC-2")] == [link["id"]]
    assert await _links(http, "SEC-99") == []
    assert emulator.requests["GetCase"] == 0  # /cases/link is not a case id

    assert (await http.delete(f"{CASES}/link/{link['id']}")).status_code == 204
    assert await _links(http, b["id"]) == []
    response = await http.delete(f"{CASES}/link/{link['id']}")
    assert _error(response, 404) == {"code": "resource_not_found", "title": "link not found"}


async def test_the_same_link_twice_makes_two(http: httpx.AsyncClient) -> None:
    a, b = await _case(http), await _case(http)
    for _ in range(2):
        await http.post(f"{CASES}/link", json=_link_body(a["id"], b["id"]))
    assert len(await _links(http, a["id"])) == 2


async def test_link_errors(http: httpx.AsyncClient) -> None:
    a = await _case(http)
    incident = "00000000-0000-0000-1234-000000000000"
    missing = await http.post(f"{CASES}/link", json=_link_body(a["id"], "SEC-42"))
    assert _error(missing, 404)["title"] == "case not found"
    itself = await http.post(f"{CASES}/link", json=_link_body(a["id"], a["id"]))
    assert "itself" in _error(itself, 400)["detail"]
    for body in (
        _link_body(a["id"], incident, child="TICKET"),
        _link_body(a["id"], incident, "LIKES", child="INCIDENT"),
        _link_body(a["id"], "", child="INCIDENT"),
    ):
        _error(await http.post(f"{CASES}/link", json=body), 400)
    for params in (
        {"entity_type": "CASE"},
        {"entity_id": a["id"]},
        {"entity_type": "TICKET", "entity_id": a["id"]},
        {"entity_type": "CASE", "entity_id": a["id"], "relationship": "LIKES"},
    ):
        _error(await http.get(f"{CASES}/link", params=params), 400)
    # Other entity types are not checked: the emulator knows no incidents or pages.
    ok = await http.post(f"{CASES}/link", json=_link_body(incident, a["id"], parent="INCIDENT"))
    assert ok.status_code == 201


async def test_link_incident_answers_the_case_and_links_once(http: httpx.AsyncClient) -> None:
    case = await _case(http)
    incident = "00000000-0000-0000-1234-000000000000"
    body = {"data": {"id": incident, "type": "incidents"}}
    for _ in range(2):
        response = await http.post(f"{CASES}/SEC-1/relationships/incidents", json=body)
        assert response.status_code == 201
        assert response.json()["data"]["id"] == case["id"]
    (link,) = await _links(http, case["id"])
    assert link["attributes"] == {
        "parent_entity_type": "CASE",
        "parent_entity_id": case["id"],
        "child_entity_type": "INCIDENT",
        "child_entity_id": incident,
        "relationship": "RELATES_TO",
    }
    wrong = {"data": {"id": incident, "type": "incident"}}
    _error(await http.post(f"{CASES}/SEC-1/relationships/incidents", json=wrong), 400)
    response = await http.post(f"{CASES}/SEC-3/relationships/incidents", json=body)
    _error(response, 404)


# ---------------------------------------------------------------- Jira, ServiceNow, notebooks

JIRA = f"{CASES}/SEC-1/relationships/jira_issues"
JIRA_CREATE = _doc("issues", jira_account_id="1234", project_id="10000", issue_type_id="10001")
SERVICENOW = f"{CASES}/SEC-1/relationships/servicenow_tickets"


async def test_link_jira_issue_then_409_until_unlinked(http: httpx.AsyncClient) -> None:
    await _case(http)
    url = "https://jira.example.com/browse/PROJ-123"
    response = await http.patch(JIRA, json=_doc("issues", jira_issue_url=url))
    assert response.status_code == 204
    assert response.content == b""
    assert (await _get(http, "SEC-1"))["attributes"]["jira_issue"] == {
        "status": "COMPLETED",
        "result": {
            "issue_id": "10123",
            "issue_key": "PROJ-123",
            "issue_url": url,
            "project_key": "PROJ",
        },
    }
    second = await http.patch(JIRA, json=_doc("issues", jira_issue_url=url + "4"))
    assert _error(second, 409) == {
        "status": "409",
        "title": "Conflict",
        "detail": "a Jira issue is already linked to this case",
    }
    for _ in range(2):  # unlinking a case without an issue is a 204 too
        assert (await http.delete(JIRA)).status_code == 204
        assert "jira_issue" not in (await _get(http, "SEC-1"))["attributes"]
    response = await http.patch(JIRA, json=_doc("issues", jira_issue_url=url + "4"))
    assert response.status_code == 204


@pytest.mark.parametrize(
    "url", ["", "jira.example.com/browse/PROJ-1", "https://jira.example.com/", "ftp://x/PROJ-1"]
)
async def test_link_jira_issue_needs_an_issue_url(http: httpx.AsyncClient, url: str) -> None:
    await _case(http)
    _error(await http.patch(JIRA, json=_doc("issues", jira_issue_url=url)), 400)
    assert "jira_issue" not in (await _get(http, "SEC-1"))["attributes"]


async def test_jira_and_servicenow_creates_run_then_complete(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    await _case(http)
    _life(emulator).integration_delay = None  # complete only when told
    response = await http.post(JIRA, json=JIRA_CREATE)
    assert (response.status_code, response.content) == (202, b"")
    body = _doc("tickets", instance_name="acme", assignment_group="secops")
    response = await http.post(SERVICENOW, json=body)
    assert (response.status_code, response.content) == (202, b"")
    attributes = (await _get(http, "SEC-1"))["attributes"]
    assert attributes["jira_issue"] == {"status": "IN_PROGRESS"}
    assert attributes["service_now_ticket"] == {"status": "IN_PROGRESS"}

    assert _life(emulator).complete_integrations() == 2
    attributes = (await _get(http, "SEC-1"))["attributes"]
    assert attributes["jira_issue"]["status"] == "COMPLETED"
    assert set(attributes["jira_issue"]["result"]) == {
        "issue_id",
        "issue_key",
        "issue_url",
        "project_key",
    }
    assert attributes["service_now_ticket"]["status"] == "COMPLETED"
    link = attributes["service_now_ticket"]["result"]["sys_target_link"]
    assert link.startswith("https://acme.service-now.com/")


async def test_a_job_completes_by_itself_on_the_serving_loop(http: httpx.AsyncClient) -> None:
    await _case(http)
    assert (await http.post(JIRA, json=JIRA_CREATE)).status_code == 202
    for _ in range(200):  # the default delay is 0.05 s
        if (await _get(http, "SEC-1"))["attributes"]["jira_issue"]["status"] == "COMPLETED":
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the Jira issue never completed")


async def test_unlinking_a_running_job_forgets_it(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    await _case(http)
    _life(emulator).integration_delay = None
    await http.post(JIRA, json=JIRA_CREATE)
    assert (await http.delete(JIRA)).status_code == 204
    assert _life(emulator).complete_integrations() == 0
    assert "jira_issue" not in (await _get(http, "SEC-1"))["attributes"]


async def test_integration_errors(http: httpx.AsyncClient) -> None:
    await _case(http)
    missing = _doc("issues", jira_account_id="1234", project_id="10000")
    _error(await http.post(JIRA, json=missing), 400)
    wrong_type = _doc("tickets", jira_account_id="1", project_id="1", issue_type_id="1")
    _error(await http.post(JIRA, json=wrong_type), 400)
    _error(await http.post(SERVICENOW, json=_doc("tickets", assignment_group="x")), 400)
    _error(await http.post(SERVICENOW, json=_doc("tickets", instance_name="")), 400)
    assert "jira_issue" not in (await _get(http, "SEC-1"))["attributes"]
    for path, body in (
        ("jira_issues", JIRA_CREATE),
        ("servicenow_tickets", _doc("tickets", instance_name="acme")),
        ("notebook", {"data": {"type": "notebook"}}),
    ):
        response = await http.post(f"{CASES}/SEC-9/relationships/{path}", json=body)
        assert _error(response, 404)["title"] == "case not found"


async def test_create_notebook(http: httpx.AsyncClient, emulator: Emulator) -> None:
    case = await _case(http)
    response = await http.post(
        f"{CASES}/SEC-1/relationships/notebook", json={"data": {"type": "notebook"}}
    )
    assert (response.status_code, response.content) == (204, b"")
    assert _life(emulator).notebooks(case["id"]) == 1
    wrong = {"data": {"type": "notebooks"}}
    _error(await http.post(f"{CASES}/SEC-1/relationships/notebook", json=wrong), 400)


# ---------------------------------------------------------------- count, aggregate, bulk


async def _seed(http: httpx.AsyncClient) -> None:
    for priority in ("P1", "P1", "P2", "P3"):
        await _case(http, priority=priority)
    await action(http, "SEC-4", "status", status="CLOSED")
    await _case(http, "OPS", priority="P1")
    await action(http, "OPS-1", "archive")


async def test_count_cases(http: httpx.AsyncClient, emulator: Emulator) -> None:
    await _seed(http)
    response = await http.get(f"{CASES}/count", params={"group_bys": "status,priority"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["type"] == "count"
    assert data["attributes"]["groups"] == [
        {
            "group": "status",
            "group_values": [{"value": "OPEN", "count": 3}, {"value": "CLOSED", "count": 1}],
        },
        {
            "group": "priority",
            "group_values": [
                {"value": "P1", "count": 2},
                {"value": "P2", "count": 1},
                {"value": "P3", "count": 1},
            ],
        },
    ]
    # Repeated group_bys (what a generic client sends for a list), a filter and a limit.
    response = await http.get(
        f"{CASES}/count",
        params=[
            ("group_bys", "priority"),
            ("group_bys", "project"),
            ("query_filter", "status:open"),
            ("limit", "1"),
        ],
    )
    assert response.json()["data"]["attributes"]["groups"] == [
        {"group": "priority", "group_values": [{"value": "P1", "count": 2}]},
        {"group": "project", "group_values": [{"value": "SEC", "count": 3}]},
    ]
    archived = await http.get(
        f"{CASES}/count", params={"group_bys": "project", "query_filter": "archived:true"}
    )
    assert archived.json()["data"]["attributes"]["groups"][0]["group_values"] == [
        {"value": "OPS", "count": 1}
    ]
    none = await http.get(f"{CASES}/count")
    assert none.json()["data"]["attributes"]["groups"] == []
    assert emulator.requests["GetCase"] == 0  # /cases/count is not a case id


@pytest.mark.parametrize(
    "params",
    [
        {"group_bys": "colour"},
        {"limit": "0"},
        {"limit": "1001"},
        {"query_filter": "colour:red"},
    ],
)
async def test_bad_count_parameters_are_400(
    http: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await http.get(f"{CASES}/count", params=params)
    assert _error(response, 400)["source"] == {"parameter": next(iter(params))}


def _aggregate(query: str, groups: list[str], limit: int = 100) -> Any:
    return _doc("aggregate", query_filter=query, group_by={"groups": groups, "limit": limit})


async def test_aggregate_cases(http: httpx.AsyncClient) -> None:
    await _seed(http)
    response = await http.post(f"{CASES}/aggregate", json=_aggregate("status:open", ["priority"]))
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["type"] == "aggregate"
    assert data["attributes"] == {
        "total": 3.0,
        "groups": [{"group": "P1", "value": [2.0]}, {"group": "P2", "value": [1.0]}],
    }
    both = await http.post(f"{CASES}/aggregate", json=_aggregate("", ["status", "priority"], 2))
    assert both.json()["data"]["attributes"] == {
        "total": 4.0,
        "groups": [{"group": "OPEN,P1", "value": [2.0]}, {"group": "CLOSED,P3", "value": [1.0]}],
    }


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (_aggregate("", ["colour"]), "/data/attributes/group_by/groups"),
        (_aggregate("", ["status"], 0), "/data/attributes/group_by/limit"),
        (_aggregate("", ["status"], 1001), "/data/attributes/group_by/limit"),
        (_aggregate('"unbalanced', ["status"]), "/data/attributes/query_filter"),
    ],
)
async def test_bad_aggregations_are_400(http: httpx.AsyncClient, body: Any, pointer: str) -> None:
    response = await http.post(f"{CASES}/aggregate", json=body)
    assert _error(response, 400)["source"]["pointer"] == pointer


def _bulk(case_ids: list[str], type_: str, payload: dict[str, str] | None = None) -> Any:
    attributes: dict[str, Any] = {"case_ids": case_ids, "type": type_}
    if payload is not None:
        attributes["payload"] = payload
    return _doc("bulk", **attributes)


async def _bulk_ok(http: httpx.AsyncClient, *args: Any) -> None:
    response = await http.post(f"{CASES}/bulk", json=_bulk(*args))
    assert (response.status_code, response.content) == (200, b""), response.text


async def test_bulk_update_applies_each_action_to_every_case(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    a, b = await _case(http), await _case(http)
    both = ["SEC-1", b["id"]]  # keys and UUIDs alike

    async def attrs() -> list[Any]:
        return [await _get(http, a["id"]), await _get(http, b["id"])]

    await _bulk_ok(http, both, "priority", {"priority": "P1"})
    assert [c["attributes"]["priority"] for c in await attrs()] == ["P1", "P1"]
    await _bulk_ok(http, both, "status", {"status": "IN_PROGRESS"})
    assert [c["attributes"]["status"] for c in await attrs()] == ["IN_PROGRESS"] * 2
    await _bulk_ok(http, both, "status", {"status_name": "Closed"})
    assert [c["attributes"]["status"] for c in await attrs()] == ["CLOSED"] * 2
    await _bulk_ok(http, both, "assign", {"assignee_id": USER})
    assert {c["relationships"]["assignee"]["data"]["id"] for c in await attrs()} == {USER}
    await _bulk_ok(http, both, "unassign")
    assert [c["relationships"].get("assignee") for c in await attrs()] == [None, None]
    await _bulk_ok(http, both, "archive")
    assert all(c["attributes"]["archived_at"] for c in await attrs())
    await _bulk_ok(http, both, "unarchive")
    assert [c["attributes"].get("archived_at") for c in await attrs()] == [None, None]

    _life(emulator).integration_delay = None
    await _bulk_ok(
        http, both, "jira", {"jira_account_id": "1", "project_id": "10000", "issue_type_id": "3"}
    )
    await _bulk_ok(http, both, "servicenow", {"instance_name": "acme"})
    for case in await attrs():
        assert case["attributes"]["jira_issue"] == {"status": "IN_PROGRESS"}
        assert case["attributes"]["service_now_ticket"] == {"status": "IN_PROGRESS"}
    assert _life(emulator).complete_integrations() == 4

    ops = await create_project(http, "OPS")
    await _bulk_ok(http, both, "update_project", {"project_id": ops["id"]})
    assert [c["attributes"]["key"] for c in await attrs()] == ["OPS-1", "OPS-2"]
    assert emulator.requests["BulkUpdateCases"] == 10


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_bulk(["SEC-1", "SEC-9"], "priority", {"priority": "P1"}), 404),
        (_bulk(["SEC-1"], "priority", {"priority": "P9"}), 400),
        (_bulk(["SEC-1"], "priority"), 400),
        (_bulk(["SEC-1"], "status", {"status": "OPENED"}), 400),
        (_bulk(["SEC-1"], "assign", {"assignee_id": "bob"}), 400),
        (_bulk(["SEC-1"], "jira", {"jira_account_id": "1"}), 400),
        (_bulk(["SEC-1"], "update_project", {"project_id": OTHER_USER}), 404),
        (_bulk(["SEC-1"], "linear"), 400),
        (_bulk(["SEC-1"], "close"), 400),
        (_bulk([], "archive"), 400),
    ],
)
async def test_bad_bulk_updates_change_nothing(
    http: httpx.AsyncClient, body: Any, status: int
) -> None:
    before = await _case(http, priority="P3")
    _error(await http.post(f"{CASES}/bulk", json=body), status)
    after = await _get(http, before["id"])
    assert after["attributes"] == before["attributes"]


# ---------------------------------------------------------------- faults, counters, routing


async def test_faults_and_counters_reach_the_new_operations(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    await _case(http)
    emulator.faults.fail_next(1, status=503, operation="ListCaseTimeline")
    assert (await http.get(f"{CASES}/SEC-1/timelines")).status_code == 503
    assert (await http.get(f"{CASES}/SEC-1/timelines")).status_code == 200
    emulator.faults.fail_next(1, status=429, operation="WatchCase")
    assert (await http.post(f"{CASES}/SEC-1/watchers/{USER}")).status_code == 429
    assert emulator.requests["ListCaseTimeline"] == 2
    assert emulator.requests["WatchCase"] == 1
    assert (await http.get(f"{CASES}/SEC-1/watchers")).json() == {"data": []}


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/link?entity_type=CASE&entity_id=x", "ListCaseLinks"),
        ("GET", "/count", "CountCases"),
        ("POST", "/aggregate", "AggregateCases"),
        ("POST", "/bulk", "BulkUpdateCases"),
        ("POST", "/link", "CreateCaseLink"),
        ("DELETE", "/link/x", "DeleteCaseLink"),
    ],
)
async def test_literal_paths_win_over_a_case_id(
    http: httpx.AsyncClient, emulator: Emulator, method: str, path: str, operation: str
) -> None:
    await http.request(method, CASES + path)
    assert emulator.requests[operation] == 1
    assert emulator.requests["GetCase"] == 0
    # ... and the templated neighbour still answers for a real case id.
    case = await _case(http)
    assert (await http.get(f"{CASES}/{case['id']}")).status_code == 200
