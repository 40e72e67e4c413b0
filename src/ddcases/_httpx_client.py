"""LeanAsyncClient: the ``httpx.AsyncClient`` that ``CaseManagement`` sends with.

The same client in every observable way (tests/test_httpx_client.py compares it with httpx's
own), minus three costs httpx pays on every call that this API does not need:

* **Building a request without a body.** ``build_request`` merges the URL, headers, cookies
  and params, then ``httpx.Request`` looks for a multipart boundary, encodes an empty body,
  adds ``Host`` by rebuilding the headers, and reads the body: ~13 µs for a get. The generated
  client sends absolute URLs (``ddcases_api.types.absolute``), so for a request with no body,
  params or cookies of its own (every get, search and delete) the same request is built from
  public parts: the client's headers with ``Host`` (kept per host), the timeout extension and
  an empty body, ~5 µs. Anything else goes through httpx's ``build_request``.
* **Cookies.** The Case Management API is stateless, and storing a ``Set-Cookie`` costs every
  response a pair of urllib shims and an ``email.message`` (~30 µs at concurrency 32). The
  client's jar never stores what a response sets (cookies given to it are still sent), which
  also keeps a proxy's cookies from following the client around.
* **The response ↔ stream cycle.** httpx wraps every response's stream in a
  ``BoundAsyncStream`` that refers back to the response, so each response is a reference cycle
  freed only by the cyclic GC (~20 µs of CPU per call at concurrency 32). Our transports hand
  back responses already read, so the wrapper has nothing left to give and is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["LeanAsyncClient"]

# Methods httpx gives a "Content-Length: 0" when they have no body: never on the shortcut.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_NO_BODY = httpx.ByteStream(b"")
# Header sets kept with their Host (a client talks to one host; ``headers=`` changes are rare).
_MAX_MERGED = 16


def _with_host(merged: httpx.Headers, headers: Any, url: httpx.URL) -> httpx.Headers:
    """``merged`` updated with ``headers``, then ``Host`` first as ``httpx.Request`` adds it."""
    if headers:
        merged.update(headers)
    if "Host" not in merged and url.host:
        merged = httpx.Headers([(b"Host", url.netloc), *merged.raw])
    return merged


class _NoCookies(httpx.Cookies):
    """A cookie jar that never stores what a response sets (see the module docstring)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class LeanAsyncClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` without the per-call costs the module docstring lists."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Private attribute: httpx's ``cookies`` setter copies into a plain ``Cookies``. httpx
        # is pinned below 0.29, and tests/test_client.py checks that Set-Cookie is not kept.
        if isinstance(getattr(self, "_cookies", None), httpx.Cookies):
            self._cookies = _NoCookies(self._cookies)
        self._merged_headers: dict[tuple[object, ...], httpx.Headers] = {}

    def build_request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
        extensions: Mapping[str, Any] | None = None,
    ) -> httpx.Request:
        if (
            content is None
            and data is None
            and files is None
            and json is None
            and params is None
            and cookies is None
            and timeout is httpx.USE_CLIENT_DEFAULT
            and type(url) is httpx.URL
            and url.is_absolute_url
            and method.upper() not in _BODY_METHODS
            and not self.params
            and not self.cookies
        ):
            if headers:
                merged = _with_host(httpx.Headers(self.headers), headers, url)
            else:
                merged = self._client_headers_for(url)
            extensions = {} if extensions is None else extensions
            if "timeout" not in extensions:
                extensions = {**extensions, "timeout": self.timeout.as_dict()}
            request = httpx.Request(
                method, url, headers=merged, stream=_NO_BODY, extensions=extensions
            )
            request.read()
            return request
        return super().build_request(
            method,
            url,
            content=content,
            data=data,
            files=files,
            json=json,
            params=params,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
            extensions=extensions,
        )

    def _client_headers_for(self, url: httpx.URL) -> httpx.Headers:
        """The client's headers as httpx's Request sends them to ``url``'s host: ``Host``
        first (unless they name one). Kept per host and header set (~2 µs of rebuilding per
        request otherwise); never handed out, since ``httpx.Request`` copies its headers. They
        hold no credentials: ``DatadogAuth`` adds those later, in the auth flow."""
        key = (url.netloc, *self.headers.raw)
        merged = self._merged_headers.get(key)
        if merged is None:
            if len(self._merged_headers) >= _MAX_MERGED:
                self._merged_headers.clear()
            merged = self._merged_headers[key] = _with_host(httpx.Headers(self.headers), None, url)
        return merged

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        response = await super().send(
            request, stream=stream, auth=auth, follow_redirects=follow_redirects
        )
        if response.is_stream_consumed:  # read: the stream (and its cycle) has nothing left
            response.stream = _NO_BODY
        return response
