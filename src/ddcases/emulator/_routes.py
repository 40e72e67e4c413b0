"""One handler per operation of openapi.yaml, and the route table that maps them.

Handlers check what they receive with ``_requests`` (a bad body or parameter is a JSON:API 400),
never touch HTTP state beyond the request, and leave everything else to ``Store``.

Decisions where the reference is silent:

* An unknown project in CreateCase is a 404 ``project not found``, like GetProject.
* ``relationships.project.data.id`` and ``project_id`` must be the project's UUID (as documented);
  keys are resolved by the client, not here.
* ``assignee_id`` (and an assignee in CreateCase) must be a UUID; any UUID is accepted and becomes
  a made-up user in ``included``.
* ``type_id`` without ``type`` on create is accepted when it names the standard type.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    CaseAssignRequest,
    CaseCreateRequest,
    CaseEmptyRequest,
    CaseUpdatePriorityRequest,
    CaseUpdateStatusRequest,
    ProjectCreateRequest,
)

from ._auth import authenticate
from ._documents import (
    case_document,
    case_response,
    case_users,
    included,
    project_document,
)
from ._jsonapi import JSONAPIResponse, error_response, not_found
from ._requests import (
    BadRequest,
    Ctx,
    accept_type_id,
    check_new_project,
    new_case,
    require_uuid,
    search_query,
)
from ._search import sort_cases
from ._store import NotFound

__all__ = ["routes"]

Handler = Callable[[Ctx], Awaitable[Response]]


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        user_id = authenticate(request, request.app.state.auth)
        if user_id is None:
            return error_response(
                403,
                "missing or invalid credentials: send DD-API-KEY and DD-APPLICATION-KEY"
                " or Authorization: Bearer",
            )
        try:
            return await handler(Ctx(request, request.app.state.store, user_id))
        except NotFound as exc:
            return not_found(exc.kind)
        except BadRequest as exc:
            return exc.response()

    return endpoint


# ---------------------------------------------------------------- projects


async def create_project(ctx: Ctx) -> Response:
    body = await ctx.body(ProjectCreateRequest)
    check_new_project(body)
    key, name = body.data.attributes.key, body.data.attributes.name
    try:
        project = ctx.store.create_project(key, name, ctx.user_id)
    except ValueError as exc:
        raise BadRequest((str(exc), "/data/attributes/key", None)) from None
    body_out = {
        "data": project_document(project),
        "included": included(ctx.store, [project.created_by]),
    }
    return JSONAPIResponse(body_out, status_code=201)


async def get_projects(ctx: Ctx) -> Response:
    projects = ctx.store.projects()
    body = {
        "data": [project_document(p) for p in projects],
        "included": included(ctx.store, [p.created_by for p in projects]),
    }
    return JSONAPIResponse(body)


async def get_project(ctx: Ctx) -> Response:
    project = ctx.store.project(ctx.path("project_id"))
    body = {
        "data": project_document(project),
        "included": included(ctx.store, [project.created_by]),
    }
    return JSONAPIResponse(body)


async def delete_project(ctx: Ctx) -> Response:
    ctx.store.delete_project(ctx.path("project_id"))
    return Response(status_code=204)


# ---------------------------------------------------------------- cases


async def create_case(ctx: Ctx) -> Response:
    new = new_case(await ctx.body(CaseCreateRequest, accept_type_id))
    case = ctx.store.create_case(
        new.project_id,
        title=new.title,
        user_id=ctx.user_id,
        description=new.description,
        priority=new.priority,
        type_=new.type_,
        assignee_id=new.assignee_id,
    )
    return case_response(ctx.store, case, status=201)


async def search_cases(ctx: Ctx) -> Response:
    query = search_query(ctx)
    found = sort_cases(
        (c for c in ctx.store.cases() if query.matcher.matches(c)),
        query.sort_field,
        query.ascending,
    )
    size, number = query.size, query.number
    page = found[(number - 1) * size : number * size]
    body = {
        "data": [case_document(c) for c in page],
        "included": included(ctx.store, [u for c in page for u in case_users(c)]),
        "meta": {
            "page": {"current": number, "size": len(page), "total": math.ceil(len(found) / size)},
            "total_cases": len(found),
        },
    }
    return JSONAPIResponse(body)


async def get_case(ctx: Ctx) -> Response:
    return case_response(ctx.store, ctx.store.case(ctx.path("case_id")))


async def update_status(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateStatusRequest)
    status = str(body.data.attributes.status)
    return case_response(
        ctx.store, ctx.store.update(ctx.path("case_id"), ctx.user_id, status=status)
    )


async def update_priority(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdatePriorityRequest)
    priority = str(body.data.attributes.priority)
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, priority=priority)
    return case_response(ctx.store, case)


async def assign_case(ctx: Ctx) -> Response:
    body = await ctx.body(CaseAssignRequest)
    pointer = "/data/attributes/assignee_id"
    assignee = require_uuid(body.data.attributes.assignee_id, pointer, "assignee_id")
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, assignee_id=assignee)
    return case_response(ctx.store, case)


async def unassign_case(ctx: Ctx) -> Response:
    await ctx.body(CaseEmptyRequest)
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, unassign=True)
    return case_response(ctx.store, case)


async def archive_case(ctx: Ctx) -> Response:
    await ctx.body(CaseEmptyRequest)
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, archived=True)
    return case_response(ctx.store, case)


async def unarchive_case(ctx: Ctx) -> Response:
    await ctx.body(CaseEmptyRequest)
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, archived=False)
    return case_response(ctx.store, case)


def _route(path: str, handler: Handler, method: str, name: str) -> Route:
    return Route(path, _endpoint(handler), methods=[method], name=name)


def routes() -> list[Route]:
    """The 13 operations; the ``/projects`` paths come first so they win over ``{case_id}``."""
    projects, cases = "/api/v2/cases/projects", "/api/v2/cases"
    return [
        _route(projects, create_project, "POST", "CreateProject"),
        _route(projects, get_projects, "GET", "GetProjects"),
        _route(projects + "/{project_id}", get_project, "GET", "GetProject"),
        _route(projects + "/{project_id}", delete_project, "DELETE", "DeleteProject"),
        _route(cases, create_case, "POST", "CreateCase"),
        _route(cases, search_cases, "GET", "SearchCases"),
        _route(cases + "/{case_id}", get_case, "GET", "GetCase"),
        _route(cases + "/{case_id}/status", update_status, "POST", "UpdateStatus"),
        _route(cases + "/{case_id}/priority", update_priority, "POST", "UpdatePriority"),
        _route(cases + "/{case_id}/assign", assign_case, "POST", "AssignCase"),
        _route(cases + "/{case_id}/unassign", unassign_case, "POST", "UnassignCase"),
        _route(cases + "/{case_id}/archive", archive_case, "POST", "ArchiveCase"),
        _route(cases + "/{case_id}/unarchive", unarchive_case, "POST", "UnarchiveCase"),
    ]
