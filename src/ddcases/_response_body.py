"""Reading a response body: a cap on its size, and its Content-Encoding undone within that cap.

Every transport's responses pass through here once (our aiohttp transport reads the body
itself; ``RetryTransport`` reads those of any other transport), so a body that is too large,
or that says ``Content-Encoding: gzip`` over bytes that are not, is the same failure whatever
sent it. Such a response is kept, its status and headers intact, with an empty body and the
reason in ``extensions[BODY_ERROR]``; ``make_status_error`` turns it into an
``UnexpectedResponseError`` on a 2xx, and into the error status's own class (``NotFoundError``,
``ServerError``, ...) otherwise, the dropped body said in the message. Decompression is
bounded while it runs (``zlib``'s ``max_length``), so a 255 KiB gzip bomb costs at most the
cap, not the 256 MiB it expands to.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncIterable

import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "BODY_ERROR",
    "BODY_SNIPPET",
    "BodyError",
    "decode",
    "failed",
    "read_capped",
    "unframed",
]

#: What we can undo, and so all we ask for.
ACCEPT_ENCODING = "gzip, deflate"
#: ``httpx.Response.extensions`` key holding why the body could not be used.
BODY_ERROR = "ddcases.body_error"
#: ``httpx.Response.extensions`` key holding the first bytes of such a body, for messages.
BODY_SNIPPET = "ddcases.body_snippet"
_SNIPPET_BYTES = 512
_PIECE = 1024 * 1024


class BodyError(Exception):
    """The body is larger than the cap, or its Content-Encoding cannot be undone."""

    def __init__(self, reason: str, snippet: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.snippet = snippet[:_SNIPPET_BYTES]


def too_large(cap: int) -> BodyError:
    return BodyError(
        f"the response body is larger than max_response_bytes ({cap:,} bytes); "
        "raise it in CaseManagement(max_response_bytes=...) if this is expected"
    )


async def read_capped(chunks: AsyncIterable[bytes], cap: int) -> bytes:
    """Join ``chunks``, failing as soon as they exceed ``cap`` bytes."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise too_large(cap)
        parts.append(chunk)
    return b"".join(parts)


def decode(raw: bytes, content_encoding: str | None, cap: int) -> bytes:
    """Undo ``content_encoding`` (gzip, deflate, identity; several in order) within ``cap``."""
    if not content_encoding or not raw:
        return raw
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    body = raw
    for coding in reversed(codings):
        if coding == "identity":
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise BodyError(f"unsupported Content-Encoding {coding!r}", raw)
        try:
            body = _inflate(body, coding, cap)
        except zlib.error as exc:
            raise BodyError(f"the body is not valid {coding} ({exc})", raw) from None
    return body


def _inflate(data: bytes, coding: str, cap: int) -> bytes:
    if coding == "deflate":
        # Servers send either zlib-wrapped or raw deflate under this name (httpx does the same).
        try:
            return _bounded(zlib.decompressobj(zlib.MAX_WBITS), data, cap)
        except zlib.error:
            return _bounded(zlib.decompressobj(-zlib.MAX_WBITS), data, cap)
    return _bounded(zlib.decompressobj(zlib.MAX_WBITS | 16), data, cap)


def _bounded(inflater: zlib._Decompress, data: bytes, cap: int) -> bytes:
    # Output in pieces of at most _PIECE: one call asked for the whole cap lets zlib grow a
    # buffer to it (twice the cap at peak, measured: 64 MiB for a 32 MiB cap).
    parts: list[bytes] = []
    size = 0
    pending = data
    while True:
        limit = min(_PIECE, cap + 1 - size)
        piece = inflater.decompress(pending, limit)
        size += len(piece)
        if size > cap:
            raise too_large(cap)
        parts.append(piece)
        pending = inflater.unconsumed_tail
        if not pending and (inflater.eof or len(piece) < limit):
            break
    if not inflater.eof:
        raise zlib.error("the compressed stream ends early")
    return b"".join(parts)


# Headers that describe the body as it was on the wire; wrong once it is decoded or replaced.
_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def unframed(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``items`` without the headers that describe the wire body (so httpx decodes nothing
    again, and no stale length is kept)."""
    return [(k, v) for k, v in items if k.lower() not in _FRAMING]


def failed(response: httpx.Response, error: BodyError) -> httpx.Response:
    """``response`` without its body, carrying ``error`` (see the module docstring)."""
    extensions = dict(response.extensions)
    extensions[BODY_ERROR] = error.reason
    extensions[BODY_SNIPPET] = error.snippet
    headers = unframed(response.headers.multi_items())
    failed_response = httpx.Response(
        response.status_code, headers=headers, content=b"", extensions=extensions
    )
    with contextlib.suppress(RuntimeError):  # no request attached
        failed_response.request = response.request
    return failed_response
