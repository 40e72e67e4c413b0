"""The generated client over httpx.MockTransport: content types, bodies, odd statuses, paths."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus

import httpx
import pytest

from ddcases_api import AuthenticatedClient, Client, errors
from ddcases_api.api.case_management import archive_case, delete_project, get_case, search_cases
from ddcases_api.client import DEFAULT_TIMEOUT
from ddcases_api.models import CaseEmptyRequest, CaseResponse, CasesResponse
from ddcases_api.types import UNSET

from ._live import LIVE_CASE, live_page

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> AuthenticatedClient:
    client = AuthenticatedClient(base_url="https://api.example.test", token="tok")
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url="https://api.example.test", transport=httpx.MockTransport(handler)
        )
    )
    return client


def _json(status: int, body: object, content_type: str = "application/vnd.api+json") -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, content=json.dumps(body).encode(), headers={"Content-Type": content_type}
        )

    return handler


async def test_vnd_api_json_response_parses() -> None:
    async with _client(_json(200, {"data": LIVE_CASE})) as client:
        response = await get_case.asyncio_detailed("SEC-12", client=client)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, CaseResponse)
    assert response.parsed.data.attributes.key == "SEC-12"


async def test_search_page_with_included() -> None:
    page = live_page(5)
    async with _client(_json(200, page)) as client:
        parsed = await search_cases.asyncio(client=client, page_size=5, filter_="x")
    assert isinstance(parsed, CasesResponse)
    assert len(parsed.data) == 5
    assert [u.to_dict() for u in parsed.included] == page["included"]
    assert parsed.included[0].attributes.name == "Ada"


async def test_parse_included_false_leaves_included_unparsed() -> None:
    page = live_page(5)
    page["included"].append({"id": 7, "type": ["not", "a", "user"]})  # would not parse
    client = _client(_json(200, page))
    async with client:
        with pytest.raises(errors.UnparsableResponse):  # the default parses the whole document
            await search_cases.asyncio_detailed(client=client, page_size=5)
        client.parse_included = False
        response = await search_cases.asyncio_detailed(client=client, page_size=5)
    assert isinstance(response.parsed, CasesResponse)
    assert response.parsed.included is UNSET
    assert [case.id for case in response.parsed.data] == [case["id"] for case in page["data"]]
    assert response.parsed.meta.page.total == 7


async def test_empty_204() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "DELETE"
        return httpx.Response(204)

    async with _client(handler) as client:
        response = await delete_project.asyncio_detailed("p1", client=client)
    assert response.status_code == 204
    assert response.parsed is None


@pytest.mark.parametrize("status", [520, 599, 418, 302])
async def test_undocumented_status_does_not_crash(status: int) -> None:
    async with _client(_json(status, {"errors": ["boom"]}, "text/html")) as client:
        response = await get_case.asyncio_detailed("SEC-12", client=client)
    assert response.status_code == status
    assert response.parsed is None


async def test_520_with_non_json_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(520, content=b"<html>origin error</html>")

    async with _client(handler) as client:
        response = await get_case.asyncio_detailed("SEC-12", client=client)
    assert response.status_code == 520
    assert response.content.startswith(b"<html>")


async def test_documented_error_parses() -> None:
    body = {"errors": [{"code": "resource_not_found", "title": "case not found"}]}
    async with _client(_json(404, body)) as client:
        response = await get_case.asyncio_detailed("SEC-12", client=client)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.parsed is not None
    assert response.parsed.to_dict() == body


@pytest.mark.parametrize("case_id", ["../projects/x", "a/b?c#d", "%2F", "a b", "ü"])
async def test_path_param_is_one_encoded_segment(case_id: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": LIVE_CASE})

    async with _client(handler) as client:
        await archive_case.asyncio_detailed(
            case_id, client=client, body=CaseEmptyRequest.from_dict({"data": {"type": "case"}})
        )
    (request,) = seen
    raw = request.url.raw_path.decode("ascii")
    assert raw.startswith("/api/v2/cases/")
    assert raw.endswith("/archive")
    segment = raw.removeprefix("/api/v2/cases/").removesuffix("/archive")
    assert "/" not in segment
    assert "?" not in segment
    assert "#" not in segment
    assert request.url.query == b""
    assert httpx.URL("http://x/" + segment).path == "/" + case_id


async def test_request_body_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": LIVE_CASE})

    async with _client(handler) as client:
        await archive_case.asyncio(
            "c1", client=client, body=CaseEmptyRequest.from_dict({"data": {"type": "case"}})
        )
    assert json.loads(seen[0].content) == {"data": {"type": "case"}}
    assert seen[0].headers["Content-Type"] == "application/json"


def test_client_repr_hides_secrets() -> None:
    client = AuthenticatedClient(
        base_url="https://api.example.test",
        token="TOKEN-SECRET",
        headers={"DD-API-KEY": "API-SECRET", "DD-APPLICATION-KEY": "APP-SECRET"},
        cookies={"dogweb": "COOKIE-SECRET"},
        httpx_args={"auth": ("u", "HTTPX-SECRET")},
    )
    for text in (repr(client), repr(client.with_headers({"X": "HEADER-SECRET"}))):
        assert "SECRET" not in text
        assert "DD-API-KEY" not in text
    plain = Client(base_url="https://x", headers={"DD-API-KEY": "API-SECRET"})
    assert "SECRET" not in repr(plain)


def test_default_timeout_is_finite() -> None:
    client = Client(base_url="https://x")
    timeout = client.get_async_httpx_client().timeout
    assert timeout == DEFAULT_TIMEOUT
    assert timeout.connect == 10.0
    assert timeout.read == 30.0


def test_only_async_functions_are_generated() -> None:
    """ddcases is an async SDK: a generated endpoint module has asyncio and asyncio_detailed, and
    no sync twin that would fail on the client's async transport with a raw httpx error."""
    import importlib
    import pkgutil

    import ddcases_api.api.case_management as package

    names = [m.name for m in pkgutil.iter_modules(package.__path__)]
    assert names
    for name in names:
        module = importlib.import_module(f"{package.__name__}.{name}")
        public = {n for n in vars(module) if not n.startswith("_") and callable(vars(module)[n])}
        assert "asyncio_detailed" in public, name
        assert not {"sync", "sync_detailed"} & public, name
