"""Live-shaped payloads: what the service really sends, beyond what openapi.yaml names."""

from __future__ import annotations

import copy
from typing import Any

USER = "00000000-0000-0000-0000-000000000001"

LIVE_CASE: dict[str, Any] = {
    "id": "9b3a5e1c-4c2e-4a7b-9a57-3b3c4d5e6f70",
    "type": "case",
    "attributes": {
        "key": "SEC-12",
        "title": "Login errors spike",
        "description": "",
        "status": "OPEN",
        "priority": "P2",
        "type": "STANDARD",
        "type_id": "00000000-0000-0000-0000-000000000001",
        "created_at": "2026-01-24T00:47:45.477244496Z",
        "modified_at": None,
        "closed_at": None,
        "archived_at": None,
        "jira_issue": None,
        "service_now_ticket": None,
        # Members the spec doesn't name:
        "comment_count": 3,
        "creation_source": "MANUAL",
        "custom_attributes": {"env": {"type": "TEXT", "is_multi": False, "value": ["prod"]}},
        "status_name": "Open",
        "status_group": "SG_OPEN",
        "public_id": "123456",
        "internal_id": "7890",
        "merge_status": "NOT_MERGED",
        "insights": [{"ref": "/monitors/1", "type": "MONITOR", "resource_id": "1"}],
        "attributes": {"team": ["sec"]},
    },
    "relationships": {
        "assignee": None,
        "created_by": {"data": {"id": USER, "type": "user"}},
        "modified_by": None,
        "project": {"data": {"id": "e555e290-ed65-49bd-ae18-8acbfcf18db7", "type": "project"}},
    },
}

INCLUDED_USER: dict[str, Any] = {
    "id": USER,
    "type": "user",
    "attributes": {"name": "Ada", "email": "ada@example.com", "handle": "ada@example.com"},
}

# (value, fractional digits): 0 through 9 digits, all with "Z".
TIMESTAMPS = [
    "2026-01-24T00:47:45Z",
    *(f"2026-01-24T00:47:45.{'123456789'[:n]}Z" for n in range(1, 10)),
]


def live_case(**attributes: Any) -> dict[str, Any]:
    case = copy.deepcopy(LIVE_CASE)
    case["attributes"].update(attributes)
    return case


def live_page(n: int = 100) -> dict[str, Any]:
    data = []
    for i in range(n):
        case = live_case(key=f"SEC-{i}", title=f"case {i}")
        case["id"] = f"9b3a5e1c-4c2e-4a7b-9a57-{i:012d}"
        data.append(case)
    return {
        "data": data,
        "included": [INCLUDED_USER],
        "meta": {"page": {"current": 1, "size": n, "total": 7}, "total_cases": 650},
    }


LIVE_PROJECT: dict[str, Any] = {
    "id": "e555e290-ed65-49bd-ae18-8acbfcf18db7",
    "type": "project",
    "attributes": {"key": "SEC", "name": "Security", "restricted": False, "settings": {"x": 1}},
    "relationships": {"member_team": {"data": []}, "member_user": {"data": []}},
}

ERROR_BODIES: list[dict[str, Any]] = [
    {"errors": ["Bad Request"]},
    {"errors": [{"status": "400", "title": "Bad Request", "detail": "invalid page[size]"}]},
    {"errors": [{"code": "resource_not_found", "title": "case not found"}]},
]
