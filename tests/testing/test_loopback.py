"""End to end through the facade over a real loopback socket (uvicorn on an ephemeral port)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from ddcases import (
    ApiConnectionError,
    CaseManagement,
    CreateOutcomeUnknownError,
    NotFoundError,
    PermissionDeniedError,
)
from ddcases.testing import Emulator

from .conftest import AUTH

USER = "9b1f8a6e-4b7c-4a55-8f1f-2f7e0c1d2a3b"


@pytest.fixture
def served(emulator: Emulator) -> Iterator[str]:
    with emulator.serve() as base_url:
        yield base_url


def _client(emulator: Emulator, base_url: str, **kwargs: object) -> CaseManagement:
    return CaseManagement(
        base_url=base_url,
        api_key="k",
        app_key="a",
        transport=emulator.wrap(httpx.AsyncHTTPTransport()),
        **kwargs,  # type: ignore[arg-type]
    )


async def test_triage_flow_over_a_socket(emulator: Emulator, served: str) -> None:
    async with _client(emulator, served) as dd:
        await dd.projects.create(key="SEC", name="Security")
        created = await asyncio.gather(
            *(
                dd.cases.create(project="SEC", title=f"c{n}", priority="P1" if n < 7 else "P4")
                for n in range(30)
            )
        )
        assert sorted(int(c.attributes.key.split("-")[1]) for c in created) == list(range(1, 31))
        urgent = [c async for c in dd.cases.search("status:open priority:p1", page_size=3)]
        assert len(urgent) == 7
        for case in urgent[:3]:
            await dd.cases.assign(case.id, USER)
            await dd.cases.update_status(case.attributes.key, "CLOSED")
            await dd.cases.archive(case.attributes.key)
        assert len([c async for c in dd.cases.search("archived:true")]) == 3
        assert len([c async for c in dd.cases.search("status:open")]) == 27
        await dd.projects.delete("SEC")
        with pytest.raises(NotFoundError):
            await dd.cases.get(urgent[5].id)
    assert emulator.requests["CreateCase"] == 30


async def test_bad_credentials_over_a_socket(emulator: Emulator, served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as http:
        response = await http.get("/api/v2/cases/projects")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/vnd.api+json"
    from ddcases.emulator import create_app

    strict = Emulator(create_app(key_pairs=[("good", "pair")]))
    with strict.serve() as url:
        async with _client(strict, url) as dd:
            with pytest.raises(PermissionDeniedError):
                await dd.projects.create(key="SEC", name="x")


async def test_drop_closes_the_real_connection(emulator: Emulator, served: str) -> None:
    emulator.faults.drop_next(1)
    async with httpx.AsyncClient(base_url=served, headers=AUTH) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get("/api/v2/cases/projects")
        assert (await http.get("/api/v2/cases/projects")).status_code == 200
    async with _client(emulator, served, max_retries=2) as dd:
        emulator.faults.drop_next(1)
        with pytest.raises(CreateOutcomeUnknownError):
            await dd.projects.create(key="SEC", name="x")
        assert emulator.requests["CreateProject"] == 1  # a create is never re-sent blindly
        emulator.faults.drop_next(3)
        with pytest.raises(ApiConnectionError):
            await dd.cases.get("SEC-1")
        assert emulator.requests["GetCase"] == 3
        emulator.faults.drop_next(2)
        with pytest.raises(NotFoundError):
            await dd.cases.get("SEC-1")  # two drops retried, the third try gets its 404


async def test_rate_limit_headers_over_a_socket(emulator: Emulator, served: str) -> None:
    emulator.faults.rate_limit(2, period=60)
    async with httpx.AsyncClient(base_url=served, headers=AUTH) as http:
        answers = [await http.get("/api/v2/cases/projects") for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert [r.headers["X-RateLimit-Remaining"] for r in answers] == ["1", "0", "0"]
    assert int(answers[2].headers["X-RateLimit-Reset"]) <= 60


async def test_retry_after_an_injected_503_over_a_socket(emulator: Emulator, served: str) -> None:
    emulator.faults.fail_next(1, status=503, operation="GetCase")
    async with _client(emulator, served) as dd:
        await dd.projects.create(key="SEC", name="Security")
        await dd.cases.create(project="SEC", title="t")
        assert (await dd.cases.get("SEC-1")).attributes.key == "SEC-1"
    assert emulator.requests["GetCase"] == 2


async def test_an_encoded_slash_stays_inside_the_id_over_a_socket(
    emulator: Emulator, served: str
) -> None:
    async with httpx.AsyncClient(base_url=served, headers=AUTH) as http:
        created = await http.post(
            "/api/v2/cases/projects",
            json={"data": {"type": "project", "attributes": {"key": "SEC", "name": "Security"}}},
        )
        response = await http.get(f"/api/v2/cases/projects%2F{created.json()['data']['id']}")
    assert response.status_code == 404
    assert response.json()["errors"][0]["title"] == "case not found"
    assert emulator.requests["GetCase"] == 1


def test_python_dash_m_prints_the_url_and_serves() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "ddcases.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stderr is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            # ... and says how to point ddcases at it (the docs' code runs as written then).
            assert f"export DDCASES_BASE_URL={url}" in process.stderr.readline()
            response = httpx.get(f"{url}/api/v2/cases/projects", headers=AUTH)
            assert response.status_code == 200
            assert response.json()["data"] == []
        finally:
            process.terminate()
            process.wait(10)
