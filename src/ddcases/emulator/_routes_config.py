"""Handlers and routes of the 32 configuration operations (issue 17); state in ``_config_store``.

``config_routes`` comes before the case routes in the app, and lists literal paths before their
templated neighbours (``/cases/types/custom_attributes`` before ``/cases/types/{case_type_id}``,
``/cases/projects/favorites`` before ``/cases/projects/{project_id}``, ``/cases/views`` and
``/cases/types`` before ``/cases/{case_id}``), so a literal is never taken for an id.

Recorded behaviour (sheet, section 5.4): a non-emoji ``emoji`` is a bare 400 ``Bad Request``;
deleting a case type twice is 204 both times; an unknown case type is a 404 ``case_type not
found``; a custom-attribute config id that is not a UUID is a 400 ``Invalid Parameter`` naming
``CustomAttributeId``. Decisions where the sheet is silent are listed in ``_config_store`` and
in openapi.yaml's ``x-ddcases-note``s, among them: a case type id that is not a UUID is the same
400 naming ``CaseTypeId``; an automation rule without ``state`` is ENABLED; an
``EXECUTE_WORKFLOW`` action needs ``data.handle`` and ``ASSIGN_AGENT`` needs ``agent_type`` and
``assigned_agent_id`` (400 otherwise); a maintenance window must end after it starts (400).
"""

from __future__ import annotations

import datetime
import json
import unicodedata
import uuid
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    AutomationRuleCreateRequest,
    AutomationRuleUpdateRequest,
    CaseNotificationRuleCreateRequest,
    CaseNotificationRuleUpdateRequest,
    CaseTypeCreateRequest,
    CaseTypeUpdateRequest,
    CaseViewCreateRequest,
    CaseViewUpdateRequest,
    CustomAttributeConfigCreateRequest,
    CustomAttributeConfigUpdateRequest,
    MaintenanceWindowCreateRequest,
    MaintenanceWindowUpdateRequest,
)

from ._config_documents import (
    automation_rule_document,
    case_type_document,
    config_document,
    notification_rule_document,
    view_document,
    window_document,
)
from ._jsonapi import JSONAPIResponse
from ._requests import BadRequest, Ctx
from ._routes import Handler, _route

__all__ = ["config_routes"]

_NO_CONTENT = 204
# Characters an emoji sequence may hold besides "So" symbols: ZWJ, variation selectors, the
# keycap combiner, skin tones and tag characters, and the keycap bases.
_EMOJI_PARTS = frozenset(
    [0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]
)


class _InvalidParameter(BadRequest):
    """The recorded 400 for a path id that is not a UUID."""

    def __init__(self, name: str) -> None:
        detail = f'invalid parameter "{name}" in "path"; expected type "uuid"'
        super().__init__((detail, None, None))

    def response(self) -> Response:
        item = {"status": "400", "title": "Invalid Parameter", "detail": self.errors[0][0]}
        return JSONAPIResponse({"errors": [item]}, status_code=400)


class _BareBadRequest(BadRequest):
    """The recorded 400 without ``detail`` (a non-emoji ``emoji``)."""

    def response(self) -> Response:
        return JSONAPIResponse({"errors": [{"status": "400", "title": "Bad Request"}]}, 400)


def _uuid_path(ctx: Ctx, name: str, label: str) -> str:
    value = ctx.path(name)
    try:
        uuid.UUID(value)
    except ValueError:
        raise _InvalidParameter(label) from None
    return value


def _given(model: BaseModel | None) -> dict[str, Any]:
    """The members the client sent (declared ones only), as JSON values."""
    if model is None:
        return {}
    given = model.model_dump(mode="json", exclude_unset=True, include=set(type(model).model_fields))
    return {name: value for name, value in given.items() if value is not None}  # null = absent


def _one(document: dict[str, Any], status: int = 200) -> Response:
    return JSONAPIResponse({"data": document}, status_code=status)


def _many(documents: list[dict[str, Any]]) -> Response:
    return JSONAPIResponse({"data": documents})


def _non_empty(attributes: dict[str, Any], *names: str) -> None:
    for name in names:
        if name in attributes and not str(attributes[name]).strip():
            raise BadRequest((f"{name} must not be empty", f"/data/attributes/{name}", None))


def _any_given(attributes: dict[str, Any]) -> None:
    if not attributes:
        detail = "data.attributes must name at least one member"
        raise BadRequest((detail, "/data/attributes", None))


# ---------------------------------------------------------------- case types


def _is_emoji(text: str) -> bool:
    if not text:
        return True
    symbols = [ch for ch in text if unicodedata.category(ch) == "So"]
    others = [ch for ch in text if unicodedata.category(ch) != "So"]
    keycap = "\u20e3" in text
    parts = all(ord(ch) in _EMOJI_PARTS or ch in "#*0123456789" for ch in others)
    return (bool(symbols) or keycap) and parts


def _case_type_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    _non_empty(attributes, "name")
    if not _is_emoji(attributes.get("emoji", "")):
        raise _BareBadRequest(("emoji is not an emoji", "/data/attributes/emoji", None))
    return attributes


async def get_all_case_types(ctx: Ctx) -> Response:
    return _many([case_type_document(t) for t in ctx.store.config.case_types()])


async def create_case_type(ctx: Ctx) -> Response:
    given = _case_type_attributes(_given((await ctx.body(CaseTypeCreateRequest)).data.attributes))
    record = ctx.store.config.create_case_type(
        given["name"], given.get("description", ""), given.get("emoji", "")
    )
    return _one(case_type_document(record), 201)


async def update_case_type(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    given = _case_type_attributes(_given((await ctx.body(CaseTypeUpdateRequest)).data.attributes))
    return _one(case_type_document(ctx.store.config.update_case_type(type_id, given)))


async def delete_case_type(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    try:
        ctx.store.config.delete_case_type(type_id)
    except ValueError as exc:
        raise BadRequest((str(exc), None, None)) from None
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- custom attribute configs


async def get_all_custom_attributes(ctx: Ctx) -> Response:
    return _many([config_document(c) for c in ctx.store.config.configs()])


async def get_all_custom_attribute_configs_by_case_type(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    return _many([config_document(c) for c in ctx.store.config.configs(type_id)])


async def create_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    body = await ctx.body(CustomAttributeConfigCreateRequest)
    sent = json.loads(await ctx.request.body())["data"]["attributes"]["is_multi"]
    if not isinstance(sent, bool):  # pydantic's lax mode would take "yes" or 1
        raise BadRequest(("is_multi must be true or false", "/data/attributes/is_multi", None))
    given = _given(body.data.attributes)
    _non_empty(given, "key", "display_name")
    ctx.store.config.case_type(type_id, deleted=False)  # 404 before a duplicate key's 400
    try:
        config = ctx.store.config.create_config(type_id, **given)
    except ValueError as exc:
        raise BadRequest((str(exc), "/data/attributes/key", None)) from None
    return _one(config_document(config), 201)


async def update_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    config_id = _uuid_path(ctx, "custom_attribute_id", "CustomAttributeId")
    given = _given((await ctx.body(CustomAttributeConfigUpdateRequest)).data.attributes)
    _any_given(given)
    _non_empty(given, "display_name")
    config = ctx.store.config.update_config(type_id, config_id, given)
    return _one(config_document(config))


async def delete_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = _uuid_path(ctx, "case_type_id", "CaseTypeId")
    config_id = _uuid_path(ctx, "custom_attribute_id", "CustomAttributeId")
    ctx.store.config.delete_config(type_id, config_id)
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- project notification rules

_RULE = "notification_rule"


def _project(ctx: Ctx) -> str:
    return ctx.store.project(ctx.path("project_id")).id


async def get_project_notification_rules(ctx: Ctx) -> Response:
    rules = ctx.store.config.resources(_RULE, _project(ctx))
    return _many([notification_rule_document(r) for r in rules])


async def create_project_notification_rule(ctx: Ctx) -> Response:
    project_id = _project(ctx)
    given = _given((await ctx.body(CaseNotificationRuleCreateRequest)).data.attributes)
    given.setdefault("is_enabled", True)
    rule = ctx.store.config.add(_RULE, project_id, given, ctx.user_id)
    return _one(notification_rule_document(rule), 201)


async def update_project_notification_rule(ctx: Ctx) -> Response:
    project_id, rule_id = _project(ctx), ctx.path("notification_rule_id")
    given = _given((await ctx.body(CaseNotificationRuleUpdateRequest)).data.attributes)
    _any_given(given)
    ctx.store.config.change(_RULE, project_id, rule_id, given, ctx.user_id)
    return Response(status_code=_NO_CONTENT)


async def delete_project_notification_rule(ctx: Ctx) -> Response:
    ctx.store.config.remove(_RULE, _project(ctx), ctx.path("notification_rule_id"))
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- automation rules

_AUTOMATION = "rule"
_ACTION_NEEDS = {
    "EXECUTE_WORKFLOW": ("handle",),
    "ASSIGN_AGENT": ("agent_type", "assigned_agent_id"),
}


def _rule_attributes(given: dict[str, Any]) -> dict[str, Any]:
    _non_empty(given, "name")
    action = given["action"]
    for name in _ACTION_NEEDS.get(action["type"], ()):
        if not (action.get("data") or {}).get(name):
            detail = f"an action of type {action['type']} needs data.{name}"
            raise BadRequest((detail, f"/data/attributes/action/data/{name}", None))
    return given


async def list_case_automation_rules(ctx: Ctx) -> Response:
    rules = ctx.store.config.resources(_AUTOMATION, _project(ctx))
    return _many([automation_rule_document(r) for r in rules])


async def get_case_automation_rule(ctx: Ctx) -> Response:
    rule = ctx.store.config.resource(_AUTOMATION, _project(ctx), ctx.path("rule_id"))
    return _one(automation_rule_document(rule))


async def create_case_automation_rule(ctx: Ctx) -> Response:
    project_id = _project(ctx)
    body = await ctx.body(AutomationRuleCreateRequest)
    given = _rule_attributes(_given(body.data.attributes))
    given.setdefault("state", "ENABLED")
    rule = ctx.store.config.add(_AUTOMATION, project_id, given, ctx.user_id)
    return _one(automation_rule_document(rule), 201)


async def update_case_automation_rule(ctx: Ctx) -> Response:
    project_id, rule_id = _project(ctx), ctx.path("rule_id")
    body = await ctx.body(AutomationRuleUpdateRequest)
    given = _rule_attributes(_given(body.data.attributes))
    current = ctx.store.config.resource(_AUTOMATION, project_id, rule_id).attributes
    # A full replace: a trigger's or action's data left out is gone; `state` left out stays.
    replaced = {"state": current["state"], **given}
    rule = ctx.store.config.change(_AUTOMATION, project_id, rule_id, replaced, ctx.user_id)
    return _one(automation_rule_document(rule))


async def delete_case_automation_rule(ctx: Ctx) -> Response:
    ctx.store.config.remove(_AUTOMATION, _project(ctx), ctx.path("rule_id"))
    return Response(status_code=_NO_CONTENT)


async def _set_state(ctx: Ctx, state: str) -> Response:
    project_id, rule_id = _project(ctx), ctx.path("rule_id")
    rule = ctx.store.config.change(_AUTOMATION, project_id, rule_id, {"state": state}, ctx.user_id)
    return _one(automation_rule_document(rule))


async def enable_case_automation_rule(ctx: Ctx) -> Response:
    return await _set_state(ctx, "ENABLED")


async def disable_case_automation_rule(ctx: Ctx) -> Response:
    return await _set_state(ctx, "DISABLED")


# ---------------------------------------------------------------- views

_VIEW = "view"


async def list_case_views(ctx: Ctx) -> Response:
    project_id = ctx.request.query_params.get("project_id")
    if project_id is None:
        raise BadRequest(("missing required query parameter project_id", None, "project_id"))
    views = ctx.store.config.resources(_VIEW, ctx.store.project(project_id).id)
    return _many([view_document(v) for v in views])


async def get_case_view(ctx: Ctx) -> Response:
    return _one(view_document(ctx.store.config.find(_VIEW, ctx.path("view_id"))))


async def create_case_view(ctx: Ctx) -> Response:
    given = _given((await ctx.body(CaseViewCreateRequest)).data.attributes)
    _non_empty(given, "name")
    project_id = ctx.store.project(given.pop("project_id")).id
    view = ctx.store.config.add(_VIEW, project_id, given, ctx.user_id)
    return _one(view_document(view), 201)


async def update_case_view(ctx: Ctx) -> Response:
    given = _given((await ctx.body(CaseViewUpdateRequest)).data.attributes)
    _any_given(given)
    _non_empty(given, "name")
    view = ctx.store.config.find(_VIEW, ctx.path("view_id"))
    view = ctx.store.config.change(_VIEW, view.scope, view.id, given, ctx.user_id)
    return _one(view_document(view))


async def delete_case_view(ctx: Ctx) -> Response:
    view = ctx.store.config.find(_VIEW, ctx.path("view_id"))
    ctx.store.config.remove(_VIEW, view.scope, view.id)
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- favorites


async def list_user_case_project_favorites(ctx: Ctx) -> Response:
    existing = {p.id for p in ctx.store.projects()}
    favorites = [p for p in ctx.store.config.favorites(ctx.user_id) if p in existing]
    return _many([{"id": p, "type": "project_favorite"} for p in favorites])


async def favorite_case_project(ctx: Ctx) -> Response:
    ctx.store.config.favorite(ctx.user_id, _project(ctx), on=True)
    return Response(status_code=_NO_CONTENT)


async def unfavorite_case_project(ctx: Ctx) -> Response:
    ctx.store.config.favorite(ctx.user_id, _project(ctx), on=False)
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- maintenance windows

_WINDOW = "maintenance_window"


def _window_times(given: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    _non_empty(given, "name")
    for name in ("start_at", "end_at"):
        if name in given:
            try:
                given[name] = datetime.datetime.fromisoformat(given[name]).astimezone(datetime.UTC)
            except OverflowError:
                detail = f"{name} is out of range"
                raise BadRequest((detail, f"/data/attributes/{name}", None)) from None
    merged = {**(current or {}), **given}
    if merged["end_at"] <= merged["start_at"]:
        raise BadRequest(("end_at must be after start_at", "/data/attributes/end_at", None))
    return given


async def list_maintenance_windows(ctx: Ctx) -> Response:
    return _many([window_document(w) for w in ctx.store.config.resources(_WINDOW, "")])


async def create_maintenance_window(ctx: Ctx) -> Response:
    given = _window_times(_given((await ctx.body(MaintenanceWindowCreateRequest)).data.attributes))
    window = ctx.store.config.add(_WINDOW, "", given, ctx.user_id)
    return _one(window_document(window), 201)


async def update_maintenance_window(ctx: Ctx) -> Response:
    window_id = ctx.path("maintenance_window_id")
    given = _given((await ctx.body(MaintenanceWindowUpdateRequest)).data.attributes)
    _any_given(given)
    current = ctx.store.config.resource(_WINDOW, "", window_id).attributes
    window = ctx.store.config.change(
        _WINDOW, "", window_id, _window_times(given, current), ctx.user_id
    )
    return _one(window_document(window))


async def delete_maintenance_window(ctx: Ctx) -> Response:
    ctx.store.config.remove(_WINDOW, "", ctx.path("maintenance_window_id"))
    return Response(status_code=_NO_CONTENT)


# ---------------------------------------------------------------- the table


def _name(handler: Handler) -> str:
    """The operationId a handler is named after: ``get_case_view`` -> ``GetCaseView``."""
    return "".join(word.capitalize() for word in handler.__name__.split("_"))


def config_routes() -> list[Route]:
    """The 32 routes, literal paths first (see the module docstring)."""
    project = "/api/v2/cases/projects/{project_id}"
    notification_rule = project + "/notification_rules/{notification_rule_id}"
    rule = project + "/rules/{rule_id}"
    types = "/api/v2/cases/types"
    configs = types + "/{case_type_id}/custom_attributes"
    config = configs + "/{custom_attribute_id}"
    views, windows = "/api/v2/cases/views", "/api/v2/maintenance_windows"
    table: list[tuple[str, str, Handler]] = [
        ("/api/v2/cases/projects/favorites", "GET", list_user_case_project_favorites),
        (project + "/favorites", "POST", favorite_case_project),
        (project + "/favorites", "DELETE", unfavorite_case_project),
        (project + "/notification_rules", "GET", get_project_notification_rules),
        (project + "/notification_rules", "POST", create_project_notification_rule),
        (notification_rule, "PUT", update_project_notification_rule),
        (notification_rule, "DELETE", delete_project_notification_rule),
        (project + "/rules", "GET", list_case_automation_rules),
        (project + "/rules", "POST", create_case_automation_rule),
        (rule, "GET", get_case_automation_rule),
        (rule, "PUT", update_case_automation_rule),
        (rule, "DELETE", delete_case_automation_rule),
        (rule + "/enable", "POST", enable_case_automation_rule),
        (rule + "/disable", "POST", disable_case_automation_rule),
        (views, "GET", list_case_views),
        (views, "POST", create_case_view),
        (views + "/{view_id}", "GET", get_case_view),
        (views + "/{view_id}", "PUT", update_case_view),
        (views + "/{view_id}", "DELETE", delete_case_view),
        (types, "GET", get_all_case_types),
        (types, "POST", create_case_type),
        (types + "/custom_attributes", "GET", get_all_custom_attributes),
        (types + "/{case_type_id}", "PUT", update_case_type),
        (types + "/{case_type_id}", "DELETE", delete_case_type),
        (
            types + "/{case_type_id}/custom_attributes",
            "GET",
            get_all_custom_attribute_configs_by_case_type,
        ),
        (types + "/{case_type_id}/custom_attributes", "POST", create_custom_attribute_config),
        (config, "PUT", update_custom_attribute_config),
        (config, "DELETE", delete_custom_attribute_config),
        (windows, "GET", list_maintenance_windows),
        (windows, "POST", create_maintenance_window),
        (windows + "/{maintenance_window_id}", "PUT", update_maintenance_window),
        (windows + "/{maintenance_window_id}", "DELETE", delete_maintenance_window),
    ]
    return [_route(path, handler, method, _name(handler)) for path, method, handler in table]
