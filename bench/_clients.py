"""The clients the benches compare, behind one shape: `page()`, `get(case_id)`, `aclose()`.

Each `page()` is one `GET /api/v2/cases?page[size]=100&page[number]=1` fetched and parsed into
what that client hands its caller; each `get()` is one `GET /api/v2/cases/{id}` likewise.

- Floor: a raw aiohttp session and `json.loads` (dicts, no models): the least a Python client
  can do per request.
- DDCases: the public facade, `CaseManagement(base_url=...)` with its default transport.
- Generated: `ddcases_api` functions on an `AuthenticatedClient` (for diagnosis, and as the
  stand-in while the facade is not there yet), over httpx's own pool or httpx-aiohttp.
- Official: Datadog's `datadog-api-client` `AsyncApiClient` (its `async` extra, aiosonic).

Dummy keys only; the loopback server ignores them.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

API_KEY = "0" * 32
APP_KEY = "1" * 40
CASE_ID = "SEC-12"
PAGE_SIZE = 100


class Client(Protocol):
    name: str

    async def page(self) -> Any: ...

    async def get(self, case_id: str) -> Any: ...

    async def aclose(self) -> None: ...


class Floor:
    name = "floor (aiohttp + json.loads)"

    def __init__(self, base_url: str) -> None:
        import aiohttp

        self._base = base_url
        self._session = aiohttp.ClientSession(
            headers={"DD-API-KEY": API_KEY, "DD-APPLICATION-KEY": APP_KEY}
        )
        self._params = {"page[size]": str(PAGE_SIZE), "page[number]": "1"}

    async def page(self) -> Any:
        async with self._session.get(self._base + "/api/v2/cases", params=self._params) as r:
            r.raise_for_status()
            return json.loads(await r.read())

    async def get(self, case_id: str) -> Any:
        async with self._session.get(f"{self._base}/api/v2/cases/{case_id}") as r:
            r.raise_for_status()
            return json.loads(await r.read())

    async def aclose(self) -> None:
        await self._session.close()


class DDCases:
    name = "ddcases"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        from ddcases import CaseManagement

        self._dd = CaseManagement(api_key=API_KEY, app_key=APP_KEY, base_url=base_url, **kwargs)

    async def page(self) -> Any:
        page = await self._dd.cases.search(page_size=PAGE_SIZE)
        assert len(page.items) == PAGE_SIZE
        return page

    async def get(self, case_id: str) -> Any:
        return await self._dd.cases.get(case_id)

    async def aclose(self) -> None:
        await self._dd.aclose()

    @property
    def dd(self) -> Any:
        return self._dd


class Generated:
    """The generated client alone: what the facade adds is the difference to DDCases."""

    def __init__(self, base_url: str, transport: str = "httpx") -> None:
        from ddcases_api.client import AuthenticatedClient

        self.name = f"ddcases_api over {transport}"
        httpx_args: dict[str, Any] = {}
        if transport == "httpx-aiohttp":
            from httpx_aiohttp import AiohttpTransport

            httpx_args["transport"] = AiohttpTransport()
        self._client = AuthenticatedClient(
            base_url=base_url,
            token=API_KEY,
            prefix="",
            auth_header_name="DD-API-KEY",
            headers={"DD-APPLICATION-KEY": APP_KEY},
            httpx_args=httpx_args,
        )

    async def page(self) -> Any:
        from ddcases_api.api.case_management import search_cases

        r = await search_cases.asyncio_detailed(
            client=self._client, page_size=PAGE_SIZE, page_number=1
        )
        assert r.status_code == 200, r.status_code
        return r.parsed

    async def get(self, case_id: str) -> Any:
        from ddcases_api.api.case_management import get_case

        r = await get_case.asyncio_detailed(case_id, client=self._client)
        assert r.status_code == 200, r.status_code
        return r.parsed

    async def aclose(self) -> None:
        await self._client.get_async_httpx_client().aclose()


class Official:
    name = "datadog-api-client (async)"

    def __init__(self, base_url: str) -> None:
        from datadog_api_client import AsyncApiClient, Configuration
        from datadog_api_client.v2.api.case_management_api import CaseManagementApi

        conf = Configuration(host=base_url)
        conf.api_key["apiKeyAuth"] = API_KEY
        conf.api_key["appKeyAuth"] = APP_KEY
        self._api_client = AsyncApiClient(conf)
        self._api = CaseManagementApi(self._api_client)

    async def page(self) -> Any:
        r = await self._api.search_cases(page_size=PAGE_SIZE, page_number=1)
        assert len(r.data) == PAGE_SIZE
        return r

    async def get(self, case_id: str) -> Any:
        return await self._api.get_case(case_id)

    async def aclose(self) -> None:
        await self._api_client.__aexit__(None, None, None)


def facade_available() -> bool:
    try:
        from ddcases import CaseManagement  # noqa: F401
    except ImportError:
        return False
    return True
