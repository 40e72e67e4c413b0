"""JSON:API responses as the live service sends them: the media type and the error objects."""

from __future__ import annotations

import http
import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

__all__ = [
    "MEDIA_TYPE",
    "JSONAPIResponse",
    "error_body",
    "error_response",
    "not_found",
    "without_nulls",
]

MEDIA_TYPE = "application/vnd.api+json"


class JSONAPIResponse(Response):
    """A JSON body with the ``application/vnd.api+json`` content type and no ``null`` member.

    The live service sends no JSON ``null`` in any Case Management response: an optional
    member without a value (``modified_at``, ``jira_issue``, an unassigned case's ``assignee``)
    is left out (reference sheet §5.2: of 46 recorded cases, none carries a null). Documents
    are built with ``None`` for "no value", and the members holding it are dropped here, once,
    for every route.
    """

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(
            without_nulls(content), separators=(",", ":"), ensure_ascii=False
        ).encode()


def without_nulls(value: Any) -> Any:
    """``value`` with every object member whose value is ``None`` left out, at any depth."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
) -> dict[str, Any]:
    """``{"errors": [{"status": "400", "title": "Bad Request", "detail": ...}]}``."""
    item: dict[str, Any] = {"status": str(status), "title": title or _phrase(status)}
    if detail is not None:
        item["detail"] = detail
    if pointer is not None:
        item["source"] = {"pointer": pointer}
    elif parameter is not None:
        item["source"] = {"parameter": parameter}
    return {"errors": [item]}


def error_response(
    status: int,
    detail: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
) -> JSONAPIResponse:
    body = error_body(status, detail, pointer=pointer, parameter=parameter)
    return JSONAPIResponse(body, status_code=status, headers=headers)


def not_found(kind: str) -> JSONAPIResponse:
    """404 in the live service's words: ``{"errors":[{"code":"resource_not_found",...}]}``."""
    body = {"errors": [{"code": "resource_not_found", "title": f"{kind} not found"}]}
    return JSONAPIResponse(body, status_code=404)
