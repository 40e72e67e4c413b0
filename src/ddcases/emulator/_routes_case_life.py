"""Issue 16's 22 operations: timeline, watchers, links, Jira/ServiceNow, due dates, insights,
moves, counts, aggregations and bulk updates. ``routes`` comes before ``_routes.routes()`` in the
app, so the literal paths (``/cases/link``, ``/cases/count``, ...) win over ``/cases/{case_id}``.

Decisions where the sources are silent are listed in ``_case_life`` (state) and here:

* A ``user_uuid`` or ``cell_id`` that is not a UUID is a 400 "Invalid Parameter", as recorded for
  DeleteCaseComment; UpdateCaseComment's cell 404 is ``timeline cell not found``.
* ListCaseTimeline: ``page[size]`` 1..100 (default 10), ``page[number]`` from 0 (default 0), newest
  first unless ``sort[ascending]=true``; no ``meta``. A page past the end is empty.
* ``group_bys`` is read comma-separated and repeated alike (``status,priority`` or
  ``group_bys=status&group_bys=priority``); an unknown field is a 400.
* BulkUpdateCases checks every case and the payload before changing anything: an unknown case is
  a 404 and a bad or missing payload key a 400, with no case changed; ``linear`` is a 400 (the
  emulator has nothing to show it with).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    CaseAggregateRequest,
    CaseBulkUpdateRequest,
    CaseInsightsRequest,
    CaseLinkCreateRequest,
    CasePriority,
    CaseUpdateCommentRequest,
    CaseUpdateDueDateRequest,
    CaseUpdateResolvedReasonRequest,
    JiraIssueCreateRequest,
    JiraIssueLinkRequest,
    NotebookCreateRequest,
    ProjectRelationship,
    RelationshipToIncidentRequest,
    ServiceNowTicketCreateRequest,
)

from ._case_life import GROUP_FIELDS, CaseLife, aggregate_groups, count_groups, jira_result
from ._case_types import ACCEPTED_STATUSES
from ._documents import case_response, timeline_cell
from ._jsonapi import JSONAPIResponse
from ._requests import BadRequest, Ctx, require_uuid, status_from_name
from ._routes import Handler, _endpoint
from ._search import SearchError, parse_filter
from ._store import Case, NotFound

__all__ = ["routes"]

_INTEGER = re.compile(r"^[0-9]+$")
_LINK_FIELDS = (
    "parent_entity_type",
    "parent_entity_id",
    "child_entity_type",
    "child_entity_id",
    "relationship",
)


def _life(ctx: Ctx) -> CaseLife:
    life: CaseLife = ctx.request.app.state.case_life
    return life


def _path_uuid(ctx: Ctx, name: str, service_name: str) -> str:
    value = ctx.path(name)
    try:
        return str(uuid.UUID(value))
    except ValueError:
        detail = f'invalid parameter "{service_name}" in "path"; expected type "uuid"'
        body = {"errors": [{"status": "400", "title": "Invalid Parameter", "detail": detail}]}
        raise _Answer(JSONAPIResponse(body, status_code=400)) from None


class _Answer(BadRequest):
    """A 400 in a form other than BadRequest's (the recorded "Invalid Parameter")."""

    def __init__(self, answer: Response) -> None:
        super().__init__(("", None, None))
        self.answer = answer

    def response(self) -> Response:
        return self.answer


def _int_param(ctx: Ctx, name: str, default: int | None, low: int, high: int | None) -> int | None:
    raw = ctx.request.query_params.get(name)
    if raw is None:
        return default
    if not _INTEGER.match(raw) or int(raw) < low or (high is not None and int(raw) > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadRequest((f'{name} must be an integer {bound}, got "{raw}"', None, name))
    return int(raw)


def _bool_param(ctx: Ctx, name: str) -> bool:
    raw = ctx.request.query_params.get(name)
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise BadRequest((f'{name} must be true or false, got "{raw}"', None, name))
    return raw.lower() == "true"


def _fields(names: list[str], pointer: str | None, parameter: str | None) -> list[str]:
    unknown = [n for n in names if n not in GROUP_FIELDS]
    if unknown:
        detail = f'cannot group by "{unknown[0]}"; known fields: {", ".join(GROUP_FIELDS)}'
        raise BadRequest((detail, pointer, parameter))
    return names


def _matching(ctx: Ctx, query: str | None, pointer: str | None, parameter: str) -> list[Case]:
    try:
        matcher = parse_filter(query, ctx.store)
    except SearchError as exc:
        raise BadRequest((str(exc), pointer, None if pointer else parameter)) from None
    return [c for c in ctx.store.cases() if matcher.matches(c)]


# ---------------------------------------------------------------- case fields


async def update_case_due_date(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateDueDateRequest)
    due = body.data.attributes.due_date.isoformat()
    case = ctx.store.change(ctx.path("case_id"), ctx.user_id, lambda c: setattr(c, "due_date", due))
    return case_response(ctx.store, case)


async def update_case_resolved_reason(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateResolvedReasonRequest)
    reason = body.data.attributes.security_resolved_reason
    if not reason.strip():
        pointer = "/data/attributes/security_resolved_reason"
        raise BadRequest(("security_resolved_reason must not be empty", pointer, None))
    case = ctx.store.change(
        ctx.path("case_id"), ctx.user_id, lambda c: setattr(c, "security_resolved_reason", reason)
    )
    return case_response(ctx.store, case)


async def move_case_to_project(ctx: Ctx) -> Response:
    body = await ctx.body(ProjectRelationship)
    ctx.store.case(ctx.path("case_id"))  # 404 for the case before the project
    return case_response(ctx.store, ctx.store.move(ctx.path("case_id"), body.data.id, ctx.user_id))


def _insights(body: CaseInsightsRequest) -> list[dict[str, str]]:
    return [
        {"type": str(i.type.value), "resource_id": i.resource_id, "ref": i.ref}
        for i in body.data.attributes.insights
    ]


async def add_case_insights(ctx: Ctx) -> Response:
    given = _insights(await ctx.body(CaseInsightsRequest))

    def add(case: Case) -> None:
        case.insights.extend(i for n, i in enumerate(given) if i not in case.insights + given[:n])

    return case_response(ctx.store, ctx.store.change(ctx.path("case_id"), ctx.user_id, add))


async def remove_case_insights(ctx: Ctx) -> Response:
    given = _insights(await ctx.body(CaseInsightsRequest))

    def remove(case: Case) -> None:
        case.insights = [i for i in case.insights if i not in given]

    return case_response(ctx.store, ctx.store.change(ctx.path("case_id"), ctx.user_id, remove))


# ---------------------------------------------------------------- timeline


async def list_case_timeline(ctx: Ctx) -> Response:
    size = _int_param(ctx, "page[size]", 10, 1, 100) or 10
    number = _int_param(ctx, "page[number]", 0, 0, None) or 0
    ascending = _bool_param(ctx, "sort[ascending]")
    comments = ctx.store.comments(ctx.path("case_id"))
    if not ascending:
        comments.reverse()
    page = comments[number * size : (number + 1) * size]
    return JSONAPIResponse({"data": [timeline_cell(ctx.store, c) for c in page]})


async def update_case_comment(ctx: Ctx) -> Response:
    cell_id = _path_uuid(ctx, "cell_id", "CommentID")
    body = await ctx.body(CaseUpdateCommentRequest)
    message = body.data.attributes.comment
    if not message.strip():
        raise BadRequest(("comment must not be empty", "/data/attributes/comment", None))
    ctx.store.edit_comment(ctx.path("case_id"), cell_id, message)
    return Response(status_code=200)


# ---------------------------------------------------------------- watchers


async def list_case_watchers(ctx: Ctx) -> Response:
    case = ctx.store.case(ctx.path("case_id"))
    data = [
        {
            "id": watcher_id,
            "type": "watcher",
            "relationships": {"user": {"data": {"id": user_id, "type": "user"}}},
        }
        for watcher_id, user_id in _life(ctx).watchers(case.id)
    ]
    return JSONAPIResponse({"data": data})


async def watch_case(ctx: Ctx) -> Response:
    user_id = _path_uuid(ctx, "user_uuid", "UserUUID")
    case = ctx.store.case(ctx.path("case_id"))
    ctx.store.user(user_id)
    _life(ctx).watch(case.id, user_id)
    return Response(status_code=201)


async def unwatch_case(ctx: Ctx) -> Response:
    user_id = _path_uuid(ctx, "user_uuid", "UserUUID")
    case = ctx.store.case(ctx.path("case_id"))
    _life(ctx).unwatch(case.id, user_id)
    return Response(status_code=204)


# ---------------------------------------------------------------- links


def _entity_id(ctx: Ctx, entity_type: str, entity_id: str) -> str:
    """A case end by its UUID (a key is accepted; an unknown case is a 404)."""
    return ctx.store.case(entity_id).id if entity_type == "CASE" else entity_id


async def list_case_links(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    for name in ("entity_type", "entity_id"):
        if not params.get(name):
            raise BadRequest((f"query parameter {name} is required", None, name))
    checked: dict[str, str] = {}
    for name, allowed in (("entity_type", _ENTITY_TYPES), ("relationship", _RELATIONSHIPS)):
        value = params.get(name)
        if value is not None and value not in allowed:
            detail = f'{name} must be one of {", ".join(allowed)}, got "{value}"'
            raise BadRequest((detail, None, name))
        if value is not None:
            checked[name] = value
    entity_type, entity_id = checked["entity_type"], params["entity_id"]
    with contextlib.suppress(NotFound):  # no such case: it has no links
        entity_id = _entity_id(ctx, entity_type, entity_id)
    links = _life(ctx).links(entity_type, entity_id, checked.get("relationship"))
    return JSONAPIResponse({"data": [link.document() for link in links]})


async def create_case_link(ctx: Ctx) -> Response:
    attributes = (await ctx.body(CaseLinkCreateRequest)).data.attributes
    ends = {name: str(getattr(attributes, name)) for name in _LINK_FIELDS}
    for side in ("parent", "child"):
        kind, key = f"{side}_entity_type", f"{side}_entity_id"
        ends[key] = _entity_id(ctx, ends[kind], ends[key])
    parent = (ends["parent_entity_type"], ends["parent_entity_id"])
    if parent == (ends["child_entity_type"], ends["child_entity_id"]):
        raise BadRequest(("a link cannot join an entity to itself", "/data/attributes", None))
    link = _life(ctx).add_link(**ends)
    return JSONAPIResponse({"data": link.document()}, status_code=201)


async def delete_case_link(ctx: Ctx) -> Response:
    _life(ctx).delete_link(ctx.path("link_id"))
    return Response(status_code=204)


async def link_incident(ctx: Ctx) -> Response:
    incident = (await ctx.body(RelationshipToIncidentRequest)).data.id
    case = ctx.store.case(ctx.path("case_id"))
    _life(ctx).link_once(
        parent_entity_type="CASE",
        parent_entity_id=case.id,
        child_entity_type="INCIDENT",
        child_entity_id=incident,
        relationship="RELATES_TO",
    )
    return case_response(ctx.store, case, status=201)


# ---------------------------------------------------------------- Jira, ServiceNow, notebooks


def _made_up_jira_issue() -> dict[str, str]:
    number = uuid.uuid4().int % 9000 + 1000
    key = f"EMU-{number}"
    return {
        "issue_id": str(10000 + number),
        "issue_key": key,
        "issue_url": f"https://jira.example.com/browse/{key}",
        "project_key": "EMU",
    }


def _start_jira(ctx: Ctx, case_id: str) -> None:
    _life(ctx).start(ctx.store, case_id, ctx.user_id, "jira_issue", _made_up_jira_issue())


def _start_servicenow(ctx: Ctx, case_id: str, instance: str) -> None:
    link = f"https://{instance}.service-now.com/incident.do?sys_id={uuid.uuid4().hex}"
    result = {"sys_target_link": link}
    _life(ctx).start(ctx.store, case_id, ctx.user_id, "service_now_ticket", result)


async def link_jira_issue_to_case(ctx: Ctx) -> Response:
    url = (await ctx.body(JiraIssueLinkRequest)).data.attributes.jira_issue_url
    result = jira_result(url)
    if result is None:
        detail = "jira_issue_url must be a Jira issue URL, such as https://jira.example.com/browse/PROJ-123"
        raise BadRequest((detail, "/data/attributes/jira_issue_url", None))
    conflict = False

    def link(case: Case) -> None:
        nonlocal conflict
        conflict = case.jira_issue is not None
        if not conflict:
            case.jira_issue = {"status": "COMPLETED", "result": result}

    ctx.store.change(ctx.path("case_id"), ctx.user_id, link)
    if conflict:
        body = {
            "errors": [
                {
                    "status": "409",
                    "title": "Conflict",
                    "detail": "a Jira issue is already linked to this case",
                }
            ]
        }
        return JSONAPIResponse(body, status_code=409)
    return Response(status_code=204)


async def create_case_jira_issue(ctx: Ctx) -> Response:
    await ctx.body(JiraIssueCreateRequest)
    _start_jira(ctx, ctx.store.case(ctx.path("case_id")).id)
    return Response(status_code=202)


async def unlink_jira_issue(ctx: Ctx) -> Response:
    case = ctx.store.change(
        ctx.path("case_id"), ctx.user_id, lambda c: setattr(c, "jira_issue", None)
    )
    _life(ctx).forget(case.id, "jira_issue")
    return Response(status_code=204)


async def create_case_service_now_ticket(ctx: Ctx) -> Response:
    attributes = (await ctx.body(ServiceNowTicketCreateRequest)).data.attributes
    _start_servicenow(ctx, ctx.store.case(ctx.path("case_id")).id, attributes.instance_name)
    return Response(status_code=202)


async def create_case_notebook(ctx: Ctx) -> Response:
    await ctx.body(NotebookCreateRequest)
    _life(ctx).add_notebook(ctx.store.case(ctx.path("case_id")).id)
    return Response(status_code=204)


# ---------------------------------------------------------------- many cases at once


async def count_cases(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    names = [n.strip() for raw in params.getlist("group_bys") for n in raw.split(",") if n.strip()]
    fields = _fields(names, None, "group_bys")
    limit = _int_param(ctx, "limit", None, 1, 1000)
    matched = _matching(ctx, params.get("query_filter"), None, "query_filter")
    groups = count_groups(ctx.store, matched, fields, limit)
    data = {"id": str(uuid.uuid4()), "type": "count", "attributes": {"groups": groups}}
    return JSONAPIResponse({"data": data})


async def aggregate_cases(ctx: Ctx) -> Response:
    attributes = (await ctx.body(CaseAggregateRequest)).data.attributes
    fields = _fields(list(attributes.group_by.groups), "/data/attributes/group_by/groups", None)
    pointer = "/data/attributes/query_filter"
    matched = _matching(ctx, attributes.query_filter, pointer, "query_filter")
    groups, total = aggregate_groups(ctx.store, matched, fields, attributes.group_by.limit)
    data = {
        "id": str(uuid.uuid4()),
        "type": "aggregate",
        "attributes": {"groups": groups, "total": float(total)},
    }
    return JSONAPIResponse({"data": data})


def _payload(payload: dict[str, str], key: str) -> str:
    value = payload.get(key)
    if not value:
        raise BadRequest((f"payload.{key} is required", f"/data/attributes/payload/{key}", None))
    return value


async def bulk_update_cases(ctx: Ctx) -> Response:
    attributes = (await ctx.body(CaseBulkUpdateRequest)).data.attributes
    action = str(attributes.type.value)
    payload = attributes.payload.root if attributes.payload is not None else {}
    cases = [ctx.store.case(case_id) for case_id in attributes.case_ids]  # 404 before any change
    change: dict[str, Any] = {}
    if action == "priority":
        priority = _payload(payload, "priority")
        if not CasePriority(priority).is_known:
            known = ", ".join(p.value for p in CasePriority)
            detail = f"invalid priority {priority}. Must be one of {known}"
            raise BadRequest((detail, "/data/attributes/payload/priority", None))
        change = {"priority": priority}
    elif action == "status":
        if payload.get("status_name"):
            pointer = "/data/attributes/payload/status_name"
            change = {"status": status_from_name(payload["status_name"], pointer)}
        else:
            status = _payload(payload, "status")
            if status not in ACCEPTED_STATUSES:
                detail = f"invalid status {status}. Must be one of {', '.join(ACCEPTED_STATUSES)}"
                raise BadRequest((detail, "/data/attributes/payload/status", None))
            change = {"status": status}
    elif action == "assign":
        pointer = "/data/attributes/payload/assignee_id"
        change = {
            "assignee_id": require_uuid(_payload(payload, "assignee_id"), pointer, "assignee_id")
        }
    elif action in ("unassign", "archive", "unarchive"):
        change = {"unassign": True} if action == "unassign" else {"archived": action == "archive"}
    elif action == "update_project":
        project = ctx.store.project(_payload(payload, "project_id"))
        for case in cases:
            ctx.store.move(case.id, project.id, ctx.user_id)
        return Response(status_code=200)
    elif action == "jira":
        for key in ("jira_account_id", "project_id", "issue_type_id"):
            _payload(payload, key)
        for case in cases:
            _start_jira(ctx, case.id)
        return Response(status_code=200)
    elif action == "servicenow":
        instance = _payload(payload, "instance_name")
        for case in cases:
            _start_servicenow(ctx, case.id, instance)
        return Response(status_code=200)
    else:
        detail = f'the emulator cannot apply "{action}" (nothing on a case would show it)'
        raise BadRequest((detail, "/data/attributes/type", None))
    for case in cases:
        ctx.store.update(case.id, ctx.user_id, **change)
    return Response(status_code=200)


# ---------------------------------------------------------------- the route table

_ENTITY_TYPES = ("CASE", "INCIDENT", "PAGE", "AGENT_CONVERSATION")
_RELATIONSHIPS = (
    "RELATES_TO",
    "CAUSES",
    "BLOCKS",
    "DUPLICATES",
    "PARENT_OF",
    "SUCCESSOR_OF",
    "ESCALATES_TO",
)


def _route(path: str, handler: Handler, method: str, name: str) -> Route:
    return Route("/api/v2/cases" + path, _endpoint(handler), methods=[method], name=name)


#: Literal paths first: they must win over ``/cases/{case_id}`` (GetCase is in ``_routes``).
routes: list[Route] = [
    _route("/link", list_case_links, "GET", "ListCaseLinks"),
    _route("/link", create_case_link, "POST", "CreateCaseLink"),
    _route("/link/{link_id}", delete_case_link, "DELETE", "DeleteCaseLink"),
    _route("/count", count_cases, "GET", "CountCases"),
    _route("/aggregate", aggregate_cases, "POST", "AggregateCases"),
    _route("/bulk", bulk_update_cases, "POST", "BulkUpdateCases"),
    _route("/{case_id}/due_date", update_case_due_date, "POST", "UpdateCaseDueDate"),
    _route(
        "/{case_id}/resolved_reason",
        update_case_resolved_reason,
        "POST",
        "UpdateCaseResolvedReason",
    ),
    _route("/{case_id}/relationships/project", move_case_to_project, "PATCH", "MoveCaseToProject"),
    _route("/{case_id}/insights", add_case_insights, "PUT", "AddCaseInsights"),
    _route("/{case_id}/insights", remove_case_insights, "DELETE", "RemoveCaseInsights"),
    _route("/{case_id}/timelines", list_case_timeline, "GET", "ListCaseTimeline"),
    _route("/{case_id}/comment/{cell_id}", update_case_comment, "PUT", "UpdateCaseComment"),
    _route("/{case_id}/watchers", list_case_watchers, "GET", "ListCaseWatchers"),
    _route("/{case_id}/watchers/{user_uuid}", watch_case, "POST", "WatchCase"),
    _route("/{case_id}/watchers/{user_uuid}", unwatch_case, "DELETE", "UnwatchCase"),
    _route("/{case_id}/relationships/incidents", link_incident, "POST", "LinkIncident"),
    _route(
        "/{case_id}/relationships/jira_issues",
        link_jira_issue_to_case,
        "PATCH",
        "LinkJiraIssueToCase",
    ),
    _route(
        "/{case_id}/relationships/jira_issues",
        create_case_jira_issue,
        "POST",
        "CreateCaseJiraIssue",
    ),
    _route("/{case_id}/relationships/jira_issues", unlink_jira_issue, "DELETE", "UnlinkJiraIssue"),
    _route(
        "/{case_id}/relationships/servicenow_tickets",
        create_case_service_now_ticket,
        "POST",
        "CreateCaseServiceNowTicket",
    ),
    _route("/{case_id}/relationships/notebook", create_case_notebook, "POST", "CreateCaseNotebook"),
]
