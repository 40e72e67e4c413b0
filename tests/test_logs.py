"""Log redaction: sensitive headers; live secrets scrubbed from ddcases/httpx/httpcore records."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import httpx
import pytest

from ddcases._auth import DatadogAuth
from ddcases._logs import (
    REDACTED_LOGGERS,
    RedactingFilter,
    redact_headers,
    redacting_filter,
    register_secrets,
    unregister_secrets,
)
from ddcases._transport import RetryTransport

API_KEY = "api-key-0123456789abcdef"
APP_KEY = "app-key-fedcba9876543210"
BASE = "https://api.datadoghq.com"


@pytest.fixture
def auth() -> Iterator[DatadogAuth]:
    auth = DatadogAuth(api_key=API_KEY, app_key=APP_KEY, base_url=BASE)
    register_secrets(auth)
    yield auth
    unregister_secrets(auth)


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in ("ddcases", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)
    return caplog


def test_redact_headers() -> None:
    headers = {
        "DD-API-KEY": API_KEY,
        "dd-application-key": APP_KEY,
        "Authorization": "Bearer t",
        "Cookie": "a=b",
        "Set-Cookie": "c=d",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers) == {
        "DD-API-KEY": "<redacted>",
        "dd-application-key": "<redacted>",
        "Authorization": "<redacted>",
        "Cookie": "<redacted>",
        "Set-Cookie": "<redacted>",
        "Content-Type": "application/json",
    }
    assert redact_headers([("dd-api-key", API_KEY), ("x", "y")]) == {
        "dd-api-key": "<redacted>",
        "x": "y",
    }


@pytest.mark.parametrize("name", ["ddcases", "httpx", "httpcore", "httpcore.http11"])
def test_secret_in_message_or_args_is_scrubbed(
    auth: DatadogAuth, debug_logs: pytest.LogCaptureFixture, name: str
) -> None:
    log = logging.getLogger(name)
    log.debug("headers: %s", {"DD-API-KEY": API_KEY})
    log.debug(f"inline {APP_KEY} here")
    assert API_KEY not in debug_logs.text
    assert APP_KEY not in debug_logs.text
    assert "inline <redacted> here" in debug_logs.text
    assert "{'DD-API-KEY': '<redacted>'}" in debug_logs.text


def test_secret_in_traceback_is_scrubbed(
    auth: DatadogAuth, debug_logs: pytest.LogCaptureFixture
) -> None:
    try:
        raise RuntimeError(f"key was {API_KEY}")
    except RuntimeError:
        logging.getLogger("ddcases").exception("failed")
    assert API_KEY not in debug_logs.text
    assert "key was <redacted>" in debug_logs.text


def test_unregistered_secrets_are_left_alone(debug_logs: pytest.LogCaptureFixture) -> None:
    auth = DatadogAuth(api_key="k-one", app_key="k-two", base_url=BASE)
    register_secrets(auth)
    unregister_secrets(auth)
    logging.getLogger("ddcases").debug("k-one")
    assert "k-one" in debug_logs.text


def test_holders_are_weak() -> None:
    log_filter = RedactingFilter()
    auth = DatadogAuth(api_key="k-one", app_key="k-two", base_url=BASE)
    log_filter.add(auth)
    assert log_filter.secrets() == ["k-one", "k-two"]
    del auth
    gc.collect()
    assert log_filter.secrets() == []


def test_filter_installed_on_every_listed_logger(auth: DatadogAuth) -> None:
    for name in REDACTED_LOGGERS:
        assert logging.getLogger(name).filters.count(redacting_filter) == 1
    register_secrets(auth)  # again: still installed once
    assert logging.getLogger("httpx").filters.count(redacting_filter) == 1


def test_broken_format_string_is_passed_through(auth: DatadogAuth) -> None:
    record = logging.LogRecord("ddcases", logging.DEBUG, __file__, 1, "%d", ("x",), None)
    assert redacting_filter.filter(record)


async def test_full_exchange_at_debug_logs_no_key(
    auth: DatadogAuth, debug_logs: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if handler.calls == 0:  # type: ignore[attr-defined]
            handler.calls += 1  # type: ignore[attr-defined]
            return httpx.Response(503)
        return httpx.Response(200, json={"data": []})

    handler.calls = 0  # type: ignore[attr-defined]

    async def sleep(_: float) -> None:
        return None

    transport = RetryTransport(httpx.MockTransport(handler), sleep=sleep)
    client = auth.attach(httpx.AsyncClient(base_url=BASE, transport=transport))
    async with client:
        await client.get("/api/v2/cases")
    assert any(r.name == "ddcases" for r in debug_logs.records)
    assert any(r.name == "httpx" for r in debug_logs.records)
    for record in debug_logs.records:
        assert API_KEY not in record.getMessage()
        assert APP_KEY not in record.getMessage()


async def test_a_short_key_is_redacted_without_mangling_other_text() -> None:
    """Issue 18 item 11: app_key="y" turned "is of type NUMBER" into "is of t<redacted>pe"."""
    from ddcases import BadRequestError, CaseManagement

    def handler(request: httpx.Request) -> httpx.Response:
        echoed = f"DD-APPLICATION-KEY: {request.headers['dd-application-key']}"
        body = {"errors": [{"detail": f"value is of type NUMBER ({echoed})"}]}
        return httpx.Response(400, json=body)

    transport = httpx.MockTransport(handler)
    async with CaseManagement(api_key="x", app_key="y", base_url=BASE, transport=transport) as dd:
        with pytest.raises(BadRequestError) as caught:
            await dd.cases.get("SEC-1")
    message = str(caught.value)
    assert "value is of type NUMBER" in message
    assert "DD-APPLICATION-KEY: <redacted>" in message
    assert caught.value.response is not None
    assert b"value is of type NUMBER (DD-APPLICATION-KEY: <redacted>)" in (
        caught.value.response.content
    )


def test_a_long_key_is_redacted_even_inside_a_word(auth: DatadogAuth) -> None:
    from ddcases._logs import scrub, scrub_bytes

    assert scrub(f"x{API_KEY}y") == "x<redacted>y"
    assert scrub_bytes(f"x{APP_KEY}y".encode()) == b"x<redacted>y"
