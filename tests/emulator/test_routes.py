"""The 13 operations in process: shapes, lifecycle rules, validation, auth, 404s."""

from __future__ import annotations

import datetime
import itertools
import json

import httpx
import pytest

from ddcases.emulator import create_app
from ddcases.testing import Emulator

from ._conformance import check
from ._helpers import STANDARD_TYPE_ID, USER, action, case_body, create_case, create_project
from .conftest import AUTH


async def test_project_lifecycle_and_included_users(http: httpx.AsyncClient) -> None:
    created = await http.post(
        "/api/v2/cases/projects",
        json={"data": {"type": "project", "attributes": {"key": "SEC", "name": "Security"}}},
    )
    assert created.status_code == 201
    assert created.headers["content-type"] == "application/vnd.api+json"
    body = created.json()
    project = body["data"]
    assert project["attributes"] == {
        "key": "SEC",
        "name": "Security",
        # Members the live service adds (issue 9), with a new project's values:
        "restricted": False,
        "settings": {},
        "columns_config": {},
        "enabled_custom_case_types": [],
    }
    (user,) = body["included"]
    assert user["type"] == "user"
    assert set(user["attributes"]) == {"active", "email", "handle", "name"}
    assert project["relationships"]["member_user"]["data"] == [{"id": user["id"], "type": "user"}]

    listed = (await http.get("/api/v2/cases/projects")).json()["data"]
    assert [p["id"] for p in listed] == [project["id"]]
    got = await http.get(f"/api/v2/cases/projects/{project['id']}")
    assert got.json()["data"] == project

    assert (await http.delete(f"/api/v2/cases/projects/{project['id']}")).status_code == 204
    for response in (
        await http.get(f"/api/v2/cases/projects/{project['id']}"),
        await http.delete(f"/api/v2/cases/projects/{project['id']}"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"code": "resource_not_found", "title": "project not found"}]
        }


@pytest.mark.parametrize("key", ["sec", "SEC-1", "", "CASE", "S C", "ÄB"])
async def test_bad_project_keys_are_400(http: httpx.AsyncClient, key: str) -> None:
    body = {"data": {"type": "project", "attributes": {"key": key, "name": "x"}}}
    response = await http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["source"] == {"pointer": "/data/attributes/key"}
    assert "CASE" in error["detail"] if key == "CASE" else "upper-case" in error["detail"]


async def test_duplicate_project_key_is_400(http: httpx.AsyncClient) -> None:
    await create_project(http, "SEC")
    body = {"data": {"type": "project", "attributes": {"key": "SEC", "name": "again"}}}
    response = await http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 400
    assert "already exists" in response.json()["errors"][0]["detail"]


async def test_projects_route_wins_over_case_id(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    assert (await http.get("/api/v2/cases/projects")).status_code == 200
    assert emulator.requests["GetProjects"] == 1
    assert emulator.requests["GetCase"] == 0


async def test_an_encoded_slash_stays_inside_the_id(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    """Routing uses the raw path: ``%2F`` is data, other escapes decode as usual."""
    project = await create_project(http)
    await create_case(http, project["id"])
    not_found = {"errors": [{"code": "resource_not_found", "title": "case not found"}]}
    for path in (f"projects%2F{project['id']}", "SEC-1%2Fstatus", "SEC-1%2fstatus", "%2E%2E"):
        response = await http.get(f"/api/v2/cases/{path}")
        assert (response.status_code, response.json()) == (404, not_found), path
    assert emulator.requests["GetCase"] == 4
    assert emulator.requests["GetProject"] == 0
    assert (await http.get("/api/v2/cases/SEC%2D1")).json()["data"]["attributes"]["key"] == "SEC-1"
    assert (await http.get("/api/v2/cases/%70rojects")).status_code == 200
    assert emulator.requests["GetProjects"] == 1


async def test_case_create_defaults_and_lookup_by_key_or_uuid(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    response = await http.post("/api/v2/cases", json=case_body(project["id"]))
    assert response.status_code == 201
    case = response.json()["data"]
    attributes = case["attributes"]
    assert attributes["key"] == "SEC-1"
    assert attributes["priority"] == "NOT_DEFINED"
    assert attributes["status"] == "OPEN"
    assert attributes["type"] == "STANDARD"
    assert "closed_at" not in attributes  # absent, not null, as the live service answers
    assert "archived_at" not in attributes
    assert attributes["modified_at"] == attributes["created_at"]
    assert attributes["created_at"].endswith("Z")
    relationships = case["relationships"]
    assert "assignee" not in relationships  # left out, as the live service does (no null)
    assert relationships["project"]["data"] == {"id": project["id"], "type": "project"}
    creator = relationships["created_by"]["data"]["id"]
    assert relationships["modified_by"]["data"]["id"] == creator
    assert [u["id"] for u in response.json()["included"]] == [creator]

    for ref in (case["id"], "SEC-1", "sec-1", case["id"].upper()):
        got = await http.get(f"/api/v2/cases/{ref}")
        assert got.status_code == 200
        assert got.json()["data"] == case


async def test_case_type_id_is_accepted_instead_of_type(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    body = case_body(project["id"])
    body["data"]["attributes"] = {"title": "t", "type_id": STANDARD_TYPE_ID}
    response = await http.post("/api/v2/cases", json=body)
    assert response.status_code == 201
    assert response.json()["data"]["attributes"]["type"] == "STANDARD"
    # Any existing case type is accepted (tests/emulator/test_config_routes.py); unknown is 400.
    body["data"]["attributes"]["type_id"] = "00000000-0000-4000-8000-0000000000ff"
    response = await http.post("/api/v2/cases", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"pointer": "/data/attributes/type_id"}


async def test_case_keys_count_per_project_and_are_never_reused(http: httpx.AsyncClient) -> None:
    sec, ops = await create_project(http, "SEC"), await create_project(http, "OPS")
    keys = [
        (await create_case(http, p["id"]))["attributes"]["key"] for p in (sec, ops, sec, sec, ops)
    ]
    assert keys == ["SEC-1", "OPS-1", "SEC-2", "SEC-3", "OPS-2"]
    await http.delete(f"/api/v2/cases/projects/{sec['id']}")
    again = await create_project(http, "SEC")
    assert (await create_case(http, again["id"]))["attributes"]["key"] == "SEC-4"


async def test_deleting_a_project_deletes_its_cases(http: httpx.AsyncClient) -> None:
    sec, ops = await create_project(http, "SEC"), await create_project(http, "OPS")
    doomed = await create_case(http, sec["id"], title="doomed")
    kept = await create_case(http, ops["id"], title="kept")
    await http.delete(f"/api/v2/cases/projects/{sec['id']}")
    for ref in (doomed["id"], "SEC-1"):
        response = await http.get(f"/api/v2/cases/{ref}")
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"code": "resource_not_found", "title": "case not found"}]
        }
    found = (await http.get("/api/v2/cases", params={"filter": "archived:false"})).json()
    assert [c["id"] for c in found["data"]] == [kept["id"]]
    response = await http.post(
        f"/api/v2/cases/{doomed['id']}/archive", json={"data": {"type": "case"}}
    )
    assert response.status_code == 404


async def test_unknown_project_in_create_is_404(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/api/v2/cases", json=case_body("e555e290-ed65-49bd-ae18-8acbfcf18db7")
    )
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "project not found"


def _ticking_clock() -> datetime.datetime:
    return datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)


async def test_status_priority_assign_archive_lifecycle() -> None:
    minutes = itertools.count()
    start = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    emulator = Emulator(
        create_app(clock=lambda: start + datetime.timedelta(minutes=next(minutes))), checks=[check]
    )
    async with httpx.AsyncClient(
        transport=emulator.transport(), base_url="http://e", headers=AUTH
    ) as http:
        project = await create_project(http)
        case = await create_case(http, project["id"], priority="P3", description="d")
        assert case["attributes"]["created_at"] == "2024-05-01T12:00:00.000Z"

        case = await action(http, "SEC-1", "status", status="IN_PROGRESS")
        assert case["attributes"]["status"] == "IN_PROGRESS"
        assert case["attributes"]["modified_at"] == "2024-05-01T12:01:00.000Z"
        assert "closed_at" not in case["attributes"]

        case = await action(http, "SEC-1", "status", status="CLOSED")
        assert case["attributes"]["closed_at"] == "2024-05-01T12:02:00.000Z"
        case = await action(http, "SEC-1", "status", status="OPEN")
        assert "closed_at" not in case["attributes"]

        case = await action(http, "SEC-1", "priority", priority="P1")
        assert case["attributes"]["priority"] == "P1"

        response = await http.post(
            "/api/v2/cases/SEC-1/assign",
            json={"data": {"type": "case", "attributes": {"assignee_id": USER}}},
        )
        case = response.json()["data"]
        assert case["relationships"]["assignee"] == {"data": {"id": USER, "type": "user"}}
        assert USER in {u["id"] for u in response.json()["included"]}
        case = await action(http, "SEC-1", "unassign")
        assert "assignee" not in case["relationships"]

        case = await action(http, "SEC-1", "archive")
        assert case["attributes"]["archived_at"] == "2024-05-01T12:07:00.000Z"
        case = await action(http, "SEC-1", "unarchive")
        assert "archived_at" not in case["attributes"]
        assert case["attributes"]["modified_at"] == "2024-05-01T12:08:00.000Z"
        assert case["attributes"]["created_at"] == "2024-05-01T12:00:00.000Z"


async def test_created_and_modified_by_follow_the_key_pair(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    project = await create_project(http)
    case = await create_case(http, project["id"])
    creator = case["relationships"]["created_by"]["data"]["id"]
    other = {"DD-API-KEY": "other-api", "DD-APPLICATION-KEY": "other-app"}
    response = await http.post(
        "/api/v2/cases/SEC-1/priority",
        json={"data": {"type": "case", "attributes": {"priority": "P2"}}},
        headers=other,
    )
    modifier = response.json()["data"]["relationships"]["modified_by"]["data"]["id"]
    assert modifier != creator
    assert response.json()["data"]["relationships"]["created_by"]["data"]["id"] == creator
    # Same pair, same user, every time; and the keys appear nowhere in the answer.
    again = await create_case(http, project["id"])
    assert again["relationships"]["created_by"]["data"]["id"] == creator
    assert "test-api-key" not in response.text
    assert "other-api" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"DD-API-KEY": "k"},
        {"DD-APPLICATION-KEY": "a"},
        {"DD-API-KEY": "", "DD-APPLICATION-KEY": " "},
    ],
)
async def test_missing_credentials_are_403(emulator: Emulator, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:
        response = await http.get("/api/v2/cases/projects", headers=headers)
    assert response.status_code == 403
    assert response.json()["errors"][0]["status"] == "403"


async def test_bearer_token_is_enough(emulator: Emulator) -> None:
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:
        response = await http.get("/api/v2/cases/projects", headers={"Authorization": "Bearer t"})
    assert response.status_code == 200


async def test_only_configured_credentials_when_given() -> None:
    emulator = Emulator(create_app(key_pairs=[("good", "pair")], tokens=["tok"]), checks=[check])
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://e") as http:

        async def status(headers: dict[str, str]) -> int:
            return (await http.get("/api/v2/cases/projects", headers=headers)).status_code

        assert await status({"DD-API-KEY": "good", "DD-APPLICATION-KEY": "pair"}) == 200
        assert await status({"DD-API-KEY": "good", "DD-APPLICATION-KEY": "other"}) == 403
        assert await status({"Authorization": "Bearer tok"}) == 200
        assert await status({"Authorization": "Bearer nope"}) == 403


@pytest.mark.parametrize(
    ("mutate", "pointer", "words"),
    [
        (
            lambda b: b["data"].update(type="project"),
            "/data/type",
            'got type "project" expected one of "case"',
        ),
        (
            lambda b: b["data"]["attributes"].update(priority="P9"),
            "/data/attributes/priority",
            '"P9"',
        ),
        (
            lambda b: b["data"]["attributes"].update(priority=3),
            "/data/attributes/priority",
            "Input should be",
        ),
        (
            lambda b: b["data"]["attributes"].pop("title"),
            "/data/attributes/title",
            "missing required",
        ),
        (lambda b: b["data"]["attributes"].update(title="  "), "/data/attributes/title", "empty"),
        (lambda b: b["data"].pop("relationships"), "/data", "project"),
        (
            lambda b: b["data"]["relationships"].update(
                assignee={"data": {"id": "bob", "type": "user"}}
            ),
            "/data/relationships/assignee/data/id",
            "UUID",
        ),
    ],
)
async def test_bad_case_bodies_say_which_field(
    http: httpx.AsyncClient, mutate: object, pointer: str, words: str
) -> None:
    project = await create_project(http)
    body = case_body(project["id"])
    mutate(body)  # type: ignore[operator]
    response = await http.post("/api/v2/cases", json=body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["source"]["pointer"] == pointer and words in e["detail"] for e in errors), errors
    assert all(e["status"] == "400" and e["title"] == "Bad Request" for e in errors)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("status", {"type": "case", "attributes": {"status": "DONE"}}),
        ("status", {"type": "case", "attributes": {}}),
        ("priority", {"type": "case", "attributes": {"priority": "urgent"}}),
        ("assign", {"type": "case", "attributes": {"assignee_id": "not-a-uuid"}}),
        ("archive", {"type": "project"}),
        ("unassign", {}),
    ],
)
async def test_bad_update_bodies_are_400(http: httpx.AsyncClient, path: str, data: object) -> None:
    project = await create_project(http)
    await create_case(http, project["id"])
    response = await http.post(f"/api/v2/cases/SEC-1/{path}", json={"data": data})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'"x"', b"\xff"])
async def test_unparseable_bodies_are_400(http: httpx.AsyncClient, content: bytes) -> None:
    response = await http.post("/api/v2/cases/projects", content=content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["status"] == "400"


async def test_unknown_case_is_404_for_every_case_operation(http: httpx.AsyncClient) -> None:
    assert (await http.get("/api/v2/cases/NOPE-1")).status_code == 404
    for name, data in [
        ("status", {"type": "case", "attributes": {"status": "OPEN"}}),
        ("priority", {"type": "case", "attributes": {"priority": "P1"}}),
        ("assign", {"type": "case", "attributes": {"assignee_id": USER}}),
        ("unassign", {"type": "case"}),
        ("archive", {"type": "case"}),
        ("unarchive", {"type": "case"}),
    ]:
        response = await http.post(f"/api/v2/cases/NOPE-1/{name}", json={"data": data})
        assert response.status_code == 404
        assert response.json()["errors"] == [
            {"code": "resource_not_found", "title": "case not found"}
        ]


@pytest.mark.parametrize("depth", [900, 100_000])
async def test_deeply_nested_bodies_are_400(http: httpx.AsyncClient, depth: int) -> None:
    """Past the interpreter's recursion limit the JSON parser raises RecursionError: not a 500."""
    key = b"[" * depth + b"]" * depth
    body = b'{"data": {"type": "project", "attributes": {"key": %s, "name": "n"}}}' % key
    response = await http.post("/api/v2/cases/projects", content=body)
    assert response.status_code == 400
    if depth > 10_000:
        assert response.json()["errors"][0]["detail"] == "request body is nested too deeply"


async def test_lone_surrogates_are_400_and_name_the_field(http: httpx.AsyncClient) -> None:
    """``"\\ud800"`` is valid JSON but not text; stored, it would break every later response."""
    project = await create_project(http)
    for title, status in [("\ud800", 400), ("x\udfff", 400), ("\U0001f525 fire", 201)]:
        body = json.dumps(case_body(project["id"], title=title))  # ensure_ascii: \u escapes
        response = await http.post("/api/v2/cases", content=body)
        assert response.status_code == status, response.text
        if status == 400:
            (error,) = response.json()["errors"]
            assert error["source"] == {"pointer": "/data/attributes/title"}
            assert error["detail"].startswith("data.attributes.title: not valid Unicode text")
    found = await http.get("/api/v2/cases")
    assert [c["attributes"]["title"] for c in found.json()["data"]] == ["\U0001f525 fire"]
