"""``CaseManagement``: configuration, one httpx client, the generated client, the namespaces.

Everything else lives in its own module: argument checks in ``_config``, the httpx client in
``_httpx_client``, retries in ``_transport``, pacing in ``_ratelimit``, sending in
``_aiohttp_transport``, credentials in ``_auth``, error mapping in ``_resource``/``_exceptions``,
paging in ``_pagination``, key lookup in ``_lookup``.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from ddcases_api.client import AuthenticatedClient
from ddcases_api.facade import Namespaces

from ._auth import DatadogAuth
from ._config import (
    check_count,
    check_seconds,
    check_timeout,
    resolve_auth,
    resolve_rate_limit_store,
    resolve_site,
)
from ._constants import (
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
)
from ._exceptions import NotFoundError
from ._httpx_client import LeanAsyncClient
from ._logs import register_secrets, unregister_secrets
from ._lookup import ProjectKeys
from ._response_body import ACCEPT_ENCODING
from ._transport import RetryTransport
from ._version import __version__

if TYPE_CHECKING:
    from ddcases_api.models import Project

    from ._operations import Operation, Operations, OperationsWithRawResponse
    from ._rate_store import RateStore, Redis

__all__ = ["CaseManagement"]

T = TypeVar("T")


class CaseManagement(Namespaces):
    """Async client for the Datadog Case Management API.

    Usage::

        async with CaseManagement() as dd:  # DD_API_KEY, DD_APP_KEY, DD_SITE
            case = await dd.cases.get("SEC-12")

    **Parameters:**

    * **api_key**, **app_key** - default to ``DD_API_KEY`` / ``DD_APP_KEY`` (an empty string is
      an error, not a fall-back to the environment).
    * **site** - a Datadog site such as ``us5.datadoghq.com``; defaults to ``DD_SITE``, then
      ``datadoghq.com``. Known sites and new ones under Datadog's domains are accepted;
      anything else is a ``ValueError`` naming the closest known site.
    * **base_url** - overrides ``site`` (an emulator, a proxy), e.g. ``http://localhost:8080``.
    * **access_token** - an OAuth token, sent as ``Authorization: Bearer`` instead of the keys.
    * **timeout** - seconds, or an ``httpx.Timeout``: the deadline of each attempt as a whole
      (connect, send, headers and body; with an ``httpx.Timeout``, its largest part), while its
      parts keep their meaning (``connect``, ``read`` between bytes). 30 s (connect 10 s) by
      default; ``None`` means no deadline. Worst case of one call:
      ``(1 + max_retries) * timeout`` plus the waits between attempts.
    * **max_retries** - retries for 429, 5xx, connection errors and timeouts; the service sees
      at most ``1 + max_retries`` attempts. A create is retried only when it provably never
      reached the service.
    * **initial_retry_delay**, **max_retry_delay** - the backoff between retries, in seconds:
      ``initial_retry_delay * 2**n`` capped at ``max_retry_delay``, minus up to 25 % jitter
      (0.5 and 8 by default). A 429's own wait (``Retry-After``, ``X-RateLimit-Reset``) is
      used instead when the service sends one. Tests can make retries cost milliseconds with
      ``initial_retry_delay=0.01, max_retry_delay=0.02``.
    * **max_rate_limit_wait** - the longest rate-limit wait accepted before ``RateLimitError``.
    * **max_response_bytes** - the largest response body accepted (after decompression);
      32 MiB by default, about 150 pages of 100 cases. A larger one is an
      ``UnexpectedResponseError``, read no further than the cap.
    * **transport** - an ``httpx.AsyncBaseTransport`` to send with (``httpx.MockTransport``,
      ``httpx.ASGITransport``, a proxying transport). Retries, pacing and credentials still
      apply: it is wrapped in ddcases' retry transport.
    * **http_client** - an ``httpx.AsyncClient`` used exactly as given: its ``base_url``,
      auth, headers, timeout and transport are yours, so ddcases adds no credentials, retries
      or pacing and does not read the key environment variables; it is not closed by
      :meth:`aclose`. Combining it with keys, ``site``, ``base_url`` or ``transport`` is a
      ``ValueError``.

    * **rate_limit_store** - share the rate-limit budget with every process using the same
      keys: a ``redis://`` URL (or ``rediss://``, ``unix://``) or a ``redis.asyncio.Redis``
      client; defaults to ``DDCASES_RATE_LIMIT_STORE``. Needs ``ddcases[redis]``. The store
      holds only bucket names, counters and times; when it fails, each process paces by
      itself until it answers again. Without it, nothing of Redis is imported.

    Redirects are not followed: the API does not redirect, so a 3xx is reported as an
    ``UnexpectedResponseError`` and credentials can never be carried to another host.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        app_key: str | None = None,
        site: str | None = None,
        base_url: str | httpx.URL | None = None,
        access_token: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        initial_retry_delay: float = INITIAL_RETRY_DELAY,
        max_retry_delay: float = MAX_RETRY_DELAY,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        rate_limit_store: str | Redis | None = None,
    ) -> None:
        # Imported here, not with ddcases: `import ddcases` stays as fast (bench (d)).
        from ._default_transport import default_transport
        from ._dependencies import check_versions

        self._closed = False
        self._auth: DatadogAuth | None = None
        check_versions()  # once per package: a vendored copy has no installer to hold bounds
        checked_timeout = check_timeout(timeout)
        retries = check_count(max_retries, "max_retries", minimum=0)
        first_delay = check_seconds(initial_retry_delay, "initial_retry_delay")
        last_delay = check_seconds(max_retry_delay, "max_retry_delay")
        rate_wait = check_seconds(max_rate_limit_wait, "max_rate_limit_wait")
        cap = check_count(max_response_bytes, "max_response_bytes", minimum=1)
        if http_client is not None:
            given = {
                "api_key": api_key,
                "app_key": app_key,
                "access_token": access_token,
                "site": site,
                "base_url": base_url,
                "transport": transport,
                "rate_limit_store": rate_limit_store,
            }
            clash = sorted(name for name, value in given.items() if value is not None)
            if clash:
                raise ValueError(
                    f"http_client is used as given; configure {', '.join(clash)} on it instead"
                )
            self._owns_http = False
            self._site: str | None = None
            self._http = http_client
        else:
            self._site, url = resolve_site(site, base_url)
            if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
                raise TypeError(
                    f"transport must be an httpx.AsyncBaseTransport, got {type(transport).__name__}"
                )
            self._auth = resolve_auth(api_key, app_key, access_token, url)
            store: RateStore | None = None
            if (where := resolve_rate_limit_store(rate_limit_store)) is not None:
                from ._rate_store import RateStore, organisation_key

                store = RateStore(where, organisation_key(self._auth.secret_values()[0], url))
            retry = RetryTransport(
                transport if transport is not None else default_transport(cap),
                max_retries=retries,
                initial_retry_delay=first_delay,
                max_retry_delay=last_delay,
                max_rate_limit_wait=rate_wait,
                max_response_bytes=cap,
                rate_limit_store=store,
            )
            self._owns_http = True
            self._http = self._auth.attach(
                LeanAsyncClient(
                    base_url=url,
                    transport=retry,
                    timeout=checked_timeout,
                    follow_redirects=False,
                    headers={
                        "User-Agent": f"ddcases/{__version__}",
                        "Accept": "application/json",
                        # Only what _response_body can undo (httpx would add br/zstd when
                        # brotli/zstandard happen to be installed).
                        "Accept-Encoding": ACCEPT_ENCODING,
                    },
                )
            )
            register_secrets(self._auth)
        base = str(self._http.base_url)
        self._api = AuthenticatedClient(base_url=base).set_async_httpx_client(self._http)
        # What the facade's plain methods call with: they return only a document's data, so
        # its `included` users are not parsed (raw responses and dd.call use self._api).
        self._data_api = AuthenticatedClient(
            base_url=base, parse_included=False
        ).set_async_httpx_client(self._http)
        self._project_keys = ProjectKeys(self._list_projects, NotFoundError.for_lookup)

    @property
    def base_url(self) -> str:
        """Where requests go, e.g. ``https://api.datadoghq.com``."""
        return str(self._http.base_url).rstrip("/")

    @property
    def site(self) -> str | None:
        """The Datadog site, or None when ``base_url`` or ``http_client`` set the address."""
        return self._site

    @property
    def api(self) -> AuthenticatedClient:
        """The generated low-level client (``ddcases_api``), sharing this client's HTTP.

        Usage: ``await ddcases_api.api.case_management.get_case.asyncio("SEC-12", client=dd.api)``
        """
        return self._api

    async def call(self, endpoint: Operation[T], /, *args: Any, **kwargs: Any) -> T:
        """Call any generated operation with this client's errors, retries and pacing.

        Usage: ``await dd.call(update_case_title.asyncio_detailed, "SEC-12", body=request)``
        returns the parsed 2xx body (errors raised as by the facade's own methods).
        """
        return await self._operations.call(endpoint, *args, **kwargs)

    @property
    def with_raw_response(self) -> OperationsWithRawResponse:
        """``await dd.with_raw_response.call(...)``: ``dd.call`` returning a ``RawResponse``."""
        from ._operations import OperationsWithRawResponse

        return OperationsWithRawResponse(self._operations)

    @cached_property
    def _operations(self) -> Operations:
        from ._operations import Operations

        return Operations(self)

    def __repr__(self) -> str:
        where = f"site={self._site!r}" if self._site else f"base_url={self.base_url!r}"
        state = ", closed" if self._closed else ""
        return f"<CaseManagement {where}{state}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections this client opened; safe to call more than once.

        A user-provided ``http_client`` is left open: its owner closes it.
        """
        if self._closed:
            return
        self._closed = True
        if self._auth is not None:
            unregister_secrets(self._auth)
        if self._owns_http:
            await self._http.aclose()

    def _api_for_call(self, *, included: bool) -> AuthenticatedClient:
        """The generated client a call goes through; ``included``: parse whole documents."""
        if self._closed:
            raise RuntimeError("this CaseManagement client is closed")
        return self._api if included else self._data_api

    async def _list_projects(self) -> list[Project]:
        return await self.projects._fetch_all()
