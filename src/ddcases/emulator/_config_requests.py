"""What the configuration handlers share: the recorded 400 forms, path ids that must be UUIDs,
the members a body sent, and the ``{"data": ...}`` answers."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from ._jsonapi import JSONAPIResponse
from ._requests import BadRequest, Ctx

__all__ = [
    "NO_CONTENT",
    "BareBadRequest",
    "InvalidParameter",
    "any_given",
    "given_members",
    "many",
    "non_empty",
    "one",
    "project_of",
    "uuid_path",
]

NO_CONTENT = 204


class InvalidParameter(BadRequest):
    """The recorded 400 for a path id that is not a UUID."""

    def __init__(self, name: str) -> None:
        detail = f'invalid parameter "{name}" in "path"; expected type "uuid"'
        super().__init__((detail, None, None))

    def response(self) -> Response:
        item = {"status": "400", "title": "Invalid Parameter", "detail": self.errors[0][0]}
        return JSONAPIResponse({"errors": [item]}, status_code=400)


class BareBadRequest(BadRequest):
    """The recorded 400 without ``detail`` (a non-emoji ``emoji``)."""

    def response(self) -> Response:
        return JSONAPIResponse({"errors": [{"status": "400", "title": "Bad Request"}]}, 400)


def uuid_path(ctx: Ctx, name: str, label: str) -> str:
    value = ctx.path(name)
    try:
        uuid.UUID(value)
    except ValueError:
        raise InvalidParameter(label) from None
    return value


def given_members(model: BaseModel | None) -> dict[str, Any]:
    """The members the client sent (declared ones only), as JSON values."""
    if model is None:
        return {}
    sent = model.model_dump(mode="json", exclude_unset=True, include=set(type(model).model_fields))
    return {name: value for name, value in sent.items() if value is not None}  # null = absent


def one(document: dict[str, Any], status: int = 200) -> Response:
    return JSONAPIResponse({"data": document}, status_code=status)


def many(documents: list[dict[str, Any]]) -> Response:
    return JSONAPIResponse({"data": documents})


def non_empty(attributes: dict[str, Any], *names: str) -> None:
    for name in names:
        if name in attributes and not str(attributes[name]).strip():
            raise BadRequest((f"{name} must not be empty", f"/data/attributes/{name}", None))


def any_given(attributes: dict[str, Any]) -> None:
    if not attributes:
        detail = "data.attributes must name at least one member"
        raise BadRequest((detail, "/data/attributes", None))


def project_of(ctx: Ctx) -> str:
    """The UUID of the path's ``project_id`` (404 ``project not found``)."""
    return ctx.store.project(ctx.path("project_id")).id
