"""JSON:API responses as the live service sends them: the media type and the error objects."""

from __future__ import annotations

import http
import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

__all__ = ["MEDIA_TYPE", "JSONAPIResponse", "error_body", "error_response", "not_found"]

MEDIA_TYPE = "application/vnd.api+json"


class JSONAPIResponse(Response):
    """A JSON body with the ``application/vnd.api+json`` content type."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()


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
