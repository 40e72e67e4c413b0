"""A local emulator of the Datadog Case Management API, for tests and demos (``emulator`` extra).

Usage::

    from ddcases.emulator import create_app

    app = create_app()                       # any non-empty DD-API-KEY / DD-APPLICATION-KEY
    app.state.faults.fail_next(1, status=429)
    transport = httpx.ASGITransport(app=app)  # or: python -m ddcases.emulator --port 8126

``app.state`` holds ``store`` (the in-memory data), ``faults`` (fault injection, rate limiting and
per-operation request counts) and ``auth``. The behaviour where the reference is silent is
documented in ``_store`` (deleted projects, duplicate keys), ``_routes`` (lookups), ``_requests``
(validation), ``_paths`` (encoded slashes in ids), ``_search`` (filter language, sort orders,
archived cases), ``_config_store`` and ``_routes_config`` (case types, custom-attribute configs,
rules, views, maintenance windows, favorites), ``_case_life`` and ``_routes_case_life``
(watchers, links, Jira/ServiceNow jobs, timeline pages, counts, bulk updates;
``app.state.case_life``), and pinned by tests/emulator/.

The emulator is a separate reading of openapi.yaml: it imports only ``ddcases_schema`` (pydantic
models generated from the spec) and its own modules, never the client side of ddcases.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette

from ._app import build_app
from ._store import Clock, _utcnow

__all__ = ["create_app"]


def create_app(
    *,
    key_pairs: Iterable[tuple[str, str]] | None = None,
    tokens: Iterable[str] | None = None,
    clock: Clock = _utcnow,
) -> Starlette:
    """A fresh emulator app with empty state.

    **Parameters:**

    * **key_pairs** - accept only these ``(DD-API-KEY, DD-APPLICATION-KEY)`` pairs (default: any
      non-empty pair).
    * **tokens** - accept only these ``Authorization: Bearer`` tokens (default: any non-empty one).
    * **clock** - returns the aware UTC ``datetime`` used for timestamps (tests can freeze time).
    """
    return build_app(key_pairs=key_pairs, tokens=tokens, clock=clock)
