"""The JSON:API documents of the configuration resources (shapes S6-S10, S14, S15 of the sheet).

As recorded, absent optional members are left out (no nulls), and a custom-attribute config
carries the extra ``case_type: "TUNKNOWN"``.
"""

from __future__ import annotations

import datetime
from typing import Any

from ._config_store import AttributeConfig, CaseTypeRecord, Resource
from ._documents import user_ref

__all__ = [
    "automation_rule_document",
    "case_type_document",
    "config_document",
    "notification_rule_document",
    "view_document",
    "window_document",
]


def _ts(value: datetime.datetime) -> str:
    """UTC with milliseconds and ``Z``, the year always in four digits."""
    utc = value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    return utc.replace("+00:00", "Z")


def _attributes(resource: Resource) -> dict[str, Any]:
    return {
        name: _ts(value) if isinstance(value, datetime.datetime) else value
        for name, value in sorted(resource.attributes.items())
    }


def case_type_document(record: CaseTypeRecord) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "description": record.description,
        "emoji": record.emoji,
        "internal": record.internal,
        "name": record.name,
        "statuses_config": record.statuses_config(),
    }
    if record.deleted_at is not None:
        attributes["deleted_at"] = _ts(record.deleted_at)
    return {"id": record.id, "type": "case_type", "attributes": attributes}


def config_document(config: AttributeConfig) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "case_type": "TUNKNOWN",
        "case_type_id": config.case_type_id,
        "display_name": config.display_name,
        "is_multi": config.is_multi,
        "key": config.key,
        "type": config.type,
    }
    if config.description is not None:
        attributes["description"] = config.description
    return {"id": config.id, "type": "custom_attribute", "attributes": attributes}


def notification_rule_document(rule: Resource) -> dict[str, Any]:
    return {"id": rule.id, "type": "notification_rule", "attributes": _attributes(rule)}


def _stamped(resource: Resource, kind: str, **relationships: Any) -> dict[str, Any]:
    """A resource with its creation and change times and the users behind them."""
    attributes = _attributes(resource)
    attributes["created_at"] = _ts(resource.created_at)
    attributes["modified_at"] = _ts(resource.modified_at)
    return {
        "id": resource.id,
        "type": kind,
        "attributes": attributes,
        "relationships": {
            "created_by": user_ref(resource.created_by),
            "modified_by": user_ref(resource.modified_by),
            **relationships,
        },
    }


def automation_rule_document(rule: Resource) -> dict[str, Any]:
    return _stamped(rule, "rule")


def view_document(view: Resource) -> dict[str, Any]:
    return _stamped(view, "view", project={"data": {"id": view.scope, "type": "project"}})


def window_document(window: Resource) -> dict[str, Any]:
    attributes = _attributes(window)
    attributes["created_by"] = window.created_by
    attributes["updated_by"] = window.modified_by
    return {"id": window.id, "type": "maintenance_window", "attributes": attributes}
