"""SearchCases: the filter language, sort orders, archived cases, pagination and its errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ._helpers import USER, action, create_case, create_project


async def _keys(http: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await http.get("/api/v2/cases", params={"page[size]": 100, **params})
    assert response.status_code == 200, response.text
    return [c["attributes"]["key"] for c in response.json()["data"]]


@pytest.fixture
async def seeded(http: httpx.AsyncClient) -> httpx.AsyncClient:
    sec, ops = await create_project(http, "SEC"), await create_project(http, "OPS")
    await create_case(http, sec["id"], title="Disk full on db-1", priority="P1")  # SEC-1
    await create_case(
        http, sec["id"], title="Memory leak", description="API pods OOM", priority="P2"
    )
    await create_case(http, ops["id"], title="disk FULL again", priority="P3")  # OPS-1
    await create_case(http, sec["id"], title="Flaky test")  # SEC-3
    await action(http, "SEC-2", "status", status="IN_PROGRESS")
    await action(http, "SEC-3", "status", status="CLOSED")
    await action(http, "OPS-1", "assign", assignee_id=USER)
    await action(http, "SEC-3", "archive")
    return http


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (None, ["OPS-1", "SEC-2", "SEC-1"]),
        ("status:open", ["OPS-1", "SEC-1"]),
        ("status:OPEN priority:p1", ["SEC-1"]),
        ("status:in_progress", ["SEC-2"]),
        ("-status:open", ["SEC-2"]),
        ("project:sec", ["SEC-2", "SEC-1"]),
        ("project:NOPE", []),
        (f"assignee:{USER.upper()}", ["OPS-1"]),
        (f"-assignee:{USER}", ["SEC-2", "SEC-1"]),
        ("key:sec-2", ["SEC-2"]),
        ("type:standard", ["OPS-1", "SEC-2", "SEC-1"]),
        ("disk", ["OPS-1", "SEC-1"]),
        ('"disk full"', ["OPS-1", "SEC-1"]),
        ('"full on"', ["SEC-1"]),
        ("oom", ["SEC-2"]),
        ("disk -again", ["SEC-1"]),
        ('-"disk full"', ["SEC-2"]),
        ('project:"OPS" disk', ["OPS-1"]),
        ("archived:true", ["SEC-3"]),
        ("archived:false", ["OPS-1", "SEC-2", "SEC-1"]),
        ("-archived:false", ["SEC-3"]),
        ("flaky", []),
        ("flaky archived:true", ["SEC-3"]),
        ("status:closed", []),
        ("  ", ["OPS-1", "SEC-2", "SEC-1"]),
    ],
)
async def test_filter_terms(
    seeded: httpx.AsyncClient, query: str | None, expected: list[str]
) -> None:
    params = {} if query is None else {"filter": query}
    assert await _keys(seeded, **params) == expected


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('"disk full', "unbalanced quote"),
        ("owner:me", 'unknown field "owner"'),
        ("status:done", 'unknown status "done"'),
        ("priority:P0", 'unknown priority "P0"'),
        ("archived:maybe", "true or false"),
        ("status:", "missing value"),
        ("-", "missing value"),
    ],
)
async def test_bad_filters_are_400(http: httpx.AsyncClient, query: str, words: str) -> None:
    response = await http.get("/api/v2/cases", params={"filter": query})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert words in error["detail"]
    assert error["source"] == {"parameter": "filter"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["OPS-1", "SEC-2", "SEC-1"]),
        ({"sort[field]": "created_at", "sort[asc]": "true"}, ["SEC-1", "SEC-2", "OPS-1"]),
        ({"sort[field]": "priority"}, ["SEC-1", "SEC-2", "OPS-1"]),
        ({"sort[field]": "priority", "sort[asc]": "true"}, ["OPS-1", "SEC-2", "SEC-1"]),
        ({"sort[field]": "status", "sort[asc]": "true"}, ["SEC-1", "OPS-1", "SEC-2"]),
        ({"sort[field]": "status", "sort[asc]": "false"}, ["SEC-2", "SEC-1", "OPS-1"]),
    ],
)
async def test_sorting(
    seeded: httpx.AsyncClient, params: dict[str, str], expected: list[str]
) -> None:
    assert await _keys(seeded, **params) == expected


async def test_sort_ties_keep_creation_order(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    for priority in ["P2", "P1", "P2", "P1", "P2"]:
        await create_case(http, project["id"], priority=priority)
    for asc in ("true", "false"):
        keys = await _keys(http, **{"sort[field]": "priority", "sort[asc]": asc})
        p1, p2 = ["SEC-2", "SEC-4"], ["SEC-1", "SEC-3", "SEC-5"]
        assert keys == (p2 + p1 if asc == "true" else p1 + p2)


async def test_pagination_meta(http: httpx.AsyncClient) -> None:
    project = await create_project(http)
    for _ in range(23):
        await create_case(http, project["id"])
    seen = []
    for number, size in [(1, 10), (2, 10), (3, 3)]:
        response = await http.get(
            "/api/v2/cases", params={"page[number]": number, "sort[asc]": "true"}
        )
        body = response.json()
        assert body["meta"] == {
            "page": {"current": number, "size": size, "total": 3},
            "total_cases": 23,
        }
        seen += [c["attributes"]["key"] for c in body["data"]]
    assert seen == [f"SEC-{n}" for n in range(1, 24)]
    past = (await http.get("/api/v2/cases", params={"page[number]": 4})).json()
    assert past["data"] == []
    assert past["meta"]["page"] == {"current": 4, "size": 0, "total": 3}
    full = (await http.get("/api/v2/cases", params={"page[size]": 100})).json()
    assert full["meta"]["page"] == {"current": 1, "size": 23, "total": 1}


async def test_empty_search(http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/v2/cases")).json()
    assert body["data"] == []
    assert body["meta"] == {"page": {"current": 1, "size": 0, "total": 0}, "total_cases": 0}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page[size]", "0"),
        ("page[size]", "101"),
        ("page[size]", "ten"),
        ("page[size]", "-1"),
        ("page[size]", "1.5"),
        ("page[number]", "0"),
        ("page[number]", "x"),
        ("sort[field]", "title"),
        ("sort[asc]", "yes"),
    ],
)
async def test_malformed_parameters_are_400(http: httpx.AsyncClient, name: str, value: str) -> None:
    response = await http.get("/api/v2/cases", params={name: value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["source"] == {"parameter": name}
    assert value in error["detail"]


async def test_included_users_cover_the_page(seeded: httpx.AsyncClient) -> None:
    body = (await seeded.get("/api/v2/cases")).json()
    included = {u["id"] for u in body["included"]}
    for case in body["data"]:
        for relationship in case["relationships"].values():
            data = relationship["data"]
            if data["type"] == "user":
                assert data["id"] in included
