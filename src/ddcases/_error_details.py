"""The service's error details: ``{"errors": [...]}`` in either form, as ``ErrorDetail``.

Datadog answers errors as a list of strings (``{"errors": ["Bad Request"]}``) or of JSON:API
error objects (``{"errors": [{"title": ..., "detail": ..., "status": ...}]}``); both normalise
to the same ``ErrorDetail``. A body that is neither (an HTML page from a proxy, truncated
JSON, JSON nested too deeply to decode) becomes one detail holding a short snippet of it. Every
text is clipped and scrubbed of the configured secrets (a proxy or WAF page that echoes the
request headers must not put the keys into an exception).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from ._logs import scrub
from ._response_body import BODY_ERROR, BODY_SNIPPET

__all__ = ["ErrorDetail", "parse_error_details"]

_SNIPPET = 200
# Longest title/detail kept, and most details kept, from one error body.
_FIELD = 1000
_MAX_DETAILS = 20


@dataclass(frozen=True)
class ErrorDetail:
    """One error the service reported, normalised from a string or a JSON:API error object."""

    title: str | None = None
    detail: str | None = None
    code: str | None = None
    status: str | None = None

    def __str__(self) -> str:
        parts = [p for p in dict.fromkeys((self.title, self.detail)) if p]  # no "X: X"
        text = ": ".join(parts) or self.code or ""
        return f"{text} ({self.code})" if self.code and parts and self.code != text else text


def parse_error_details(response: httpx.Response) -> list[ErrorDetail]:
    """Normalise ``{"errors": [...]}`` in either form; a body that isn't that gives one snippet."""
    if response.extensions.get(BODY_ERROR):
        snippet = response.extensions.get(BODY_SNIPPET) or b""
        return [ErrorDetail(title=_snippet(snippet))] if snippet else []
    try:
        body = response.content
    except httpx.ResponseNotRead:
        return [ErrorDetail(title="(response body not read)")]
    if not body.strip():
        return [ErrorDetail(title="(empty response body)")] if response.status_code >= 300 else []
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past the interpreter's depth
        return [ErrorDetail(title=_snippet(body))]
    items = data.get("errors") if isinstance(data, dict) else None
    if isinstance(items, str | dict):
        items = [items]
    if not isinstance(items, list):
        return [ErrorDetail(title=_snippet(body))]
    return [_detail(item) for item in items[:_MAX_DETAILS]]


def _detail(item: object) -> ErrorDetail:
    if isinstance(item, dict):
        return ErrorDetail(
            title=_text(item.get("title")),
            detail=_text(item.get("detail")),
            code=_text(item.get("code")),
            status=_text(item.get("status")),
        )
    return ErrorDetail(title=_text(item))


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = scrub(value if isinstance(value, str) else _short_repr(value))  # then clip
    return text if len(text) <= _FIELD else text[: _FIELD - 1] + "…"


def _short_repr(value: object) -> str:
    # str() of a deeply nested list or dict recurses too; a snippet of the JSON will do.
    try:
        return json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return f"<{type(value).__name__}>"


def _snippet(body: bytes) -> str:
    text = " ".join(scrub(body[: _SNIPPET * 4].decode("utf-8", "replace")).split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
