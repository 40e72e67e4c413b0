"""The generated client builds one absolute URL per request (types.absolute, issue 11); it must
be exactly the URL httpx's own merge of base URL, path and query parameters would make."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from ddcases_api.types import absolute

hosts = st.sampled_from(
    ["api.datadoghq.com", "localhost", "127.0.0.1", "[::1]", "[2001:db8::7]", "xn--bcher-kva.ch"]
)
ports = st.one_of(st.none(), st.integers(min_value=1, max_value=65535))
prefix_segments = st.lists(
    st.text(alphabet="abcXYZ09-_.~%20é", min_size=1, max_size=8).map(lambda s: quote(s, safe="")),
    max_size=3,
)
ids = st.text(min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
values = st.one_of(
    st.integers(min_value=-5, max_value=10**6),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
)
param_maps = st.dictionaries(
    st.sampled_from(["page[size]", "page[number]", "filter", "sort[field]", "sort[asc]", "q"]),
    values,
    max_size=5,
)


@st.composite
def base_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(ports)
    netloc = draw(hosts) + ("" if port is None else f":{port}")
    segments = draw(prefix_segments)
    path = "/" + "/".join(segments) if segments else ""
    trailing = "/" if draw(st.booleans()) else ""
    return f"{scheme}://{netloc}{path}{trailing}"


@settings(max_examples=400, deadline=None)
@given(base=base_urls(), case_id=ids, params=param_maps)
def test_absolute_url_is_httpx_own_merge(base: str, case_id: str, params: dict[str, Any]) -> None:
    client = httpx.Client(base_url=base)
    path = "/api/v2/cases/{case_id}/status".format(case_id=quote(case_id, safe=""))
    expected = client.build_request("GET", path, params=params or None).url
    kwargs = absolute(client, {"method": "get", "url": path, "params": dict(params)})
    assert kwargs["url"] == expected
    assert "params" not in kwargs
    assert client.build_request(**kwargs).url == expected


def test_a_client_with_default_params_keeps_httpx_merge() -> None:
    client = httpx.Client(base_url="https://h", params={"x": "1"})
    kwargs = absolute(client, {"method": "get", "url": "/api/v2/cases", "params": {"a": 2}})
    assert kwargs["url"] == "/api/v2/cases"
    assert client.build_request(**kwargs).url == "https://h/api/v2/cases?x=1&a=2"


def test_a_base_url_with_a_query_keeps_httpx_merge() -> None:
    client = httpx.Client(base_url="https://h/p?token=1")
    kwargs = absolute(client, {"method": "get", "url": "/api/v2/cases"})
    assert kwargs["url"] == "/api/v2/cases"


def test_parsed_urls_are_reused_and_the_cache_stays_bounded() -> None:
    from ddcases_api import types

    client = httpx.Client(base_url="https://api.datadoghq.com")
    first = absolute(client, {"method": "get", "url": "/api/v2/cases/SEC-1"})["url"]
    again = absolute(client, {"method": "get", "url": "/api/v2/cases/SEC-1"})["url"]
    assert again is first  # parsed once
    for i in range(3 * types._URL_CACHE_SIZE):
        url = absolute(client, {"method": "get", "url": f"/api/v2/cases/SEC-{i}"})["url"]
        assert url == f"https://api.datadoghq.com/api/v2/cases/SEC-{i}"
    assert len(types._URLS) <= types._URL_CACHE_SIZE
