"""The standard case type's statuses, and how a case's custom attribute value is checked.

(Every case type, its statuses and its custom-attribute configs live in ``_config_store``.)

Facts from the live service (shared reference sheet): the standard case type
(``00000000-0000-0000-0000-000000000001``) has the statuses ``OPEN``/"Open",
``IN_PROGRESS``/"In Progress" and ``CLOSED``/"Closed", in the groups ``SG_OPEN``,
``SG_IN_PROGRESS`` and ``SG_CLOSED``. UpdateStatus' 400 lists more ``status`` values the service
accepts (:data:`ACCEPTED_STATUSES`).

Decisions where the sheet is silent:

* A status outside the standard three gets the display name of its words ("Pending Approval")
  and a group by meaning: :data:`_CLOSED_LIKE` are ``SG_CLOSED``, :data:`_ACTIVE_LIKE`
  ``SG_IN_PROGRESS``, the others ``SG_OPEN``.
* ``status_name`` must be one of the standard type's display names, exactly.
* Custom attributes are defined per case type, with CreateCustomAttributeConfig or the shortcut
  ``ddcases.testing.Emulator.define_custom_attribute``; a value must match the definition's
  type (numbers for ``NUMBER``, strings otherwise) and ``is_multi`` (a list or a single value).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

__all__ = [
    "ACCEPTED_STATUSES",
    "CUSTOM_ATTRIBUTE_TYPES",
    "CustomAttribute",
    "check_custom_value",
    "status_by_name",
    "status_info",
]

#: (status, display name, group) of the standard case type.
STANDARD_STATUSES = (
    ("OPEN", "Open", "SG_OPEN"),
    ("IN_PROGRESS", "In Progress", "SG_IN_PROGRESS"),
    ("CLOSED", "Closed", "SG_CLOSED"),
)

#: What the live service's 400 for an unknown ``status`` lists, in its order.
ACCEPTED_STATUSES = (
    "NOT_STARTED",
    "IN_PROGRESS",
    "CLOSED",
    "ACKNOWLEDGED",
    "TRIGGERED",
    "PENDING_APPROVAL",
    "COMPLETED",
    "CANCELLED",
    "DECLINED",
    "SUNKNOWN",
    "OPEN",
    "RESOLVED",
    "APPROVED",
    "IMPLEMENTING",
)
_CLOSED_LIKE = frozenset({"CLOSED", "COMPLETED", "CANCELLED", "DECLINED", "RESOLVED"})
_ACTIVE_LIKE = frozenset(
    {"IN_PROGRESS", "ACKNOWLEDGED", "PENDING_APPROVAL", "APPROVED", "IMPLEMENTING"}
)

CUSTOM_ATTRIBUTE_TYPES = ("URL", "TEXT", "NUMBER", "SELECT")


def status_info(status: str) -> tuple[str, str]:
    """``(status_name, status_group)`` of a ``status`` value."""
    for value, name, group in STANDARD_STATUSES:
        if value == status:
            return name, group
    name = " ".join(word.capitalize() for word in status.split("_"))
    if status in _CLOSED_LIKE:
        return name, "SG_CLOSED"
    return name, "SG_IN_PROGRESS" if status in _ACTIVE_LIKE else "SG_OPEN"


def status_by_name(name: str) -> str | None:
    """The standard type's status whose display name is ``name``, or None."""
    return next((value for value, display, _ in STANDARD_STATUSES if display == name), None)


@dataclasses.dataclass(frozen=True)
class CustomAttribute:
    """A custom attribute definition: its key, type and whether it holds a list."""

    key: str
    type: str
    is_multi: bool = False


def check_custom_value(definition: CustomAttribute, type_: str, is_multi: bool, value: Any) -> str:
    """Why ``value`` does not fit ``definition`` (a message for a 400), or ``""``."""
    key = definition.key
    if type_ != definition.type:
        return f'custom attribute "{key}" is of type {definition.type}, got {type_}'
    if is_multi != definition.is_multi:
        return f'custom attribute "{key}" has is_multi={str(definition.is_multi).lower()}'
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) != is_multi:
        return f"value must {'' if is_multi else 'not '}be a list when is_multi is {is_multi}"
    for item in items:
        number = isinstance(item, int | float) and not isinstance(item, bool)
        if type_ == "NUMBER" and not (number and math.isfinite(item)):
            return f"value of a NUMBER attribute must hold numbers, got {item!r}"
        if type_ != "NUMBER" and not isinstance(item, str):
            return f"value of a {type_} attribute must hold strings, got {item!r}"
    return ""
