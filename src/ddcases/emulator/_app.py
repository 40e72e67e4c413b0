"""Builds the emulator's Starlette application: routes, middleware, error handlers, state."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from ._auth import Auth
from ._case_life import CaseLife
from ._faults import FaultMiddleware, Faults
from ._jsonapi import error_response
from ._paths import RawPathMiddleware
from ._routes import routes
from ._routes_case_life import routes as case_life_routes
from ._routes_config import config_routes
from ._store import Clock, Store, _utcnow

__all__ = ["build_app"]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods answer in JSON:API too (Starlette's default is text)."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    headers = exc.headers if isinstance(exc, HTTPException) else None
    return error_response(status, str(getattr(exc, "detail", "")) or None, headers=headers)


def build_app(
    *,
    key_pairs: Iterable[tuple[str, str]] | None = None,
    tokens: Iterable[str] | None = None,
    clock: Clock = _utcnow,
) -> Starlette:
    store = Store(clock=clock)
    # First: their literal paths (/cases/types, /cases/link, /cases/count...) are not case ids.
    table = [*config_routes(), *case_life_routes, *routes()]
    faults = Faults(operations=(route.name for route in table))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield

    app = Starlette(
        routes=table,
        # RawPathMiddleware first: the fault middleware matches routes to name the operation.
        middleware=[Middleware(RawPathMiddleware), Middleware(FaultMiddleware, faults=faults)],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.faults = faults
    app.state.case_life = CaseLife()
    app.state.auth = Auth(
        key_pairs=None if key_pairs is None else frozenset(key_pairs),
        tokens=None if tokens is None else frozenset(tokens),
    )
    return app
