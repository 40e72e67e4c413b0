"""The service's error details: ``{"errors": [...]}`` in either form, as ``ErrorDetail``.

Datadog answers errors as a list of strings (``{"errors": ["Bad Request"]}``) or of JSON:API
error objects (``{"errors": [{"title": ..., "detail": ..., "status": ...}]}``); both normalise
to the same ``ErrorDetail``. A body that is neither (an HTML page from a proxy, truncated
JSON) becomes one detail holding a short snippet of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

__all__ = ["ErrorDetail", "parse_error_details"]

_SNIPPET = 200


@dataclass(frozen=True)
class ErrorDetail:
    """One error the service reported, normalised from a string or a JSON:API error object."""

    title: str | None = None
    detail: str | None = None
    code: str | None = None
    status: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.title, self.detail) if p]
        text = ": ".join(parts) or self.code or ""
        return f"{text} ({self.code})" if self.code and parts else text


def parse_error_details(response: httpx.Response) -> list[ErrorDetail]:
    """Normalise ``{"errors": [...]}`` in either form; a body that isn't that gives one snippet."""
    try:
        body = response.content
    except httpx.ResponseNotRead:
        return [ErrorDetail(title="(response body not read)")]
    if not body.strip():
        return [ErrorDetail(title="(empty response body)")] if response.status_code >= 300 else []
    try:
        data = json.loads(body)
    except ValueError:
        return [ErrorDetail(title=_snippet(body))]
    items = data.get("errors") if isinstance(data, dict) else None
    if isinstance(items, str | dict):
        items = [items]
    if not isinstance(items, list):
        return [ErrorDetail(title=_snippet(body))]
    return [_detail(item) for item in items]


def _detail(item: object) -> ErrorDetail:
    if isinstance(item, dict):
        return ErrorDetail(
            title=_opt_str(item.get("title")),
            detail=_opt_str(item.get("detail")),
            code=_opt_str(item.get("code")),
            status=_opt_str(item.get("status")),
        )
    return ErrorDetail(title=str(item))


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _snippet(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
