"""``Emulator``: a fresh emulator app with typed knobs, and clients wired to it.

Nothing here imports Starlette, uvicorn or pydantic at module level: they come with the
``emulator`` extra, and this module is imported by the pytest plugin wherever ddcases is installed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections import Counter

    from starlette.applications import Starlette

    from ddcases import CaseManagement
    from ddcases.emulator._faults import Faults
    from ddcases.emulator._store import Store

__all__ = ["Emulator", "ResponseCheck", "emulated_client", "serve"]

#: Called with every response a client wired by ``Emulator`` receives (body already read).
ResponseCheck = Callable[[httpx.Response], None]

TEST_API_KEY = "emulator-api-key"
TEST_APP_KEY = "emulator-app-key"
# Backoff for clients wired to the emulator: a retry in a user's test costs ~1 ms, not ~0.4 s.
TEST_INITIAL_RETRY_DELAY = 0.001
TEST_MAX_RETRY_DELAY = 0.01


class _CheckingTransport(httpx.AsyncBaseTransport):
    """Runs every ``ResponseCheck`` on each response before handing it on."""

    def __init__(self, inner: httpx.AsyncBaseTransport, checks: list[ResponseCheck]) -> None:
        self._inner = inner
        self._checks = checks

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if not self._checks:
            return response
        body = await response.aread()
        await response.aclose()
        copy = httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )
        for check in self._checks:
            check(copy)
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class Emulator:
    """A fresh in-memory emulator of the Case Management API.

    Usage::

        emulator = Emulator()
        emulator.faults.fail_next(1, status=429)
        async with emulator.client() as dd:
            await dd.projects.create(key="SEC", name="Security")
        assert emulator.requests["CreateProject"] == 2

    **Parameters:**

    * **app** - an app from ``ddcases.emulator.create_app`` (default: a new one).
    * **checks** - callables run on every response the clients made here receive, e.g. a
      schema check; ``emulator.checks.append(...)`` works too.
    """

    def __init__(
        self, app: Starlette | None = None, *, checks: Iterable[ResponseCheck] = ()
    ) -> None:
        if app is None:
            from ddcases.emulator import create_app

            app = create_app()
        self.app = app
        self.checks: list[ResponseCheck] = list(checks)

    @property
    def faults(self) -> Faults:
        """Fault injection and rate limiting (``fail_next``, ``drop_next``, ``rate_limit``...)."""
        faults: Faults = self.app.state.faults
        return faults

    @property
    def store(self) -> Store:
        """The emulator's in-memory data, for assertions and seeding."""
        store: Store = self.app.state.store
        return store

    def define_custom_attribute(
        self,
        key: str,
        type: str = "TEXT",
        *,
        is_multi: bool = False,
        case_type_id: str = "00000000-0000-0000-0000-000000000001",
    ) -> None:
        """Define the custom attribute ``key`` (``URL``, ``TEXT``, ``NUMBER`` or ``SELECT``) for
        cases of one case type (default: the standard type).

        Like the service, the emulator answers 404 for a key that was not defined first. This is
        a shortcut for CreateCustomAttributeConfig (``display_name`` = ``key``); defining a key
        again replaces its config.
        """
        from ddcases.emulator._case_types import CUSTOM_ATTRIBUTE_TYPES, CustomAttribute

        if type not in CUSTOM_ATTRIBUTE_TYPES:
            raise ValueError(
                f"type must be one of {', '.join(CUSTOM_ATTRIBUTE_TYPES)}, got {type!r}"
            )
        if not isinstance(key, str) or not key:
            raise ValueError(f"key must be a non-empty str, got {key!r}")
        self.store.define_custom_attribute(CustomAttribute(key, type, bool(is_multi)), case_type_id)

    @property
    def requests(self) -> Counter[str]:
        """Requests that arrived, by operationId (``"CreateCase"``...), faulted ones included."""
        return self.faults.requests

    def transport(self) -> httpx.AsyncBaseTransport:
        """An in-process transport to the app (no socket), running ``checks`` on responses."""
        return self.wrap(httpx.ASGITransport(app=self.app))

    def wrap(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """``transport`` with this emulator's ``checks`` run on every response."""
        return _CheckingTransport(transport, self.checks)

    def client(self, *, base_url: str = "http://emulator", **kwargs: Any) -> CaseManagement:
        """A ``CaseManagement`` bound to this emulator in process (keys are test values).

        Retries wait milliseconds, not production backoff (``initial_retry_delay=0.001``,
        ``max_retry_delay=0.01``), so an injected fault costs a test no real time; pass your
        own values to override.
        """
        from ddcases import CaseManagement

        kwargs.setdefault("transport", self.transport())
        kwargs.setdefault("initial_retry_delay", TEST_INITIAL_RETRY_DELAY)
        kwargs.setdefault("max_retry_delay", TEST_MAX_RETRY_DELAY)
        if "access_token" not in kwargs:
            kwargs.setdefault("api_key", TEST_API_KEY)
            kwargs.setdefault("app_key", TEST_APP_KEY)
        return CaseManagement(base_url=base_url, **kwargs)

    @contextlib.contextmanager
    def serve(self, *, host: str = "127.0.0.1") -> Iterator[str]:
        """Serve this emulator over a real loopback socket; yields the base URL."""
        with serve(self.app, host=host) as url:
            yield url


@contextlib.asynccontextmanager
async def emulated_client(
    emulator: Emulator | None = None, **kwargs: Any
) -> AsyncIterator[CaseManagement]:
    """A ready ``CaseManagement`` on a fresh (or the given) emulator, for code outside pytest.

    Usage::

        async with ddcases.testing.emulated_client() as dd:
            await dd.projects.create(key="SEC", name="Security")
    """
    async with (emulator or Emulator()).client(**kwargs) as dd:
        yield dd


@contextlib.contextmanager
def serve(app: Any = None, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run an emulator app with uvicorn in a background thread; yields ``http://host:port``.

    Port 0 (the default) picks a free port. The server stops, and the thread ends, on exit.
    Works from sync and async code alike: the server has its own event loop.
    """
    import uvicorn

    from ddcases.emulator import create_app
    from ddcases.emulator._faults import socket_app

    config = uvicorn.Config(
        socket_app(app if app is not None else create_app()),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ddcases-emulator", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the emulator could not start on {host}:{port}")
            thread.join(0.005)
        bound_port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(10)
