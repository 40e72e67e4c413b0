"""Routes of the 32 configuration operations (issue 17), and the handlers of case types and
their custom-attribute configs (the others are in ``_routes_project_config``; state in
``_config_store``).

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

import json
import unicodedata
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ddcases_schema.models import (
    CaseTypeCreateRequest,
    CaseTypeUpdateRequest,
    CustomAttributeConfigCreateRequest,
    CustomAttributeConfigUpdateRequest,
)

from ._config_documents import case_type_document, config_document
from ._config_requests import (
    NO_CONTENT,
    BareBadRequest,
    any_given,
    given_members,
    many,
    non_empty,
    one,
    uuid_path,
)
from ._requests import BadRequest, Ctx
from ._routes import Handler, _route
from ._routes_project_config import (
    create_case_automation_rule,
    create_case_view,
    create_maintenance_window,
    create_project_notification_rule,
    delete_case_automation_rule,
    delete_case_view,
    delete_maintenance_window,
    delete_project_notification_rule,
    disable_case_automation_rule,
    enable_case_automation_rule,
    favorite_case_project,
    get_case_automation_rule,
    get_case_view,
    get_project_notification_rules,
    list_case_automation_rules,
    list_case_views,
    list_maintenance_windows,
    list_user_case_project_favorites,
    unfavorite_case_project,
    update_case_automation_rule,
    update_case_view,
    update_maintenance_window,
    update_project_notification_rule,
)

__all__ = ["config_routes"]

# Characters an emoji sequence may hold besides "So" symbols: ZWJ, variation selectors, the
# keycap combiner, skin tones and tag characters, and the keycap bases.
_EMOJI_PARTS = frozenset(
    [0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]
)


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
    non_empty(attributes, "name")
    if not _is_emoji(attributes.get("emoji", "")):
        raise BareBadRequest(("emoji is not an emoji", "/data/attributes/emoji", None))
    return attributes


async def get_all_case_types(ctx: Ctx) -> Response:
    return many([case_type_document(t) for t in ctx.store.config.case_types()])


async def create_case_type(ctx: Ctx) -> Response:
    given = _case_type_attributes(
        given_members((await ctx.body(CaseTypeCreateRequest)).data.attributes)
    )
    record = ctx.store.config.create_case_type(
        given["name"], given.get("description", ""), given.get("emoji", "")
    )
    return one(case_type_document(record), 201)


async def update_case_type(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    given = _case_type_attributes(
        given_members((await ctx.body(CaseTypeUpdateRequest)).data.attributes)
    )
    return one(case_type_document(ctx.store.config.update_case_type(type_id, given)))


async def delete_case_type(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    try:
        ctx.store.config.delete_case_type(type_id)
    except ValueError as exc:
        raise BadRequest((str(exc), None, None)) from None
    return Response(status_code=NO_CONTENT)


# ---------------------------------------------------------------- custom attribute configs


async def get_all_custom_attributes(ctx: Ctx) -> Response:
    return many([config_document(c) for c in ctx.store.config.configs()])


async def get_all_custom_attribute_configs_by_case_type(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    return many([config_document(c) for c in ctx.store.config.configs(type_id)])


async def create_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    body = await ctx.body(CustomAttributeConfigCreateRequest)
    sent = json.loads(await ctx.request.body())["data"]["attributes"]["is_multi"]
    if not isinstance(sent, bool):  # pydantic's lax mode would take "yes" or 1
        raise BadRequest(("is_multi must be true or false", "/data/attributes/is_multi", None))
    given = given_members(body.data.attributes)
    non_empty(given, "key", "display_name")
    ctx.store.config.case_type(type_id, deleted=False)  # 404 before a duplicate key's 400
    try:
        config = ctx.store.config.create_config(type_id, **given)
    except ValueError as exc:
        raise BadRequest((str(exc), "/data/attributes/key", None)) from None
    return one(config_document(config), 201)


async def update_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    config_id = uuid_path(ctx, "custom_attribute_id", "CustomAttributeId")
    given = given_members((await ctx.body(CustomAttributeConfigUpdateRequest)).data.attributes)
    any_given(given)
    non_empty(given, "display_name")
    config = ctx.store.config.update_config(type_id, config_id, given)
    return one(config_document(config))


async def delete_custom_attribute_config(ctx: Ctx) -> Response:
    type_id = uuid_path(ctx, "case_type_id", "CaseTypeId")
    config_id = uuid_path(ctx, "custom_attribute_id", "CustomAttributeId")
    ctx.store.config.delete_config(type_id, config_id)
    return Response(status_code=NO_CONTENT)


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
