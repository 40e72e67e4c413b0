"""Live-shaped Case Management payloads for the benches, built deterministically.

"Live-shaped" means what the service really sends (issue 2, "Forward compatibility"), not just
what openapi.yaml names: extra case attributes (`comment_count`, `custom_attributes`,
`status_group`, ...), `included` users, `meta.total_cases`, explicit nulls, 0-9 fractional digit
timestamps, and enum values the reference does not list. The same seed always gives the same
bytes, so every client in a run parses the same payload.

Usage:

    page = cases_page(page_number=1, page_size=100, total_pages=100)   # dict
    body = encode(page)                                                 # bytes on the wire
"""

from __future__ import annotations

import json
import random
from typing import Any

CONTENT_TYPE = "application/vnd.api+json"
PROJECT_ID = "e555e290-ed65-49bd-ae18-8acbfcf18db7"
USERS = [f"00000000-0000-4000-8000-{i:012d}" for i in range(1, 9)]
STATUSES = ["OPEN", "IN_PROGRESS", "CLOSED"]
PRIORITIES = ["NOT_DEFINED", "P1", "P2", "P3", "P4", "P5"]
# "ERROR_TRACKING_ISSUE" is live but not in the reference; see issue 2.
TYPES = ["STANDARD", "STANDARD", "STANDARD", "ERROR_TRACKING_ISSUE"]


def _timestamp(rng: random.Random) -> str:
    """A UTC date-time with 0-9 fractional digits and "Z", as the service sends them."""
    base = (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )
    digits = rng.choice([9, 9, 9, 6, 5, 3, 0])  # mostly nanoseconds, like the live service
    if digits == 0:
        return base + "Z"
    return f"{base}.{rng.randrange(10**digits):0{digits}d}Z"


def _user(uuid: str | None) -> dict[str, Any] | None:
    return None if uuid is None else {"data": {"id": uuid, "type": "user"}}


def case(index: int, *, seed: int = 0) -> dict[str, Any]:
    """One live-shaped case; `index` makes its id and key, `seed` the rest."""
    rng = random.Random(seed * 1_000_003 + index)
    status = rng.choice(STATUSES)
    closed = status == "CLOSED"
    case_type = rng.choice(TYPES)
    return {
        "id": f"9b3a5e1c-4c2e-4a7b-9a57-{index:012d}",
        "type": "case",
        "attributes": {
            "key": f"SEC-{index + 1}",
            "title": f"Login errors spike on service-{rng.randrange(1000)} ({index})",
            "description": "Seen from the on-call dashboard. " * rng.randint(0, 6),
            "status": status,
            "priority": rng.choice(PRIORITIES),
            "type": case_type,
            "type_id": "00000000-0000-0000-0000-000000000001",
            "created_at": _timestamp(rng),
            "modified_at": _timestamp(rng) if rng.random() < 0.7 else None,
            "closed_at": _timestamp(rng) if closed else None,
            "archived_at": None,
            "jira_issue": None,
            "service_now_ticket": None,
            # Not in the reference, sent by the live service:
            "comment_count": rng.randint(0, 12),
            "creation_source": "ERROR_TRACKING" if case_type != "STANDARD" else "MANUAL",
            "custom_attributes": {
                "env": {"type": "TEXT", "is_multi": False, "value": [rng.choice(["prod", "stg"])]}
            },
            "status_name": status.replace("_", " ").title(),
            "status_group": "SG_CLOSED" if closed else "SG_OPEN",
            "public_id": str(100000 + index),
            "internal_id": str(900000 + index),
            "merge_status": "NOT_MERGED",
            "insights": [
                {"ref": f"/monitors/{rng.randrange(10**6)}", "type": "MONITOR", "resource_id": "1"}
            ],
            "attributes": {"team": ["sec"], "service": [f"service-{rng.randrange(50)}"]},
        },
        "relationships": {
            "assignee": _user(rng.choice(USERS) if rng.random() < 0.6 else None),
            "created_by": _user(rng.choice(USERS)),
            "modified_by": _user(rng.choice(USERS) if rng.random() < 0.5 else None),
            "project": {"data": {"id": PROJECT_ID, "type": "project"}},
        },
    }


def included_users() -> list[dict[str, Any]]:
    return [
        {
            "id": uuid,
            "type": "user",
            "attributes": {
                "active": True,
                "email": f"user{i}@example.com",
                "handle": f"user{i}@example.com",
                "name": f"User {i}",
            },
        }
        for i, uuid in enumerate(USERS)
    ]


def cases_page(
    page_number: int = 1, page_size: int = 100, total_pages: int = 1, *, seed: int = 0
) -> dict[str, Any]:
    """Page `page_number` (1-based) of `total_pages` full pages, as `GET /api/v2/cases` sends it."""
    first = (page_number - 1) * page_size
    if page_number > total_pages:
        data: list[dict[str, Any]] = []
    else:
        data = [case(i, seed=seed) for i in range(first, first + page_size)]
    return {
        "data": data,
        "included": included_users(),
        "meta": {
            "page": {"current": page_number, "size": len(data), "total": total_pages},
            "total_cases": total_pages * page_size,
        },
    }


def one_case(*, seed: int = 0) -> dict[str, Any]:
    """`GET /api/v2/cases/{case_id}`."""
    return {"data": case(11, seed=seed), "included": included_users()}


def encode(payload: dict[str, Any]) -> bytes:
    """Compact JSON, like the service (no spaces)."""
    return json.dumps(payload, separators=(",", ":")).encode()
