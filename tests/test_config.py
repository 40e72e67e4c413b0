"""Issue 8 §4: CaseManagement's arguments are checked at construction, each error naming the
argument; and issue 9's sites: the known ones, new ones under Datadog's domains, typos refused."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from ddcases import CaseManagement, NotFoundError

KEYS = {"api_key": "a" * 32, "app_key": "b" * 40}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DD_API_KEY", "DD_APP_KEY", "DD_SITE", "DDCASES_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "names"),
    [
        ({"api_key": 123}, TypeError, "api_key must be a str, got int"),
        ({"api_key": b"abc"}, TypeError, "api_key must be a str, got bytes"),
        ({"app_key": ["x"]}, TypeError, "app_key must be a str, got list"),
        ({"api_key": ""}, ValueError, "api_key is empty"),
        ({"app_key": ""}, ValueError, "app_key is empty"),
        ({"api_key": "abc\n"}, ValueError, "api_key contains whitespace"),
        ({"access_token": "tok en"}, ValueError, "access_token contains whitespace"),
        ({"access_token": ""}, ValueError, "access_token is empty"),
        ({"timeout": "5"}, TypeError, "timeout must be a number of seconds, got str '5'"),
        ({"timeout": True}, TypeError, "timeout must be a number of seconds"),
        ({"timeout": -1}, ValueError, "timeout must be a finite number of seconds > 0, got -1"),
        ({"timeout": 0}, ValueError, "timeout must be a finite number of seconds > 0, got 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be a finite number"),
        ({"timeout": float("inf")}, ValueError, "timeout must be a finite number"),
        ({"timeout": httpx.Timeout(5, read=-1)}, ValueError, "timeout.read must be a finite"),
        ({"timeout": httpx.Timeout(float("inf"))}, ValueError, "timeout.connect must be a"),
        ({"max_retries": -1}, ValueError, "max_retries must be >= 0, got -1"),
        ({"max_retries": 2.5}, TypeError, "max_retries must be an int, got float"),
        ({"max_retries": "3"}, TypeError, "max_retries must be an int, got str"),
        ({"max_rate_limit_wait": float("nan")}, ValueError, "max_rate_limit_wait must be a"),
        ({"max_rate_limit_wait": -5}, ValueError, "max_rate_limit_wait must be a finite"),
        ({"max_retry_delay": float("inf")}, ValueError, "max_retry_delay must be a finite"),
        ({"max_response_bytes": 0}, ValueError, "max_response_bytes must be >= 1, got 0"),
        ({"max_response_bytes": 1e6}, TypeError, "max_response_bytes must be an int"),
        ({"base_url": "localhost:8126"}, ValueError, "base_url must be an absolute http://"),
        ({"base_url": "not a url"}, ValueError, "base_url must be an absolute http://"),
        ({"base_url": "ftp://example.com"}, ValueError, "base_url must be an absolute http://"),
        ({"base_url": "http://"}, ValueError, "base_url must be an absolute http://"),
        ({"base_url": "http://h/?a=1"}, ValueError, "base_url must not have a query"),
        ({"base_url": 8126}, TypeError, "base_url must be a str or httpx.URL, got int"),
        ({"site": 5}, TypeError, "site must be a str"),
        ({"transport": object()}, TypeError, "transport must be an httpx.AsyncBaseTransport"),
        # Issue 18 item 12: keys beside a token were dropped silently; with http_client= the
        # same mix was already a ValueError.
        ({"access_token": "tok-123"}, ValueError, "access_token replaces the keys"),
    ],
)
def test_bad_arguments_fail_at_construction_naming_the_argument(
    kwargs: dict[str, Any], error: type[Exception], names: str
) -> None:
    arguments = {**KEYS, **kwargs}
    with pytest.raises(error) as info:
        CaseManagement(**arguments)
    assert str(info.value).startswith(names), str(info.value)
    # A credential is never quoted back.
    for value in kwargs.values():
        if isinstance(value, str) and len(value) > 3 and "key" in str(kwargs):
            assert value not in str(info.value)


def test_an_empty_key_does_not_fall_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DD_API_KEY", "c" * 32)
    monkeypatch.setenv("DD_APP_KEY", "d" * 40)
    with pytest.raises(ValueError, match=r"^api_key is empty"):
        CaseManagement(api_key="")
    CaseManagement()  # the environment alone is fine


def test_a_key_from_the_environment_is_checked_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_API_KEY", "c" * 32 + "\n")
    monkeypatch.setenv("DD_APP_KEY", "d" * 40)
    with pytest.raises(ValueError, match=r"^the DD_API_KEY environment variable contains"):
        CaseManagement()


@pytest.mark.parametrize(
    "timeout", [2, 2.5, httpx.Timeout(5.0), httpx.Timeout(30, connect=10), httpx.Timeout(None)]
)
def test_good_timeouts_are_accepted(timeout: float | httpx.Timeout) -> None:
    CaseManagement(**KEYS, timeout=timeout)


NEW_SITES = ("ap2.datadoghq.com", "uk1.datadoghq.com", "us2.ddog-gov.com")


@pytest.mark.parametrize("site", NEW_SITES)
async def test_the_three_newer_sites_are_known(site: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"errors": ["Not Found"]})

    async with CaseManagement(**KEYS, site=site, transport=httpx.MockTransport(handler)) as dd:
        assert dd.site == site
        assert dd.base_url == f"https://api.{site}"
        with pytest.raises(Exception, match="404"):
            await dd.cases.get("SEC-1")
    assert seen[0].url.host == f"api.{site}"


@pytest.mark.parametrize("site", ["ap3.datadoghq.com", "eu2.datadoghq.eu", "us4.ddog-gov.com"])
def test_a_new_site_under_a_datadog_domain_is_accepted(site: str) -> None:
    """Datadog adds sites: refusing a real new one would lock its users out until a release."""
    dd = CaseManagement(**KEYS, site=site)
    assert dd.base_url == f"https://api.{site}"


@pytest.mark.parametrize(
    ("site", "hint"),
    [
        ("datadoghq.cmo", "did you mean 'datadoghq.com'?"),
        ("us5.datadoghq.co", "did you mean 'us5.datadoghq.com'?"),
        ("datadog.eu", "did you mean 'datadoghq.eu'?"),
        ("app.datadoghq.com", "the site is the part after 'app'."),
        ("api.datadoghq.eu", "the site is the part after 'api'."),
        ("https://api.datadoghq.com", "a URL goes in base_url="),
        ("a.b.datadoghq.com", "known sites:"),
        # Issue 18 item 13: a region or a domain alone, or another case, gets its site.
        ("us5", "did you mean 'us5.datadoghq.com'?"),
        ("EU", "did you mean 'datadoghq.eu'?"),
        ("ap1", "did you mean 'ap1.datadoghq.com'?"),
        ("US3.datadoghq.com", "did you mean 'us3.datadoghq.com'?"),
        ("example.com", "known sites:"),
    ],
)
def test_a_site_that_is_not_datadogs_is_refused_with_a_hint(site: str, hint: str) -> None:
    with pytest.raises(ValueError, match=r"^unknown Datadog site") as info:
        CaseManagement(**KEYS, site=site)
    assert hint in str(info.value)
    assert "ap2.datadoghq.com" in str(info.value)  # the list of known sites is complete


def test_dd_site_is_checked_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_SITE", "datadoghq.cmo")
    with pytest.raises(ValueError, match="in the DD_SITE environment variable"):
        CaseManagement(**KEYS)


def test_a_missing_aiohttp_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import sys

    import ddcases._default_transport as transport_module

    monkeypatch.setitem(sys.modules, "aiohttp", None)  # not installed: find_spec gives None
    monkeypatch.setattr(transport_module, "_fallback_warned", False)
    caplog.set_level(logging.WARNING, logger="ddcases")
    first = CaseManagement(**KEYS)
    second = CaseManagement(**KEYS)
    warnings = [r.getMessage() for r in caplog.records if r.name == "ddcases"]
    assert len(warnings) == 1
    assert "aiohttp is not installed" in warnings[0]
    assert "httpx's own connection pool" in warnings[0]
    # Issue 18 item 14: the README's measure (0.03x against 0.27x raw aiohttp), and no
    # pointer at bench/, which a vendored copy does not have.
    assert "about 9x slower" in warnings[0]
    assert "bench/" not in warnings[0]
    assert "install aiohttp" in warnings[0]
    for dd in (first, second):
        assert isinstance(dd._http._transport.inner, httpx.AsyncHTTPTransport)  # type: ignore[attr-defined]


def test_the_known_sites_are_the_specs() -> None:
    """SITES and openapi.yaml's server variable list the same sites, in the same order."""
    from pathlib import Path

    import yaml

    from ddcases._constants import SITES

    spec = yaml.safe_load((Path(__file__).parents[1] / "openapi.yaml").read_text(encoding="utf-8"))
    assert tuple(spec["servers"][0]["variables"]["site"]["enum"]) == SITES


@pytest.mark.parametrize(
    ("base_url", "fixed"),
    [
        ("https://api.datadoghq.com/api/v2", "https://api.datadoghq.com"),
        ("https://api.datadoghq.com/api/v2/", "https://api.datadoghq.com"),
        ("http://localhost:8126/api/v2/cases", "http://localhost:8126"),
        ("https://proxy.internal/datadog/api/v2", "https://proxy.internal/datadog"),
    ],
)
def test_a_base_url_holding_the_api_path_is_refused(base_url: str, fixed: str) -> None:
    """Issue 18 item 8: every call went to /api/v2/api/v2/... and got a bare 404."""
    with pytest.raises(
        ValueError, match=r"^base_url must not include the API path /api/v2"
    ) as info:
        CaseManagement(**KEYS, base_url=base_url)
    assert f"use {fixed!r}" in str(info.value)


async def test_a_proxys_own_path_prefix_is_kept() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(404, json={"errors": ["not found"]})

    dd = CaseManagement(
        **KEYS,
        base_url="https://proxy.internal/datadog/api",
        transport=httpx.MockTransport(handler),
    )
    async with dd:
        with pytest.raises(NotFoundError):
            await dd.cases.get("SEC-1")
    assert seen == ["/datadog/api/api/v2/cases/SEC-1"]


@pytest.mark.parametrize("keys", [{"api_key": "k"}, {"app_key": "k"}, KEYS])
def test_access_token_with_keys_is_refused_as_with_http_client(keys: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="access_token replaces the keys") as info:
        CaseManagement(access_token="tok-123", **keys)
    for name in keys:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="http_client is used as given"):
        CaseManagement(http_client=httpx.AsyncClient(), access_token="tok-123", **keys)


def test_access_token_ignores_the_key_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_API_KEY", "a" * 32)
    monkeypatch.setenv("DD_APP_KEY", "b" * 40)
    CaseManagement(access_token="tok-123")  # the environment is a default, not a choice


def test_the_base_url_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """DDCASES_BASE_URL points a client built with no URL at the emulator (or a proxy), as
    OPENAI_BASE_URL does for openai-python; arguments still win, and so it wins over DD_SITE."""
    monkeypatch.setenv("DD_SITE", "datadoghq.eu")
    monkeypatch.setenv("DDCASES_BASE_URL", "http://127.0.0.1:8126")
    assert CaseManagement(**KEYS).base_url == "http://127.0.0.1:8126"
    assert (
        CaseManagement(**KEYS, site="us3.datadoghq.com").base_url == "https://api.us3.datadoghq.com"
    )
    assert CaseManagement(**KEYS, base_url="http://proxy").base_url == "http://proxy"
    monkeypatch.setenv("DDCASES_BASE_URL", "")  # empty: as if unset
    assert CaseManagement(**KEYS).base_url == "https://api.datadoghq.eu"
    for bad in ("localhost:8126", "http://127.0.0.1:8126/api/v2"):
        monkeypatch.setenv("DDCASES_BASE_URL", bad)
        with pytest.raises(ValueError, match="the DDCASES_BASE_URL environment variable must"):
            CaseManagement(**KEYS)
