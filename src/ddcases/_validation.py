"""Argument checks that run before anything is sent; every failure is a ``ValueError``.

The generated enums are open (an unknown string becomes a member so that new server values
parse), so ``CaseStatus("BOGUS")`` does not fail: :func:`enum_value` checks against the
values the spec names instead.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar, cast

__all__: list[str] = []

E = TypeVar("E", bound=enum.Enum)

MAX_PAGE_SIZE = 100


def _bad(message: str) -> ValueError:
    # A wrong type is a ValueError too, like any other bad argument: callers catch one class.
    # (Built here rather than at each type check, where ruff's TRY004 asks for a TypeError.)
    return ValueError(message)


def resource_id(value: object, what: str) -> str:
    """Return ``value`` if it can name a resource in one URL path segment.

    Empty strings, ``.`` and ``..`` (which a URL resolver would turn into another path) and
    strings with control characters (C0, including NUL, and DEL) are refused. Anything else,
    ``/``, ``?``, ``%`` and non-ASCII included, is sent percent-encoded as one segment.
    """
    if not isinstance(value, str):
        raise _bad(f"{what} must be a str, got {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{what} must not be empty, '.' or '..', got {value!r}")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValueError(f"{what} must not contain control characters, got {value!r}")
    return utf8(value, what)


def text(value: object, what: str) -> str:
    """Return ``value`` if it is a non-empty str (titles, names, keys)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty str, got {value!r}")
    return utf8(value, what)


def string(value: object, what: str) -> str:
    """Return ``value`` if it is a str, possibly empty (descriptions, search filters)."""
    if not isinstance(value, str):
        raise _bad(f"{what} must be a str, got {type(value).__name__}")
    return utf8(value, what)


def utf8(value: str, what: str) -> str:
    """Return ``value`` if it encodes as UTF-8, as everything sent in a URL or JSON body must.

    Only a lone surrogate (``"\\ud800"``, e.g. half of an emoji cut in two) fails; left alone it
    would surface as a UnicodeEncodeError from deep inside httpx or json at send time.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start : exc.end]
        raise ValueError(
            f"{what} is not valid UTF-8: it contains a lone surrogate {bad!r} at index {exc.start}"
        ) from None
    return value


def enum_value(value: object, enum_cls: type[E], what: str) -> E:
    """Return the member of ``enum_cls`` for ``value`` (a member or its exact string value)."""
    # The member map holds only the values the spec names: open enums don't cache unknowns.
    known = cast("Mapping[object, E]", enum_cls._value2member_map_)
    if isinstance(value, str) and value in known:
        return known[value]
    allowed = ", ".join(repr(v) for v in known)
    raise ValueError(f"{what} must be one of {allowed}, got {value!r}")


def positive_int(value: object, what: str, *, maximum: int | None = None) -> int:
    """Return ``value`` if it is an int (not a bool) in ``1..maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"{what} must be an int, got {value!r}")
    if value < 1 or (maximum is not None and value > maximum):
        bounds = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise ValueError(f"{what} must be {bounds}, got {value}")
    return value


def optional_bool(value: object, what: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{what} must be a bool or None, got {value!r}")
    return value
