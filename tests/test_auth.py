"""DatadogAuth: credentials go to the configured origin only, and never show in a repr."""

from __future__ import annotations

import pickle

import httpx
import pytest

from ddcases._auth import DatadogAuth, Secret
from ddcases._transport import RetryTransport

API_KEY = "api-key-0123456789abcdef"
APP_KEY = "app-key-fedcba9876543210"
TOKEN = "oauth-token-5555aaaa"
BASE = "https://api.datadoghq.com"
CREDENTIALS = ("dd-api-key", "dd-application-key", "authorization")


class Recorder:
    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.responses.pop(0) if self.responses else httpx.Response(200, json={})


def keys_auth(base_url: str = BASE) -> DatadogAuth:
    return DatadogAuth(api_key=API_KEY, app_key=APP_KEY, base_url=base_url)


async def test_keys_sent_to_configured_origin() -> None:
    rec = Recorder()
    client = keys_auth().attach(
        httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(rec))
    )
    async with client:
        await client.get("/api/v2/cases")
    headers = rec.seen[0].headers
    assert headers["DD-API-KEY"] == API_KEY
    assert headers["DD-APPLICATION-KEY"] == APP_KEY
    assert "authorization" not in headers


async def test_token_sends_bearer_only() -> None:
    rec = Recorder()
    auth = DatadogAuth(access_token=TOKEN, base_url=BASE)
    async with auth.attach(httpx.AsyncClient(transport=httpx.MockTransport(rec))) as client:
        await client.get(BASE + "/api/v2/cases")
    headers = rec.seen[0].headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert "dd-api-key" not in headers


@pytest.mark.parametrize(
    "url",
    [
        "http://api.datadoghq.com/api/v2/cases",  # scheme differs
        "https://api.datadoghq.com:8443/api/v2/cases",  # port differs
        "https://api.datadoghq.eu/api/v2/cases",  # host differs
        "https://evil.example/api/v2/cases",
    ],
)
async def test_no_keys_for_other_origins(url: str) -> None:
    rec = Recorder()
    async with keys_auth().attach(httpx.AsyncClient(transport=httpx.MockTransport(rec))) as client:
        await client.get(url, headers={"DD-API-KEY": "set-by-hand"})
    assert not any(name in rec.seen[0].headers for name in CREDENTIALS)


def test_default_port_counts_as_same_origin() -> None:
    auth = keys_auth("https://api.datadoghq.com:443/")
    assert auth.allows(httpx.URL("https://api.datadoghq.com/api/v2/cases"))
    assert keys_auth("http://127.0.0.1:8000").allows(httpx.URL("http://127.0.0.1:8000/x"))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_cross_host_redirect_carries_no_keys(status: int) -> None:
    rec = Recorder(httpx.Response(status, headers={"Location": "http://evil.example/steal"}))
    transport = RetryTransport(httpx.MockTransport(rec))
    client = httpx.AsyncClient(base_url=BASE, transport=transport, follow_redirects=True)
    async with keys_auth().attach(client):
        response = await client.get("/api/v2/cases")
    assert response.status_code == 200
    assert len(rec.seen) == 2
    assert rec.seen[0].headers["DD-API-KEY"] == API_KEY
    assert rec.seen[1].url.host == "evil.example"
    leaked = {k: v for k, v in rec.seen[1].headers.items() if k.lower() in CREDENTIALS}
    assert leaked == {}
    assert API_KEY not in str(rec.seen[1].headers.raw)
    assert APP_KEY not in str(rec.seen[1].headers.raw)


async def test_same_origin_redirect_keeps_keys() -> None:
    rec = Recorder(httpx.Response(307, headers={"Location": BASE + "/api/v2/cases/other"}))
    client = httpx.AsyncClient(
        base_url=BASE, transport=httpx.MockTransport(rec), follow_redirects=True
    )
    async with keys_auth().attach(client):
        await client.get("/api/v2/cases")
    assert rec.seen[1].headers["DD-API-KEY"] == API_KEY


def test_attach_is_idempotent_and_keeps_other_hooks() -> None:
    async def mine(request: httpx.Request) -> None:
        return None

    auth = keys_auth()
    client = httpx.AsyncClient(event_hooks={"request": [mine]})
    auth.attach(client)
    auth.attach(client)
    assert client.event_hooks["request"] == [mine, auth.drop_foreign_credentials]
    assert client.auth is auth


def test_needs_credentials() -> None:
    with pytest.raises(ValueError, match="api_key and app_key, or access_token"):
        DatadogAuth(api_key=API_KEY, base_url=BASE)
    with pytest.raises(ValueError, match="api_key and app_key"):
        DatadogAuth(base_url=BASE)


def test_repr_shows_no_secret() -> None:
    for auth in (keys_auth(), DatadogAuth(access_token=TOKEN, base_url=BASE)):
        text = repr(auth) + str(auth) + repr(vars(auth))
        for secret in (API_KEY, APP_KEY, TOKEN):
            assert secret not in text
    assert repr(keys_auth()) == (
        "DatadogAuth(api_key, app_key=<redacted>, origin=https://api.datadoghq.com)"
    )


def test_secret_hides_itself() -> None:
    secret = Secret(API_KEY)
    assert API_KEY not in repr(secret)
    assert API_KEY not in str(secret)
    assert API_KEY not in f"{secret}"
    assert secret.get() == API_KEY
    assert secret == Secret(API_KEY)
    assert len({secret, Secret(API_KEY)}) == 1
    with pytest.raises(TypeError):
        pickle.dumps(secret)


async def test_client_repr_and_transport_repr_show_no_secret() -> None:
    transport = RetryTransport(httpx.MockTransport(Recorder()))
    client = keys_auth().attach(httpx.AsyncClient(base_url=BASE, transport=transport))
    async with client:
        await client.get("/x")
    for text in (repr(client), repr(transport), repr(client.auth), repr(client.headers)):
        assert API_KEY not in text
        assert APP_KEY not in text


def test_secret_values_feed_the_log_filter() -> None:
    assert keys_auth().secret_values() == (API_KEY, APP_KEY)
    assert DatadogAuth(access_token=TOKEN, base_url=BASE).secret_values() == (TOKEN,)
