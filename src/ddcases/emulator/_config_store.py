"""Configuration state of the emulated service: case types, their custom-attribute configs,
project notification and automation rules, case views, maintenance windows and favorites.

Knows nothing about HTTP. ``Store`` owns one ``ConfigStore`` (``store.config``) and shares its
lock with it, so every method here is atomic like the store's own.

Facts from the live service (shared reference sheet, S6-S10, S14, S15 and section 5.4):

* Five built-in case types with fixed ids ``00000000-0000-0000-0000-00000000000N`` (1 Standard,
  2 Event Management, 3 Security, 4 Change Request, 5 Error Tracking), ``internal: true``, an
  empty emoji, and their ``statuses_config``; Change Request's in-progress statuses are Pending
  Approval, Approved and Implementing, its closed ones Completed, Cancelled and Declined.
* A created type gets ``internal: false`` and the default statuses (Open, In Progress, Closed).
* Deleting a type is a soft delete: it stays listed with ``deleted_at``; deleting it again is
  fine (204).

Decisions where the sheet is silent (tests/emulator/test_config_routes.py pins each one):

* A deleted case type cannot be updated, given to a new case or given new configs (404
  ``case_type not found`` or a 400 on CreateCase); built-in types cannot be deleted (400).
* A case's ``type`` is ``STANDARD`` for the standard type, ``ERROR_TRACKING_ISSUE`` for Error
  Tracking (both recorded) and ``TUNKNOWN`` for every other type (recorded for custom types).
* A status name maps to the ``status`` value of its words in upper case ("Pending Approval" ->
  ``PENDING_APPROVAL``), the values the service's UpdateStatus 400 lists.
* A custom attribute key is unique per case type (a second config with the key is a 400); a
  deleted config leaves the values already set on cases alone.
* Favorites are per user; favoriting twice keeps one favorite, unfavoriting a project that is
  not a favorite is no error, and a deleted project drops out of the list.
* Rules and views belong to a project and are found only through it; maintenance windows belong
  to the organisation (one emulator).
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import uuid
from collections.abc import Callable
from typing import Any

from ._case_types import CustomAttribute
from ._store import NotFound

__all__ = ["STANDARD_STATUSES", "AttributeConfig", "CaseTypeRecord", "ConfigStore", "Resource"]

Clock = Callable[[], datetime.datetime]

#: open / in_progress / closed status names of most types.
STANDARD_STATUSES: dict[str, tuple[str, ...]] = {
    "open": ("Open",),
    "in_progress": ("In Progress",),
    "closed": ("Closed",),
}
_CHANGE_REQUEST_STATUSES: dict[str, tuple[str, ...]] = {
    "open": ("Open",),
    "in_progress": ("Pending Approval", "Approved", "Implementing"),
    "closed": ("Completed", "Cancelled", "Declined"),
}
# (number, name, description, the `type` of its cases, statuses)
_BUILT_IN = (
    (1, "Standard", "General tasks and investigations", "STANDARD", STANDARD_STATUSES),
    (
        2,
        "Event Management",
        "Triage and investigate correlated alerts and events",
        "TUNKNOWN",
        STANDARD_STATUSES,
    ),
    (
        3,
        "Security",
        "Used By Datadog Security products and for general security workflows",
        "TUNKNOWN",
        STANDARD_STATUSES,
    ),
    (4, "Change Request", "Request and track approvals", "TUNKNOWN", _CHANGE_REQUEST_STATUSES),
    (
        5,
        "Error Tracking",
        "Triage and investigate errors",
        "ERROR_TRACKING_ISSUE",
        STANDARD_STATUSES,
    ),
)


@dataclasses.dataclass
class CaseTypeRecord:
    id: str
    name: str
    description: str = ""
    emoji: str = ""
    internal: bool = False
    case_label: str = "TUNKNOWN"
    statuses: dict[str, tuple[str, ...]] = dataclasses.field(
        default_factory=lambda: dict(STANDARD_STATUSES)
    )
    deleted_at: datetime.datetime | None = None

    def statuses_config(self) -> dict[str, Any]:
        return {
            group: {"status_options": [{"name": n} for n in names], "default": names[0]}
            for group, names in self.statuses.items()
        }

    def status_names(self) -> list[str]:
        return [name for names in self.statuses.values() for name in names]

    def status_for(self, name: str) -> str | None:
        """The ``status`` value of one of this type's status names, or None."""
        return name.upper().replace(" ", "_") if name in self.status_names() else None


@dataclasses.dataclass
class AttributeConfig:
    id: str
    case_type_id: str
    key: str
    display_name: str
    type: str
    is_multi: bool
    description: str | None = None
    type_data: dict[str, Any] | None = None
    map_from: str | None = None


@dataclasses.dataclass
class Resource:
    """A notification rule, automation rule, view or maintenance window."""

    id: str
    kind: str
    scope: str  # project UUID, or "" for the organisation's maintenance windows
    attributes: dict[str, Any]
    created_at: datetime.datetime
    modified_at: datetime.datetime
    created_by: str
    modified_by: str


class ConfigStore:
    """See the module docstring; every method holds the store's lock."""

    def __init__(self, lock: threading.RLock, clock: Clock) -> None:
        self._lock = lock
        self._clock = clock
        self._types: dict[str, CaseTypeRecord] = {}
        for number, name, description, label, statuses in _BUILT_IN:
            type_id = f"00000000-0000-0000-0000-{number:012d}"
            self._types[type_id] = CaseTypeRecord(
                type_id, name, description, "", True, label, dict(statuses)
            )
        self._configs: dict[str, AttributeConfig] = {}
        self._resources: dict[tuple[str, str], dict[str, Resource]] = {}  # (kind, scope) -> id
        self._favorites: dict[str, dict[str, None]] = {}  # user id -> project ids, in order

    # ---------------------------------------------------------------- case types

    def case_types(self) -> list[CaseTypeRecord]:
        with self._lock:
            return [dataclasses.replace(t) for t in self._types.values()]

    def case_type(self, type_id: str, *, deleted: bool = True) -> CaseTypeRecord:
        """The type with this id; a deleted one only when ``deleted`` (NotFound otherwise)."""
        with self._lock:
            found = self._types.get(type_id.lower())
            if found is None or (found.deleted_at is not None and not deleted):
                raise NotFound("case_type")
            return dataclasses.replace(found)

    def create_case_type(self, name: str, description: str, emoji: str) -> CaseTypeRecord:
        with self._lock:
            record = CaseTypeRecord(str(uuid.uuid4()), name, description, emoji)
            self._types[record.id] = record
            return dataclasses.replace(record)

    def update_case_type(self, type_id: str, changes: dict[str, Any]) -> CaseTypeRecord:
        with self._lock:
            record = self._types[self.case_type(type_id, deleted=False).id]
            for name, value in changes.items():
                setattr(record, name, value)
            return dataclasses.replace(record)

    def delete_case_type(self, type_id: str) -> None:
        """Soft delete (again is fine); a built-in type is a ValueError."""
        with self._lock:
            record = self._types[self.case_type(type_id).id]
            if record.internal:
                raise ValueError(f'"{record.name}" is a built-in case type and cannot be deleted')
            if record.deleted_at is None:
                record.deleted_at = self._clock()

    # ---------------------------------------------------------------- custom attribute configs

    def configs(self, case_type_id: str | None = None) -> list[AttributeConfig]:
        with self._lock:
            if case_type_id is not None:
                case_type_id = self.case_type(case_type_id).id
            return [
                dataclasses.replace(c)
                for c in self._configs.values()
                if case_type_id is None or c.case_type_id == case_type_id
            ]

    def create_config(self, case_type_id: str, **attributes: Any) -> AttributeConfig:
        """A new config; a key the type already defines is a ValueError."""
        with self._lock:
            type_id = self.case_type(case_type_id, deleted=False).id
            key = attributes["key"]
            if any(c.case_type_id == type_id and c.key == key for c in self._configs.values()):
                raise ValueError(f'custom attribute "{key}" is already defined for this case type')
            config = AttributeConfig(str(uuid.uuid4()), type_id, **attributes)
            self._configs[config.id] = config
            return dataclasses.replace(config)

    def _config(self, case_type_id: str, config_id: str) -> AttributeConfig:
        type_id = self.case_type(case_type_id).id
        found = self._configs.get(config_id.lower())
        if found is None or found.case_type_id != type_id:
            raise NotFound("custom attribute configuration")
        return found

    def update_config(
        self, case_type_id: str, config_id: str, changes: dict[str, Any]
    ) -> AttributeConfig:
        with self._lock:
            config = self._config(case_type_id, config_id)
            for name, value in changes.items():
                setattr(config, name, value)
            return dataclasses.replace(config)

    def delete_config(self, case_type_id: str, config_id: str) -> None:
        with self._lock:
            del self._configs[self._config(case_type_id, config_id).id]

    def define(self, case_type_id: str, definition: CustomAttribute) -> None:
        """``emulator.define_custom_attribute``: create or replace the type's config of a key."""
        with self._lock:
            type_id = self.case_type(case_type_id).id
            for config in list(self._configs.values()):
                if config.case_type_id == type_id and config.key == definition.key:
                    del self._configs[config.id]
            config = AttributeConfig(
                str(uuid.uuid4()),
                type_id,
                definition.key,
                definition.key,
                definition.type,
                definition.is_multi,
            )
            self._configs[config.id] = config

    def definition(self, case_type_id: str, key: str) -> CustomAttribute:
        """The definition of ``key`` for cases of this type (NotFound "custom attribute")."""
        with self._lock:
            for config in self._configs.values():
                if config.case_type_id == case_type_id.lower() and config.key == key:
                    return CustomAttribute(config.key, config.type, config.is_multi)
            raise NotFound("custom attribute")

    # ---------------------------------------------------------------- rules, views, windows

    def resources(self, kind: str, scope: str) -> list[Resource]:
        with self._lock:
            return [_copy(r) for r in self._resources.get((kind, scope), {}).values()]

    def resource(self, kind: str, scope: str, resource_id: str) -> Resource:
        with self._lock:
            found = self._resources.get((kind, scope), {}).get(resource_id.lower())
            if found is None:
                raise NotFound(kind)
            return _copy(found)

    def add(self, kind: str, scope: str, attributes: dict[str, Any], user_id: str) -> Resource:
        with self._lock:
            now = self._clock()
            found = Resource(
                str(uuid.uuid4()), kind, scope, dict(attributes), now, now, user_id, user_id
            )
            self._resources.setdefault((kind, scope), {})[found.id] = found
            return _copy(found)

    def change(
        self, kind: str, scope: str, resource_id: str, changes: dict[str, Any], user_id: str
    ) -> Resource:
        """Set the given attributes, and who changed them when."""
        with self._lock:
            found = self._resources.get((kind, scope), {}).get(resource_id.lower())
            if found is None:
                raise NotFound(kind)
            found.attributes.update(changes)
            found.modified_at = self._clock()
            found.modified_by = user_id
            return _copy(found)

    def remove(self, kind: str, scope: str, resource_id: str) -> None:
        with self._lock:
            if self._resources.get((kind, scope), {}).pop(resource_id.lower(), None) is None:
                raise NotFound(kind)

    def find(self, kind: str, resource_id: str) -> Resource:
        """A resource of ``kind`` by id alone, whatever its scope (views)."""
        with self._lock:
            for (each, _scope), table in self._resources.items():
                if each == kind and resource_id.lower() in table:
                    return _copy(table[resource_id.lower()])
            raise NotFound(kind)

    # ---------------------------------------------------------------- favorites

    def favorite(self, user_id: str, project_id: str, *, on: bool) -> None:
        with self._lock:
            table = self._favorites.setdefault(user_id, {})
            if on:
                table[project_id] = None
            else:
                table.pop(project_id, None)

    def favorites(self, user_id: str) -> list[str]:
        with self._lock:
            return list(self._favorites.get(user_id, {}))


def _copy(resource: Resource) -> Resource:
    return dataclasses.replace(resource, attributes=dict(resource.attributes))
