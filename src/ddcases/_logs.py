"""The "ddcases" logger and the redaction that keeps credentials out of every log record.

Shape of ``githubkit/log.py`` (one named logger) and openai-python's ``_utils/_logs.py``
(SENSITIVE_HEADERS). As defence in depth a :class:`RedactingFilter` scrubs the live secret values
of every open client from records of our logger and of httpx/httpcore/aiohttp.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from typing import Protocol

__all__: list[str] = []

logger = logging.getLogger("ddcases")

SENSITIVE_HEADERS = frozenset(
    {
        "dd-api-key",
        "dd-application-key",
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    }
)
REDACTED = "<redacted>"

# Filters on a logger only see records created on that very logger, not ones propagated from
# children, so the httpcore/aiohttp children that log are listed one by one.
REDACTED_LOGGERS: tuple[str, ...] = (
    "ddcases",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "aiohttp.client",
    "aiohttp.internal",
)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Copy ``headers`` with the value of every sensitive header replaced by ``<redacted>``."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if k.lower() in SENSITIVE_HEADERS else v) for k, v in items}


class SecretHolder(Protocol):
    """Anything that can list the secret strings it holds (e.g. DatadogAuth)."""

    def secret_values(self) -> tuple[str, ...]: ...


class RedactingFilter(logging.Filter):
    """Replaces the secrets of registered holders in a record's message, args and traceback.

    Holders are kept weakly (strings can't be), so a client that is never closed still stops
    being scrubbed for once it is garbage collected.
    """

    def __init__(self) -> None:
        super().__init__("ddcases.redact")
        self._holders: weakref.WeakSet[SecretHolder] = weakref.WeakSet()

    def add(self, holder: SecretHolder) -> None:
        self._holders.add(holder)

    def discard(self, holder: SecretHolder) -> None:
        self._holders.discard(holder)

    def secrets(self) -> list[str]:
        return [s for h in list(self._holders) for s in h.secret_values() if s]

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets()
        if not secrets:
            return True
        message = _message(record)
        if message is None:
            return True
        if any(s in message for s in secrets):
            record.msg, record.args = _scrub(message, secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and any(s in record.exc_text for s in secrets):
            record.exc_text = _scrub(record.exc_text, secrets)
        return True


def _message(record: logging.LogRecord) -> str | None:
    """The record's message, or None when it cannot be formatted (the handler reports that)."""
    # Anything a user's __str__ or a bad format string raises: a filter must never raise.
    with contextlib.suppress(Exception):
        return record.getMessage()
    return None


# A secret this short could be part of any word ("y" of "type"): it is redacted only where it
# stands alone, not inside a run of letters and digits. Real keys (32 and 40 hex digits) and
# tokens are longer and are redacted wherever they appear.
_SHORT_SECRET = 16
_ALNUM = "A-Za-z0-9"


@functools.lru_cache(maxsize=32)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [
        re.escape(s) if len(s) >= _SHORT_SECRET else f"(?<![{_ALNUM}]){re.escape(s)}(?![{_ALNUM}])"
        for s in sorted(secrets, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives))


@functools.lru_cache(maxsize=32)
def _bytes_pattern(secrets: tuple[str, ...]) -> re.Pattern[bytes]:
    return re.compile(_pattern(secrets).pattern.encode())


def _scrub(text: str, secrets: list[str]) -> str:
    return _pattern(tuple(secrets)).sub(REDACTED, text)


redacting_filter = RedactingFilter()


def scrub(text: str) -> str:
    """``text`` with the secrets of every open client replaced by ``<redacted>``.

    For text that came from elsewhere and ends up in an error: a server's error body that
    echoes the request headers, a protocol error quoting a malformed line.
    """
    secrets = redacting_filter.secrets()
    return _scrub(text, secrets) if secrets and any(s in text for s in secrets) else text


def scrub_bytes(data: bytes) -> bytes:
    """:func:`scrub` for bytes (a response body); returns ``data`` itself when it holds none."""
    secrets = redacting_filter.secrets()
    if not any(s.encode() in data for s in secrets):
        return data
    clean = _bytes_pattern(tuple(secrets)).sub(REDACTED.encode(), data)
    return data if clean == data else clean


def register_secrets(holder: SecretHolder) -> None:
    """Start scrubbing ``holder``'s secrets from logs; call when a client is created."""
    for name in REDACTED_LOGGERS:
        log = logging.getLogger(name)
        if redacting_filter not in log.filters:
            log.addFilter(redacting_filter)
    redacting_filter.add(holder)


def unregister_secrets(holder: SecretHolder) -> None:
    """Stop scrubbing ``holder``'s secrets; call when the client closes."""
    redacting_filter.discard(holder)
