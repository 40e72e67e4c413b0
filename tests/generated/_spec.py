"""Helpers for reading openapi.yaml in tests: load once, resolve local $refs, list operations."""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
OPERATION_IDS = (
    "CreateProject",
    "GetProjects",
    "GetProject",
    "DeleteProject",
    "CreateCase",
    "SearchCases",
    "GetCase",
    "UpdateStatus",
    "UpdatePriority",
    "AssignCase",
    "UnassignCase",
    "ArchiveCase",
    "UnarchiveCase",
    # From the live API (issue 9), beyond the reference page:
    "UpdateCaseTitle",
    "UpdateCaseDescription",
    "CommentCase",
    "DeleteCaseComment",
    "UpdateAttributes",
    "UpdateCaseCustomAttribute",
    "DeleteCaseCustomAttribute",
    "UpdateProject",
)
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


def operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation object)."""
    found = {}
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                found[op["operationId"]] = (method, path, op)
    return found


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
