"""Every error a ddcases caller can see, and the one status → class mapping.

Tree (as in httpx/_exceptions.py)::

    DDCasesError
    ├── ApiError                      the service answered (or a lookup failed): .status_code
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404, or an unknown project key (.lookup)
    │   ├── ConflictError             409
    │   ├── RateLimitError            429: .retry_after and the X-RateLimit-* values
    │   ├── ServerError               any status >= 500 (520 included)
    │   └── UnexpectedResponseError   any other status, or a 2xx body that is not what the spec says
    ├── ApiConnectionError            no usable answer: connection refused, reset, protocol error
    │   └── ApiTimeoutError           a connect/read/write/pool timeout
    └── CreateOutcomeUnknownError     a create failed in a way that may have created the object

Shape of openai-python's src/openai/_exceptions.py (one class per status) and its
``_make_status_error``; githubkit/exception.py gives RateLimitExceeded a ``retry_after``.
Messages carry method, path, status and the service's titles/details (parsed in
``_error_details``), never a header value. Nothing an error holds can reach a credential: the
request it keeps, on its response or on the chained httpx error, is a copy with the credential
headers redacted, and text that came from the server (error bodies, the response it keeps, a
malformed status line) is scrubbed of the secrets of every open client.
"""

from __future__ import annotations

from typing import Any

import httpx

from ._error_details import ErrorDetail, parse_error_details
from ._logs import redact_headers, scrub, scrub_bytes
from ._ratelimit import RateLimitInfo, retry_after_seconds
from ._response_body import BODY_ERROR, unframed

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CreateOutcomeUnknownError",
    "DDCasesError",
    "ErrorDetail",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "UnexpectedResponseError",
    "make_status_error",
    "map_transport_error",
    "parse_error_details",
    "redact_request",
    "scrub_transport_error",
    "sent_path",
]


class DDCasesError(Exception):
    """Root of every ddcases error (a bad argument stays a ``ValueError`` or ``TypeError``)."""


class ApiError(DDCasesError):
    """The service answered with an error status (or a body we could not use)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str | None = None,
        path: str | None = None,
        errors: list[ErrorDetail] | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.method = method
        self.path = path
        self.errors: list[ErrorDetail] = list(errors or [])
        self.response = response


class BadRequestError(ApiError):
    """400: the request was malformed or failed validation."""


class AuthenticationError(ApiError):
    """401: the API or application key (or token) was rejected."""


class PermissionDeniedError(ApiError):
    """403: the keys are valid but lack a permission (e.g. cases_write)."""


class NotFoundError(ApiError):
    """404, or a project key that is not in the project list (``.lookup`` names it)."""

    def __init__(self, message: str, *, lookup: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("status_code", 404)
        super().__init__(message, **kwargs)
        self.lookup = lookup

    @classmethod
    def for_lookup(cls, lookup: str, kind: str = "project") -> NotFoundError:
        """The client-side 404: ``NotFoundError.for_lookup("SEC")`` for an unknown project key."""
        return cls(f"no {kind} with key or id {lookup!r}", lookup=lookup)


class ConflictError(ApiError):
    """409: e.g. a project key that already exists."""


class RateLimitError(ApiError):
    """429 that was not (or no longer) worth waiting for; ``.retry_after`` says how long to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        headers = self.response.headers if self.response is not None else httpx.Headers()
        info = RateLimitInfo.from_headers(headers)  # values that aren't finite numbers: None
        self.limit = info.limit
        self.remaining = info.remaining
        self.reset = info.reset
        self.period = None if info.period is None else int(info.period)
        self.name: str | None = info.name


class ServerError(ApiError):
    """Any status >= 500 (after retries, for idempotent calls)."""


class UnexpectedResponseError(ApiError):
    """A status the spec doesn't describe, or a 2xx whose body isn't what the spec says."""


class ApiConnectionError(DDCasesError):
    """No usable response: refused, reset, protocol error (``__cause__`` is httpx's)."""

    def __init__(self, message: str, *, method: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path


class ApiTimeoutError(ApiConnectionError):
    """A connect, read, write or pool timeout."""


class CreateOutcomeUnknownError(DDCasesError):
    """A create failed after it may have reached the service, so it was deliberately not retried.

    ``status_code`` is the 5xx the service answered, or None after a timeout or broken
    connection (then ``__cause__`` is the transport error).
    """

    def __init__(
        self,
        *,
        method: str,
        path: str,
        status_code: int | None = None,
        reason: str = "",
        response: httpx.Response | None = None,
        what: str | None = None,
    ) -> None:
        if what is None:
            what = "project" if path.rstrip("/").endswith("/projects") else "case"
        failure = f"{status_code}" if status_code is not None else reason or "transport failure"
        if status_code is not None and reason:
            failure += f", {reason}"
        if response is not None:
            details = _joined(parse_error_details(response))
            failure += f" ({details})" if details else ""
        message = scrub(
            f"{method} {path} failed with {failure}: the request may or may not have created "
            f"the {what}; it was not retried to avoid a duplicate; "
            "check with search/list before retrying"
        )
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status_code = status_code
        self.response = _scrubbed(response) if response is not None else None


_STATUS_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def make_status_error(response: httpx.Response, *, reason: str | None = None) -> ApiError:
    """The ApiError subclass for ``response`` (read it first), with the service's details.

    ``reason`` explains why a 2xx is unusable, e.g. ``"body is not JSON"``; a 2xx always maps to
    UnexpectedResponseError.
    """
    status = response.status_code
    cls: type[ApiError]
    body_error = response.extensions.get(BODY_ERROR)
    if body_error:  # too large, or a Content-Encoding that does not decode (_response_body)
        # The status line came before the body: an error status keeps its class (code that
        # catches NotFoundError still does), with the unusable body dropped and said so.
        reason = f"{body_error}; the body was dropped" if status >= 400 else str(body_error)
    if body_error and status < 400:
        cls = UnexpectedResponseError
    elif status >= 500:
        cls = ServerError
    elif 200 <= status < 300:
        cls = UnexpectedResponseError
    else:
        cls = _STATUS_CLASSES.get(status, UnexpectedResponseError)
    request = response.request if _has_request(response) else None
    method = request.method if request is not None else None
    path = sent_path(request.url) if request is not None else None
    errors = parse_error_details(response)
    phrase = f"{status} {response.reason_phrase}".rstrip()
    message = f"{method} {path} -> {phrase}" if method else phrase
    if reason:
        message += f" ({reason})"
    details = _joined(errors, skip=response.reason_phrase)
    if details:
        message += f": {details}"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "method": method,
        "path": path,
        "errors": errors,
        "response": _scrubbed(response),
    }
    if cls is RateLimitError:
        return RateLimitError(
            scrub(message), retry_after=retry_after_seconds(response.headers), **kwargs
        )
    return cls(scrub(message), **kwargs)


def sent_path(url: httpx.URL) -> str:
    """The path as it went out, percent-encoding kept: ``/api/v2/cases/..%2Fprojects``, where
    ``url.path`` would show the decoded ``/api/v2/cases/../projects``, a path never sent."""
    return url.raw_path.split(b"?", 1)[0].decode("ascii")


def _joined(errors: list[ErrorDetail], skip: str = "") -> str:
    """The details' texts, each once, leaving out one that only repeats the reason phrase."""
    texts = dict.fromkeys(text for text in map(str, errors) if text and text != skip)
    return "; ".join(texts)


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018  (raises RuntimeError when unset)
    except RuntimeError:
        return False
    return True


def _scrubbed(response: httpx.Response) -> httpx.Response:
    """The response an error keeps: its request swapped for a copy without credentials (errors
    outlive requests and end up in crash reports, and httpx only masks Authorization in its
    Headers repr), and, when the server echoed a secret into the body or the headers, a copy
    with it replaced."""
    request = redact_request(response.request) if _has_request(response) else None
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = b""
    clean_content = scrub_bytes(content)
    items = response.headers.multi_items()
    clean_items = [(k, scrub(v)) for k, v in items]
    if clean_content is not content or clean_items != items:
        response = httpx.Response(
            response.status_code,
            # the content is already decoded: don't let httpx decode it again
            headers=unframed(clean_items),
            content=clean_content,
            extensions=response.extensions,
        )
    if request is not None:
        response.request = request
    return response


def scrub_transport_error(exc: httpx.TransportError) -> httpx.TransportError:
    """Swap the request ``exc`` holds for a copy without credentials, and return ``exc``.

    Applied to every httpx error ddcases chains as a ``__cause__``: error reporters serialise
    exception attributes, and ``exc.request`` is the live request with the key headers.
    """
    try:
        request = exc.request
    except RuntimeError:  # no request attached
        return exc
    exc.request = redact_request(request)
    return exc


def redact_request(req: httpx.Request) -> httpx.Request:
    """A copy of ``req`` (method, URL, headers, body) with the credential headers redacted."""
    try:
        content: bytes = req.content
    except httpx.RequestNotRead:
        content = b""
    return httpx.Request(
        req.method,
        req.url,
        headers=redact_headers(req.headers.multi_items()),
        content=content,
        extensions={},
    )


def map_transport_error(exc: httpx.TransportError) -> ApiConnectionError:
    """Our error for an httpx transport failure; raise it ``from exc``.

    Usage::

        try:
            ...
        except httpx.TransportError as exc:
            raise map_transport_error(exc) from exc
    """
    try:
        request: httpx.Request | None = scrub_transport_error(exc).request
    except RuntimeError:
        request = None
    method = request.method if request is not None else None
    path = sent_path(request.url) if request is not None else None
    kind = type(exc).__name__
    where = f"{method} {path}: " if method else ""
    detail = str(exc)
    cls = ApiTimeoutError if isinstance(exc, httpx.TimeoutException) else ApiConnectionError
    return cls(scrub(f"{where}{kind}{': ' + detail if detail else ''}"), method=method, path=path)
