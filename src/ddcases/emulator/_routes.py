"""One handler per operation of openapi.yaml, and the route table that maps them.

Handlers check what they receive with ``_requests`` (a bad body or parameter is a JSON:API 400),
never touch HTTP state beyond the request, and leave everything else to ``Store``.

Decisions where the reference is silent:

* An unknown project in CreateCase is a 404 ``project not found``, like GetProject.
* ``relationships.project.data.id`` and ``project_id`` must be the project's UUID (as documented);
  keys are resolved by the client, not here.
* ``assignee_id`` (and an assignee in CreateCase) must be a UUID; any UUID is accepted and becomes
  a made-up user in ``included``.
* ``type_id`` on create may name any case type that exists and is not deleted (the case's
  ``type`` is then the type's, see ``_config_store``); a create with neither is a 400.
* UpdateProject with no ``attributes`` changes nothing and answers the project.

The operations beyond the reference page answer as the live service was recorded doing (see
``x-ddcases-note`` in openapi.yaml): a comment is a one-cell list, DeleteCaseComment is 204, then
404 ``timeline cell not found``, and 400 ``Invalid Parameter`` for a cell id that is not a UUID;
an unknown ``status`` is a 400 listing what the service accepts; custom
attributes must be defined first (``_case_types``), an undefined key is a 404.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    CaseAssignRequest,
    CaseCommentRequest,
    CaseCreateRequest,
    CaseEmptyRequest,
    CaseUpdateAttributesRequest,
    CaseUpdateCustomAttributeRequest,
    CaseUpdateDescriptionRequest,
    CaseUpdatePriorityRequest,
    CaseUpdateStatusRequest,
    CaseUpdateTitleRequest,
    ProjectCreateRequest,
    ProjectUpdateRequest,
)

from ._auth import authenticate
from ._case_type_checks import case_type_of_new_case, status_of_case
from ._case_types import ACCEPTED_STATUSES, check_custom_value
from ._documents import (
    case_document,
    case_response,
    case_users,
    comment_response,
    included,
    project_document,
    project_response,
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


async def update_project(ctx: Ctx) -> Response:
    body = await ctx.body(ProjectUpdateRequest)
    project_id = ctx.path("project_id")
    try:
        ctx.store.project(project_id)
    except NotFound:
        body_out = {
            "errors": [
                {"code": "resource_not_found", "title": "failed to get project: project not found"}
            ]
        }
        return JSONAPIResponse(body_out, status_code=404)
    changes: dict[str, object] = {}
    attributes = body.data.attributes
    if attributes is not None:
        given = attributes.model_dump(mode="json", exclude_unset=True, exclude={"team_uuid"})
        if "name" in given and not str(given["name"]).strip():
            raise BadRequest(("project name must not be empty", "/data/attributes/name", None))
        changes = {k: v for k, v in given.items() if v is not None}
    project = ctx.store.update_project(project_id, changes)
    return project_response(ctx.store, project)


async def delete_project(ctx: Ctx) -> Response:
    ctx.store.delete_project(ctx.path("project_id"))
    return Response(status_code=204)


# ---------------------------------------------------------------- cases


async def create_case(ctx: Ctx) -> Response:
    new = new_case(await ctx.body(CaseCreateRequest, accept_type_id))
    type_, status = case_type_of_new_case(ctx.store, new.type_id, new.status_name)
    case = ctx.store.create_case(
        new.project_id,
        title=new.title,
        user_id=ctx.user_id,
        description=new.description,
        priority=new.priority,
        type_=type_,
        type_id=new.type_id,
        assignee_id=new.assignee_id,
        status=status,
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
    body = await ctx.body(CaseUpdateStatusRequest, open_enums=("status",))
    attributes = body.data.attributes
    # `status` is deprecated (openapi.yaml, as Datadog marks it): read from the dump, since
    # pydantic warns on reading a deprecated field, and a client that sends it is no error.
    legacy = attributes.model_dump(include={"status"}).get("status")
    if attributes.status_name is not None:
        status = status_of_case(ctx.store, ctx.path("case_id"), attributes.status_name)
    elif legacy is not None:
        status = str(legacy.value)
        if status not in ACCEPTED_STATUSES:
            # The service's words (its 400 lists what it accepts), in the emulator's 400 shape.
            detail = f"invalid status {status}. Must be one of {', '.join(ACCEPTED_STATUSES)}"
            raise BadRequest((detail, "/data/attributes/status", None))
    else:
        raise BadRequest(("status or status_name is required", "/data/attributes", None))
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


async def update_case_title(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateTitleRequest)
    title = body.data.attributes.title
    if not title.strip():
        raise BadRequest(("title must not be empty", "/data/attributes/title", None))
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, title=title)
    return case_response(ctx.store, case)


async def update_case_description(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateDescriptionRequest)
    description = body.data.attributes.description
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, description=description)
    return case_response(ctx.store, case)


async def comment_case(ctx: Ctx) -> Response:
    body = await ctx.body(CaseCommentRequest)
    message = body.data.attributes.comment
    if not message.strip():
        raise BadRequest(("comment must not be empty", "/data/attributes/comment", None))
    return comment_response(
        ctx.store, ctx.store.add_comment(ctx.path("case_id"), ctx.user_id, message)
    )


async def delete_case_comment(ctx: Ctx) -> Response:
    cell_id = ctx.path("cell_id")
    try:
        uuid.UUID(cell_id)
    except ValueError:
        detail = 'invalid parameter "CommentID" in "path"; expected type "uuid"'
        body_out = {"errors": [{"status": "400", "title": "Invalid Parameter", "detail": detail}]}
        return JSONAPIResponse(body_out, status_code=400)
    ctx.store.delete_comment(ctx.path("case_id"), cell_id)
    return Response(status_code=204)


async def update_attributes(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateAttributesRequest)
    attributes = body.data.attributes.attributes.model_dump(mode="json")
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, attributes=attributes)
    return case_response(ctx.store, case)


async def update_case_custom_attribute(ctx: Ctx) -> Response:
    body = await ctx.body(CaseUpdateCustomAttributeRequest)
    key = ctx.path("custom_attribute_key")
    case_type_id = ctx.store.case(ctx.path("case_id")).type_id  # 404 for the case first
    definition = ctx.store.custom_attribute(key, case_type_id)
    given = body.data.attributes
    value = (
        given.value.model_dump(mode="json") if hasattr(given.value, "model_dump") else given.value
    )
    problem = check_custom_value(definition, str(given.type.value), given.is_multi, value)
    if problem:
        raise BadRequest((problem, "/data/attributes", None))
    stored = {"type": definition.type, "is_multi": definition.is_multi, "value": value}
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, custom=(key, stored))
    return case_response(ctx.store, case)


async def delete_case_custom_attribute(ctx: Ctx) -> Response:
    key = ctx.path("custom_attribute_key")
    ctx.store.custom_attribute(key, ctx.store.case(ctx.path("case_id")).type_id)
    case = ctx.store.update(ctx.path("case_id"), ctx.user_id, custom=(key, None))
    return case_response(ctx.store, case)


def _route(path: str, handler: Handler, method: str, name: str) -> Route:
    return Route(path, _endpoint(handler), methods=[method], name=name)


def routes() -> list[Route]:
    """The 21 operations; the ``/projects`` paths come first so they win over ``{case_id}``."""
    projects, cases = "/api/v2/cases/projects", "/api/v2/cases"
    return [
        _route(projects, create_project, "POST", "CreateProject"),
        _route(projects, get_projects, "GET", "GetProjects"),
        _route(projects + "/{project_id}", get_project, "GET", "GetProject"),
        _route(projects + "/{project_id}", update_project, "PATCH", "UpdateProject"),
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
        _route(cases + "/{case_id}/title", update_case_title, "POST", "UpdateCaseTitle"),
        _route(
            cases + "/{case_id}/description",
            update_case_description,
            "POST",
            "UpdateCaseDescription",
        ),
        _route(cases + "/{case_id}/comment", comment_case, "POST", "CommentCase"),
        _route(
            cases + "/{case_id}/comment/{cell_id}",
            delete_case_comment,
            "DELETE",
            "DeleteCaseComment",
        ),
        _route(cases + "/{case_id}/attributes", update_attributes, "POST", "UpdateAttributes"),
        _route(
            cases + "/{case_id}/custom_attributes/{custom_attribute_key}",
            update_case_custom_attribute,
            "POST",
            "UpdateCaseCustomAttribute",
        ),
        _route(
            cases + "/{case_id}/custom_attributes/{custom_attribute_key}",
            delete_case_custom_attribute,
            "DELETE",
            "DeleteCaseCustomAttribute",
        ),
    ]
