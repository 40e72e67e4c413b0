"""Fault injection, rate limiting and request counts, in process (fake clock, no real waits)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ddcases.emulator._faults import ConnectionDropped
from ddcases.testing import Emulator


async def test_fail_next_answers_429_with_rate_limit_headers(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.fail_next(2, status=429, headers={"X-RateLimit-Reset": "3"})
    for _ in range(2):
        response = await http.get("/api/v2/cases/projects")
        assert response.status_code == 429
        assert response.headers["X-RateLimit-Remaining"] == "0"
        assert response.headers["X-RateLimit-Reset"] == "3"
        for name in ("Limit", "Period", "Name"):
            assert response.headers[f"X-RateLimit-{name}"]
        assert response.json()["errors"][0]["status"] == "429"
    assert (await http.get("/api/v2/cases/projects")).status_code == 200
    assert emulator.requests["GetProjects"] == 3


async def test_fail_next_for_one_operation(http: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.fail_next(1, status=503, operation="CreateProject")
    assert (await http.get("/api/v2/cases/projects")).status_code == 200
    body = {"data": {"type": "project", "attributes": {"key": "SEC", "name": "x"}}}
    assert (await http.post("/api/v2/cases/projects", json=body)).status_code == 503
    assert (await http.post("/api/v2/cases/projects", json=body)).status_code == 201
    assert emulator.requests == {"GetProjects": 1, "CreateProject": 2}


async def test_fail_fraction_is_seeded(emulator: Emulator) -> None:
    async def run() -> list[int]:
        fresh = Emulator()
        fresh.faults.fail_fraction(0.3, status=500, seed=42)
        async with httpx.AsyncClient(
            transport=fresh.transport(),
            base_url="http://e",
            headers={"DD-API-KEY": "a", "DD-APPLICATION-KEY": "b"},
        ) as http:
            return [(await http.get("/api/v2/cases/projects")).status_code for _ in range(100)]

    first, second = await run(), await run()
    assert first == second
    assert 15 < first.count(500) < 45
    assert set(first) == {200, 500}


async def test_slow_next_uses_the_injected_sleep(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    slept: list[float] = []

    async def fake_sleep(delay: float) -> None:
        slept.append(delay)

    emulator.faults._sleep = fake_sleep
    emulator.faults.slow_next(2, delay=1.5)
    for _ in range(3):
        assert (await http.get("/api/v2/cases/projects")).status_code == 200
    assert slept == [1.5, 1.5]


async def test_drop_next_in_process_is_a_transport_error(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.drop_next(1)
    with pytest.raises(httpx.RemoteProtocolError) as caught:
        await http.get("/api/v2/cases/projects")
    assert isinstance(caught.value, ConnectionDropped)
    assert isinstance(caught.value, httpx.TransportError)
    assert (await http.get("/api/v2/cases/projects")).status_code == 200
    assert emulator.requests["GetProjects"] == 2


async def test_rate_limit_for_real(http: httpx.AsyncClient, emulator: Emulator) -> None:
    now = [100.0]
    emulator.faults._clock = lambda: now[0]
    emulator.faults.rate_limit(3, period=10, name="cases_read")
    statuses, remaining, resets = [], [], []
    for step in range(5):
        now[0] = 100.0 + step
        response = await http.get("/api/v2/cases/projects")
        statuses.append(response.status_code)
        remaining.append(response.headers["X-RateLimit-Remaining"])
        resets.append(response.headers["X-RateLimit-Reset"])
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Period"] == "10"
        assert response.headers["X-RateLimit-Name"] == "cases_read"
    assert statuses == [200, 200, 200, 429, 429]
    assert remaining == ["2", "1", "0", "0", "0"]
    assert resets == ["10", "9", "8", "7", "6"]
    now[0] = 110.0  # the window has passed
    response = await http.get("/api/v2/cases/projects")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "2"
    emulator.faults.rate_limit(None)
    assert "X-RateLimit-Limit" not in (await http.get("/api/v2/cases/projects")).headers


def test_knob_arguments_are_checked(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        emulator.faults.fail_fraction(1.5)
    with pytest.raises(ValueError, match="limit"):
        emulator.faults.rate_limit(0)


async def test_reset_forgets_everything(http: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.fail_next(5)
    emulator.faults.rate_limit(1)
    await http.get("/api/v2/cases/projects")
    emulator.faults.reset()
    assert not emulator.requests
    assert (await http.get("/api/v2/cases/projects")).status_code == 200


async def test_unknown_paths_answer_json_api(http: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.checks.clear()  # not operations of the spec, so nothing to check them against
    response = await http.get("/api/v2/nothing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] == "404"
    response = await http.delete("/api/v2/cases")
    assert response.status_code == 405
    assert emulator.requests["unknown"] == 2


@pytest.mark.parametrize(
    "knob",
    [
        lambda f: f.fail_next(1, status=503, operation="UpdatePriorty"),
        lambda f: f.slow_next(1, delay=0.1, operation="UpdatePriorty"),
        lambda f: f.drop_next(1, operation="UpdatePriorty"),
        lambda f: f.fail_fraction(0.5, operation="UpdatePriorty"),
    ],
)
def test_an_operation_name_the_app_does_not_route_is_a_value_error(knob: Any) -> None:

    faults = Emulator().faults
    with pytest.raises(ValueError, match="unknown operation 'UpdatePriorty'") as info:
        knob(faults)
    assert "UpdatePriority" in str(info.value)  # the known names are listed
    assert "CommentCase" in str(info.value)
    faults.fail_next(1, status=503, operation="UpdatePriority")  # a real one is fine


async def test_clients_wired_to_the_emulator_retry_without_production_backoff() -> None:
    import time

    emulator = Emulator()
    async with emulator.client() as dd:
        await dd.projects.create(key="SEC", name="Security")
        emulator.faults.fail_next(2, status=503, operation="GetProjects")
        started = time.perf_counter()
        assert [p.attributes.key async for p in dd.projects.list()] == ["SEC"]
        elapsed = time.perf_counter() - started
    assert emulator.requests["GetProjects"] == 3
    assert elapsed < 0.3  # production backoff would wait 0.5 s + 1 s
