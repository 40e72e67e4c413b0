"""Base for the ``dd.cases`` / ``dd.projects`` namespaces, and the one way they call the API.

Shape of openai-python's ``src/openai/_resource.py``: a namespace holds its client and nothing
else. Every facade method sends its request through :meth:`Resource._call`, which turns
whatever can go wrong into a ddcases error:

* httpx transport failures → ``ApiTimeoutError`` / ``ApiConnectionError`` (``from`` the cause);
* a non-2xx status → ``make_status_error`` (``NotFoundError``, ``RateLimitError``, ...);
* a 2xx whose body does not parse into the model the spec names → ``UnexpectedResponseError``
  (never ``KeyError``/``JSONDecodeError`` from the generated parser).
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ddcases_api.client import AuthenticatedClient
from ddcases_api.types import Response

from ._exceptions import ApiError, make_status_error, map_transport_error

if TYPE_CHECKING:
    from ._client import CaseManagement

__all__: list[str] = []

R = TypeVar("R")
M = TypeVar("M")

# The generated functions return their own Response wrapper, which has no request and is not
# built at all when the body fails to parse. This hook (installed on the httpx client) hands
# the httpx.Response of the call in progress to _call; the context variable keeps concurrent
# calls apart, and outside _call the hook does nothing.
_current: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "ddcases_current_response", default=None
)


async def record_response(response: httpx.Response) -> None:
    """httpx ``response`` event hook used by :meth:`Resource._call`."""
    box = _current.get()
    if box is not None:
        box.append(response)


# A generated ``asyncio_detailed`` function: positional path params, then client= and kwargs.
Endpoint = Callable[..., Awaitable[Response[Any]]]


class Unusable(Exception):
    """Raised by a body picker when a 2xx body is not what the spec promises."""


def body_as(cls: type[R]) -> Callable[[object], R]:
    """Picker: the parsed body itself, which must be a ``cls``."""

    def pick(parsed: object) -> R:
        if not isinstance(parsed, cls):
            raise Unusable(f"expected a {cls.__name__} body, got {type(parsed).__name__}")
        return parsed

    return pick


def data_as(cls: type[object], model: type[M]) -> Callable[[object], M]:
    """Picker: the ``data`` member of a ``cls`` body, which must be a ``model``."""
    outer = body_as(cls)

    def pick(parsed: object) -> M:
        data = getattr(outer(parsed), "data", None)
        if not isinstance(data, model):
            raise Unusable(f"expected {cls.__name__}.data to be a {model.__name__}")
        return data

    return pick


def no_body(parsed: object) -> None:
    """Picker for endpoints that answer 204 (the body, if any, is ignored)."""


class Resource:
    """A namespace of the client: ``dd.cases``, ``dd.projects``."""

    def __init__(self, client: CaseManagement) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    async def _call(
        self, endpoint: Endpoint, pick: Callable[[object], M], *args: Any, **kwargs: Any
    ) -> M:
        """Send one request through the generated ``endpoint``; return ``pick(parsed body)``."""
        api: AuthenticatedClient = self._client._api_for_call()
        box: list[httpx.Response] = []
        token = _current.set(box)
        unusable: ApiError | None = None
        try:
            result = await endpoint(*args, client=api, **kwargs)
        except httpx.TransportError as exc:
            raise map_transport_error(exc) from exc
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            # The generated parser choked on the body (JSONDecodeError is a ValueError).
            if not box:
                raise
            response = box[-1]
            reason = None if response.is_error else f"body does not match the spec: {exc!r}"
            unusable = make_status_error(response, reason=reason)
        finally:
            _current.reset(token)
        if unusable is not None:
            # Raised outside the handler: the parser's exception (a JSONDecodeError keeps the
            # whole body in .doc, its frames the parsed dicts) must not ride along as context.
            raise unusable
        response = box[-1] if box else _rebuild(result)
        # Timer handles made during the call (aiohttp's read timeout) captured this context, box
        # included, and asyncio keeps cancelled ones until it purges them: without this, up to
        # ~100 past response bodies stay alive (a 10,000-case walk peaked at 8.9 MB, now 4.1).
        box.clear()
        if not 200 <= int(result.status_code) < 300:
            raise make_status_error(response)
        try:
            return pick(result.parsed)
        except Unusable as exc:
            raise make_status_error(response, reason=str(exc)) from None


def _rebuild(result: Response[Any]) -> httpx.Response:
    # Only when the hook is missing (it never is on clients CaseManagement builds).
    return httpx.Response(int(result.status_code), headers=result.headers, content=result.content)
