"""Credentials never leak (issue 5 §3).

Every operation of the facade runs against the emulator over a real loopback socket, with real-
looking key values, logging at DEBUG everywhere, through errors (404, 400), retries (429, 500)
and a failing create. Then no key value may appear in any log record, in the repr/str of any
object the caller touched, in exception text or tracebacks (chained causes and notes included),
or on stdout/stderr. A redirect to another origin does not carry the keys.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from typing import Any

import httpx
import pytest

from ddcases import (
    BadRequestError,
    CaseManagement,
    CreateOutcomeUnknownError,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
)
from ddcases.testing import Emulator

from ._fault_server import FaultServer, Reply, within

CASES = "/api/v2/cases"
USER = "3f1c9a52-8e1b-4c57-9a1e-0d2f6b7c8a90"
LOGGERS = ("", "ddcases", "httpx", "httpcore", "aiohttp", "asyncio", "uvicorn", "starlette")


def credentials(kind: str) -> tuple[dict[str, str], list[str]]:
    """Constructor kwargs and the secret strings that must never show."""
    if kind == "keys":
        api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
        return {"api_key": api_key, "app_key": app_key}, [api_key, app_key]
    token = "ddpat_" + secrets.token_urlsafe(32)
    return {"access_token": token}, [token, token[6:]]


@pytest.fixture
def debug_everywhere(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def texts_of(obj: object) -> list[str]:
    out = [repr(obj), str(obj)]
    if isinstance(obj, BaseException):
        out += traceback.format_exception(obj)
        out += [repr(vars(obj))]
        for note in getattr(obj, "__notes__", ()):
            out.append(str(note))
        seen: BaseException | None = obj
        while seen is not None:
            out += [repr(seen), str(seen)]
            response = getattr(seen, "response", None)
            if isinstance(response, httpx.Response):
                out += [repr(response), repr(response.headers)]
                out += [repr(response.request), repr(response.request.headers.raw)]
            seen = seen.__cause__ or seen.__context__
    return out


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    out = [caplog.text]
    for record in caplog.records:
        out += [record.getMessage(), str(record.msg), repr(record.args), formatter.format(record)]
        if record.exc_text:
            out.append(record.exc_text)
    return out


def assert_absent(secrets_: list[str], texts: list[str], where: str) -> None:
    for secret in secrets_:
        for text in texts:
            assert secret not in text, f"a credential appears in {where}: ...{text[:300]}"


@pytest.mark.parametrize("kind", ["keys", "token"])
@within(20)
async def test_no_credential_in_logs_reprs_errors_or_output(
    kind: str, debug_everywhere: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    kwargs, hidden = credentials(kind)
    emulator = Emulator()
    faults = emulator.faults
    touched: list[object] = []
    errors: list[BaseException] = []

    async def expect(exc_type: type[BaseException], coro: Any) -> None:
        with pytest.raises(exc_type) as info:
            await coro
        errors.append(info.value)

    with emulator.serve() as url:
        dd = CaseManagement(
            base_url=url, **kwargs, timeout=5.0, initial_retry_delay=0.01, max_retry_delay=0.02
        )
        async with dd:
            http = dd.api.get_async_httpx_client()
            # The retry transport too (httpx keeps it as ._transport): its repr must be clean.
            touched += [dd, dd.cases, dd.projects, dd.api, http, http._transport]
            # The 13 operations, each answered normally.
            project = await dd.projects.create(key="SEC", name="Security")
            touched += [project, [p async for p in dd.projects.list()]]
            touched.append(await dd.projects.get("SEC"))
            case = await dd.cases.create(project="SEC", title="Leaked token", priority="P2")
            touched += [case, await dd.cases.get(case.id)]
            paginator = dd.cases.search("status:open", page_size=1)
            touched.append(paginator)
            touched += [page async for page in paginator.pages()]
            touched += [c async for c in dd.cases.search(sort="priority", ascending=False)]
            touched.append(await dd.cases.update_status("SEC-1", "IN_PROGRESS"))
            touched.append(await dd.cases.update_priority("SEC-1", "P1"))
            touched.append(await dd.cases.assign("SEC-1", USER))
            touched.append(await dd.cases.unassign("SEC-1"))
            touched.append(await dd.cases.archive("SEC-1"))
            touched.append(await dd.cases.unarchive("SEC-1"))
            # Retries: a 429 and a 500 (both logged at INFO by the transport), then success.
            faults.fail_next(1, status=429, headers={"X-RateLimit-Reset": "0.02"})
            faults.fail_next(1, status=500)
            touched.append(await dd.cases.get("SEC-1"))
            # Errors: 404, 400, 5xx past the budget, a create whose outcome is unknown.
            await expect(NotFoundError, dd.cases.get("SEC-999"))
            await expect(NotFoundError, dd.projects.get("NOPE"))
            await expect(BadRequestError, dd.projects.create(key="bad key", name="x"))
            await expect(BadRequestError, _drain(dd.cases.search('title:"open')))
            faults.fail_next(3, status=503, operation="GetCase")
            await expect(ServerError, dd.cases.get("SEC-1"))
            faults.fail_next(1, status=503, operation="CreateCase")
            await expect(CreateOutcomeUnknownError, dd.cases.create(project="SEC", title="x"))
            faults.drop_next(1, operation="CreateCase")
            await expect(CreateOutcomeUnknownError, dd.cases.create(project="SEC", title="y"))
            await dd.projects.delete("SEC")
            await expect(NotFoundError, dd.projects.delete(project.id))
            errors[0].add_note(f"while triaging with {dd!r}")
            # A caller logging the failure the usual way.
            unknown = next(e for e in errors if isinstance(e, CreateOutcomeUnknownError))
            try:
                raise unknown
            except CreateOutcomeUnknownError:
                logging.getLogger("app").exception("create failed")
        touched.append(dd)  # closed

    out, err = capfd.readouterr()
    assert emulator.requests["CreateCase"] == 3
    assert len(errors) == 8
    records = debug_everywhere.records
    assert any(r.name.startswith("ddcases") for r in records)  # retries were logged
    assert any(r.name == "app" and r.exc_info for r in records)
    assert_absent(hidden, log_texts(debug_everywhere), "a log record")
    assert_absent(hidden, [t for o in touched for t in texts_of(o)], "a repr/str")
    assert_absent(hidden, [t for e in errors for t in texts_of(e)], "an exception")
    assert_absent(hidden, [out, err], "stdout/stderr")


@within(10)
async def test_chained_transport_errors_hold_no_live_credentials() -> None:
    """Error reporters (Sentry and the like) serialise exception attributes, not just text;
    ddcases scrubs the request its ApiError responses keep, and the httpx error chained as
    ``__cause__`` should be no different."""
    kwargs, hidden = credentials("keys")
    emulator = Emulator()
    with emulator.serve() as url:
        async with CaseManagement(base_url=url, **kwargs) as dd:
            await dd.projects.create(key="SEC", name="Security")
            emulator.faults.drop_next(1, operation="CreateCase")
            with pytest.raises(CreateOutcomeUnknownError) as info:
                await dd.cases.create(project="SEC", title="dropped")
    cause = info.value.__cause__
    assert isinstance(cause, httpx.TransportError)
    assert_absent(hidden, [repr(cause.request.headers.raw)], "the chained httpx request")


async def _drain(paginator: Any) -> None:
    async for _ in paginator:
        pass


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [302, 307])
@pytest.mark.parametrize("kind", ["keys", "token"])
@within(10)
async def test_a_redirect_to_another_origin_carries_no_credentials(status: int, kind: str) -> None:
    kwargs, hidden = credentials(kind)
    async with (
        FaultServer(default=Reply(200, b"{}"), host="127.0.0.2") as other_host,
        FaultServer(default=Reply(200, b"{}")) as other_port,
        FaultServer() as origin,
    ):
        async with CaseManagement(base_url=origin.url, **kwargs) as dd:
            await dd.projects.create(key="SEC", name="Security")
            await dd.cases.create(project="SEC", title="t")
            for target in (other_host, other_port):
                location = (("Location", f"{target.url}{CASES}/SEC-1"),)
                origin.plan(Reply(status, b"", headers=location), method="GET")
                # The facade does not follow redirects at all: a 3xx is an error it reports.
                with pytest.raises(UnexpectedResponseError) as info:
                    await dd.cases.get("SEC-1")
                assert info.value.status_code == status
                assert_absent(hidden, texts_of(info.value), "a redirect error")
                # Even a caller following it on the shared httpx client sends no credentials.
                origin.plan(Reply(status, b"", headers=location), method="GET")
                http = dd.api.get_async_httpx_client()
                response = await http.get(f"{CASES}/SEC-1", follow_redirects=True)
                assert response.status_code == 200
                assert str(response.url).startswith(target.url)
        # The origin got the credentials (so the check below is not vacuous)...
        sent = {k.lower(): v for k, v in origin.seen[0].headers}
        assert any(secret in " ".join(sent.values()) for secret in hidden)
        # ...and the other origins got requests, but never a credential header or value.
        for target in (other_host, other_port):
            assert len(target.seen) == 1
            names = {k.lower() for k, _ in target.seen[0].headers}
            assert not names & {"dd-api-key", "dd-application-key", "authorization"}
            assert_absent(hidden, [repr(target.seen[0].headers)], "a redirected request")
