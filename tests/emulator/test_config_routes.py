"""The configuration operations of issue 17 over raw HTTP: what the emulator answers, the recorded
quirks, and the behaviours it picks where the sheet is silent (each pinned here). Every response
is checked against openapi.yaml (conftest), except where a case of a non-standard type answers a
``type``/``status`` the spec's enums do not name (the checks are cleared there, as said)."""

from __future__ import annotations

import datetime
import itertools
import uuid
from typing import Any

import httpx
import pytest

from ddcases.emulator import create_app
from ddcases.testing import Emulator

from ._conformance import check
from ._helpers import STANDARD_TYPE_ID, case_body, create_case, create_project

TYPES = "/api/v2/cases/types"
WINDOWS = "/api/v2/maintenance_windows"
CHANGE_REQUEST = "00000000-0000-0000-0000-000000000004"
UNKNOWN = "0f0e0d0c-0b0a-4908-8706-050403020100"
NOT_FOUND_TYPE = {"errors": [{"code": "resource_not_found", "title": "case_type not found"}]}


@pytest.fixture
def emulator() -> Emulator:
    """Time moves one second per timestamp, so ``modified_at`` changes are visible."""
    start = datetime.datetime(2026, 4, 2, 9, 0, tzinfo=datetime.UTC)
    ticks = itertools.count()
    app = create_app(clock=lambda: start + datetime.timedelta(seconds=next(ticks)))
    return Emulator(app, checks=[check])


def _body(kind: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": kind, "attributes": attributes}}


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"] if response.content else None


async def _new_type(http: httpx.AsyncClient, name: str = "Investigation", **more: Any) -> Any:
    body = _body("case_type", name=name, description="d", emoji="👑", **more)
    return await _ok(await http.post(TYPES, json=body), 201)


# ---------------------------------------------------------------- case types


async def test_built_in_case_types(http: httpx.AsyncClient) -> None:
    types = await _ok(await http.get(TYPES))
    built_in = {t["id"]: t["attributes"] for t in types}
    assert [built_in[f"00000000-0000-0000-0000-00000000000{n}"]["name"] for n in range(1, 6)] == [
        "Standard",
        "Event Management",
        "Security",
        "Change Request",
        "Error Tracking",
    ]
    assert all(t["internal"] is True and t["emoji"] == "" for t in built_in.values())
    change = built_in[CHANGE_REQUEST]["statuses_config"]
    assert [o["name"] for o in change["in_progress"]["status_options"]] == [
        "Pending Approval",
        "Approved",
        "Implementing",
    ]
    assert change["closed"]["default"] == "Completed"


async def test_create_update_and_soft_delete_a_case_type(http: httpx.AsyncClient) -> None:
    created = await _new_type(http)
    attributes = created["attributes"]
    assert (attributes["internal"], attributes["emoji"], attributes["name"]) == (
        False,
        "👑",
        "Investigation",
    )
    assert attributes["statuses_config"]["open"] == {
        "status_options": [{"name": "Open"}],
        "default": "Open",
    }
    assert "deleted_at" not in attributes  # no nulls, as recorded
    path = f"{TYPES}/{created['id']}"
    # Picked: an update replaces what it names and keeps the rest (only `name` is required).
    updated = await _ok(await http.put(path, json=_body("case_type", name="Investigation (EMEA)")))
    assert (updated["attributes"]["name"], updated["attributes"]["description"]) == (
        "Investigation (EMEA)",
        "d",
    )
    # Recorded: 204, and 204 again; the type stays listed with deleted_at.
    assert (await http.delete(path)).status_code == 204
    assert (await http.delete(path)).status_code == 204
    listed = {t["id"]: t for t in await _ok(await http.get(TYPES))}
    assert listed[created["id"]]["attributes"]["deleted_at"].endswith("Z")
    # Picked: a deleted type cannot be updated or given configs.
    gone = await http.put(path, json=_body("case_type", name="x"))
    assert (gone.status_code, gone.json()) == (404, NOT_FOUND_TYPE)


async def test_case_type_bad_input(http: httpx.AsyncClient) -> None:
    emoji = await http.post(TYPES, json=_body("case_type", name="x", emoji="notanemoji"))
    # Recorded: a 400 without detail.
    assert (emoji.status_code, emoji.json()) == (
        400,
        {"errors": [{"status": "400", "title": "Bad Request"}]},
    )
    for good in ("🔒", "👩‍💻", "🇫🇷", "1️⃣", ""):
        assert (await http.post(TYPES, json=_body("case_type", name="x", emoji=good))).is_success
    assert (await http.post(TYPES, json=_body("case_type", name=" "))).status_code == 400
    assert (
        await http.post(TYPES, json=_body("case_type", description="no name"))
    ).status_code == 400
    bad_id = await http.put(f"{TYPES}/not-a-uuid", json=_body("case_type", name="x"))
    assert bad_id.json()["errors"][0] == {
        "status": "400",
        "title": "Invalid Parameter",
        "detail": 'invalid parameter "CaseTypeId" in "path"; expected type "uuid"',
    }
    # Picked: built-in types cannot be deleted (400), an id that never existed is a 404.
    assert (await http.delete(f"{TYPES}/{STANDARD_TYPE_ID}")).status_code == 400
    assert (await http.delete(f"{TYPES}/{UNKNOWN}")).json() == NOT_FOUND_TYPE


async def test_a_case_takes_any_existing_type_and_its_statuses(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    project = await create_project(http)
    custom = await _new_type(http)
    # The spec's enums name neither TUNKNOWN nor PENDING_APPROVAL; the service sends both.
    emulator.checks.clear()

    def body(type_id: str, **more: Any) -> dict[str, Any]:
        return case_body(project["id"], type=None, type_id=type_id, **more)

    case = await _ok(await http.post("/api/v2/cases", json=body(custom["id"])), 201)
    assert (case["attributes"]["type"], case["attributes"]["type_id"]) == ("TUNKNOWN", custom["id"])
    change = await http.post(
        "/api/v2/cases", json=body(CHANGE_REQUEST, status_name="Pending Approval")
    )
    attributes = (await _ok(change, 201))["attributes"]
    assert (attributes["status"], attributes["status_name"], attributes["status_group"]) == (
        "PENDING_APPROVAL",
        "Pending Approval",
        "SG_IN_PROGRESS",
    )
    status = await http.post(
        f"/api/v2/cases/{attributes['key']}/status",
        json=_body("case", status_name="Declined"),
    )
    assert (await _ok(status))["attributes"]["status_group"] == "SG_CLOSED"
    wrong = await http.post(
        "/api/v2/cases", json=body(STANDARD_TYPE_ID, status_name="Pending Approval")
    )
    assert wrong.status_code == 400
    assert '"Open", "In Progress", "Closed"' in wrong.json()["errors"][0]["detail"]
    error_tracking = await _ok(
        await http.post("/api/v2/cases", json=body("00000000-0000-0000-0000-000000000005")), 201
    )
    assert error_tracking["attributes"]["type"] == "ERROR_TRACKING_ISSUE"
    assert (await http.delete(f"{TYPES}/{custom['id']}")).status_code == 204
    deleted = await http.post("/api/v2/cases", json=body(custom["id"]))
    assert deleted.status_code == 400
    assert deleted.json()["errors"][0]["source"] == {"pointer": "/data/attributes/type_id"}


# ---------------------------------------------------------------- custom attribute configs


def _config(**attributes: Any) -> dict[str, Any]:
    defaults = {"key": "score", "display_name": "Score", "type": "NUMBER", "is_multi": False}
    return _body("custom_attribute", **{**defaults, **attributes})


async def test_custom_attribute_configs(http: httpx.AsyncClient) -> None:
    case_type = await _new_type(http)
    configs = f"{TYPES}/{case_type['id']}/custom_attributes"
    assert await _ok(await http.get(configs)) == []  # recorded for a new type
    created = await _ok(await http.post(configs, json=_config(description="0-10")), 201)
    assert created["attributes"] == {
        "case_type": "TUNKNOWN",  # recorded extra
        "case_type_id": case_type["id"],
        "description": "0-10",
        "display_name": "Score",
        "is_multi": False,
        "key": "score",
        "type": "NUMBER",
    }
    assert [c["id"] for c in await _ok(await http.get(configs))] == [created["id"]]
    everything = await _ok(await http.get(f"{TYPES}/custom_attributes"))
    assert created["id"] in [c["id"] for c in everything]
    one = f"{configs}/{created['id']}"
    body = _body("custom_attribute", display_name="Risk score", type_data={"options": []})
    updated = await _ok(await http.put(one, json=body))
    assert (updated["attributes"]["display_name"], updated["attributes"]["key"]) == (
        "Risk score",
        "score",
    )
    assert (await http.put(one, json=_body("custom_attribute"))).status_code == 400
    assert (await http.delete(one)).status_code == 204
    again = await http.delete(one)
    assert again.json() == {
        "errors": [
            {"code": "resource_not_found", "title": "custom attribute configuration not found"}
        ]
    }


async def test_custom_attribute_config_errors(http: httpx.AsyncClient) -> None:
    case_type = await _new_type(http)
    configs = f"{TYPES}/{case_type['id']}/custom_attributes"
    unknown = await http.post(f"{TYPES}/{UNKNOWN}/custom_attributes", json=_config())
    assert (unknown.status_code, unknown.json()) == (404, NOT_FOUND_TYPE)  # recorded
    assert (await http.post(configs, json=_config(type="FLOAT"))).status_code == 400  # recorded
    assert (await http.post(configs, json=_config(is_multi="yes"))).status_code == 400
    assert (await http.post(configs, json=_config(key=""))).status_code == 400
    await _ok(await http.post(configs, json=_config()), 201)
    duplicate = await http.post(configs, json=_config())  # picked: a key is unique per type
    assert duplicate.status_code == 400
    assert "already defined" in duplicate.json()["errors"][0]["detail"]
    bad_id = await http.delete(f"{configs}/not-an-uuid")
    assert bad_id.json() == {  # recorded
        "errors": [
            {
                "status": "400",
                "title": "Invalid Parameter",
                "detail": 'invalid parameter "CustomAttributeId" in "path"; expected type "uuid"',
            }
        ]
    }
    assert (await http.get(f"{TYPES}/{UNKNOWN}/custom_attributes")).status_code == 404


async def test_a_case_value_needs_its_types_config(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    project = await create_project(http)
    case_type = await _new_type(http)
    configs = f"{TYPES}/{case_type['id']}/custom_attributes"
    await _ok(await http.post(configs, json=_config(key="bands", type="TEXT", is_multi=True)), 201)
    emulator.checks.clear()  # a case of a custom type is of type TUNKNOWN
    body = case_body(project["id"], type=None, type_id=case_type["id"])
    custom = await _ok(await http.post("/api/v2/cases", json=body), 201)
    standard = await create_case(http, project["id"])

    def value(type_: str, is_multi: bool, value: Any) -> dict[str, Any]:
        return _body("case", type=type_, is_multi=is_multi, value=value)

    path = "/api/v2/cases/{}/custom_attributes/bands"
    ok = await http.post(path.format(custom["id"]), json=value("TEXT", True, ["Abba"]))
    assert (await _ok(ok))["attributes"]["custom_attributes"]["bands"]["value"] == ["Abba"]
    assert (
        await http.post(path.format(custom["id"]), json=value("NUMBER", True, [1]))
    ).status_code == 400
    assert (
        await http.post(path.format(custom["id"]), json=value("TEXT", False, "x"))
    ).status_code == 400
    # The standard type does not define "bands": 404, as for any undefined key.
    assert (
        await http.post(path.format(standard["id"]), json=value("TEXT", True, ["x"]))
    ).status_code == 404
    # The shortcut defines configs on the standard type, listed like any other.
    emulator.define_custom_attribute("bands", "TEXT", is_multi=True)
    assert (
        await http.post(path.format(standard["id"]), json=value("TEXT", True, ["x"]))
    ).is_success
    standard_configs = await _ok(await http.get(f"{TYPES}/{STANDARD_TYPE_ID}/custom_attributes"))
    assert [c["attributes"]["key"] for c in standard_configs] == ["bands"]


# ---------------------------------------------------------------- project notification rules


async def test_notification_rules(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    rules = f"/api/v2/cases/projects/{project['id']}/notification_rules"
    body = _body(
        "notification_rule",
        triggers=[{"type": "CASE_CREATED"}],
        recipients=[{"type": "EMAIL", "data": {"email": "oncall@example.com"}}],
        query="priority:P1",
    )
    created = await _ok(await http.post(rules, json=body), 201)
    assert created["attributes"]["is_enabled"] is True  # the documented default
    one = f"{rules}/{created['id']}"
    update = await http.put(one, json=_body("notification_rule", is_enabled=False))
    assert (update.status_code, update.content) == (204, b"")  # no body, as documented
    (listed,) = await _ok(await http.get(rules))
    assert (listed["attributes"]["is_enabled"], listed["attributes"]["query"]) == (
        False,
        "priority:P1",
    )
    assert (await http.put(one, json=_body("notification_rule"))).status_code == 400
    missing = _body("notification_rule", triggers=[{"type": "CASE_CREATED"}])
    assert (await http.post(rules, json=missing)).status_code == 400  # recipients required
    assert (await http.delete(one)).status_code == 204
    assert (await http.delete(one)).json()["errors"][0]["title"] == "notification_rule not found"
    unknown = f"/api/v2/cases/projects/{UNKNOWN}/notification_rules"
    assert (await http.get(unknown)).json()["errors"][0]["title"] == "project not found"


# ---------------------------------------------------------------- automation rules


def _rule(**attributes: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "name": "Run triage",
        "trigger": {"type": "CASE_CREATED"},
        "action": {"type": "EXECUTE_WORKFLOW", "data": {"handle": "triage"}},
    }
    return _body("rule", **{**defaults, **attributes})


async def test_automation_rules(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    rules = f"/api/v2/cases/projects/{project['id']}/rules"
    created = await _ok(await http.post(rules, json=_rule()), 201)
    attributes = created["attributes"]
    assert attributes["state"] == "ENABLED"  # picked: no state given means ENABLED
    assert attributes["created_at"] == attributes["modified_at"]
    user = created["relationships"]["created_by"]["data"]
    assert user["type"] == "user"
    one = f"{rules}/{created['id']}"
    disabled = await _ok(await http.post(f"{one}/disable"))
    assert disabled["attributes"]["state"] == "DISABLED"
    assert disabled["attributes"]["modified_at"] > attributes["modified_at"]
    assert (await _ok(await http.get(one)))["attributes"]["state"] == "DISABLED"
    # A full replace: name, trigger and action are needed; a state left out is kept.
    replaced = await _ok(
        await http.put(
            one,
            json=_rule(
                name="v2",
                action={
                    "type": "ASSIGN_AGENT",
                    "data": {"agent_type": "a", "assigned_agent_id": "b"},
                },
            ),
        )
    )
    assert (replaced["attributes"]["name"], replaced["attributes"]["state"]) == ("v2", "DISABLED")
    assert (await _ok(await http.post(f"{one}/enable")))["attributes"]["state"] == "ENABLED"
    assert [r["id"] for r in await _ok(await http.get(rules))] == [created["id"]]
    assert (await http.delete(one)).status_code == 204
    assert (await http.get(one)).json()["errors"][0]["title"] == "rule not found"
    assert (await http.post(f"{one}/enable")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        _body("rule", name="x", trigger={"type": "CASE_CREATED"}),  # no action
        _rule(name=""),
        _rule(state="PAUSED"),
        _rule(trigger={"data": {}}),  # a trigger without type
        _rule(action={"type": "EXECUTE_WORKFLOW", "data": {}}),  # picked: needs data.handle
        _rule(action={"type": "ASSIGN_AGENT", "data": {"agent_type": "a"}}),
    ],
)
async def test_automation_rule_bad_bodies(http: httpx.AsyncClient, body: dict[str, Any]) -> None:
    project = await create_project(http)
    rules = f"/api/v2/cases/projects/{project['id']}/rules"
    assert (await http.post(rules, json=body)).status_code == 400
    created = await _ok(await http.post(rules, json=_rule()), 201)
    assert (await http.put(f"{rules}/{created['id']}", json=body)).status_code == 400


# ---------------------------------------------------------------- views


async def test_views(http: httpx.AsyncClient) -> None:
    project, other = await create_project(http), await create_project(http, "OPS")
    body = _body("view", project_id=project["id"], name="Open P1s", query="status:open priority:P1")
    created = await _ok(await http.post("/api/v2/cases/views", json=body), 201)
    assert created["relationships"]["project"]["data"] == {"id": project["id"], "type": "project"}
    assert "project_id" not in created["attributes"]
    listed = await _ok(await http.get("/api/v2/cases/views", params={"project_id": project["id"]}))
    assert [v["id"] for v in listed] == [created["id"]]
    assert (
        await _ok(await http.get("/api/v2/cases/views", params={"project_id": other["id"]})) == []
    )
    one = f"/api/v2/cases/views/{created['id']}"
    updated = await _ok(await http.put(one, json=_body("view", query="status:open priority:P2")))
    assert (updated["attributes"]["name"], updated["attributes"]["query"]) == (
        "Open P1s",
        "status:open priority:P2",
    )
    assert (await _ok(await http.get(one)))["attributes"]["query"] == "status:open priority:P2"
    assert (await http.delete(one)).status_code == 204
    assert (await http.get(one)).json()["errors"][0]["title"] == "view not found"


async def test_view_errors(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    no_project = await http.get("/api/v2/cases/views")
    assert no_project.status_code == 400
    assert no_project.json()["errors"][0]["source"] == {"parameter": "project_id"}
    no_query = _body("view", project_id=project["id"], name="x")
    assert (await http.post("/api/v2/cases/views", json=no_query)).status_code == 400
    unknown = _body("view", project_id=UNKNOWN, name="x", query="status:open")
    assert (await http.post("/api/v2/cases/views", json=unknown)).status_code == 404


# ---------------------------------------------------------------- favorites


async def test_favorites_are_per_user(http: httpx.AsyncClient, emulator: Emulator) -> None:
    project, other = await create_project(http), await create_project(http, "OPS")
    favorites = "/api/v2/cases/projects/favorites"
    assert await _ok(await http.get(favorites)) == []
    one = f"/api/v2/cases/projects/{project['id']}/favorites"
    # Picked: favoriting twice is 204 and lists the project once.
    assert (await http.post(one)).status_code == 204
    assert (await http.post(one)).status_code == 204
    assert (await http.post(f"/api/v2/cases/projects/{other['id']}/favorites")).status_code == 204
    assert [f["id"] for f in await _ok(await http.get(favorites))] == [project["id"], other["id"]]
    assert (await _ok(await http.get(favorites)))[0]["type"] == "project_favorite"
    someone_else = {"DD-API-KEY": "another-api-key", "DD-APPLICATION-KEY": "another-app-key"}
    assert await _ok(await http.get(favorites, headers=someone_else)) == []
    # Picked: unfavoriting a project that is not a favorite is 204 too.
    assert (await http.delete(one)).status_code == 204
    assert (await http.delete(one)).status_code == 204
    await http.delete(f"/api/v2/cases/projects/{other['id']}")  # a deleted project drops out
    assert await _ok(await http.get(favorites)) == []
    unknown = await http.post(f"/api/v2/cases/projects/{UNKNOWN}/favorites")
    assert unknown.json()["errors"][0]["title"] == "project not found"


# ---------------------------------------------------------------- maintenance windows


def _window(**attributes: Any) -> dict[str, Any]:
    defaults = {
        "name": "DB upgrade",
        "query": "service:db",
        "start_at": "2026-04-05T02:00:00Z",
        "end_at": "2026-04-05T06:00:00+02:00",
    }
    return _body("maintenance_window", **{**defaults, **attributes})


async def test_maintenance_windows(http: httpx.AsyncClient) -> None:
    created = await _ok(await http.post(WINDOWS, json=_window()), 201)
    attributes = created["attributes"]
    assert (attributes["start_at"], attributes["end_at"]) == (  # UTC, milliseconds, Z
        "2026-04-05T02:00:00.000Z",
        "2026-04-05T04:00:00.000Z",
    )
    assert attributes["created_by"] == attributes["updated_by"]
    one = f"{WINDOWS}/{created['id']}"
    body = _body("maintenance_window", end_at="2026-04-05T06:00:00Z")
    updated = await _ok(await http.put(one, json=body))
    assert (updated["attributes"]["name"], updated["attributes"]["end_at"]) == (
        "DB upgrade",
        "2026-04-05T06:00:00.000Z",
    )
    before_start = _body("maintenance_window", end_at="2026-04-05T01:00:00Z")
    assert (await http.put(one, json=before_start)).status_code == 400
    assert [w["id"] for w in await _ok(await http.get(WINDOWS))] == [created["id"]]
    assert (await http.delete(one)).status_code == 204
    assert (await http.delete(one)).json()["errors"][0]["title"] == "maintenance_window not found"


@pytest.mark.parametrize(
    "body",
    [
        _window(end_at="2026-04-05T01:00:00Z"),  # ends before it starts
        _window(end_at="2026-04-05T02:00:00Z"),  # ends when it starts
        _window(start_at="2026-04-05T02:00:00"),  # naive
        _window(name=""),
        _body("maintenance_window", name="x", query="q", start_at="2026-04-05T02:00:00Z"),
    ],
)
async def test_maintenance_window_bad_bodies(http: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert (await http.post(WINDOWS, json=body)).status_code == 400


# ---------------------------------------------------------------- literal paths


async def test_literal_paths_are_not_taken_for_ids(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    case = await create_case(http, project["id"])
    case_type = await _new_type(http)
    # Each literal, then its templated neighbour (same depth, an id in place of the literal).
    assert isinstance(await _ok(await http.get(f"{TYPES}/custom_attributes")), list)
    assert (
        await http.put(f"{TYPES}/{case_type['id']}", json=_body("case_type", name="y"))
    ).is_success
    assert (
        await http.put(f"{TYPES}/custom_attributes", json=_body("case_type", name="y"))
    ).status_code == 400
    assert await _ok(await http.get("/api/v2/cases/projects/favorites")) == []
    assert (await _ok(await http.get(f"/api/v2/cases/projects/{project['id']}")))["id"] == project[
        "id"
    ]
    views = await http.get("/api/v2/cases/views", params={"project_id": project["id"]})
    assert await _ok(views) == []
    assert (await _ok(await http.get(f"/api/v2/cases/{case['id']}")))["type"] == "case"
    assert any(t["id"] == STANDARD_TYPE_ID for t in await _ok(await http.get(TYPES)))
    assert (await http.get(f"/api/v2/cases/{uuid.uuid4()}")).status_code == 404
