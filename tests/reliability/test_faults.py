"""Faults over real loopback sockets, through the real facade and its default (aiohttp) transport.

Issue 5 §1: each fault ends in success after a retry within the budget, or in the right typed
error with a useful message; nothing hangs past its timeout; every create the server received is
counted and no case or project exists twice. The emulator's own knobs (served by uvicorn) cover
429s, 5xx and dropped connections; ``_fault_server.FaultServer`` covers the rest.
"""

from __future__ import annotations

import asyncio
import collections
import time
import traceback
from collections.abc import Callable

import httpx
import pytest

from ddcases import (
    ApiConnectionError,
    ApiTimeoutError,
    CreateOutcomeUnknownError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from ddcases.testing import Emulator

from ._fault_server import (
    Close,
    FaultServer,
    Hang,
    Reply,
    Reset,
    Truncated,
    closed_port,
    within,
)
from ._helpers import (
    CASES,
    PROJECTS,
    client,
    no_traceback_noise,
    record_sleeps,
    seed,
    takes_at_most,
)

# ---------------------------------------------------------------- 429 (emulator knobs)


@within(10)
async def test_429_with_x_ratelimit_reset_waits_then_succeeds(
    served: tuple[Emulator, str],
) -> None:
    emulator, url = served
    async with client(url) as dd:
        key = await seed(dd)
        emulator.faults.fail_next(1, status=429, headers={"X-RateLimit-Reset": "0.05"})
        start = time.monotonic()
        case = await dd.cases.get(key)
        assert time.monotonic() - start >= 0.05
    assert case.attributes.key == key
    assert emulator.requests["GetCase"] == 2


@within(10)
async def test_429_on_create_is_retried_and_creates_once(served: tuple[Emulator, str]) -> None:
    emulator, url = served
    async with client(url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        emulator.faults.fail_next(
            1, status=429, operation="CreateCase", headers={"X-RateLimit-Reset": "0.05"}
        )
        case = await dd.cases.create(project="SEC", title="rate limited once")
    assert case.attributes.key == "SEC-1"
    assert emulator.requests["CreateCase"] == 2
    assert [c.title for c in emulator.store.cases()] == ["rate limited once"]


@within(10)
async def test_429_past_the_cap_raises_at_once_with_retry_after(
    served: tuple[Emulator, str],
) -> None:
    emulator, url = served
    async with client(url, max_rate_limit_wait=1.0) as dd:
        key = await seed(dd)
        emulator.faults.fail_next(1, status=429, headers={"X-RateLimit-Reset": "30"})
        with record_sleeps() as sleeps, takes_at_most(0.5), pytest.raises(RateLimitError) as info:
            await dd.cases.get(key)
    err = info.value
    assert err.status_code == 429
    assert err.retry_after == 30
    assert err.reset == 30
    assert err.limit == 100
    assert f"GET {CASES}/{key} -> 429" in str(err)
    assert sleeps == []
    assert emulator.requests["GetCase"] == 1
    no_traceback_noise(err)


@within(10)
async def test_429_with_retry_after_waits_then_succeeds(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(429, b'{"errors": ["slow down"]}', headers=(("Retry-After", "0.05"),)))
        with record_sleeps() as sleeps:
            case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert sleeps == [0.05]
    assert faulty.count("GET", f"{CASES}/{key}") == 2


# ---------------------------------------------------------------- 5xx (emulator knobs)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@within(10)
async def test_5xx_is_retried_then_succeeds(served: tuple[Emulator, str], status: int) -> None:
    emulator, url = served
    async with client(url) as dd:
        key = await seed(dd)
        emulator.faults.fail_next(2, status=status, operation="GetCase")
        with record_sleeps() as sleeps:
            case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert len(sleeps) == 2
    assert emulator.requests["GetCase"] == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@within(10)
async def test_5xx_past_the_budget_is_server_error(
    served: tuple[Emulator, str], status: int
) -> None:
    emulator, url = served
    async with client(url, max_retries=2) as dd:
        key = await seed(dd)
        emulator.faults.fail_next(3, status=status, operation="GetCase")
        with pytest.raises(ServerError) as info:
            await dd.cases.get(key)
    err = info.value
    assert err.status_code == status
    assert str(err).startswith(f"GET {CASES}/{key} -> {status}")
    assert "injected fault" in str(err)
    assert emulator.requests["GetCase"] == 3
    no_traceback_noise(err)


@within(10)
async def test_5xx_on_create_is_outcome_unknown_and_not_resent(
    served: tuple[Emulator, str],
) -> None:
    emulator, url = served
    async with client(url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        emulator.faults.fail_next(1, status=503, operation="CreateCase")
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="maybe")
        emulator.faults.fail_next(1, status=500, operation="CreateProject")
        with pytest.raises(CreateOutcomeUnknownError) as project_info:
            await dd.projects.create(key="OPS", name="Ops")
    assert info.value.status_code == 503
    assert "may or may not have created the case" in str(info.value)
    assert "injected fault" in str(info.value)
    assert "may or may not have created the project" in str(project_info.value)
    assert emulator.requests["CreateCase"] == 1
    assert emulator.requests["CreateProject"] == 2
    assert list(emulator.store.cases()) == []


@within(10)
async def test_dropped_connection_retries_a_get_but_not_a_create(
    served: tuple[Emulator, str],
) -> None:
    emulator, url = served
    async with client(url) as dd:
        key = await seed(dd)
        emulator.faults.drop_next(1, operation="GetCase")
        assert (await dd.cases.get(key)).attributes.key == key
        emulator.faults.drop_next(1, operation="CreateCase")
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="dropped")
    assert emulator.requests["GetCase"] == 2
    assert emulator.requests["CreateCase"] == 2  # the seed, then the dropped one, never resent
    assert "not retried to avoid a duplicate" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.TransportError)


# ---------------------------------------------------------------- connection refused / reset


@within(10)
async def test_connection_refused_is_api_connection_error_after_retries() -> None:
    port = closed_port()
    async with client(f"http://127.0.0.1:{port}", max_retries=2) as dd:
        with record_sleeps() as sleeps, pytest.raises(ApiConnectionError) as info:
            await dd.cases.get("SEC-1")
        # A refused connect provably sent nothing: even a create is retried, then reported as
        # a connection error, not as an unknown outcome.
        with record_sleeps() as create_sleeps, pytest.raises(ApiConnectionError) as create_info:
            await dd.projects.create(key="SEC", name="Security")
    assert not isinstance(info.value, ApiTimeoutError)
    assert len(sleeps) == 2
    assert len(create_sleeps) == 2
    message = str(info.value)
    assert message.startswith(f"GET {CASES}/SEC-1: ConnectError")
    assert f"127.0.0.1:{port}" in message
    assert str(create_info.value).startswith(f"POST {PROJECTS}: ConnectError")
    no_traceback_noise(info.value)


@within(10)
async def test_create_refused_then_accepted_is_retried_and_lands_once() -> None:
    """Connection refused is provably unsent: the create is re-sent once the server is up."""
    port = closed_port()
    server = FaultServer(port=port)
    starting: list[asyncio.Task[FaultServer]] = []

    def come_up() -> None:
        if not starting:
            starting.append(asyncio.ensure_future(server.__aenter__()))

    try:
        # The server comes up during the first retry's wait, 0.15 to 0.2 s: ample for a bind.
        url = f"http://127.0.0.1:{port}"
        async with client(url, initial_retry_delay=0.2, max_retry_delay=0.2) as dd:
            with record_sleeps(on_retry=come_up) as sleeps:
                project = await dd.projects.create(key="SEC", name="Security")
        assert project.attributes.key == "SEC"
        assert len(sleeps) == 1
        assert server.count("POST", PROJECTS) == 1
        assert [p.key for p in server.app.state.store.projects()] == ["SEC"]
    finally:
        if starting:
            await starting[0]
            await server.aclose()


@within(10)
async def test_idle_connection_reset_before_a_create_is_sent_costs_nothing(
    faulty: FaultServer,
) -> None:
    """The server resets a kept-alive connection between requests; the create that follows
    goes out on a fresh connection and lands exactly once."""
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        before = faulty.connections
        faulty.reset_idle()
        await asyncio.sleep(0.05)  # let the client see the reset of its idle connection
        case = await dd.cases.create(project="SEC", title="after idle reset")
    assert case.attributes.key == "SEC-1"
    assert faulty.count("POST", CASES) == 1
    assert faulty.connections == before + 1


@within(10)
async def test_reset_before_reading_retries_a_get(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.reset_idle()
        await asyncio.sleep(0.05)
        before = faulty.connections
        faulty.plan(Reset(after_read=False), Reset(after_read=False))
        case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert faulty.count("GET", f"{CASES}/{key}") == 1  # the two resets read nothing
    assert faulty.connections == before + 3


@within(10)
async def test_reset_before_reading_a_create_is_outcome_unknown(faulty: FaultServer) -> None:
    """On a fresh connection the client cannot tell "reset before reading" from "reset after
    handling", so the create is reported as unknown rather than risked twice."""
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        faulty.reset_idle()
        await asyncio.sleep(0.05)
        faulty.plan(Reset(after_read=False))
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="reset unread")
    assert "not retried to avoid a duplicate" in str(info.value)
    assert faulty.count("POST", CASES) == 0
    assert list(faulty.app.state.store.cases()) == []


@within(10)
async def test_reset_after_the_create_arrived_is_outcome_unknown_and_not_resent(
    faulty: FaultServer,
) -> None:
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        faulty.plan(Reset(after_read=True, forward=True), method="POST", path=CASES)
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="created, answer lost")
        faulty.plan(Reset(after_read=True, forward=True), method="POST", path=PROJECTS)
        with pytest.raises(CreateOutcomeUnknownError):
            await dd.projects.create(key="OPS", name="Ops")
    err = info.value
    assert err.status_code is None
    assert f"POST {CASES} failed" in str(err)
    assert "check with search/list before retrying" in str(err)
    no_traceback_noise(err)
    # The service did create it: that is exactly why the client must not send it again.
    assert faulty.count("POST", CASES) == 1
    assert faulty.count("POST", PROJECTS) == 2
    assert [c.title for c in faulty.app.state.store.cases()] == ["created, answer lost"]
    assert sorted(p.key for p in faulty.app.state.store.projects()) == ["OPS", "SEC"]


@within(10)
async def test_reset_after_reading_an_idempotent_call_is_retried(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reset(after_read=True, forward=True), method="POST")
        case = await dd.cases.update_status(key, "CLOSED")
        faulty.plan(Reset(after_read=True), Reset(after_read=True), method="GET")
        again = await dd.cases.get(key)
    assert case.attributes.status == "CLOSED"
    assert again.attributes.status == "CLOSED"
    assert faulty.count("POST", f"{CASES}/{key}/status") == 2
    assert faulty.count("GET", f"{CASES}/{key}") == 3


@within(10)
async def test_close_without_answer_is_retried_for_an_update(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Close(), method="POST", path=f"{CASES}/{key}/priority")
        case = await dd.cases.update_priority(key, "P1")
    assert case.attributes.priority == "P1"
    assert faulty.count("POST", f"{CASES}/{key}/priority") == 2


@within(10)
async def test_connection_errors_past_the_budget_are_api_connection_error(
    faulty: FaultServer,
) -> None:
    async with client(faulty.url, max_retries=1) as dd:
        key = await seed(dd)
        faulty.plan(*[Close()] * 4, method="POST")
        with pytest.raises(ApiConnectionError) as info:
            await dd.cases.archive(key)
    assert str(info.value).startswith(f"POST {CASES}/{key}/archive: ")
    assert faulty.count("POST", f"{CASES}/{key}/archive") == 2
    no_traceback_noise(info.value)


# ---------------------------------------------------------------- read timeout


@within(10)
async def test_read_timeout_on_get_is_api_timeout_error(faulty: FaultServer) -> None:
    async with client(faulty.url, timeout=0.2, max_retries=1) as dd:
        key = await seed(dd)
        faulty.plan(Hang(), Hang(), method="GET")
        with takes_at_most(1.5), pytest.raises(ApiTimeoutError) as info:
            await dd.cases.get(key)
    assert str(info.value).startswith(f"GET {CASES}/{key}: ReadTimeout")
    assert faulty.count("GET", f"{CASES}/{key}") == 2
    no_traceback_noise(info.value)


@within(10)
async def test_read_timeout_on_create_is_outcome_unknown(faulty: FaultServer) -> None:
    async with client(faulty.url, timeout=0.2) as dd:
        await dd.projects.create(key="SEC", name="Security")
        faulty.plan(Hang(), method="POST", path=CASES)
        with takes_at_most(1.0), pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="hung")
    assert "ReadTimeout" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert faulty.count("POST", CASES) == 1


# ---------------------------------------------------------------- bodies that are not JSON:API


HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center>"
    b"</body></html>\n" + b"<!-- padding -->" * 40
)


@within(10)
async def test_truncated_body_is_retried_for_a_get(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Truncated(), method="GET")
        case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert faulty.count("GET", f"{CASES}/{key}") == 2


@within(10)
async def test_truncated_body_on_create_is_outcome_unknown(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        faulty.plan(Truncated(status=201), method="POST", path=CASES)
        with pytest.raises(CreateOutcomeUnknownError):
            await dd.cases.create(project="SEC", title="cut short")
    assert faulty.count("POST", CASES) == 1


@within(10)
async def test_complete_but_truncated_json_is_unexpected_response(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(200, b'{"data": {"id": "abc", "type": "ca'), method="GET")
        with pytest.raises(UnexpectedResponseError) as info:
            await dd.cases.get(key)
    err = info.value
    assert err.status_code == 200
    assert str(err).startswith(f"GET {CASES}/{key} -> 200 OK (body does not match the spec")
    assert faulty.count("GET", f"{CASES}/{key}") == 1


@within(10)
async def test_html_502_from_a_proxy_is_retried_then_succeeds(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(502, HTML_502, content_type="text/html"), method="GET")
        case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert faulty.count("GET", f"{CASES}/{key}") == 2


@within(10)
async def test_html_502_past_the_budget_is_server_error_with_a_snippet(
    faulty: FaultServer,
) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(*[Reply(502, HTML_502, content_type="text/html")] * 3, method="GET")
        with pytest.raises(ServerError) as info:
            await dd.cases.get(key)
    err = info.value
    message = str(err)
    assert err.status_code == 502
    assert message.startswith(f"GET {CASES}/{key} -> 502 Bad Gateway")
    assert "502 Bad Gateway" in err.errors[0].title  # the page, as a one-line snippet
    assert "nginx/1.25.3" in message
    assert len(message) < 400  # a snippet, not the whole page
    no_traceback_noise(err)
    # Only ddcases' own error and the chain it chose: no JSONDecodeError in what users see.
    shown = "".join(traceback.format_exception_only(err))
    assert "JSONDecodeError" not in shown


@within(10)
async def test_200_with_empty_body_is_unexpected_response(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(200, b""), method="GET")
        with pytest.raises(UnexpectedResponseError) as info:
            await dd.cases.get(key)
    assert info.value.status_code == 200
    assert str(info.value).startswith(f"GET {CASES}/{key} -> 200 OK (body does not match")
    assert faulty.count("GET", f"{CASES}/{key}") == 1


@within(10)
async def test_200_with_html_content_type_is_unexpected_response(faulty: FaultServer) -> None:
    page = b"<html><body>Please sign in to continue</body></html>"
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(200, page, content_type="text/html"), method="GET")
        with pytest.raises(UnexpectedResponseError) as info:
            await dd.cases.get(key)
        faulty.plan(Reply(200, page, content_type="text/html"), method="GET", path=CASES)
        with pytest.raises(UnexpectedResponseError):
            async for _ in dd.cases.search("status:open"):
                pass
    assert info.value.status_code == 200
    assert "200 OK" in str(info.value)
    no_traceback_noise(info.value)


@within(10)
async def test_520_is_server_error_and_not_retried(faulty: FaultServer) -> None:
    body = b"error code: 520"
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(520, body, content_type="text/plain"), method="GET")
        with pytest.raises(ServerError) as info:
            await dd.cases.get(key)
    assert info.value.status_code == 520
    assert f"GET {CASES}/{key} -> 520" in str(info.value)
    assert "error code: 520" in str(info.value)
    assert faulty.count("GET", f"{CASES}/{key}") == 1


# ---------------------------------------------------------------- the run as a whole


@within(15)
async def test_mixed_faults_on_creates_leave_no_duplicates(served: tuple[Emulator, str]) -> None:
    """Many creates through every create fault at once: the emulator counts each one it
    received, and what exists is exactly the successes plus the unknown outcomes it handled."""
    emulator, url = served
    faults = emulator.faults
    outcomes: collections.Counter[str] = collections.Counter()
    async with client(url, max_rate_limit_wait=5.0) as dd:
        await dd.projects.create(key="SEC", name="Security")
        plans: list[tuple[str, Callable[[], None]]] = [
            ("ok", lambda: None),
            (
                "429",
                lambda: faults.fail_next(
                    1, status=429, operation="CreateCase", headers={"X-RateLimit-Reset": "0.02"}
                ),
            ),
            ("503", lambda: faults.fail_next(1, status=503, operation="CreateCase")),
            ("drop", lambda: faults.drop_next(1, operation="CreateCase")),
        ] * 3
        for n, (kind, arm) in enumerate(plans):
            arm()
            try:
                await dd.cases.create(project="SEC", title=f"case {n} ({kind})")
            except CreateOutcomeUnknownError:
                outcomes["unknown"] += 1
            else:
                outcomes["created"] += 1
    assert outcomes == {"created": 6, "unknown": 6}
    # ok: 1 request, 429: 2 (retried), 503 and drop: 1 each (never resent).
    assert emulator.requests["CreateCase"] == 3 * (1 + 2 + 1 + 1)
    titles = sorted(c.title for c in emulator.store.cases())
    assert titles == sorted(
        f"case {n} ({k})" for n, (k, _) in enumerate(plans) if k in {"ok", "429"}
    )
    assert sorted(c.key for c in emulator.store.cases()) == sorted(f"SEC-{i}" for i in range(1, 7))
    assert emulator.requests["CreateProject"] == 1


@within(10)
async def test_a_comment_is_never_posted_twice(faulty: FaultServer) -> None:
    """A comment is a create too (x-ddcases-creates): after a 503 or a reset once it arrived it
    is an unknown outcome, not retried; only a provably unsent one would be."""
    async with client(faulty.url) as dd:
        key = await seed(dd)
        path = f"{CASES}/{key}/comment"
        faulty.plan(Reply(503, b'{"errors": ["Service Unavailable"]}'), method="POST", path=path)
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.comment(key, "first")
        faulty.plan(Reset(after_read=True, forward=True), method="POST", path=path)
        with pytest.raises(CreateOutcomeUnknownError):
            await dd.cases.comment(key, "second")
        comment = await dd.cases.comment(key, "third")
    assert "may or may not have created the comment" in str(info.value)
    assert faulty.count("POST", path) == 3  # each sent once
    assert comment.attributes.cell_content.message == "third"
