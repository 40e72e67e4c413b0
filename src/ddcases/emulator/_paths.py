"""Route on the raw path, so that an encoded ``/`` inside a path segment stays part of the id.

ASGI servers put the percent-decoded path in ``scope["path"]``, where ``cases/a%2Fb`` has become
``cases/a/b`` and routes to another operation (or answers 405). The live service treats the id
as one segment, so ``RawPathMiddleware`` rebuilds ``scope["path"]`` from ``scope["raw_path"]``:
each segment is decoded on its own, and the two characters that would change its meaning, ``/``
and ``%``, are re-escaped. Literal segments ("projects", "status") still match the declarative
routes, and ``path_param`` turns a matched ``{case_id}`` back into the id the client sent.
See https://asgi.readthedocs.io/en/latest/specs/www.html#http-connection-scope for raw_path.
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["RawPathMiddleware", "path_param"]


def _segment(raw: str) -> str:
    # Same decoding as the server's (invalid UTF-8 becomes U+FFFD), then keep "/" and "%" escaped.
    return unquote(raw).replace("%", "%25").replace("/", "%2F")


def path_param(value: str) -> str:
    """A path parameter as the client sent it, with ``%2F`` and ``%25`` decoded."""
    return unquote(value)


class RawPathMiddleware:
    """Rewrites ``scope["path"]`` from ``scope["raw_path"]``, one segment at a time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_path = scope.get("raw_path") if scope["type"] == "http" else None
        if raw_path and not scope.get("root_path"):
            raw = raw_path.decode("latin-1").partition("?")[0]
            scope = {**scope, "path": "/".join(_segment(part) for part in raw.split("/"))}
        await self.app(scope, receive, send)
