"""The JSON:API documents the emulator answers with: cases, projects and ``included`` users."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from starlette.responses import Response

from ._case_types import status_info
from ._jsonapi import JSONAPIResponse
from ._store import Case, Comment, Project, Store

__all__ = [
    "case_document",
    "case_response",
    "case_users",
    "comment_response",
    "included",
    "project_document",
    "project_response",
    "timeline_cell",
    "user_ref",
]


def _ts(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def user_ref(user_id: str) -> dict[str, Any]:
    return {"data": {"id": user_id, "type": "user"}}


def included(store: Store, user_ids: Iterable[str | None]) -> list[dict[str, Any]]:
    seen: dict[str, None] = dict.fromkeys(u for u in user_ids if u is not None)
    users = [store.user(u) for u in seen]
    return [
        {
            "id": u.id,
            "type": "user",
            "attributes": {"active": True, "email": u.email, "handle": u.handle, "name": u.name},
        }
        for u in users
    ]


def case_document(case: Case) -> dict[str, Any]:
    # None means "no value": JSONAPIResponse leaves such members out, as the live service does
    # with unset timestamps, integrations and an unassigned ``assignee`` (no null is recorded).
    relationships: dict[str, Any] = {
        "assignee": None if case.assignee_id is None else user_ref(case.assignee_id),
        "created_by": user_ref(case.created_by),
        "modified_by": user_ref(case.modified_by),
        "project": {"data": {"id": case.project_id, "type": "project"}},
    }
    status_name, status_group = status_info(case.status)
    document: dict[str, Any] = {
        "id": case.id,
        "type": "case",
        "attributes": {
            "archived_at": _ts(case.archived_at),
            "attributes": case.attributes,
            "closed_at": _ts(case.closed_at),
            "comment_count": case.comment_count,
            "created_at": _ts(case.created_at),
            "custom_attributes": case.custom_attributes,
            "description": case.description,
            "insights": case.insights,
            "jira_issue": case.jira_issue,
            "key": case.key,
            "modified_at": _ts(case.modified_at),
            "priority": case.priority,
            "service_now_ticket": case.service_now_ticket,
            "status": case.status,
            "status_group": status_group,
            "status_name": status_name,
            "title": case.title,
            "type": case.type,
            "type_id": case.type_id,
        },
        "relationships": relationships,
    }
    # Issue 16: echoed only once set (Datadog's case model has no member for them).
    extra = {"due_date": case.due_date, "security_resolved_reason": case.security_resolved_reason}
    document["attributes"].update({k: v for k, v in extra.items() if v is not None})
    return document


def case_users(case: Case) -> list[str | None]:
    return [case.created_by, case.modified_by, case.assignee_id]


def case_response(store: Store, case: Case, status: int = 200) -> Response:
    body = {"data": case_document(case), "included": included(store, case_users(case))}
    return JSONAPIResponse(body, status_code=status)


def project_document(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "type": "project",
        "attributes": {
            "columns_config": project.columns_config,
            "enabled_custom_case_types": project.enabled_custom_case_types,
            "key": project.key,
            "name": project.name,
            "restricted": project.restricted,
            "settings": project.settings,
        },
        "relationships": {
            "member_team": {"data": []},
            "member_user": {"data": [{"id": project.created_by, "type": "user"}]},
        },
    }


def project_response(store: Store, project: Project, status: int = 200) -> Response:
    body = {"data": project_document(project), "included": included(store, [project.created_by])}
    return JSONAPIResponse(body, status_code=status)


def comment_response(store: Store, comment: Comment) -> Response:
    """CommentCase's answer: a one-cell list (see ``timeline_cell``)."""
    return JSONAPIResponse({"data": [timeline_cell(store, comment)]})


def timeline_cell(store: Store, comment: Comment) -> dict[str, Any]:
    """A comment as a timeline cell: the author's id spelled ``ID`` as on the service, and
    ``content``, a JSON string repeating ``cell_content``; ``modified_at`` once edited."""
    author = store.user(comment.author_id)
    cell: dict[str, Any] = {
        "id": comment.id,
        "type": "timeline_cell",
        "attributes": {
            "type": "COMMENT",
            "created_at": _ts(comment.created_at),
            "author": {
                "type": "USER",
                "content": {
                    "ID": author.id,
                    "name": author.name,
                    "email": author.email,
                    "handle": author.handle,
                    "active": True,
                },
            },
            "cell_content": {"message": comment.message},
            "content": json.dumps({"message": comment.message}, separators=(",", ":")),
        },
    }
    if comment.modified_at is not None:
        cell["attributes"]["modified_at"] = _ts(comment.modified_at)
    return cell
