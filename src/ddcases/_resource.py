"""Base for the ``dd.cases`` / ``dd.projects`` namespaces, and the one way they call the API.

Shape of openai-python's ``src/openai/_resource.py``: a namespace holds its client and nothing
else. Every facade method sends its request through :meth:`Resource._call`, which turns
whatever can go wrong into a ddcases error:

* httpx transport failures → ``ApiTimeoutError`` / ``ApiConnectionError`` (``from`` the cause);
* a non-2xx status → ``make_status_error`` (``NotFoundError``, ``RateLimitError``, ...);
* a 2xx whose body does not parse into the model the spec names → ``UnexpectedResponseError``
  (the generated parser raises ``UnparsableResponse``, which carries the response; never a
  ``KeyError``/``JSONDecodeError``).

The generated ``Response`` carries its ``httpx.Response`` (``http_response``, a template
change), so nothing needs an event hook to find the response of a call. A namespace built with
a :class:`Recorder` (``with_raw_response``, see ``_raw_response``) also hands each response it
got to the recorder; plain calls pay one ``is None`` test for that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ddcases_api.errors import UnparsableResponse
from ddcases_api.types import Response, Unset

from ._exceptions import ApiError, make_status_error, map_transport_error

if TYPE_CHECKING:
    from ._client import CaseManagement

__all__: list[str] = []

R = TypeVar("R")
M = TypeVar("M")

# A generated ``asyncio_detailed`` function: positional path params, then client= and kwargs.
Endpoint = Callable[..., Awaitable[Response[Any]]]


class Unusable(Exception):
    """Raised by a body picker when a 2xx body is not what the spec promises."""


class Recorder:
    """Collects the generated ``Response`` of each call a namespace makes (raw-response mode)."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: Response[Any] | None = None


def body_as(cls: type[R]) -> Callable[[object], R]:
    """Picker: the parsed body itself, which must be a ``cls``."""

    def pick(parsed: object) -> R:
        if not isinstance(parsed, cls):
            raise Unusable(f"expected a {cls.__name__} body, got {type(parsed).__name__}")
        return parsed

    return pick


def data_as(cls: type[object], model: type[M]) -> Callable[[object], M]:
    """Picker: the ``data`` member of a ``cls`` body, which must be a ``model``.

    The model's own ``id`` and ``type`` were checked by the generated parser (a required string
    member that is not a str, or an enum member that is not a string, fails the parse).
    """
    outer = body_as(cls)

    def pick(parsed: object) -> M:
        data = getattr(outer(parsed), "data", None)
        if not isinstance(data, model):
            raise Unusable(f"expected {cls.__name__}.data to be a {model.__name__}")
        return data

    return pick


def list_data(cls: type[object], model: type[M]) -> Callable[[object], list[M]]:
    """Picker: the ``data`` list of a ``cls`` body (``[]`` when absent), each item a ``model``."""
    outer = body_as(cls)

    def pick(parsed: object) -> list[M]:
        data = getattr(outer(parsed), "data", None)
        if data is None or isinstance(data, Unset):
            return []
        if not isinstance(data, list) or not all(isinstance(item, model) for item in data):
            raise Unusable(f"expected {cls.__name__}.data to be a list of {model.__name__}")
        return data

    return pick


def first_data(cls: type[object], model: type[M]) -> Callable[[object], M]:
    """Picker: the first item of the ``data`` list of a ``cls`` body (the one just created)."""
    items = list_data(cls, model)

    def pick(parsed: object) -> M:
        data = items(parsed)
        if not data:
            raise Unusable(f"expected {cls.__name__}.data to hold the new {model.__name__}")
        return data[0]

    return pick


def item_id(item: Any) -> object:
    """The key a generated paginator tells items apart by: the resource's ``id``."""
    return item.id


def no_body(parsed: object) -> None:
    """Picker for endpoints that answer 204 (the body, if any, is ignored)."""


def any_body(parsed: object) -> Any:
    """Picker for ``dd.call``: the parsed 2xx body as the generated function returned it."""
    return parsed


class Resource:
    """A namespace of the client: ``dd.cases``, ``dd.projects``."""

    #: Whether plain calls parse whole documents. The facade's methods return a document's
    #: ``data`` (and paging counts), so its ``included`` users are left unparsed; raw responses
    #: (``document``) and ``dd.call`` (the body itself) parse everything.
    _whole_documents = False

    def __init__(self, client: CaseManagement, *, recorder: Recorder | None = None) -> None:
        self._client = client
        self._recorder = recorder

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    async def _call(
        self, endpoint: Endpoint, pick: Callable[[object], M], *args: Any, **kwargs: Any
    ) -> M:
        """Send one request through the generated ``endpoint``; return ``pick(parsed body)``."""
        api = self._client._api_for_call(
            included=self._whole_documents or self._recorder is not None
        )
        unusable: ApiError | None = None
        try:
            result = await endpoint(*args, client=api, **kwargs)
        except httpx.TransportError as exc:
            raise map_transport_error(exc) from exc
        except UnparsableResponse as exc:
            response = exc.response
            reason = None if response.is_error else f"body does not match the spec: {exc.reason}"
            unusable = make_status_error(response, reason=reason)
        if unusable is not None:
            # Raised outside the handler: the parser's exception (a JSONDecodeError keeps the
            # whole body in .doc, its frames the parsed dicts) must not ride along as context.
            raise unusable
        if self._recorder is not None:
            self._recorder.last = result
        if not 200 <= int(result.status_code) < 300:
            raise make_status_error(result.http_response)
        try:
            return pick(result.parsed)
        except Unusable as exc:
            raise make_status_error(result.http_response, reason=str(exc)) from None
