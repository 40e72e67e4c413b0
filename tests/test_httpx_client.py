"""LeanAsyncClient builds exactly the request httpx.AsyncClient builds (issue 11).

Its shortcut for requests without a body must be invisible: the same method, URL, headers in
the same order, extensions and body as httpx's own ``build_request``, whatever the client's
configuration and the call's arguments; anything the shortcut does not cover goes to httpx.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddcases._httpx_client import LeanAsyncClient

hosts = st.sampled_from(["api.datadoghq.com", "127.0.0.1", "[::1]", "xn--bcher-kva.ch"])
ports = st.one_of(st.none(), st.integers(min_value=1, max_value=65535))


@st.composite
def base_urls(draw: st.DrawFn) -> str:
    port = draw(ports)
    netloc = draw(hosts) + ("" if port is None else f":{port}")
    prefix = draw(st.sampled_from(["", "/", "/proxy", "/proxy/"]))
    return f"{draw(st.sampled_from(['http', 'https']))}://{netloc}{prefix}"


client_configs = st.fixed_dictionaries(
    {},
    optional={
        "headers": st.sampled_from(
            [{"User-Agent": "ddcases/0", "Accept": "application/json"}, {"Host": "proxy.test"}]
        ),
        "params": st.sampled_from([{"a": "1"}]),
        "cookies": st.sampled_from([{"session": "s"}]),
        "timeout": st.sampled_from([5.0, None, httpx.Timeout(3.0, connect=1.0)]),
    },
)
call_arguments = st.fixed_dictionaries(
    {},
    optional={
        "headers": st.sampled_from(
            [{}, {"X-Trace": "1"}, {"host": "other.test"}, {"Accept": "text/plain"}]
        ),
        "params": st.sampled_from([{"page[size]": 10}, {}]),
        "cookies": st.sampled_from([{"k": "v"}]),
        "timeout": st.sampled_from([2.0, None]),
        "extensions": st.sampled_from(
            [{}, {"openapi.operation": "get_case"}, {"timeout": {"read": 1.0}}]
        ),
        "content": st.sampled_from([b"", b"{}"]),
        "json": st.sampled_from([{"data": {"type": "case"}}]),
    },
)
methods = st.sampled_from(["GET", "get", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"])
paths = st.sampled_from(["/api/v2/cases/SEC-12", "/api/v2/cases/a%2Fb?x=1", "/", ""])


_UNUSED = httpx.MockTransport(lambda request: httpx.Response(500))  # (no TLS context per client)


def _seen(request: httpx.Request) -> tuple[Any, ...]:
    return (
        request.method,
        str(request.url),
        request.headers.raw,
        request.extensions,
        request.read(),
        type(request.stream),
    )


@settings(max_examples=600, deadline=None)
@given(
    base=base_urls(),
    config=client_configs,
    method=methods,
    path=paths,
    absolute=st.booleans(),
    as_url=st.booleans(),
    arguments=call_arguments,
)
def test_requests_are_exactly_those_httpx_builds(
    base: str,
    config: dict[str, Any],
    method: str,
    path: str,
    absolute: bool,
    as_url: bool,
    arguments: dict[str, Any],
) -> None:
    lean = LeanAsyncClient(base_url=base, transport=_UNUSED, **config)
    plain = httpx.AsyncClient(base_url=base, transport=_UNUSED, **config)
    target: str | httpx.URL = base.rstrip("/") + path if absolute else path
    if as_url:
        target = httpx.URL(target)
    assert _seen(lean.build_request(method, target, **arguments)) == _seen(
        plain.build_request(method, target, **arguments)
    )


@pytest.mark.parametrize(
    ("method", "arguments", "short"),
    [
        ("GET", {}, True),
        ("DELETE", {"extensions": {"openapi.operation": "delete_project"}}, True),
        ("GET", {"headers": {"X-Trace": "1"}}, True),
        ("POST", {"json": {"data": {}}}, False),
        ("GET", {"params": {"page[size]": 10}}, False),
        ("GET", {"timeout": 1.0}, False),
    ],
)
def test_requests_without_a_body_take_the_shortcut(
    method: str, arguments: dict[str, Any], short: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = httpx.AsyncClient.build_request

    def counting(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> httpx.Request:
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "build_request", counting)
    client = LeanAsyncClient(base_url="https://api.datadoghq.com")
    url = httpx.URL("https://api.datadoghq.com/api/v2/cases/SEC-12")
    request = client.build_request(method, url, **arguments)
    assert calls == ([] if short else [method])
    assert request.headers["Host"] == "api.datadoghq.com"
    assert "timeout" in request.extensions


async def test_cookies_given_are_sent_and_cookies_set_are_not_kept() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Set-Cookie": "tracker=1; Path=/"})

    async with LeanAsyncClient(
        base_url="https://api.datadoghq.com",
        cookies={"given": "yes"},
        transport=httpx.MockTransport(handler),
    ) as client:
        await client.get("/a")
        await client.get("/b")
    assert [r.headers.get("cookie") for r in seen] == ["given=yes", "given=yes"]
    assert dict(client.cookies) == {"given": "yes"}


def test_requests_follow_changes_to_the_client_headers_and_the_host() -> None:
    """The shortcut keeps the client's headers per host: a change must still show."""
    lean = LeanAsyncClient(headers={"A": "1"}, transport=_UNUSED)
    plain = httpx.AsyncClient(headers={"A": "1"}, transport=_UNUSED)
    changes = [
        lambda c: None,
        lambda c: c.headers.update({"A": "2"}),
        lambda c: c.headers.__setitem__("B", "3"),
        lambda c: setattr(c, "headers", {"C": "4"}),
        lambda c: c.headers.__setitem__("Host", "proxy.test"),
        lambda c: c.headers.__delitem__("Host"),
    ]
    for change in changes:
        change(lean)
        change(plain)
        for url in ["https://a.test/x", "https://b.test:8443/y", "https://a.test/z"]:
            target = httpx.URL(url)
            assert _seen(lean.build_request("GET", target)) == _seen(
                plain.build_request("GET", target)
            )
