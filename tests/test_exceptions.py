"""The error tree and make_status_error, from canned responses in every body form."""

from __future__ import annotations

import traceback

import httpx
import pytest

import ddcases.errors
from ddcases import _exceptions
from ddcases._exceptions import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreateOutcomeUnknownError,
    DDCasesError,
    ErrorDetail,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    make_status_error,
    map_transport_error,
)

API_KEY = "api-key-0123456789abcdef"
APP_KEY = "app-key-fedcba9876543210"
URL = "https://api.datadoghq.com/api/v2/cases"


def canned(
    status: int,
    body: bytes | str = b"",
    *,
    method: str = "POST",
    url: str = URL,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    request = httpx.Request(
        method, url, headers={"DD-API-KEY": API_KEY, "DD-APPLICATION-KEY": APP_KEY}
    )
    content = body.encode() if isinstance(body, str) else body
    return httpx.Response(status, content=content, headers=headers, request=request)


STRING_FORM = '{"errors": ["Bad Request"]}'
JSONAPI_FORM = (
    '{"errors":[{"status":"400","title":"Bad Request",'
    '"detail":"got type \\"project\\" expected one of \\"case\\""}]}'
)
CODE_FORM = '{"errors":[{"code":"resource_not_found","title":"case not found"}]}'


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (520, ServerError),
        (418, UnexpectedResponseError),
        (422, UnexpectedResponseError),
        (302, UnexpectedResponseError),
    ],
)
@pytest.mark.parametrize("body", [STRING_FORM, JSONAPI_FORM, CODE_FORM])
def test_status_maps_to_class(status: int, cls: type[ApiError], body: str) -> None:
    error = make_status_error(canned(status, body))
    assert type(error) is cls
    assert isinstance(error, ApiError)
    assert isinstance(error, DDCasesError)
    assert error.status_code == status
    assert error.method == "POST"
    assert error.path == "/api/v2/cases"
    assert str(error).startswith(f"POST /api/v2/cases -> {status}")
    assert error.response is not None
    assert error.response.status_code == status


def test_string_form() -> None:
    error = make_status_error(canned(400, STRING_FORM))
    assert error.errors == [ErrorDetail(title="Bad Request")]
    # The detail only repeats the reason phrase, so it is not said twice.
    assert str(error) == "POST /api/v2/cases -> 400 Bad Request"


def test_jsonapi_form() -> None:
    error = make_status_error(canned(400, JSONAPI_FORM))
    assert error.errors == [
        ErrorDetail(
            title="Bad Request",
            detail='got type "project" expected one of "case"',
            status="400",
        )
    ]
    assert 'Bad Request: got type "project" expected one of "case"' in str(error)


def test_code_form() -> None:
    error = make_status_error(canned(404, CODE_FORM, method="GET", url=URL + "/SEC-9"))
    assert isinstance(error, NotFoundError)
    assert error.errors == [ErrorDetail(title="case not found", code="resource_not_found")]
    assert str(error) == (
        "GET /api/v2/cases/SEC-9 -> 404 Not Found: case not found (resource_not_found)"
    )


def test_several_errors_are_all_named() -> None:
    body = '{"errors": ["first", {"title": "second", "status": 400}]}'
    error = make_status_error(canned(400, body))
    assert [e.title for e in error.errors] == ["first", "second"]
    assert error.errors[1].status == "400"
    assert str(error).endswith(": first; second")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>",
            "<html><head><title>502 Bad Gateway</title></head> <body>nginx</body></html>",
        ),
        ('{"errors": ["trunc', '{"errors": ["trunc'),
        ("", "(empty response body)"),
        ('{"message": "weird"}', '{"message": "weird"}'),
        ("[1, 2]", "[1, 2]"),
    ],
)
def test_non_json_and_odd_bodies_give_one_snippet(body: str, expected: str) -> None:
    error = make_status_error(canned(502, body))
    assert isinstance(error, ServerError)
    assert error.errors == [ErrorDetail(title=expected)]
    assert expected in str(error)


def test_long_bodies_are_cut() -> None:
    error = make_status_error(canned(500, "x" * 5000))
    title = error.errors[0].title
    assert title is not None
    assert len(title) == 200
    assert title.endswith("…")


def test_unread_response_is_tolerated() -> None:
    request = httpx.Request("GET", URL)
    response = httpx.Response(500, stream=httpx.ByteStream(b"boom"), request=request)
    response.stream = _Unread()
    error = make_status_error(response)
    assert error.errors == [ErrorDetail(title="(response body not read)")]


class _Unread(httpx.AsyncByteStream):
    pass


def test_response_without_request() -> None:
    error = make_status_error(httpx.Response(500, content=b""))
    assert str(error) == "500 Internal Server Error: (empty response body)"
    assert error.method is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"", "empty body"), (b"<html>", "body is not JSON"), (b'{"data": 1}', "no data.id")],
)
def test_unusable_2xx_is_unexpected_response(body: bytes, reason: str) -> None:
    error = make_status_error(canned(200, body), reason=reason)
    assert isinstance(error, UnexpectedResponseError)
    assert f"-> 200 OK ({reason})" in str(error)


def test_rate_limit_error_carries_headers() -> None:
    headers = {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Period": "60",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "42",
        "X-RateLimit-Name": "cases_read",
    }
    error = make_status_error(canned(429, STRING_FORM, headers=headers))
    assert isinstance(error, RateLimitError)
    assert (error.limit, error.period, error.remaining, error.reset, error.name) == (
        1000,
        60,
        0,
        42.0,
        "cases_read",
    )
    assert error.retry_after == 42.0


def test_rate_limit_error_retry_after_header() -> None:
    error = make_status_error(canned(429, STRING_FORM, headers={"Retry-After": "7"}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert error.limit is None
    assert error.name is None


def test_rate_limit_without_hints() -> None:
    error = make_status_error(canned(429, STRING_FORM))
    assert isinstance(error, RateLimitError)
    assert error.retry_after is None


def test_client_side_not_found_names_the_lookup() -> None:
    error = NotFoundError.for_lookup("SEC")
    assert isinstance(error, ApiError)
    assert error.lookup == "SEC"
    assert error.status_code == 404
    assert error.response is None
    assert str(error) == "no project with key or id 'SEC'"
    assert make_status_error(canned(404, CODE_FORM)).lookup is None  # type: ignore[attr-defined]


def test_create_outcome_unknown_message() -> None:
    error = CreateOutcomeUnknownError(
        method="POST", path="/api/v2/cases/projects", reason="ReadTimeout"
    )
    assert str(error) == (
        "POST /api/v2/cases/projects failed with ReadTimeout: the request may or may not have "
        "created the project; it was not retried to avoid a duplicate; "
        "check with search/list before retrying"
    )
    assert error.status_code is None
    assert isinstance(error, DDCasesError)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ReadTimeout("timed out"), ApiTimeoutError),
        (httpx.ConnectTimeout("timed out"), ApiTimeoutError),
        (httpx.PoolTimeout("timed out"), ApiTimeoutError),
        (httpx.ConnectError("refused"), ApiConnectionError),
        (httpx.RemoteProtocolError("closed"), ApiConnectionError),
    ],
)
def test_map_transport_error(exc: httpx.TransportError, cls: type[ApiConnectionError]) -> None:
    exc.request = httpx.Request("GET", URL + "/SEC-1", headers={"DD-API-KEY": API_KEY})
    error = map_transport_error(exc)
    assert type(error) is cls
    assert (error.method, error.path) == ("GET", "/api/v2/cases/SEC-1")
    assert str(error).startswith(f"GET /api/v2/cases/SEC-1: {type(exc).__name__}: ")
    assert API_KEY not in str(error)
    # The httpx error is chained as __cause__: the request it keeps is scrubbed too.
    assert exc.request.headers["DD-API-KEY"] == "<redacted>"
    assert API_KEY not in repr(exc.request.headers.raw)


def test_map_transport_error_without_request() -> None:
    error = map_transport_error(httpx.ConnectError(""))
    assert str(error) == "ConnectError"
    assert error.method is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
def test_no_key_in_str_repr_traceback_or_kept_request(status: int) -> None:
    body = '{"errors": ["Bad Request"]}'
    error = make_status_error(canned(status, body, headers={"X-RateLimit-Reset": "1"}))
    try:
        raise error
    except ApiError:
        text = traceback.format_exc()
    assert error.response is not None
    kept = error.response.request.headers
    for rendered in (str(error), repr(error), text, repr(kept), str(dict(kept)), str(vars(error))):
        assert API_KEY not in rendered
        assert APP_KEY not in rendered
    assert kept["DD-API-KEY"] == "<redacted>"


def test_no_key_in_create_outcome_unknown() -> None:
    response = canned(500, STRING_FORM)
    error = CreateOutcomeUnknownError(
        method="POST", path="/api/v2/cases", status_code=500, response=response
    )
    assert error.response is not None
    for rendered in (str(error), repr(error), repr(error.response.request.headers)):
        assert API_KEY not in rendered


def test_public_module_reexports_the_same_classes() -> None:
    for name in ddcases.errors.__all__:
        assert getattr(ddcases.errors, name) is getattr(_exceptions, name)
    assert sorted(ddcases.errors.__all__) == ddcases.errors.__all__


def test_tree() -> None:
    assert issubclass(ApiTimeoutError, ApiConnectionError)
    assert issubclass(ApiConnectionError, DDCasesError)
    assert not issubclass(ApiConnectionError, ApiError)
    assert issubclass(CreateOutcomeUnknownError, DDCasesError)


@pytest.mark.parametrize(
    ("case", "sent"),
    [
        ("../projects", "/api/v2/cases/..%2Fprojects"),
        ("a b?c", "/api/v2/cases/a%20b%3Fc"),
        ("é", "/api/v2/cases/%C3%A9"),
    ],
)
async def test_an_error_names_the_path_that_was_sent(case: str, sent: str) -> None:
    """Issue 18 item 7: the message said GET /api/v2/cases/../projects, a path never sent."""
    from ddcases import ApiConnectionError, CaseManagement, NotFoundError

    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(404, json={"errors": ["not found"]})

    keys = {"api_key": "a" * 32, "app_key": "b" * 40, "base_url": "https://api.datadoghq.com"}
    async with CaseManagement(**keys, transport=httpx.MockTransport(handler)) as dd:
        with pytest.raises(NotFoundError) as caught:
            await dd.cases.get(case)
    assert seen == [sent.encode()]
    assert str(caught.value).startswith(f"GET {sent} -> 404")
    assert caught.value.path == sent

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with CaseManagement(**keys, transport=httpx.MockTransport(refuse), max_retries=0) as dd:
        with pytest.raises(ApiConnectionError) as refused:
            await dd.cases.get(case)
    assert str(refused.value).startswith(f"GET {sent}: ConnectError")
