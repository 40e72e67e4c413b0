"""Issue 8 §1: whatever a server sends, the caller sees a ddcases error or the normal result.

Against the raw-socket FaultServer: status lines that are not HTTP, every way to get
Content-Length and chunking wrong, headers past aiohttp's limits, bodies that claim a
Content-Encoding they don't have, reason phrases that are not UTF-8, JSON nested 10,000 deep,
rate-limit headers that are not finite numbers. Nothing from aiohttp, httpx, zlib, the codecs
or the interpreter (RecursionError, OverflowError, TypeError) may reach the caller.
"""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from ddcases import (
    ApiConnectionError,
    CreateOutcomeUnknownError,
    DDCasesError,
    NotFoundError,
    UnexpectedResponseError,
)

from ._fault_server import FaultServer, Forward, Raw, Reply, within
from ._helpers import API_KEY, APP_KEY, CASES, client, seed

OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"

# Answers no HTTP/1.1 parser should accept: each must be an ApiConnectionError for a GET.
GARBAGE = {
    "status line not HTTP": b"HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\n{}",
    "binary noise": bytes(range(256)) * 4,
    "four-digit status": b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}",
    "negative Content-Length": OK_HEAD + b"Content-Length: -5\r\n\r\n{}",
    "non-numeric Content-Length": OK_HEAD + b"Content-Length: abc\r\n\r\n{}",
    "overflowing Content-Length": OK_HEAD + b"Content-Length: 9" + b"9" * 40 + b"\r\n\r\n{}",
    "two different Content-Lengths": OK_HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x",
    "Content-Length with chunked": OK_HEAD
    + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "invalid chunk size": OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "header over the line limit": OK_HEAD
    + b"X-Big: "
    + b"a" * 70_000
    + b"\r\nContent-Length: 2\r\n\r\n{}",
    "too many headers": OK_HEAD
    + b"".join(b"X-H%d: v\r\n" % i for i in range(1_000))
    + b"Content-Length: 2\r\n\r\n{}",
}


async def case_body(server: FaultServer, key: str) -> bytes:
    """The emulator's answer to GET /api/v2/cases/{key}, as bytes."""
    headers = {"DD-API-KEY": API_KEY, "DD-APPLICATION-KEY": APP_KEY}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as raw:
        response = await raw.get(f"{CASES}/{key}")
    assert response.status_code == 200
    return response.content


@within(20)
@pytest.mark.parametrize("name", sorted(GARBAGE))
async def test_protocol_garbage_is_an_api_connection_error(faulty: FaultServer, name: str) -> None:
    async with client(faulty.url, max_retries=0) as dd:
        key = await seed(dd)
        faulty.plan(Raw(GARBAGE[name]), method="GET")
        with pytest.raises(DDCasesError) as info:
            await dd.cases.get(key)
    # A status aiohttp does accept (2000) is an answer we can't use; everything else is a
    # broken connection. Either way it is one of ours, with the method and path.
    assert isinstance(info.value, ApiConnectionError | UnexpectedResponseError), info.value
    assert f"GET {CASES}/{key}" in str(info.value)
    assert faulty.count("GET", f"{CASES}/{key}") == 1


@within(20)
async def test_protocol_errors_are_retried_for_reads(faulty: FaultServer) -> None:
    async with client(faulty.url, max_retries=2) as dd:
        key = await seed(dd)
        faulty.plan(Raw(GARBAGE["status line not HTTP"]), Raw(GARBAGE["binary noise"]))
        case = await dd.cases.get(key)
    assert case.attributes.key == key
    assert faulty.count("GET", f"{CASES}/{key}") == 3


@within(20)
@pytest.mark.parametrize("name", ["status line not HTTP", "invalid chunk size"])
async def test_protocol_garbage_after_a_create_is_outcome_unknown(
    faulty: FaultServer, name: str
) -> None:
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        faulty.plan(Raw(GARBAGE[name]), method="POST", path=CASES)
        with pytest.raises(CreateOutcomeUnknownError) as info:
            await dd.cases.create(project="SEC", title="garbled answer")
    assert "not retried to avoid a duplicate" in str(info.value)
    assert faulty.count("POST", CASES) == 1


@within(20)
async def test_a_body_longer_than_its_content_length_spoils_only_that_connection(
    faulty: FaultServer,
) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        body = await case_body(faulty, key)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        extra = b"Content-Length: %d\r\n\r\n" % len(body)
        faulty.plan(Raw(head + extra + body + b"HTTP/9 garbage\r\n\r\n", keep_open=True))
        first = await dd.cases.get(key)
        # The stray bytes wait on the kept-alive connection; the next call reads them as its
        # answer, fails, and is retried on a new connection.
        second = await dd.cases.get(key)
    assert first.attributes.key == second.attributes.key == key


@within(20)
@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", b'{"data": "not compressed"}'),
        ("deflate", b'{"data": "not compressed"}'),
        ("gzip", gzip.compress(b'{"data": {}}')[:-12]),  # cut short
        ("br", b"\x8b\x03\x80hello\x03"),  # never asked for
    ],
)
async def test_a_body_that_does_not_decode_is_unexpected_response(
    faulty: FaultServer, encoding: str, body: bytes
) -> None:
    headers = (("Content-Encoding", encoding),)
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(200, body, headers=headers), method="GET")
        with pytest.raises(UnexpectedResponseError) as info:
            await dd.cases.get(key)
        faulty.plan(Reply(404, body, headers=headers), method="GET")
        with pytest.raises(NotFoundError) as on_404:  # keeps its class (issue 18 item 16)
            await dd.cases.get(key)
    assert info.value.status_code == 200
    assert on_404.value.status_code == 404
    assert encoding in str(info.value)
    assert encoding in str(on_404.value)
    assert "the body was dropped" in str(on_404.value)
    assert faulty.count("GET", f"{CASES}/{key}") == 2  # a 200 or 404 is not retried


@within(20)
async def test_compressed_bodies_are_decoded(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        body = await case_body(faulty, key)
        for encoding, data in (
            ("gzip", gzip.compress(body)),
            ("deflate", zlib.compress(body)),
            ("deflate", zlib.compress(body, wbits=-zlib.MAX_WBITS)),  # raw deflate
        ):
            headers = (("Content-Encoding", encoding),)
            faulty.plan(Reply(200, data, headers=headers), method="GET")
            case = await dd.cases.get(key)
            assert case.attributes.key == key


@within(20)
@pytest.mark.parametrize("reason", [b"N\xe9ant", b"\xff\xfe", b"Not \x80 Found"])
async def test_a_reason_phrase_that_is_not_utf8_is_kept_out_of_the_way(
    faulty: FaultServer, reason: bytes
) -> None:
    error = b'{"errors": ["Not Found"]}'
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(404, error, reason=reason), method="GET")
        with pytest.raises(NotFoundError) as info:
            await dd.cases.get(key)
    assert info.value.status_code == 404
    assert info.value.errors[0].title == "Not Found"


DEEP = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"errors": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_001


@within(20)
async def test_deeply_nested_json_is_an_error_not_a_recursion_error(faulty: FaultServer) -> None:
    async with client(faulty.url) as dd:
        key = await seed(dd)
        faulty.plan(Reply(200, DEEP), method="GET")
        with pytest.raises(UnexpectedResponseError) as on_200:
            await dd.cases.get(key)
        faulty.plan(Reply(200, b'{"data": ' + DEEP + b"}"), method="GET")
        with pytest.raises(UnexpectedResponseError):
            await dd.cases.get(key)
        faulty.plan(Reply(404, DEEP_OBJECT), method="GET")
        with pytest.raises(NotFoundError) as on_404:
            await dd.cases.get(key)
        faulty.plan(Reply(500, DEEP_OBJECT), method="POST", path=CASES)
        with pytest.raises(CreateOutcomeUnknownError) as on_create:
            await dd.cases.create(project="SEC", title="deep")
    assert on_200.value.status_code == 200
    assert len(str(on_404.value)) < 600  # a snippet of the body, not all of it
    assert on_create.value.status_code == 500


NOT_FINITE = ["inf", "-inf", "nan", "1e400", "Infinity", "0x10", ""]


@within(20)
@pytest.mark.parametrize("value", NOT_FINITE)
async def test_rate_limit_headers_that_are_not_finite_are_ignored(
    faulty: FaultServer, value: str
) -> None:
    names = ("Limit", "Period", "Remaining", "Reset")
    headers = (*((f"X-RateLimit-{name}", value) for name in names), ("X-RateLimit-Name", "cases"))
    async with client(faulty.url) as dd:
        await dd.projects.create(key="SEC", name="Security")
        # The 201 of a create that worked: the case exists, so the caller must get it.
        faulty.plan(Forward(headers=headers), method="POST", path=CASES)
        case = await dd.cases.create(project="SEC", title="created")
        faulty.plan(Forward(headers=headers), method="GET")
        again = await dd.cases.get("SEC-1")
        faulty.plan(Reply(429, b'{"errors": ["Too many"]}', headers=headers), method="GET")
        faulty.plan(Forward(headers=headers), method="GET")
        third = await dd.cases.get("SEC-1")  # a 429 with no usable wait: backoff, then retry
    assert case.attributes.key == again.attributes.key == third.attributes.key == "SEC-1"
    assert faulty.count("POST", CASES) == 1
