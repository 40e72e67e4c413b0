"""One handler per operation of openapi.yaml, and the route table that maps them.

Request bodies are checked with the pydantic models generated from openapi.yaml
(``ddcases_schema``); the rules the document does not express (project key format, known enum
values, UUIDs where the service wants one) are checked here and answered with the same JSON:API
400. Handlers never touch HTTP state beyond the request; everything else lives in ``Store``.

Decisions where the reference is silent:

* An unknown project in CreateCase is a 404 ``project not found``, like GetProject.
* ``relationships.project.data.id`` and ``project_id`` must be the project's UUID (as documented);
  keys are resolved by the client, not here.
* ``assignee_id`` (and an assignee in CreateCase) must be a UUID; any UUID is accepted and becomes
  a made-up user in ``included``.
* ``type_id`` without ``type`` on create is accepted when it names the standard type.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    CaseAssignRequest,
    CaseCreateRequest,
    CaseEmptyRequest,
    CaseSortableField,
    CaseUpdatePriorityRequest,
    CaseUpdateStatusRequest,
    ProjectCreateRequest,
)

from ._documents import (
    case_document,
    case_response,
    case_users,
    included,
    project_document,
)
from ._jsonapi import JSONAPIResponse, error_response, not_found
from ._paths import path_param
from ._search import SearchError, parse_filter, sort_cases
from ._store import STANDARD_TYPE_ID, NotFound, Store, user_id_for

__all__ = ["Auth", "routes"]

M = TypeVar("M", bound=BaseModel)
_PROJECT_KEY = re.compile(r"^[A-Z0-9]+$")
_INTEGER = re.compile(r"^[0-9]+$")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
_INT64_MAX = 2**63 - 1  # the spec's format for page numbers
_TOO_DEEP = ("request body is nested too deeply", "", None)


@dataclasses.dataclass(frozen=True)
class Auth:
    """Which credentials are accepted: None means any non-empty ones."""

    key_pairs: frozenset[tuple[str, str]] | None = None
    tokens: frozenset[str] | None = None


class BadRequest(Exception):
    def __init__(self, *errors: tuple[str, str | None, str | None]) -> None:
        """Each error: (detail, JSON pointer into the body or None, query parameter or None)."""
        super().__init__(errors[0][0])
        self.errors = errors

    def response(self) -> Response:
        items = []
        for detail, pointer, parameter in self.errors:
            item: dict[str, Any] = {"status": "400", "title": "Bad Request", "detail": detail}
            if pointer is not None:
                item["source"] = {"pointer": pointer}
            elif parameter is not None:
                item["source"] = {"parameter": parameter}
            items.append(item)
        return JSONAPIResponse({"errors": items}, status_code=400)


# ---------------------------------------------------------------- request plumbing


@dataclasses.dataclass
class Ctx:
    request: Request
    store: Store
    user_id: str

    def path(self, name: str) -> str:
        return path_param(str(self.request.path_params[name]))

    async def body(self, model: type[M], prepare: Callable[[Any], None] | None = None) -> M:
        raw = await self.request.body()
        if not raw.strip():
            raise BadRequest(("request body is required", "", None))
        try:
            document = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest((f"request body is not valid JSON: {exc}", "", None)) from None
        except RecursionError:  # json's C scanner gives up at the interpreter's recursion limit
            raise BadRequest(_TOO_DEEP) from None
        surrogates = list(itertools.islice(_lone_surrogates(document), 10))
        if surrogates:
            raise BadRequest(*surrogates)
        if prepare is not None:
            prepare(document)
        try:
            parsed = model.model_validate(document)
            unknown = list(_unknown_enums(parsed, ()))
        except ValidationError as exc:
            raise BadRequest(*(_pydantic_error(e) for e in exc.errors())) from None
        except RecursionError:
            raise BadRequest(_TOO_DEEP) from None
        if unknown:
            raise BadRequest(*unknown)
        return parsed


_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogates(document: Any) -> Iterator[tuple[str, str, None]]:
    """Strings and keys holding a lone surrogate, such as a ``"\\ud800"`` escape: valid JSON,
    but not text. Stored, they would make every later response that holds them fail to encode."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while stack:  # no recursion: the body may be nested as deep as json.loads allows
        loc, node = stack.pop()
        if isinstance(node, str) and _SURROGATE.search(node):
            yield _surrogate_error(loc, node)
        elif isinstance(node, dict):
            for key in node:
                if _SURROGATE.search(key):
                    yield _surrogate_error((*loc, key), key)
            stack.extend(
                ((*loc, k), v) for k, v in reversed(node.items()) if not _SURROGATE.search(k)
            )
        elif isinstance(node, list):
            stack.extend(((*loc, str(i)), value) for i, value in reversed(list(enumerate(node))))


def _surrogate_error(loc: tuple[str, ...], text: str) -> tuple[str, str, None]:
    where = ".".join(_printable(part) for part in loc) or "body"
    shown = _printable(text[:40]) + ("..." if len(text) > 40 else "")
    detail = f'{where}: not valid Unicode text (lone surrogate in "{shown}")'
    # RFC 6901 escapes "~" and "/" in a pointer's tokens.
    tokens = (_printable(part).replace("~", "~0").replace("/", "~1") for part in loc)
    return detail, "".join("/" + token for token in tokens), None


def _pointer(loc: Iterable[int | str]) -> str:
    return "/" + "/".join(str(part) for part in loc)


def _pydantic_error(error: Any) -> tuple[str, str | None, str | None]:
    loc = tuple(error["loc"])
    where = ".".join(str(part) for part in loc) or "body"
    if error["type"] == "missing":
        detail = f"missing required field {where}"
    else:
        detail = f"{where}: {error['msg']}"
    return detail, _pointer(loc), None


def _unknown_enums(model: Any, loc: tuple[str | int, ...]) -> Iterable[tuple[str, str, None]]:
    """The generated enums are open (unknown values parse); a request must use known ones."""
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from _unknown_enums(getattr(model, name), (*loc, name))
    elif isinstance(model, list):
        for index, item in enumerate(model):
            yield from _unknown_enums(item, (*loc, index))
    elif isinstance(model, Enum) and not getattr(model, "is_known", True):
        known = ", ".join(f'"{m.value}"' for m in type(model))
        if loc and loc[-1] == "type":
            detail = f'got type "{model.value}" expected one of {known}'
        else:
            where = ".".join(str(part) for part in loc)
            detail = f'{where}: got "{model.value}" expected one of {known}'
        yield detail, _pointer(loc), None


def _authenticate(request: Request, auth: Auth) -> str | None:
    """The caller's user id, or None. Keys are hashed into the id and never stored or logged."""
    bearer = request.headers.get("authorization", "")
    if bearer[:7].lower() == "bearer " and bearer[7:].strip():
        token = bearer[7:].strip()
        if auth.tokens is not None and token not in auth.tokens:
            return None
        return user_id_for("token\0" + token)
    api_key = request.headers.get("dd-api-key", "").strip()
    app_key = request.headers.get("dd-application-key", "").strip()
    if not api_key or not app_key:
        return None
    if auth.key_pairs is not None and (api_key, app_key) not in auth.key_pairs:
        return None
    return user_id_for("keys\0" + api_key + "\0" + app_key)


Handler = Callable[[Ctx], Awaitable[Response]]


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        user_id = _authenticate(request, request.app.state.auth)
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
    key, name = body.data.attributes.key, body.data.attributes.name
    if not _PROJECT_KEY.match(key):
        detail = f'project key "{key}" must be upper-case letters and digits only'
        raise BadRequest((detail, "/data/attributes/key", None))
    if key == "CASE":
        raise BadRequest(('project key cannot be "CASE"', "/data/attributes/key", None))
    if not name.strip():
        raise BadRequest(("project name must not be empty", "/data/attributes/name", None))
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


def _accept_type_id(document: Any) -> None:
    """The official client sends ``type_id`` instead of ``type``: map the standard one."""
    try:
        attributes = document["data"]["attributes"]
    except (KeyError, TypeError):
        return
    if not isinstance(attributes, dict) or "type" in attributes or "type_id" not in attributes:
        return
    if attributes["type_id"] != STANDARD_TYPE_ID:
        detail = f'unknown case type_id "{attributes["type_id"]}"; expected "{STANDARD_TYPE_ID}"'
        raise BadRequest((detail, "/data/attributes/type_id", None))
    attributes["type"] = "STANDARD"


def _require_uuid(value: str, pointer: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest((f'{what} must be a UUID, got "{value}"', pointer, None)) from None


async def create_case(ctx: Ctx) -> Response:
    body = await ctx.body(CaseCreateRequest, _accept_type_id)
    attributes, relationships = body.data.attributes, body.data.relationships
    if relationships is None:
        raise BadRequest(("missing required field data.relationships.project", "/data", None))
    if not attributes.title.strip():
        raise BadRequest(("title must not be empty", "/data/attributes/title", None))
    if attributes.type_id not in (None, STANDARD_TYPE_ID):
        detail = f'unknown case type_id "{attributes.type_id}"; expected "{STANDARD_TYPE_ID}"'
        raise BadRequest((detail, "/data/attributes/type_id", None))
    assignee_id = None
    # `assignee: null` and `assignee: {"data": null}` both mean "nobody", as on the service.
    if relationships.assignee is not None and relationships.assignee.data is not None:
        pointer = "/data/relationships/assignee/data/id"
        assignee_id = _require_uuid(relationships.assignee.data.id, pointer, "assignee id")
    case = ctx.store.create_case(
        relationships.project.data.id,
        title=attributes.title,
        user_id=ctx.user_id,
        description=attributes.description or "",
        priority=str(attributes.priority or "NOT_DEFINED"),
        type_=str(attributes.type),
        assignee_id=assignee_id,
    )
    return case_response(ctx.store, case, status=201)


def _query_int(ctx: Ctx, name: str, default: int, maximum: int | None = None) -> int:
    raw = ctx.request.query_params.get(name)
    if raw is None:
        return default
    if not _INTEGER.match(raw) or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        bound = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise BadRequest((f'{name} must be an integer {bound}, got "{raw}"', None, name))
    return int(raw)


async def search_cases(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    size = _query_int(ctx, "page[size]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = _query_int(ctx, "page[number]", 1, _INT64_MAX)
    sort_field = params.get("sort[field]")
    if sort_field is not None and not CaseSortableField(sort_field).is_known:
        known = ", ".join(f.value for f in CaseSortableField)
        detail = f'sort[field] must be one of {known}, got "{sort_field}"'
        raise BadRequest((detail, None, "sort[field]"))
    ascending = params.get("sort[asc]")
    if ascending is not None and ascending.lower() not in ("true", "false"):
        raise BadRequest((f'sort[asc] must be true or false, got "{ascending}"', None, "sort[asc]"))
    try:
        matcher = parse_filter(params.get("filter"), ctx.store)
    except SearchError as exc:
        raise BadRequest((str(exc), None, exc.parameter)) from None
    found = sort_cases(
        (c for c in ctx.store.cases() if matcher.matches(c)),
        sort_field,
        None if ascending is None else ascending.lower() == "true",
    )
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
    assignee = _require_uuid(body.data.attributes.assignee_id, pointer, "assignee_id")
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
