"""Argument checks that run before anything is sent: a wrong type is a ``TypeError``, a wrong
value a ``ValueError``, as in ``CaseManagement``'s constructor (``_config``).

The generated enums are open (an unknown string becomes a member so that new server values
parse), so ``CaseStatus("BOGUS")`` does not fail: :func:`enum_value` checks plain strings against
the values the spec names instead, and takes a pseudo-member made on purpose as it is.
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import TypeVar, cast

__all__: list[str] = []

E = TypeVar("E", bound=enum.Enum)

MAX_PAGE_SIZE = 100


def invalid(message: str) -> TypeError:
    """The error for an argument of the wrong type: a ``TypeError``, as the constructor raises
    (``api_key=b"..."``) and as Python's own functions do; a wrong value stays a ValueError."""
    return TypeError(message)


def resource_id(value: object, what: str) -> str:
    """Return ``value`` if it can name a resource in one URL path segment.

    Empty strings, ``.`` and ``..`` (which a URL resolver would turn into another path) and
    strings with control characters (C0, including NUL, and DEL) are refused. Anything else,
    ``/``, ``?``, ``%`` and non-ASCII included, is sent percent-encoded as one segment.

    A model of what is named (a ``Case`` where a case is due, a ``Project`` where a project
    is) stands for its ``id``: ``dd.cases.get(case)`` works on a case a search returned.
    """
    if not isinstance(value, str):
        value = _model_id(value, what)
    if value in ("", ".", ".."):
        raise ValueError(f"{what} must not be empty, '.' or '..', got {value!r}")
    if _CONTROL.search(value):
        raise ValueError(f"{what} must not contain control characters, got {value!r}")
    return utf8(value, what)


def _model_id(value: object, what: str) -> str:
    """The id of a generated ``Case``/``Project`` (or user) passed as ``what``; else TypeError."""
    # Imported here: the models load on first use, and a str (the usual argument) needs none.
    from ddcases_api.models import Case, Project

    if (what == "case" and isinstance(value, Case)) or (
        what == "project" and isinstance(value, Project)
    ):
        return resource_id(value.id, f"{what}.id")
    model = {"case": " or a Case", "project": " or a Project"}.get(what, "")
    raise invalid(f"{what} must be a str{model}, got {type(value).__name__}")


def text(value: object, what: str) -> str:
    """Return ``value`` if it is a non-empty str (titles, names, keys)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a non-empty str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must be a non-empty str, got {value!r}")
    return utf8(value, what)


def string(value: object, what: str) -> str:
    """Return ``value`` if it is a str, possibly empty (descriptions, search filters)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a str, got {type(value).__name__}")
    return utf8(value, what)


# C0 controls (NUL included) and DEL: one compiled search instead of a loop over characters.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def utf8(value: str, what: str) -> str:
    """Return ``value`` if it encodes as UTF-8, as everything sent in a URL or JSON body must.

    Only a lone surrogate (``"\\ud800"``, e.g. half of an emoji cut in two) fails; left alone it
    would surface as a UnicodeEncodeError from deep inside httpx or json at send time.
    """
    if value.isascii():  # the common case, checked without encoding a copy
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start : exc.end]
        raise ValueError(
            f"{what} is not valid UTF-8: it contains a lone surrogate {bad!r} at index {exc.start}"
        ) from None
    return value


def enum_value(value: object, enum_cls: type[E], what: str) -> E:
    """Return the member of ``enum_cls`` for ``value``: a member, or the exact string of one.

    A plain string must be a value the spec names, so a typo (``"CLOSD"``) never leaves the
    process. A value the spec does not name is sent only when it is made deliberately, as a
    pseudo-member of the open enum: ``CaseStatus("ACKNOWLEDGED")`` (``.is_known is False``).
    """
    if isinstance(value, enum_cls):
        return value
    # The member map holds only the values the spec names: open enums don't cache unknowns.
    known = cast("Mapping[object, E]", enum_cls._value2member_map_)
    if isinstance(value, str) and value in known:
        return known[value]
    allowed = ", ".join(repr(v) for v in known)
    if not isinstance(value, str):
        raise invalid(f"{what} must be a str, one of {allowed}, got {type(value).__name__}")
    raise ValueError(f"{what} must be one of {allowed}, got {value!r}")


def positive_int(value: object, what: str, *, maximum: int | None = None) -> int:
    """Return ``value`` if it is an int (not a bool) in ``1..maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what} must be an int, got {value!r}")
    if value < 1 or (maximum is not None and value > maximum):
        bounds = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise ValueError(f"{what} must be {bounds}, got {value}")
    return value


def optional_bool(value: object, what: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise invalid(f"{what} must be a bool or None, got {value!r}")
    return value


def uuid_str(value: object, what: str) -> str:
    """Return ``value`` if it is a UUID string (any case, hyphens as usual)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a UUID str, got {type(value).__name__}")
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError(f"{what} must be a UUID, got {value!r}") from None
    return value


def str_list(value: object, what: str, *, nonempty_items: bool = False) -> list[str]:
    """Return ``value`` as a list if it is a sequence of str (a bare str is refused)."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise invalid(f"{what} must be a list of str, got {type(value).__name__}")
    items = list(value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise invalid(f"{what}[{i}] must be a str, got {type(item).__name__}")
        if nonempty_items and not item:
            raise ValueError(
                f"{what}[{i}] must be a {'non-empty ' * nonempty_items}str, got {item!r}"
            )
        utf8(item, f"{what}[{i}]")
    return items


def str_list_map(value: object, what: str) -> dict[str, list[str]]:
    """Return ``value`` as a dict if it maps non-empty str keys to sequences of str."""
    if not isinstance(value, Mapping):
        raise invalid(f"{what} must be a mapping of str to a list of str, got {value!r}")
    out: dict[str, list[str]] = {}
    for key, items in value.items():
        if not isinstance(key, str):
            raise invalid(f"{what} keys must be non-empty str, got {type(key).__name__}")
        if not key:
            raise ValueError(f"{what} keys must be non-empty str, got {key!r}")
        out[utf8(key, f"{what} key")] = str_list(items, f"{what}[{key!r}]")
    return out


#: A custom attribute's value as the API takes it: a str, a number, or a list of either.
CustomValue = str | int | float | Sequence[str] | Sequence[int | float]

_TEXT_TYPES = ("TEXT", "URL", "SELECT")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def custom_value(
    value: object, type_: str | None, is_multi: bool | None, what: str = "value"
) -> tuple[str | float | list[str] | list[float], str, bool]:
    """Check a custom attribute value; return ``(value, type, is_multi)``, inferring the last two.

    A number is ``NUMBER``, a str is ``TEXT`` (pass ``type="URL"`` or ``"SELECT"`` for those),
    a list is ``is_multi`` of its items' type. ``type_`` is already a known type name.
    """
    multi = isinstance(value, Sequence) and not isinstance(value, str | bytes)
    items: list[object] = list(value) if multi else [value]  # type: ignore[call-overload]
    if any(not (isinstance(v, str) or _number(v)) for v in items):
        raise invalid(f"{what} must be a str, a number, or a list of either, got {value!r}")
    for v in items:
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{what} must be a finite number, got {v!r}")
        if isinstance(v, str):
            utf8(v, what)
    kinds = {"str" if isinstance(v, str) else "number" for v in items}
    if len(kinds) > 1:
        raise ValueError(f"{what} must not mix strings and numbers, got {value!r}")
    if not kinds and type_ is None:
        raise ValueError(f"{what} is an empty list: pass type= (URL, TEXT, NUMBER or SELECT)")
    kind = kinds.pop() if kinds else ("number" if type_ == "NUMBER" else "str")
    if type_ is None:
        type_ = "NUMBER" if kind == "number" else "TEXT"
    elif (type_ == "NUMBER") != (kind == "number"):
        expected = "numbers" if type_ == "NUMBER" else "strings"
        raise ValueError(f"{what} of type {type_} must hold {expected}, got {value!r}")
    if is_multi is None:
        is_multi = multi
    elif is_multi != multi:
        shape = "a list" if is_multi else "a single value, not a list"
        raise ValueError(f"{what} must be {shape} when is_multi={is_multi}, got {value!r}")
    out: str | float | list[str] | list[float] = (
        items if multi else items[0]  # type: ignore[assignment]
    )
    return out, type_, is_multi
