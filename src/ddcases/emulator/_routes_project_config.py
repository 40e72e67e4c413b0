"""Handlers of the project-scoped configuration operations (notification rules, automation
rules, views, favorites) and of maintenance windows; ``_routes_config`` routes them. Decisions
where the sheet is silent are listed there and in ``_config_store``."""

from __future__ import annotations

import datetime
from typing import Any

from starlette.responses import Response

from ddcases_schema.models import (
    AutomationRuleCreateRequest,
    AutomationRuleUpdateRequest,
    CaseNotificationRuleCreateRequest,
    CaseNotificationRuleUpdateRequest,
    CaseViewCreateRequest,
    CaseViewUpdateRequest,
    MaintenanceWindowCreateRequest,
    MaintenanceWindowUpdateRequest,
)

from ._config_documents import (
    automation_rule_document,
    notification_rule_document,
    view_document,
    window_document,
)
from ._config_requests import (
    NO_CONTENT,
    any_given,
    given_members,
    many,
    non_empty,
    one,
    project_of,
)
from ._requests import BadRequest, Ctx

# ---------------------------------------------------------------- project notification rules

_RULE = "notification_rule"


async def get_project_notification_rules(ctx: Ctx) -> Response:
    rules = ctx.store.config.resources(_RULE, project_of(ctx))
    return many([notification_rule_document(r) for r in rules])


async def create_project_notification_rule(ctx: Ctx) -> Response:
    project_id = project_of(ctx)
    given = given_members((await ctx.body(CaseNotificationRuleCreateRequest)).data.attributes)
    given.setdefault("is_enabled", True)
    rule = ctx.store.config.add(_RULE, project_id, given, ctx.user_id)
    return one(notification_rule_document(rule), 201)


async def update_project_notification_rule(ctx: Ctx) -> Response:
    project_id, rule_id = project_of(ctx), ctx.path("notification_rule_id")
    given = given_members((await ctx.body(CaseNotificationRuleUpdateRequest)).data.attributes)
    any_given(given)
    ctx.store.config.change(_RULE, project_id, rule_id, given, ctx.user_id)
    return Response(status_code=NO_CONTENT)


async def delete_project_notification_rule(ctx: Ctx) -> Response:
    ctx.store.config.remove(_RULE, project_of(ctx), ctx.path("notification_rule_id"))
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------- automation rules

_AUTOMATION = "rule"
_ACTION_NEEDS = {
    "EXECUTE_WORKFLOW": ("handle",),
    "ASSIGN_AGENT": ("agent_type", "assigned_agent_id"),
}


def _rule_attributes(given: dict[str, Any]) -> dict[str, Any]:
    non_empty(given, "name")
    action = given["action"]
    for name in _ACTION_NEEDS.get(action["type"], ()):
        if not (action.get("data") or {}).get(name):
            detail = f"an action of type {action['type']} needs data.{name}"
            raise BadRequest((detail, f"/data/attributes/action/data/{name}", None))
    return given


async def list_case_automation_rules(ctx: Ctx) -> Response:
    rules = ctx.store.config.resources(_AUTOMATION, project_of(ctx))
    return many([automation_rule_document(r) for r in rules])


async def get_case_automation_rule(ctx: Ctx) -> Response:
    rule = ctx.store.config.resource(_AUTOMATION, project_of(ctx), ctx.path("rule_id"))
    return one(automation_rule_document(rule))


async def create_case_automation_rule(ctx: Ctx) -> Response:
    project_id = project_of(ctx)
    body = await ctx.body(AutomationRuleCreateRequest)
    given = _rule_attributes(given_members(body.data.attributes))
    given.setdefault("state", "ENABLED")
    rule = ctx.store.config.add(_AUTOMATION, project_id, given, ctx.user_id)
    return one(automation_rule_document(rule), 201)


async def update_case_automation_rule(ctx: Ctx) -> Response:
    project_id, rule_id = project_of(ctx), ctx.path("rule_id")
    body = await ctx.body(AutomationRuleUpdateRequest)
    given = _rule_attributes(given_members(body.data.attributes))
    current = ctx.store.config.resource(_AUTOMATION, project_id, rule_id).attributes
    # A full replace: a trigger's or action's data left out is gone; `state` left out stays.
    replaced = {"state": current["state"], **given}
    rule = ctx.store.config.change(_AUTOMATION, project_id, rule_id, replaced, ctx.user_id)
    return one(automation_rule_document(rule))


async def delete_case_automation_rule(ctx: Ctx) -> Response:
    ctx.store.config.remove(_AUTOMATION, project_of(ctx), ctx.path("rule_id"))
    return Response(status_code=NO_CONTENT)


async def _set_state(ctx: Ctx, state: str) -> Response:
    project_id, rule_id = project_of(ctx), ctx.path("rule_id")
    rule = ctx.store.config.change(_AUTOMATION, project_id, rule_id, {"state": state}, ctx.user_id)
    return one(automation_rule_document(rule))


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
    return many([view_document(v) for v in views])


async def get_case_view(ctx: Ctx) -> Response:
    return one(view_document(ctx.store.config.find(_VIEW, ctx.path("view_id"))))


async def create_case_view(ctx: Ctx) -> Response:
    given = given_members((await ctx.body(CaseViewCreateRequest)).data.attributes)
    non_empty(given, "name")
    project_id = ctx.store.project(given.pop("project_id")).id
    view = ctx.store.config.add(_VIEW, project_id, given, ctx.user_id)
    return one(view_document(view), 201)


async def update_case_view(ctx: Ctx) -> Response:
    given = given_members((await ctx.body(CaseViewUpdateRequest)).data.attributes)
    any_given(given)
    non_empty(given, "name")
    view = ctx.store.config.find(_VIEW, ctx.path("view_id"))
    view = ctx.store.config.change(_VIEW, view.scope, view.id, given, ctx.user_id)
    return one(view_document(view))


async def delete_case_view(ctx: Ctx) -> Response:
    view = ctx.store.config.find(_VIEW, ctx.path("view_id"))
    ctx.store.config.remove(_VIEW, view.scope, view.id)
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------- favorites


async def list_user_case_project_favorites(ctx: Ctx) -> Response:
    existing = {p.id for p in ctx.store.projects()}
    favorites = [p for p in ctx.store.config.favorites(ctx.user_id) if p in existing]
    return many([{"id": p, "type": "project_favorite"} for p in favorites])


async def favorite_case_project(ctx: Ctx) -> Response:
    ctx.store.config.favorite(ctx.user_id, project_of(ctx), on=True)
    return Response(status_code=NO_CONTENT)


async def unfavorite_case_project(ctx: Ctx) -> Response:
    ctx.store.config.favorite(ctx.user_id, project_of(ctx), on=False)
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------- maintenance windows

_WINDOW = "maintenance_window"


def _window_times(given: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    non_empty(given, "name")
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
    return many([window_document(w) for w in ctx.store.config.resources(_WINDOW, "")])


async def create_maintenance_window(ctx: Ctx) -> Response:
    given = _window_times(
        given_members((await ctx.body(MaintenanceWindowCreateRequest)).data.attributes)
    )
    window = ctx.store.config.add(_WINDOW, "", given, ctx.user_id)
    return one(window_document(window), 201)


async def update_maintenance_window(ctx: Ctx) -> Response:
    window_id = ctx.path("maintenance_window_id")
    given = given_members((await ctx.body(MaintenanceWindowUpdateRequest)).data.attributes)
    any_given(given)
    current = ctx.store.config.resource(_WINDOW, "", window_id).attributes
    window = ctx.store.config.change(
        _WINDOW, "", window_id, _window_times(given, current), ctx.user_id
    )
    return one(window_document(window))


async def delete_maintenance_window(ctx: Ctx) -> Response:
    ctx.store.config.remove(_WINDOW, "", ctx.path("maintenance_window_id"))
    return Response(status_code=NO_CONTENT)
