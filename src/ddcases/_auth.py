"""DatadogAuth: the only object that holds credentials, and it sends them only to one origin.

httpx strips just ``Authorization`` on a cross-origin redirect and copies every other header
(httpx/_client.py ``_redirect_headers``), and an ``httpx.Auth`` flow never sees the redirected
requests. So the auth adds keys only for the configured origin, and :meth:`DatadogAuth.attach`
also installs a request hook (hooks run for every request, redirects included) that drops
them from any request to another origin.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from ._constants import API_KEY_HEADER, APP_KEY_HEADER, AUTHORIZATION_HEADER

__all__ = ["DatadogAuth", "Secret"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_CREDENTIAL_HEADERS = (API_KEY_HEADER, APP_KEY_HEADER, AUTHORIZATION_HEADER)


class Secret:
    """A string that never shows itself in ``repr``/``str``; ``.get()`` returns it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret is not picklable")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme))


class DatadogAuth(httpx.Auth):
    """Adds ``DD-API-KEY``/``DD-APPLICATION-KEY`` (or ``Authorization: Bearer``) to requests
    for ``base_url``'s origin (scheme, host, port) and to no other.

    Usage::

        auth = DatadogAuth(api_key=..., app_key=..., base_url="https://api.datadoghq.com")
        client = httpx.AsyncClient(base_url=auth.base_url, follow_redirects=True)
        auth.attach(client)   # client.auth = auth, plus the redirect guard hook
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        app_key: str | None = None,
        access_token: str | None = None,
        base_url: str | httpx.URL,
    ) -> None:
        if access_token:
            self._headers = {AUTHORIZATION_HEADER: Secret(f"Bearer {access_token}")}
            self._secrets: tuple[Secret, ...] = (Secret(access_token),)
        elif api_key and app_key:
            self._headers = {API_KEY_HEADER: Secret(api_key), APP_KEY_HEADER: Secret(app_key)}
            self._secrets = (Secret(api_key), Secret(app_key))
        else:
            raise ValueError("DatadogAuth needs api_key and app_key, or access_token")
        self.base_url = httpx.URL(base_url)
        self.origin = _origin(self.base_url)
        self.uses_token = bool(access_token)
        # The fast check of allows(): the same scheme and netloc bytes as the base URL.
        self._scheme, self._netloc = self.base_url.scheme, self.base_url.netloc

    def __repr__(self) -> str:
        kind = "access_token" if self.uses_token else "api_key, app_key"
        return f"DatadogAuth({kind}=<redacted>, origin={self.base_url.scheme}://{self.base_url.netloc.decode()})"

    def secret_values(self) -> tuple[str, ...]:
        """The raw secrets, for the log RedactingFilter (``_logs.register_secrets``)."""
        return tuple(secret.get() for secret in self._secrets)

    def allows(self, url: httpx.URL) -> bool:
        """True when ``url`` is on the configured origin."""
        if url.netloc == self._netloc and url.scheme == self._scheme:
            return True  # every request the client builds; the rest compare default ports
        return _origin(url) == self.origin

    def _apply(self, request: httpx.Request) -> httpx.Request:
        if self.allows(request.url):
            headers = request.headers
            for name, value in self._headers.items():
                headers[name] = value.get()
        else:
            _strip(request)
        return request

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield self._apply(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        yield self._apply(request)

    async def drop_foreign_credentials(self, request: httpx.Request) -> None:
        """Request event hook: no credential header leaves for another origin (redirects)."""
        if not self.allows(request.url):
            _strip(request)

    def attach(self, client: httpx.AsyncClient) -> httpx.AsyncClient:
        """Make ``client`` authenticate with this auth and guard its redirects; returns it."""
        client.auth = self
        hooks = client.event_hooks
        if self.drop_foreign_credentials not in hooks["request"]:
            hooks["request"] = [*hooks["request"], self.drop_foreign_credentials]
        client.event_hooks = hooks
        return client


def _strip(request: httpx.Request) -> None:
    for name in _CREDENTIAL_HEADERS:
        request.headers.pop(name, None)
