"""Recorded-shape answers of the live API (shared/reference/live-case-api.md), for facade tests.

Each test serves these through httpx.MockTransport, so the facade is checked against what the
service sends (``ID`` in a comment's author, the ``content`` JSON string, extra members, explicit
nulls, the error texts), not against the emulator's reading of the spec.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx

from ddcases import CaseManagement

from .._fake_service import API_KEY, APP_KEY

CASE_ID = "9b3a5e1c-4c2e-4a7b-9a57-3b3c4d5e6f70"
USER_ID = "5d1c0a4e-2b1e-4c2a-9a57-0dd0ca5e5001"
CELL_ID = "0b0e5c3a-6c1f-4f55-9c55-8c2a4f0f1e11"
PROJECT_ID = "e555e290-ed65-49bd-ae18-8acbfcf18db7"

CASE: dict[str, Any] = {
    "id": CASE_ID,
    "type": "case",
    "attributes": {
        "archived_at": None,
        "attributes": {"env": ["test"], "service": ["web-store", "web-api"]},
        "closed_at": None,
        "comment_count": 1,
        "created_at": "2025-12-30T13:49:46.968106806Z",
        "custom_attributes": {
            "attribute_661e": {"type": "TEXT", "is_multi": True, "value": ["Abba", "The Cure"]}
        },
        "description": "",
        "jira_issue": None,
        "key": "SEC-12",
        "modified_at": "2025-12-30T13:52:01.113Z",
        "priority": "P2",
        "service_now_ticket": None,
        "status": "IN_PROGRESS",
        "status_group": "SG_IN_PROGRESS",
        "status_name": "In Progress",
        "title": "Memory leak investigation on API",
        "type": "STANDARD",
        "type_id": "00000000-0000-0000-0000-000000000001",
    },
    "relationships": {
        "assignee": {"data": {"id": USER_ID, "type": "user"}},
        "created_by": {"data": {"id": USER_ID, "type": "user"}},
        "modified_by": None,
        "project": {"data": {"id": PROJECT_ID, "type": "project"}},
    },
}
INCLUDED = [
    {
        "id": USER_ID,
        "type": "user",
        "attributes": {
            "active": True,
            "email": "ci@example.com",
            "handle": "ci@example.com",
            "name": "CI Account",
        },
    }
]
TIMELINE: dict[str, Any] = {
    "data": [
        {
            "id": CELL_ID,
            "type": "timeline_cell",
            "attributes": {
                "type": "COMMENT",
                "created_at": "2025-12-30T13:49:46.968106806Z",
                "author": {
                    "type": "USER",
                    "content": {
                        "ID": USER_ID,
                        "name": "CI Account",
                        "email": "ci@example.com",
                        "handle": "ci@example.com",
                        "active": True,
                    },
                },
                "cell_content": {"message": "Hello World !"},
                "content": '{"message":"Hello World !"}',
            },
        }
    ]
}
PROJECT: dict[str, Any] = {
    "id": PROJECT_ID,
    "type": "project",
    "attributes": {
        "columns_config": {"columns": [{"sort_field": "priority", "type": "PRIORITY"}]},
        "enabled_custom_case_types": [],
        "key": "SEC",
        "name": "Security Investigation (EMEA)",
        "restricted": False,
        "settings": {"notification": {"enabled": True, "destinations": [1, 3]}},
    },
    "relationships": {"member_team": {"data": []}, "member_user": {"data": []}},
}

NOT_FOUND_CELL = {"errors": [{"code": "resource_not_found", "title": "timeline cell not found"}]}
NOT_FOUND_PROJECT = {
    "errors": [{"code": "resource_not_found", "title": "failed to get project: project not found"}]
}
BAD_CELL_ID = {
    "errors": [
        {
            "status": "400",
            "title": "Invalid Parameter",
            "detail": 'invalid parameter "CommentID" in "path"; expected type "uuid"',
        }
    ]
}


def case(**attributes: Any) -> dict[str, Any]:
    document = copy.deepcopy(CASE)
    document["attributes"].update(attributes)
    return document


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    """A response as the service sends it: ``application/vnd.api+json``, or empty."""
    if body is None:
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(b""))
    content = json.dumps(body).encode()
    hdrs = {"content-type": "application/vnd.api+json", **(headers or {})}
    return httpx.Response(status, headers=hdrs, stream=httpx.ByteStream(content))


class Recorded:
    """Serves one canned answer per call (in order) and records the requests."""

    def __init__(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        next_answer = self.answers.pop(0)
        return next_answer(request) if callable(next_answer) else next_answer

    def client(self, **kwargs: Any) -> CaseManagement:
        kwargs.setdefault("max_retries", 0)
        return CaseManagement(
            api_key=API_KEY,
            app_key=APP_KEY,
            base_url="https://api.datadoghq.com",
            transport=httpx.MockTransport(self.handle),
            **kwargs,
        )

    def sent(self, index: int = -1) -> tuple[str, str, Any]:
        request = self.requests[index]
        body = json.loads(request.content) if request.content else None
        return request.method, request.url.raw_path.decode(), body
