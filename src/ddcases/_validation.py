"""Argument checks that run before anything is sent: a wrong type is a ``TypeError``, a wrong
value a ``ValueError``, as in ``CaseManagement``'s constructor (``_config``).

The generated enums are open (an unknown string becomes a member so that new server values
parse), so ``CaseStatus("BOGUS")`` does not fail: :func:`enum_value` checks plain strings against
the values the spec names instead, and takes a pseudo-member made on purpose as it is.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

import attrs

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
    return integer(value, what, minimum=1, maximum=maximum)


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


def str_list(
    value: object,
    what: str,
    *,
    nonempty_items: bool = False,
    minItems: int | None = None,
    maxItems: int | None = None,
) -> list[str]:
    """Return ``value`` as a list if it is a sequence of str (a bare str is refused), of a length
    within the schema's ``minItems``/``maxItems``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise invalid(f"{what} must be a list of str, got {type(value).__name__}")
    items: list[str] = []
    for i, item in enumerate(seq(value, what, minItems=minItems, maxItems=maxItems)):
        if not isinstance(item, str):
            raise invalid(f"{what}[{i}] must be a str, got {type(item).__name__}")
        if nonempty_items and not item:
            raise ValueError(
                f"{what}[{i}] must be a {'non-empty ' * nonempty_items}str, got {item!r}"
            )
        items.append(utf8(item, f"{what}[{i}]"))
    return items


def str_list_map(value: object, what: str) -> dict[str, list[str]]:
    """Return ``value`` as a dict if it maps non-empty str keys to sequences of str."""
    return _str_keyed(value, what, "a list of str", str_list)


def str_map(value: object, what: str) -> dict[str, str]:
    """Return ``value`` as a dict if it maps non-empty str keys to str values."""
    return _str_keyed(value, what, "str", string)


V = TypeVar("V")


def _str_keyed(
    value: object, what: str, kind: str, check: Callable[[object, str], V]
) -> dict[str, V]:
    """``value`` as a dict of non-empty str keys, each value passed through ``check``."""
    if not isinstance(value, Mapping):
        raise invalid(f"{what} must be a mapping of str to {kind}, got {value!r}")
    out: dict[str, V] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise invalid(f"{what} keys must be non-empty str, got {type(key).__name__}")
        if not key:
            raise ValueError(f"{what} keys must be non-empty str, got {key!r}")
        out[utf8(key, f"{what} key")] = check(item, f"{what}[{key!r}]")
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


# -- Checks the generated facade methods call (generator/facade.py picks one per schema). --------

M = TypeVar("M")
M_co = TypeVar("M_co", covariant=True)


def integer(
    value: object, what: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` if it is an int (not a bool) within the schema's bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what} must be an int, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "" if minimum is None else f"at least {minimum}"
        high = "" if maximum is None else f"at most {maximum}"
        bounds = f"between {minimum} and {maximum}" if low and high else low or high
        raise ValueError(f"{what} must be {bounds}, got {value}")
    return value


def number(value: object, what: str) -> float:
    """Return ``value`` if it is a finite int or float (not a bool)."""
    if not _number(value) or not math.isfinite(value):  # type: ignore[arg-type]
        raise invalid(f"{what} must be a finite number, got {value!r}")
    return value  # type: ignore[return-value]


def boolean(value: object, what: str) -> bool:
    """Return ``value`` if it is a bool (``1``, ``"true"`` are refused)."""
    if not isinstance(value, bool):
        raise invalid(f"{what} must be a bool, got {value!r}")
    return value


def date_time(value: object, what: str) -> datetime.datetime:
    """An aware ``datetime``, or an ISO 8601 string of one (``"2026-12-31T09:00:00Z"``)."""
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} must be an ISO 8601 date-time, got {value!r}") from None
    elif isinstance(value, datetime.datetime):
        parsed = value
    else:
        raise invalid(f"{what} must be a datetime or an ISO 8601 str, got {value!r}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(
            f"{what} must be timezone-aware (a naive datetime is ambiguous), got {value!r}"
        )
    return parsed


def date_value(value: object, what: str) -> datetime.date:
    """A ``datetime.date`` (not a ``datetime``), or an ISO date string (``"2026-12-31"``)."""
    if isinstance(value, datetime.datetime):
        raise invalid(f"{what} must be a date, not a datetime, got {value!r}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} must be an ISO date (YYYY-MM-DD), got {value!r}") from None
    raise invalid(f"{what} must be a date or an ISO date str, got {value!r}")


def seq(
    value: object, what: str, *, minItems: int | None = None, maxItems: int | None = None
) -> list[object]:
    """Return ``value`` as a list if it is a sequence (not a str) of an allowed length."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise invalid(f"{what} must be a list, got {type(value).__name__}")
    items = list(value)
    if minItems is not None and len(items) < minItems:
        raise ValueError(f"{what} must hold at least {minItems} item(s), got {len(items)}")
    if maxItems is not None and len(items) > maxItems:
        raise ValueError(f"{what} must hold at most {maxItems} item(s), got {len(items)}")
    return items


class _Model(Protocol[M_co]):
    """A generated attrs model: built from the API's JSON shape by ``from_dict``."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> M_co: ...


def model_value(value: object, cls: type[M], what: str) -> M:
    """``value`` as a ``cls``: the generated model itself, or a mapping in the API's JSON shape.

    A mapping must hold the members the schema requires; anything it holds that the model does not
    name is sent as it is (``additional_properties``), as the live service may know it.
    """
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise invalid(f"{what} must be a {cls.__name__} or a mapping, got {value!r}")
    try:
        model = cast("_Model[M]", cls).from_dict(dict(value))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # the generated parser
        missing = f"it lacks {exc}" if isinstance(exc, KeyError) else repr(exc)
        raise ValueError(f"{what} is not a valid {cls.__name__}: {missing}") from None
    _known_enums(model, value, what)
    return model


def _known_enums(model: object, source: Mapping[str, Any], what: str) -> None:
    """Refuse a plain string that the parser took as an unknown member of an open enum.

    ``from_dict`` accepts any string for an enum member (a new server value must parse), so a
    typo in a mapping (``{"type": "MONITR"}``) would be sent. As with :func:`enum_value`, an
    unknown value goes out only when it is made deliberately (``CaseInsightType("NEW")``).
    """
    kind = type(model)
    if not attrs.has(kind):
        return
    for field in attrs.fields(kind):
        wire = field.name.removesuffix("_")
        if wire not in source:
            continue
        _known(getattr(model, field.name), source[wire], f"{what}[{wire!r}]")


def _known(value: object, raw: object, what: str) -> None:
    if isinstance(value, enum.Enum):
        if type(raw) is str and not getattr(value, "is_known", True):
            allowed = ", ".join(repr(v) for v in type(value)._value2member_map_)
            raise ValueError(f"{what} must be one of {allowed}, got {raw!r}")
    elif isinstance(value, list) and isinstance(raw, Sequence):
        for i, (item, raw_item) in enumerate(zip(value, raw, strict=False)):
            _known(item, raw_item, f"{what}[{i}]")
    elif isinstance(raw, Mapping):
        _known_enums(value, raw, what)


def model_list(
    value: object,
    cls: type[M],
    what: str,
    *,
    minItems: int | None = None,
    maxItems: int | None = None,
) -> list[M]:
    """A list of ``cls`` from models or mappings (see :func:`model_value`)."""
    items = seq(value, what, minItems=minItems, maxItems=maxItems)
    return [model_value(item, cls, f"{what}[{i}]") for i, item in enumerate(items)]
