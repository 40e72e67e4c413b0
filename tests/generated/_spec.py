"""Helpers for reading openapi.yaml in tests: load once, resolve local $refs, list operations."""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def resolve(node: Any) -> Any:
    """Follow a local "#/a/b" $ref (repeatedly) to the node it names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def all_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation object) for every operation in openapi.yaml, in spec order."""
    return [
        (method, path, op)
        for path, item in spec()["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation object); what tests derive from the spec."""
    return {op["operationId"]: (m, p, op) for m, p, op in all_operations() if "operationId" in op}


def schema_name(schema: dict[str, Any]) -> str:
    """Component name of a {"$ref": "#/components/schemas/Name"} schema."""
    ref: str = schema["$ref"]
    return ref.rsplit("/", 1)[-1]


def media_examples(media: dict[str, Any]) -> list[Any]:
    """All example values of a media-type object (example and examples, refs resolved)."""
    values = []
    if "example" in media:
        values.append(media["example"])
    values.extend(resolve(ex)["value"] for ex in (media.get("examples") or {}).values())
    return values


def snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def normalise(value: Any) -> Any:
    """Compare JSON by meaning: date-times become datetimes ("Z" == "+00:00", 9 digits ok)."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and _DATETIME.match(value):
        # fromisoformat keeps microseconds; truncate both sides the same way.
        return datetime.datetime.fromisoformat(value)
    return value
