"""Checking what a request sends: its body, path parameters and query parameters.

Bodies are checked with the pydantic models generated from openapi.yaml (``ddcases_schema``);
the rules the document does not express (project key format, known enum values, UUIDs where the
service wants one, text that is valid Unicode) are checked here. Every failure is a
``BadRequest``, answered as a JSON:API 400 whose ``source`` names the field or parameter.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ddcases_schema.models import CaseCreateRequest, CaseSortableField, ProjectCreateRequest

from ._case_types import STANDARD_STATUSES, status_by_name
from ._jsonapi import JSONAPIResponse
from ._paths import path_param
from ._search import Filter, SearchError, parse_filter
from ._store import STANDARD_TYPE_ID, Store

__all__ = [
    "BadRequest",
    "Ctx",
    "NewCase",
    "SearchQuery",
    "accept_type_id",
    "check_new_project",
    "new_case",
    "require_uuid",
    "search_query",
    "status_from_name",
]

M = TypeVar("M", bound=BaseModel)
#: (detail, JSON pointer into the body or None, query parameter or None)
Problem = tuple[str, str | None, str | None]

_PROJECT_KEY = re.compile(r"^[A-Z0-9]+$")
_INTEGER = re.compile(r"^[0-9]+$")
_SURROGATE = re.compile("[\ud800-\udfff]")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
_INT64_MAX = 2**63 - 1  # the spec's format for page numbers
_TOO_DEEP: Problem = ("request body is nested too deeply", "", None)


class BadRequest(Exception):
    def __init__(self, *errors: Problem) -> None:
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


@dataclasses.dataclass
class Ctx:
    """One authenticated request, as a handler sees it."""

    request: Request
    store: Store
    user_id: str

    def path(self, name: str) -> str:
        return path_param(str(self.request.path_params[name]))

    async def body(
        self,
        model: type[M],
        prepare: Callable[[Any], None] | None = None,
        *,
        open_enums: Iterable[str] = (),
    ) -> M:
        """The body parsed as ``model``; ``prepare`` may adjust the decoded JSON first.

        Enum members named in ``open_enums`` may hold values the spec does not name; the
        handler checks those itself (UpdateStatus' ``status``).
        """
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
            skip = frozenset(open_enums)
            unknown = [
                e for e in _unknown_enums(parsed, ()) if (e[1] or "").rsplit("/", 1)[-1] not in skip
            ]
        except ValidationError as exc:
            raise BadRequest(*(_pydantic_error(e) for e in exc.errors())) from None
        except RecursionError:
            raise BadRequest(_TOO_DEEP) from None
        if unknown:
            raise BadRequest(*unknown)
        return parsed


# ---------------------------------------------------------------- bodies


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogates(document: Any) -> Iterator[Problem]:
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


def _surrogate_error(loc: tuple[str, ...], text: str) -> Problem:
    where = ".".join(_printable(part) for part in loc) or "body"
    shown = _printable(text[:40]) + ("..." if len(text) > 40 else "")
    detail = f'{where}: not valid Unicode text (lone surrogate in "{shown}")'
    # RFC 6901 escapes "~" and "/" in a pointer's tokens.
    tokens = (_printable(part).replace("~", "~0").replace("/", "~1") for part in loc)
    return detail, "".join("/" + token for token in tokens), None


def _pointer(loc: Iterable[int | str]) -> str:
    return "/" + "/".join(str(part) for part in loc)


def _pydantic_error(error: Any) -> Problem:
    loc = tuple(error["loc"])
    where = ".".join(str(part) for part in loc) or "body"
    if error["type"] == "missing":
        detail = f"missing required field {where}"
    else:
        detail = f"{where}: {error['msg']}"
    return detail, _pointer(loc), None


def _unknown_enums(model: Any, loc: tuple[str | int, ...]) -> Iterable[Problem]:
    """The generated enums are open (unknown values parse); a request must use known ones."""
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            # From __dict__: reading a deprecated field (UpdateStatus' `status`) as an
            # attribute makes pydantic warn.
            yield from _unknown_enums(model.__dict__.get(name), (*loc, name))
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


def status_from_name(name: str, pointer: str) -> str:
    """The status a ``status_name`` names, or a 400 listing the standard type's names."""
    status = status_by_name(name)
    if status is None:
        names = ", ".join(f'"{display}"' for _, display, _ in STANDARD_STATUSES)
        raise BadRequest((f'invalid status_name "{name}"; must be one of {names}', pointer, None))
    return status


def require_uuid(value: str, pointer: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest((f'{what} must be a UUID, got "{value}"', pointer, None)) from None


def check_new_project(body: ProjectCreateRequest) -> None:
    key, name = body.data.attributes.key, body.data.attributes.name
    if not _PROJECT_KEY.match(key):
        detail = f'project key "{key}" must be upper-case letters and digits only'
        raise BadRequest((detail, "/data/attributes/key", None))
    if key == "CASE":
        raise BadRequest(('project key cannot be "CASE"', "/data/attributes/key", None))
    if not name.strip():
        raise BadRequest(("project name must not be empty", "/data/attributes/name", None))


def accept_type_id(document: Any) -> None:
    """The official client sends ``type_id`` instead of ``type``: map the standard one."""
    try:
        attributes = document["data"]["attributes"]
    except (KeyError, TypeError):
        return
    if not isinstance(attributes, dict) or "type" in attributes or "type_id" not in attributes:
        return
    if attributes["type_id"] == STANDARD_TYPE_ID:
        attributes["type"] = "STANDARD"  # other types are checked against the store


@dataclasses.dataclass(frozen=True)
class NewCase:
    """A checked CreateCase body, in the terms ``Store.create_case`` takes."""

    project_id: str
    title: str
    description: str
    priority: str
    type_: str
    assignee_id: str | None
    type_id: str = STANDARD_TYPE_ID
    status_name: str | None = None


def new_case(body: CaseCreateRequest) -> NewCase:
    attributes, relationships = body.data.attributes, body.data.relationships
    if relationships is None:
        raise BadRequest(("missing required field data.relationships.project", "/data", None))
    if not attributes.title.strip():
        raise BadRequest(("title must not be empty", "/data/attributes/title", None))
    if attributes.type is None and attributes.type_id is None:
        detail = "missing required field data.attributes.type_id"
        raise BadRequest((detail, "/data/attributes/type_id", None))
    assignee_id = None
    # `assignee: null` and `assignee: {"data": null}` both mean "nobody", as on the service.
    if relationships.assignee is not None and relationships.assignee.data is not None:
        pointer = "/data/relationships/assignee/data/id"
        assignee_id = require_uuid(relationships.assignee.data.id, pointer, "assignee id")
    return NewCase(
        project_id=relationships.project.data.id,
        title=attributes.title,
        description=attributes.description or "",
        priority=str(attributes.priority or "NOT_DEFINED"),
        type_=str(attributes.type),
        assignee_id=assignee_id,
        type_id=attributes.type_id or STANDARD_TYPE_ID,
        status_name=attributes.status_name,
    )


# ---------------------------------------------------------------- query parameters


@dataclasses.dataclass(frozen=True)
class SearchQuery:
    """SearchCases' query parameters, checked."""

    size: int
    number: int
    sort_field: str | None
    ascending: bool | None
    matcher: Filter


def _query_int(ctx: Ctx, name: str, default: int, maximum: int | None = None) -> int:
    raw = ctx.request.query_params.get(name)
    if raw is None:
        return default
    if not _INTEGER.match(raw) or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        bound = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise BadRequest((f'{name} must be an integer {bound}, got "{raw}"', None, name))
    return int(raw)


def search_query(ctx: Ctx) -> SearchQuery:
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
    return SearchQuery(
        size=size,
        number=number,
        sort_field=sort_field,
        ascending=None if ascending is None else ascending.lower() == "true",
        matcher=matcher,
    )
