"""``dd.call``: any generated operation, with the facade's errors, retries and raw responses.

For an operation the facade has no method for yet (one just added to openapi.yaml and
generated), call its generated ``asyncio_detailed`` function through the client::

    from ddcases_api.api.case_management import update_case_title

    doc = await dd.call(update_case_title.asyncio_detailed, "SEC-12", body=body)
    raw = await dd.with_raw_response.call(update_case_title.asyncio_detailed, "SEC-12", body=body)

``dd.call`` passes ``client=`` itself and returns the parsed 2xx body (here a ``CaseResponse``;
``None`` for a 204). A non-2xx answer raises the ``ApiError`` subclass its status maps to, a body
that does not parse raises ``UnexpectedResponseError``, and transport failures are
``ApiConnectionError``/``ApiTimeoutError``; retries and rate-limit pacing apply as to every
call, since they live in the client's transport. It is the same path the facade methods take
(``Resource._call``), and ``with_raw_response`` records the answer the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ddcases_api.models import APIErrorResponse
from ddcases_api.types import Response

from ._raw_response import RawResponse
from ._resource import Recorder, Resource, any_body

__all__ = ["Operations", "OperationsWithRawResponse"]

T = TypeVar("T")

#: A generated ``asyncio_detailed`` function whose errors parse as ``APIErrorResponse``.
Operation = Callable[..., Awaitable[Response[APIErrorResponse | T]]]


class Operations(Resource):
    """What ``dd.call`` and ``dd.with_raw_response.call`` run on."""

    _whole_documents = True  # the parsed body is what dd.call returns

    async def call(self, endpoint: Operation[T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``endpoint(*args, client=..., **kwargs)``; return its parsed 2xx body."""
        parsed: T = await self._call(endpoint, any_body, *args, **kwargs)
        return parsed


class OperationsWithRawResponse:
    """``dd.with_raw_response``: ``call`` returning a ``RawResponse`` (``document`` is the body)."""

    def __init__(self, operations: Operations) -> None:
        self._operations = operations

    async def call(self, endpoint: Operation[T], /, *args: Any, **kwargs: Any) -> RawResponse[T, T]:
        recorder = Recorder()
        twin = Operations(self._operations._client, recorder=recorder)
        value = await twin.call(endpoint, *args, **kwargs)
        assert recorder.last is not None
        return RawResponse(value, recorder.last)
