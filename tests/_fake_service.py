"""An in-process fake of the Case Management API for facade tests (httpx.MockTransport).

Keeps projects and cases in dicts, records every request, and can sleep per request so
prefetch overlap can be measured. Deliberately small: the emulator has its own tests.
"""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from typing import Any
from urllib.parse import unquote

import httpx

from ddcases import CaseManagement

API_KEY = "api-key-0123456789abcdef0123456789"
APP_KEY = "app-key-fedcba9876543210fedcba9876543210"
BASE = "/api/v2/cases"


#: The smallest case document the spec accepts: openapi.yaml requires the members the live
#: service always sends (created_at, key, priority, status, title; see README "Typed responses").
MINIMAL_CASE_ATTRIBUTES: dict[str, Any] = {
    "created_at": "2026-01-24T00:47:45.477Z",
    "key": "SEC-1",
    "priority": "NOT_DEFINED",
    "status": "OPEN",
    "title": "t",
}


def minimal_case(case_id: str = "c1") -> dict[str, Any]:
    """``{"id": case_id, "type": "case", "attributes": {...the required members...}}``."""
    return {"id": case_id, "type": "case", "attributes": dict(MINIMAL_CASE_ATTRIBUTES)}


def respond(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response whose body is still a stream, as a real transport returns it."""
    content = b"" if body is None else json.dumps(body).encode()
    hdrs = {"content-type": "application/json", **(headers or {})} if body is not None else {}
    return httpx.Response(status, headers=hdrs, stream=httpx.ByteStream(content))


def error(status: int, title: str) -> httpx.Response:
    return respond(status, {"errors": [{"status": str(status), "title": title}]})


class FakeService:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.projects: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.requests: list[httpx.Request] = []
        self.delay = delay
        self.cancelled: list[httpx.Request] = []
        #: Override search results: page number -> (case ids, meta.page.total or None).
        self.pages: dict[int, tuple[list[str], int | None]] | None = None

    # -- setup helpers ----------------------------------------------------------------------
    def add_project(self, key: str, name: str = "Project") -> dict[str, Any]:
        project = {
            "id": str(uuid.uuid4()),
            "type": "project",
            "attributes": {"key": key, "name": name},
        }
        self.projects[project["id"]] = project
        return project

    def add_case(self, project_id: str | None = None, **attributes: Any) -> dict[str, Any]:
        n = len(self.cases) + 1
        case = {
            "id": str(uuid.uuid4()),
            "type": "case",
            "attributes": {
                "created_at": "2026-01-24T00:47:45.477Z",
                "key": f"CASE-{n}",
                "title": f"case {n}",
                "status": "OPEN",
                "priority": "NOT_DEFINED",
                "type": "STANDARD",
                **attributes,
            },
            "relationships": {
                "project": {"data": {"id": project_id or str(uuid.uuid4()), "type": "project"}}
            },
        }
        self.cases[case["id"]] = case
        return case

    def client(self, **kwargs: Any) -> CaseManagement:
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("app_key", APP_KEY)
        kwargs.setdefault("base_url", "https://fake.test")
        return CaseManagement(transport=httpx.MockTransport(self.handle), **kwargs)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.raw_path.decode()}" for r in self.requests]

    # -- the API ----------------------------------------------------------------------------
    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.delay:
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                self.cancelled.append(request)
                raise
        path = request.url.raw_path.decode().split("?")[0]
        segments = (
            [unquote(s) for s in path[len(BASE) :].split("/")[1:]]
            if path.startswith(BASE)
            else None
        )
        if segments is None:
            return error(404, "no route")
        body = json.loads(request.content) if request.content else None
        method = request.method
        if segments == [] and method == "GET":
            return self._search(request)
        if segments == [] and method == "POST":
            return self._create_case(body)
        if segments[:1] == ["projects"]:
            return self._projects(method, segments[1:], body)
        case = self._find_case(segments[0])
        if case is None:
            return error(404, f"case {segments[0]} not found")
        if len(segments) == 1 and method == "GET":
            return respond(200, {"data": case})
        if len(segments) == 2 and method == "POST":
            return self._update(case, segments[1], body)
        return error(404, "no route")

    def _find_case(self, ref: str) -> dict[str, Any] | None:
        if ref in self.cases:
            return self.cases[ref]
        return next((c for c in self.cases.values() if c["attributes"]["key"] == ref), None)

    def _projects(self, method: str, rest: list[str], body: Any) -> httpx.Response:
        if not rest and method == "GET":
            return respond(200, {"data": list(self.projects.values())})
        if not rest and method == "POST":
            attrs = body["data"]["attributes"]
            if any(p["attributes"]["key"] == attrs["key"] for p in self.projects.values()):
                return error(409, "key taken")
            return respond(201, {"data": self.add_project(attrs["key"], attrs["name"])})
        project = self.projects.get(rest[0])
        if project is None:
            return error(404, "project not found")
        if method == "GET":
            return respond(200, {"data": project})
        if method == "DELETE":
            del self.projects[rest[0]]
            return respond(204)
        return error(404, "no route")

    def _create_case(self, body: Any) -> httpx.Response:
        data = body["data"]
        project_id = data["relationships"]["project"]["data"]["id"]
        if project_id not in self.projects:
            return error(404, "project not found")
        attrs = {
            k: v
            for k, v in data["attributes"].items()
            if k in ("title", "priority", "description", "type")
        }
        case = self.add_case(project_id, **attrs)
        assignee = data["relationships"].get("assignee")
        if assignee:
            case["relationships"]["assignee"] = assignee
        return respond(201, {"data": case})

    def _update(self, case: dict[str, Any], action: str, body: Any) -> httpx.Response:
        attrs = case["attributes"]
        if action == "status":
            sent = body["data"]["attributes"]
            attrs["status"] = sent.get("status", attrs["status"])
        elif action == "priority":
            attrs["priority"] = body["data"]["attributes"]["priority"]
        elif action == "assign":
            user = body["data"]["attributes"]["assignee_id"]
            case["relationships"]["assignee"] = {"data": {"id": user, "type": "user"}}
        elif action == "unassign":
            case["relationships"]["assignee"] = None
        elif action == "archive":
            attrs["archived_at"] = "2024-01-01T00:00:00+00:00"
        elif action == "unarchive":
            attrs["archived_at"] = None
        else:
            return error(404, "no route")
        return respond(200, {"data": case})

    def _search(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        size = int(params.get("page[size]", "10"))
        number = int(params.get("page[number]", "1"))
        if self.pages is not None:
            ids, total = self.pages.get(number, ([], None))
            data = [self.cases[i] for i in ids]
            meta: dict[str, Any] = {"page": {"current": number, "size": len(data)}}
            if total is not None:
                meta["page"]["total"] = total
            return respond(200, {"data": data, "meta": meta})
        everything = list(self.cases.values())
        data = everything[(number - 1) * size : number * size]
        total = math.ceil(len(everything) / size)
        return respond(
            200,
            {
                "data": data,
                "meta": {
                    "page": {"current": number, "size": len(data), "total": total},
                    "total_cases": len(everything),
                },
            },
        )
