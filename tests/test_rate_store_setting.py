"""rate_limit_store= and DDCASES_RATE_LIMIT_STORE (issue 19): read like the keys, checked with
a clear error, refused beside http_client, and without them nothing of Redis is imported."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
import redis.asyncio as aioredis

from ddcases import CaseManagement
from ddcases._rate_store import RateStore

API_KEY, APP_KEY = "a" * 32, "b" * 40
URL = "http://127.0.0.1:9"


def _store(dd: CaseManagement) -> RateStore | None:
    return dd._http._transport.limiter.store  # type: ignore[attr-defined,no-any-return]


async def test_the_argument_and_the_environment_variable_give_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DDCASES_RATE_LIMIT_STORE", raising=False)
    async with CaseManagement(base_url=URL, api_key=API_KEY, app_key=APP_KEY) as dd:
        assert _store(dd) is None
    monkeypatch.setenv("DDCASES_RATE_LIMIT_STORE", "redis://:pw@redis.internal:6380/2")
    async with CaseManagement(base_url=URL, api_key=API_KEY, app_key=APP_KEY) as dd:
        store = _store(dd)
        assert store is not None
        assert store.location == "redis://redis.internal:6380/2"  # no password, ever
        assert "pw" not in repr(store)
    async with CaseManagement(
        base_url=URL, api_key=API_KEY, app_key=APP_KEY, rate_limit_store="redis://other:6379/0"
    ) as dd:
        assert _store(dd).location == "redis://other:6379/0"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("localhost:6379", ValueError, "rate_limit_store must be a redis://, rediss:// or unix://"),
        ("http://localhost:6379", ValueError, "got one starting http://"),
        (6379, TypeError, "rate_limit_store must be a redis:// URL or a redis.asyncio.Redis"),
    ],
)
def test_a_bad_store_is_a_clear_error(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        CaseManagement(base_url=URL, api_key=API_KEY, app_key=APP_KEY, rate_limit_store=value)  # type: ignore[arg-type]


def test_a_bad_environment_variable_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DDCASES_RATE_LIMIT_STORE", "memcached://x")
    with pytest.raises(ValueError, match="the DDCASES_RATE_LIMIT_STORE environment variable"):
        CaseManagement(base_url=URL, api_key=API_KEY, app_key=APP_KEY)


def test_the_store_is_refused_beside_an_http_client() -> None:
    with pytest.raises(ValueError, match="rate_limit_store"):
        CaseManagement(http_client=httpx.AsyncClient(), rate_limit_store="redis://x:6379/0")


async def test_a_client_object_is_accepted_and_named_without_its_password() -> None:
    client = aioredis.Redis(host="cache.internal", port=6390, db=3, password="hunter2-pw")
    async with CaseManagement(
        base_url=URL, api_key=API_KEY, app_key=APP_KEY, rate_limit_store=client
    ) as dd:
        assert _store(dd).location == "redis://cache.internal:6390/3"  # type: ignore[union-attr]
    await client.aclose()


def test_without_a_store_nothing_of_redis_is_imported() -> None:
    program = (
        "import sys, asyncio\n"
        "from ddcases import CaseManagement\n"
        "async def main():\n"
        f"    keys = dict(api_key={API_KEY!r}, app_key={APP_KEY!r})\n"
        f"    async with CaseManagement(base_url={URL!r}, **keys):\n"
        "        pass\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.startswith(('redis', 'ddcases._rate_store'))))\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "[]"
