"""RetryTransport at the HTTP level: MockTransport in front, a fake clock, no real waiting."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ddcases._exceptions import CreateOutcomeUnknownError
from ddcases._transport import (
    RetryTransport,
    created_by,
    is_create,
    provably_unsent,
    retry_after_seconds,
)

BASE = "https://api.datadoghq.com"
WALL = 1_700_000_000.0

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """Monotonic clock that advances only when the transport sleeps."""

    def __init__(self) -> None:
        self.now = 500.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay
        await asyncio.sleep(0)


class Recorder:
    """Plays a script of responses/exceptions and counts what it received."""

    def __init__(self, *script: httpx.Response | Exception | int) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []
        self.closed = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, int):
            return httpx.Response(step, json={"errors": ["x"]} if step >= 400 else {"data": []})
        return step


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def client_for(
    handler: Handler, fake: FakeTime, **kwargs: Any
) -> tuple[httpx.AsyncClient, RetryTransport]:
    transport = RetryTransport(
        httpx.MockTransport(handler),
        sleep=fake.sleep,
        clock=fake.clock,
        wall_clock=lambda: WALL,
        random=lambda: 0.0,
        **kwargs,
    )
    return httpx.AsyncClient(base_url=BASE, transport=transport), transport


def r429(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers, json={"errors": ["Too many requests"]})


# ---------------------------------------------------------------- 429 waits


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Reset": "7"}, 7.0),
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": email.utils.formatdate(WALL + 12, usegmt=True)}, 12.0),
        ({"Retry-After": "2", "X-RateLimit-Reset": "4"}, 4.0),
    ],
)
async def test_429_waits_what_the_service_says(
    fake: FakeTime, headers: dict[str, str], expected: float
) -> None:
    rec = Recorder(r429(**headers), 200)
    client, _ = client_for(rec, fake)
    async with client:
        response = await client.get("/api/v2/cases/SEC-1")
    assert response.status_code == 200
    assert fake.sleeps == [pytest.approx(expected)]
    assert len(rec.requests) == 2


async def test_429_past_the_cap_returns_at_once(fake: FakeTime) -> None:
    rec = Recorder(r429(**{"X-RateLimit-Reset": "120"}), 200)
    client, _ = client_for(rec, fake, max_rate_limit_wait=60)
    async with client:
        response = await client.get("/api/v2/cases/SEC-1")
    assert response.status_code == 429
    assert fake.sleeps == []
    assert len(rec.requests) == 1


async def test_429_without_hint_uses_backoff(fake: FakeTime) -> None:
    rec = Recorder(r429(), 200)
    client, _ = client_for(rec, fake)
    async with client:
        assert (await client.get("/x")).status_code == 200
    assert fake.sleeps == [0.5]


# ---------------------------------------------------------------- 5xx and backoff


async def test_5xx_retried_with_growing_backoff(fake: FakeTime) -> None:
    rec = Recorder(500, 502, 503, 504, 200)
    client, _ = client_for(rec, fake, max_retries=4)
    async with client:
        response = await client.get("/api/v2/cases")
    assert response.status_code == 200
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0]


async def test_backoff_is_capped_and_jittered(fake: FakeTime) -> None:
    transport = RetryTransport(
        httpx.MockTransport(Recorder(503)),
        max_retries=6,
        sleep=fake.sleep,
        clock=fake.clock,
        random=lambda: 1.0,  # the most jitter: 25 % off
    )
    async with httpx.AsyncClient(base_url=BASE, transport=transport) as client:
        assert (await client.get("/x")).status_code == 503
    assert fake.sleeps == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 501, 520])
async def test_other_statuses_are_not_retried(fake: FakeTime, status: int) -> None:
    rec = Recorder(status, 200)
    client, _ = client_for(rec, fake)
    async with client:
        assert (await client.get("/x")).status_code == status
    assert len(rec.requests) == 1
    assert fake.sleeps == []


async def test_retries_exhausted_returns_last_response(fake: FakeTime) -> None:
    rec = Recorder(503, 503, httpx.Response(503, json={"errors": ["last"]}))
    client, _ = client_for(rec, fake, max_retries=2)
    async with client:
        response = await client.get("/x")
    assert response.status_code == 503
    assert response.json() == {"errors": ["last"]}
    assert len(rec.requests) == 3


async def test_retry_after_on_503_is_honoured(fake: FakeTime) -> None:
    rec = Recorder(httpx.Response(503, headers={"Retry-After": "5"}), 200)
    client, _ = client_for(rec, fake)
    async with client:
        assert (await client.get("/x")).status_code == 200
    assert fake.sleeps == [5.0]


async def test_zero_retries_sends_once(fake: FakeTime) -> None:
    rec = Recorder(503, 200)
    client, _ = client_for(rec, fake, max_retries=0)
    async with client:
        assert (await client.get("/x")).status_code == 503
    assert len(rec.requests) == 1


def test_negative_max_retries_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryTransport(httpx.MockTransport(Recorder(200)), max_retries=-1)


# ---------------------------------------------------------------- transport errors


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
    ],
)
async def test_transport_errors_retried_for_idempotent_calls(
    fake: FakeTime, exc: Exception
) -> None:
    rec = Recorder(exc, 200)
    client, _ = client_for(rec, fake)
    async with client:
        assert (await client.get("/api/v2/cases/SEC-1")).status_code == 200
    assert len(rec.requests) == 2
    assert fake.sleeps == [0.5]


async def test_transport_errors_exhausted_reraise(fake: FakeTime) -> None:
    rec = Recorder(httpx.ReadTimeout("slow"))
    client, _ = client_for(rec, fake, max_retries=2)
    async with client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/x")
    assert len(rec.requests) == 3


async def test_unsupported_protocol_not_retried(fake: FakeTime) -> None:
    rec = Recorder(httpx.UnsupportedProtocol("ftp"))
    client, _ = client_for(rec, fake)
    async with client:
        with pytest.raises(httpx.UnsupportedProtocol):
            await client.get("/x")
    assert len(rec.requests) == 1


class BrokenStream(httpx.AsyncByteStream):
    async def __aiter__(self) -> Any:
        yield b'{"data": ['
        raise httpx.ReadError("connection reset mid-body")


async def test_body_cut_short_is_retried_for_get(fake: FakeTime) -> None:
    rec = Recorder(httpx.Response(200, stream=BrokenStream()), httpx.Response(200, json={"ok": 1}))
    client, _ = client_for(rec, fake)
    async with client:
        response = await client.get("/x")
    assert response.json() == {"ok": 1}
    assert len(rec.requests) == 2


# ---------------------------------------------------------------- creates


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/cases",
        "/api/v2/cases/projects",
        "/api/v2/cases/",
        "https://proxy.example/datadog/api/v2/cases/projects",
    ],
)
def test_is_create(url: str) -> None:
    assert is_create(httpx.Request("POST", httpx.URL(BASE).join(url)))
    assert not is_create(httpx.Request("GET", httpx.URL(BASE).join(url)))


def test_what_a_request_creates_by_operation_or_path() -> None:
    def req(method: str, path: str, operation: str | None = None) -> httpx.Request:
        extensions = {} if operation is None else {"openapi.operation": operation}
        return httpx.Request(method, BASE + path, extensions=extensions)

    assert created_by(req("POST", "/api/v2/cases", "create_case")) == "case"
    assert created_by(req("POST", "/api/v2/cases/projects", "create_project")) == "project"
    assert created_by(req("POST", "/api/v2/cases/SEC-1/comment", "comment_case")) == "comment"
    assert created_by(req("POST", "/api/v2/cases/SEC-1/comment")) == "comment"  # by path
    assert created_by(req("POST", "/api/v2/cases/SEC-1/title", "update_case_title")) is None
    assert created_by(req("DELETE", "/api/v2/cases/SEC-1/comment/c1")) is None


def test_the_non_idempotent_operations_are_the_specs() -> None:
    """CREATES names exactly the operations openapi.yaml marks x-ddcases-creates."""
    import re
    from pathlib import Path

    import yaml

    from ddcases._constants import CREATES

    spec = yaml.safe_load((Path(__file__).parents[1] / "openapi.yaml").read_text(encoding="utf-8"))
    marked = {
        re.sub(r"(?<!^)(?=[A-Z])", "_", op["operationId"]).lower(): op["x-ddcases-creates"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-ddcases-creates" in op
    }
    assert marked == CREATES


@pytest.mark.parametrize("path", ["/api/v2/cases/SEC-1/status", "/api/v2/cases/SEC-1/archive"])
def test_other_posts_are_not_creates(path: str) -> None:
    assert not is_create(httpx.Request("POST", BASE + path))


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v2/cases", "/api/v2/cases/projects"])
async def test_create_not_resent_after_it_may_have_arrived(
    fake: FakeTime, exc: Exception, path: str
) -> None:
    rec = Recorder(exc, 201)
    client, _ = client_for(rec, fake)
    async with client:
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await client.post(path, json={"data": {}})
    assert len(rec.requests) == 1
    assert fake.sleeps == []
    assert info.value.__cause__ is exc
    assert "may or may not have created" in str(info.value)
    assert "check with search/list before retrying" in str(info.value)
    assert ("project" if path.endswith("projects") else "case") in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520])
async def test_create_not_resent_after_5xx(fake: FakeTime, status: int) -> None:
    rec = Recorder(httpx.Response(status, json={"errors": [{"title": "boom"}]}), 201)
    client, _ = client_for(rec, fake)
    async with client:
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await client.post("/api/v2/cases", json={})
    assert len(rec.requests) == 1
    assert info.value.status_code == status
    assert f"POST /api/v2/cases failed with {status} (boom)" in str(info.value)


async def test_create_body_cut_short_is_outcome_unknown(fake: FakeTime) -> None:
    rec = Recorder(httpx.Response(201, stream=BrokenStream()), 201)
    client, _ = client_for(rec, fake)
    async with client:
        with pytest.raises(CreateOutcomeUnknownError):
            await client.post("/api/v2/cases", json={})
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    "first",
    [
        r429(**{"X-RateLimit-Reset": "2"}),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.PoolTimeout("busy"),
    ],
)
async def test_create_retried_when_provably_unsent(
    fake: FakeTime, first: httpx.Response | Exception
) -> None:
    rec = Recorder(first, httpx.Response(201, json={"data": {"id": "1"}}))
    client, _ = client_for(rec, fake)
    async with client:
        response = await client.post("/api/v2/cases", json={"data": {"title": "t"}})
    assert response.status_code == 201
    assert len(rec.requests) == 2
    assert rec.requests[1].content == rec.requests[0].content  # same body re-sent


async def test_non_create_post_retried_after_500(fake: FakeTime) -> None:
    rec = Recorder(500, 200)
    client, _ = client_for(rec, fake)
    async with client:
        assert (await client.post("/api/v2/cases/SEC-1/status", json={})).status_code == 200
    assert len(rec.requests) == 2


def test_provably_unsent_means_a_connect_phase_error() -> None:
    unsent = (httpx.ConnectError("refused"), httpx.ConnectTimeout("x"), httpx.PoolTimeout("x"))
    for error in unsent:
        assert provably_unsent(error)
    for maybe_sent in (httpx.ReadTimeout("slow"), httpx.ReadError("reset")):
        assert not provably_unsent(maybe_sent)
    assert not provably_unsent(httpx.RemoteProtocolError("disconnected"))


# ---------------------------------------------------------------- pacing


async def test_remaining_zero_paces_the_next_request_from_another_task(fake: FakeTime) -> None:
    spent = httpx.Response(200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"})
    rec = Recorder(spent, 200)
    client, _ = client_for(rec, fake)
    async with client:
        await client.get("/api/v2/cases/SEC-1")
        assert fake.sleeps == []
        sent_at: list[float] = []
        rec.script = [httpx.Response(200)]
        original = rec.__call__

        def stamp(request: httpx.Request) -> httpx.Response:
            sent_at.append(fake.now)
            return original(request)

        client._transport.inner = httpx.MockTransport(stamp)  # type: ignore[attr-defined]
        await asyncio.create_task(client.get("/api/v2/cases/SEC-2"))
    assert fake.sleeps == [5.0]
    assert sent_at == [505.0]


async def test_pacing_shares_the_budget_between_tasks(fake: FakeTime) -> None:
    window = {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "10"}
    rec = Recorder(httpx.Response(200, headers=window), httpx.Response(200))
    client, _ = client_for(rec, fake)
    async with client:
        await client.get("/first")
        await asyncio.gather(*(client.get(f"/n/{i}") for i in range(4)))
    # two fit in the window, the third waits for the reset, the fourth goes in the new window
    assert fake.sleeps == [10.0]
    assert len(rec.requests) == 5


async def test_pacing_past_the_cap_does_not_wait(fake: FakeTime) -> None:
    spent = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3600"}
    rec = Recorder(httpx.Response(200, headers=spent), r429(**{"X-RateLimit-Reset": "3599"}))
    client, _ = client_for(rec, fake, max_rate_limit_wait=60)
    async with client:
        await client.get("/a")
        response = await client.get("/b")
    assert response.status_code == 429
    assert fake.sleeps == []


async def test_a_429_paces_other_tasks(fake: FakeTime) -> None:
    rec = Recorder(r429(**{"X-RateLimit-Reset": "4"}), 200)
    client, _ = client_for(rec, fake, max_retries=0)
    async with client:
        assert (await client.get("/a")).status_code == 429
        assert (await client.get("/b")).status_code == 200
    assert fake.sleeps == [4.0]


# ---------------------------------------------------------------- cancellation and close


async def test_cancel_during_retry_sleep_propagates_and_closes(fake: FakeTime) -> None:
    asleep = asyncio.Event()
    closed: list[bool] = []

    class Tracked(httpx.AsyncByteStream):
        async def __aiter__(self) -> Any:
            yield b"{}"

        async def aclose(self) -> None:
            closed.append(True)

    async def forever(delay: float) -> None:
        asleep.set()
        await asyncio.Event().wait()

    inner = httpx.MockTransport(lambda r: httpx.Response(503, stream=Tracked()))
    transport = RetryTransport(inner, sleep=forever)
    async with httpx.AsyncClient(base_url=BASE, transport=transport) as client:
        task = asyncio.create_task(client.get("/x"))
        await asyncio.wait_for(asleep.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert closed == [True]  # the 503 was closed before sleeping


async def test_aclose_closes_inner() -> None:
    class Inner(httpx.AsyncBaseTransport):
        closed = False

        async def aclose(self) -> None:
            self.closed = True

    inner = Inner()
    await RetryTransport(inner).aclose()
    assert inner.closed


# ---------------------------------------------------------------- header parsing and logging


def test_retry_after_seconds_parsing() -> None:
    assert retry_after_seconds(httpx.Headers({})) is None
    assert retry_after_seconds(httpx.Headers({"Retry-After": "garbage"})) is None
    assert retry_after_seconds(httpx.Headers({"Retry-After": "-3"})) == 0.0
    past = email.utils.formatdate(WALL - 30, usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": past}), WALL) == 0.0


async def test_retries_are_logged_without_headers(
    fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(503, 200)
    client, _ = client_for(rec, fake)
    caplog.set_level(logging.DEBUG)
    async with client:
        await client.get("/api/v2/cases/SEC-9", headers={"DD-API-KEY": "k-secret-123"})
    retry = [r for r in caplog.records if r.name == "ddcases"]
    assert retry
    assert (
        retry[0].getMessage()
        == "retrying GET /api/v2/cases/SEC-9 after 503 (retry 1 of 2) in 0.50s"
    )
    assert "k-secret-123" not in caplog.text


def test_repr_names_inner_only() -> None:
    transport = RetryTransport(httpx.MockTransport(Recorder(200)), max_retries=3)
    assert repr(transport).startswith("RetryTransport(<httpx.MockTransport")
