"""``with_raw_response``: the whole answer of a call, not just the model it returns.

openai-python's convention (``client.chat.completions.with_raw_response.create(...)``): every
method of ``dd.cases`` and ``dd.projects`` has a twin under ``.with_raw_response`` that takes the
same arguments, raises the same errors, and returns a :class:`RawResponse`::

    raw = await dd.cases.with_raw_response.get("SEC-12")
    case = raw.parse()                    # what dd.cases.get returns
    raw.document.included                 # the whole parsed body (CaseResponse): included users
    raw.headers["x-ratelimit-remaining"]  # also .status_code, .http_response, .retries_taken

A twin calls the plain method on a copy of its namespace that holds a :class:`Recorder`, so the
plain methods are shared as they are and only the last response of the call is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

import httpx

from ._constants import RETRIES_EXTENSION
from ._resource import Recorder, Resource

if TYPE_CHECKING:
    from ddcases_api.types import Response

__all__ = ["RawResponse", "to_raw"]

T = TypeVar("T")
D = TypeVar("D")
P = ParamSpec("P")
Res = TypeVar("Res", bound=Resource)


class RawResponse(Generic[T, D]):
    """One call's answer: the value the plain call returns, the parsed body and the HTTP response.

    * ``parse()`` - what the plain call returns (``Case``, ``Project``, ``Page``, ``None``...).
    * ``document`` - the whole parsed body, a generated model (``CaseResponse``,
      ``ProjectsResponse``...), with ``included`` and members the spec does not name; ``None``
      for a 204.
    * ``http_response`` - the ``httpx.Response`` (its request's credentials are not redacted:
      don't log ``http_response.request.headers``).
    * ``headers``, ``status_code`` - of that response.
    * ``retries_taken`` - how many times ddcases retried the request (0 with ``http_client=``).
    """

    __slots__ = ("_result", "_value")

    def __init__(self, value: T, result: Response[Any]) -> None:
        self._value = value
        self._result = result

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<RawResponse {request.method} {request.url.path} -> {self.status_code}>"

    def parse(self) -> T:
        """What the plain call returns."""
        return self._value

    @property
    def document(self) -> D:
        """The whole parsed body (``None`` when the answer has none)."""
        parsed: D = self._result.parsed  # type: ignore[assignment]
        return parsed

    @property
    def http_response(self) -> httpx.Response:
        return self._result.http_response

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def retries_taken(self) -> int:
        retries = self.http_response.extensions.get(RETRIES_EXTENSION, 0)
        return retries if isinstance(retries, int) else 0


def to_raw(
    resource: Res,
    method: Callable[Concatenate[Res, P], Awaitable[T]],
    document: type[D],
) -> Callable[P, Awaitable[RawResponse[T, D]]]:
    """The raw-response twin of ``method`` (a plain ``Resource`` method) on ``resource``."""
    cls = type(resource)
    name = method.__name__

    async def twin(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T, D]:
        recorder = Recorder()
        # Looked up on the copy, so a hand-written override of a generated method is the one run.
        bound = getattr(cls(resource._client, recorder=recorder), name)
        value = await bound(*args, **kwargs)
        if recorder.last is None:  # pragma: no cover - every facade method makes a call
            raise RuntimeError(f"{method.__name__} made no request")
        return RawResponse(value, recorder.last)

    twin.__name__ = twin.__qualname__ = method.__name__
    twin.__doc__ = method.__doc__
    return twin
