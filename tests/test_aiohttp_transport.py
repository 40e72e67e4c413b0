"""The default sending transport (httpx over aiohttp) against a raw loopback server."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from ddcases import CaseManagement
from ddcases._aiohttp_transport import AiohttpTransport
from ddcases._exceptions import CreateOutcomeUnknownError
from ddcases._transport import RetryTransport, provably_unsent


@pytest.fixture
async def loopback() -> Any:
    """A raw asyncio server whose behaviour each test picks: ok, slow, or hang up."""
    mode: dict[str, Any] = {"value": "ok"}
    heads: list[bytes] = mode.setdefault("heads", [])

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                heads.append(head)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                if mode["value"] == "hangup":
                    break
                if mode["value"] == "slow":
                    await asyncio.sleep(2)
                body = b'{"data": []}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", mode
    server.close()
    await server.wait_closed()


async def test_default_transport_is_aiohttp_and_works(loopback: Any) -> None:
    url, _ = loopback
    transport = AiohttpTransport()
    assert isinstance(transport, AiohttpTransport)
    async with httpx.AsyncClient(base_url=url, transport=transport) as client:
        response = await client.get("/api/v2/cases")
    assert response.json() == {"data": []}


async def test_default_transport_honours_httpx_read_timeout(loopback: Any) -> None:
    url, mode = loopback
    mode["value"] = "slow"
    timeout = httpx.Timeout(5.0, read=0.2)
    async with httpx.AsyncClient(
        base_url=url, transport=AiohttpTransport(), timeout=timeout
    ) as client:
        loop = asyncio.get_running_loop()
        start = loop.time()
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/api/v2/cases")
        assert loop.time() - start < 1.5


async def test_default_transport_read_timeout_on_create_is_outcome_unknown(loopback: Any) -> None:
    url, mode = loopback
    mode["value"] = "slow"
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    transport = RetryTransport(AiohttpTransport(), sleep=sleep)
    async with httpx.AsyncClient(base_url=url, transport=transport, timeout=0.2) as client:
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await client.post("/api/v2/cases", json={})
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert sleeps == []


async def test_default_transport_hangup_after_send_is_not_a_connect_error(loopback: Any) -> None:
    url, mode = loopback
    mode["value"] = "hangup"
    async with httpx.AsyncClient(base_url=url, transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.TransportError) as info:
            await client.post("/api/v2/cases", json={})
    assert not provably_unsent(info.value)
    assert isinstance(info.value, httpx.RemoteProtocolError | httpx.ReadError)


async def test_default_transport_refused_is_a_connect_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get(f"http://127.0.0.1:{port}/")
    assert provably_unsent(info.value)


def test_default_transport_verifies_tls() -> None:
    import ssl

    transport: Any = AiohttpTransport()
    assert transport.ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert transport.ssl_context.check_hostname


def _header_names(head: bytes) -> list[str]:
    lines = head.decode().split("\r\n")[1:]
    return sorted(line.split(":")[0].lower() for line in lines if line)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept": "application/json"},
        {"User-Agent": "bot/1", "Accept": "*/*", "Accept-Encoding": "gzip, deflate"},
    ],
)
async def test_the_request_goes_with_httpx_headers_and_no_others(
    loopback: Any, headers: dict[str, str]
) -> None:
    """aiohttp adds Accept, Accept-Encoding (br and zstd too, when installed: bodies
    _response_body cannot undo) and User-Agent to a request lacking them; it must not."""
    url, mode = loopback
    transport = AiohttpTransport()
    try:
        request = httpx.Request("GET", f"{url}/api/v2/cases", headers=headers)
        await transport.handle_async_request(request)
    finally:
        await transport.aclose()
    (head,) = mode["heads"]
    assert _header_names(head) == sorted(["host", *(name.lower() for name in headers)])


async def test_the_client_asks_only_for_encodings_it_can_undo(loopback: Any) -> None:
    url, mode = loopback
    async with CaseManagement(api_key="k" * 32, app_key="a" * 40, base_url=url) as dd:
        await dd.cases.search(page_size=1)
    (head,) = mode["heads"]
    assert b"\r\naccept-encoding: gzip, deflate\r\n" in head.lower()
    assert b"user-agent: ddcases/" in head.lower()


async def test_responses_come_back_read(loopback: Any) -> None:
    """The transport marks the body it read as httpx's read content; if a new httpx stored it
    elsewhere, the stream would still give the same bytes (slower): this says which holds."""
    url, _ = loopback
    transport = AiohttpTransport()
    try:
        request = httpx.Request("GET", f"{url}/api/v2/cases")
        response = await transport.handle_async_request(request)
        assert response.is_stream_consumed
        assert response.is_closed
        assert response.content == b'{"data": []}'  # no ResponseNotRead: httpx took the shortcut
        assert response.json() == {"data": []}
        assert response.elapsed.total_seconds() >= 0
    finally:
        await transport.aclose()


async def test_stream_true_through_the_shared_client_gets_the_body_already_read(
    loopback: Any,
) -> None:
    """Responses come back read (and capped): `stream=True` on dd.api's client cannot stream.
    The body is all there at once through .content and aiter_bytes(); aiter_raw() says so."""
    from ddcases import CaseManagement

    url, _ = loopback
    async with CaseManagement(base_url=url, api_key="a" * 32, app_key="b" * 40) as dd:
        http = dd.api.get_async_httpx_client()
        async with http.stream("GET", "/api/v2/cases") as response:
            assert response.is_stream_consumed
            assert [chunk async for chunk in response.aiter_bytes()] == [b'{"data": []}']
            assert response.content == b'{"data": []}'
            with pytest.raises(httpx.StreamConsumed):
                async for _ in response.aiter_raw():
                    pass
