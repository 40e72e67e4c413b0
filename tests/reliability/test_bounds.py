"""Issue 8 §5: no response costs unbounded memory, and large request bodies go out cleanly.

The client runs in a fresh process (its peak RSS, VmHWM, reset just before the call, is its
own) against the FaultServer in this
one, which makes the large bodies on the fly: a 255 KiB gzip body that expands to 256 MiB, and
100 MiB bodies with and without a Content-Length, on a 200 and on a 404. Each ends in an
``UnexpectedResponseError`` (on the 404 a ``NotFoundError``: an error status keeps its class)
naming ``max_response_bytes``, having read no more than the cap.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
import textwrap

import pytest

from ddcases import (
    ApiError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)

from ._fault_server import FaultServer, Forward, Reply, Stream, within
from ._helpers import client, seed

MiB = 1024 * 1024
BOMB = gzip.compress(b"\0" * 256 * MiB, compresslevel=9)

CLIENT = textwrap.dedent(
    r"""
    import asyncio, json, re, sys
    from ddcases import CaseManagement, DDCasesError

    def reset_peak():  # Linux: "5" resets the peak resident set size (VmHWM) to the current
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")

    def rss_mb(field):
        with open("/proc/self/status") as f:
            return int(re.search(field + r":\s+(\d+) kB", f.read())[1]) / 1024

    async def main(url, cap):
        kwargs = {} if cap is None else {"max_response_bytes": cap}
        async with CaseManagement(base_url=url, api_key="a" * 32, app_key="b" * 40,
                                  max_retries=0, timeout=30, **kwargs) as dd:
            try:
                await dd.cases.get("warm-up")  # imports, connection, models: a small 404
            except DDCasesError:
                pass
            reset_peak()
            before = rss_mb("VmRSS")
            try:
                await dd.cases.get("SEC-1")
                outcome = {"error": None}
            except DDCasesError as exc:
                outcome = {"error": type(exc).__name__, "status": exc.status_code,
                           "message": str(exc)}
            outcome["growth_mb"] = rss_mb("VmHWM") - before
        print(json.dumps(outcome))

    asyncio.run(main(sys.argv[1], None if sys.argv[2] == "-" else int(sys.argv[2])))
    """
)


async def run_client(server: FaultServer, cap: int | None = None) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLIENT,
        server.url,
        "-" if cap is None else str(cap),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    result: dict[str, object] = json.loads(out)
    print(result)
    return result


WARM_UP = Reply(404, b'{"errors": ["Not Found"]}')


def head(status: int, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@within(60)
@pytest.mark.parametrize(
    ("name", "answer"),
    [
        (
            "gzip bomb, 255 KiB -> 256 MiB",
            Reply(200, BOMB, headers=(("Content-Encoding", "gzip"),)),
        ),
        (
            "100 MiB with Content-Length",
            Stream(head(200, f"Content-Length: {100 * MiB}"), b"x" * MiB, 100),
        ),
        ("100 MiB until close", Stream(head(200), b"x" * MiB, 100)),
        ("100 MiB on a 404", Stream(head(404), b"x" * MiB, 100)),
    ],
)
async def test_large_and_expanding_bodies_cost_at_most_the_cap(name: str, answer: object) -> None:
    async with FaultServer(app=None, default=WARM_UP) as server:
        server.plan(WARM_UP, answer)
        result = await run_client(server)
    # An error status keeps its class, the body dropped (issue 18 item 16).
    expected = "NotFoundError" if "404" in name else "UnexpectedResponseError"
    assert result["error"] == expected, result
    assert "max_response_bytes" in str(result["message"])
    assert len(str(result["message"])) < 400
    # The default cap is 32 MiB; the body is read (and decompressed) no further than that.
    assert float(str(result["growth_mb"])) < 48, result


@within(60)
async def test_a_smaller_cap_is_honoured() -> None:
    async with FaultServer(app=None, default=WARM_UP) as server:
        server.plan(WARM_UP, Stream(head(200), b"x" * MiB, 100))
        result = await run_client(server, cap=4 * MiB)
    assert result["error"] == "UnexpectedResponseError"
    assert "4,194,304 bytes" in str(result["message"])
    assert float(str(result["growth_mb"])) < 20, result


@within(20)
async def test_a_body_just_under_the_cap_is_fine(faulty: FaultServer) -> None:
    async with client(faulty.url, max_response_bytes=64 * 1024) as dd:
        key = await seed(dd)
        case = await dd.cases.get(key)  # a few KiB: far under the cap
        faulty.plan(Reply(200, b'{"data": "' + b"x" * 70_000 + b'"}'), method="GET")
        with pytest.raises(UnexpectedResponseError, match="max_response_bytes"):
            await dd.cases.get(key)
    assert case.attributes.key == key


@within(20)
async def test_a_large_request_body_goes_out_without_a_resource_warning(
    faulty: FaultServer,
) -> None:
    """aiohttp warns (ResourceWarning, an error under -W error) about bytes bodies over 1 MiB."""
    description = "x" * (3 * MiB)
    async with client(faulty.url) as dd:
        await seed(dd)
        faulty.plan(Forward(), method="POST")
        case = await dd.cases.create(project="SEC", title="long", description=description)
    assert case.attributes.description == description
    assert len(faulty.bodies("POST", "/api/v2/cases")[-1]) > 3 * MiB


@within(30)
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, NotFoundError),
        (403, PermissionDeniedError),
        (400, BadRequestError),
        (500, ServerError),
        (418, UnexpectedResponseError),
    ],
)
@pytest.mark.parametrize("framing", ["content-length", "until close", "chunked-like gzip"])
async def test_an_error_status_with_an_oversized_body_keeps_its_class(
    status: int, error: type[ApiError], framing: str
) -> None:
    """Issue 18 item 16: a 404 with a 100 MiB error page was an UnexpectedResponseError, so
    code catching NotFoundError missed it. The status line comes before the body."""
    cap = 64 * 1024
    answers = {
        "content-length": Stream(head(status, f"Content-Length: {4 * MiB}"), b"x" * MiB, 4),
        "until close": Stream(head(status), b"x" * MiB, 4),
        "chunked-like gzip": Reply(status, BOMB, headers=(("Content-Encoding", "gzip"),)),
    }
    async with FaultServer(app=None, default=answers[framing]) as server:
        dd = client(server.url, max_response_bytes=cap, max_retries=0)
        async with dd:
            with pytest.raises(ApiError) as caught:
                await dd.cases.get("SEC-1")
    assert type(caught.value) is error
    assert caught.value.status_code == status
    message = str(caught.value)
    assert message.startswith(f"GET /api/v2/cases/SEC-1 -> {status}")
    assert "max_response_bytes (65,536 bytes)" in message
    assert "the body was dropped" in message
    assert caught.value.response is not None
    assert caught.value.response.content == b""


async def test_a_2xx_with_an_oversized_body_is_still_unexpected() -> None:
    async with FaultServer(app=None, default=Stream(head(200), b"x" * MiB, 2)) as server:
        dd = client(server.url, max_response_bytes=1024, max_retries=0)
        async with dd:
            with pytest.raises(UnexpectedResponseError) as caught:
                await dd.cases.get("SEC-1")
    assert "the body was dropped" not in str(caught.value)
    assert "max_response_bytes" in str(caught.value)
