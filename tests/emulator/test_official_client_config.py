"""Datadog's official client (datadog-api-client, pinned) drives the 32 configuration operations of
issue 17 against the emulator over a real socket: the emulator reads Datadog's requests and
answers in the shapes Datadog's own models expect (typed members, required ones, date-times).
The setup follows tests/emulator/test_official_client.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

pytest.importorskip("datadog_api_client")

from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.model.automation_rule_action import AutomationRuleAction
from datadog_api_client.v2.model.automation_rule_action_data import AutomationRuleActionData
from datadog_api_client.v2.model.automation_rule_action_type import AutomationRuleActionType
from datadog_api_client.v2.model.automation_rule_create import AutomationRuleCreate
from datadog_api_client.v2.model.automation_rule_create_attributes import (
    AutomationRuleCreateAttributes,
)
from datadog_api_client.v2.model.automation_rule_create_request import AutomationRuleCreateRequest
from datadog_api_client.v2.model.automation_rule_trigger import AutomationRuleTrigger
from datadog_api_client.v2.model.automation_rule_trigger_type import AutomationRuleTriggerType
from datadog_api_client.v2.model.automation_rule_update import AutomationRuleUpdate
from datadog_api_client.v2.model.automation_rule_update_request import AutomationRuleUpdateRequest
from datadog_api_client.v2.model.case_automation_rule_resource_type import (
    CaseAutomationRuleResourceType,
)
from datadog_api_client.v2.model.case_automation_rule_state import CaseAutomationRuleState
from datadog_api_client.v2.model.case_notification_rule_attributes import (
    CaseNotificationRuleAttributes,
)
from datadog_api_client.v2.model.case_notification_rule_create import CaseNotificationRuleCreate
from datadog_api_client.v2.model.case_notification_rule_create_attributes import (
    CaseNotificationRuleCreateAttributes,
)
from datadog_api_client.v2.model.case_notification_rule_create_request import (
    CaseNotificationRuleCreateRequest,
)
from datadog_api_client.v2.model.case_notification_rule_recipient import (
    CaseNotificationRuleRecipient,
)
from datadog_api_client.v2.model.case_notification_rule_recipient_data import (
    CaseNotificationRuleRecipientData,
)
from datadog_api_client.v2.model.case_notification_rule_resource_type import (
    CaseNotificationRuleResourceType,
)
from datadog_api_client.v2.model.case_notification_rule_trigger import CaseNotificationRuleTrigger
from datadog_api_client.v2.model.case_notification_rule_update import CaseNotificationRuleUpdate
from datadog_api_client.v2.model.case_notification_rule_update_request import (
    CaseNotificationRuleUpdateRequest,
)
from datadog_api_client.v2.model.case_type_create import CaseTypeCreate
from datadog_api_client.v2.model.case_type_create_request import CaseTypeCreateRequest
from datadog_api_client.v2.model.case_type_resource_attributes import CaseTypeResourceAttributes
from datadog_api_client.v2.model.case_type_resource_type import CaseTypeResourceType
from datadog_api_client.v2.model.case_type_update import CaseTypeUpdate
from datadog_api_client.v2.model.case_type_update_request import CaseTypeUpdateRequest
from datadog_api_client.v2.model.case_view_create import CaseViewCreate
from datadog_api_client.v2.model.case_view_create_attributes import CaseViewCreateAttributes
from datadog_api_client.v2.model.case_view_create_request import CaseViewCreateRequest
from datadog_api_client.v2.model.case_view_resource_type import CaseViewResourceType
from datadog_api_client.v2.model.case_view_update import CaseViewUpdate
from datadog_api_client.v2.model.case_view_update_attributes import CaseViewUpdateAttributes
from datadog_api_client.v2.model.case_view_update_request import CaseViewUpdateRequest
from datadog_api_client.v2.model.custom_attribute_config_attributes_create import (
    CustomAttributeConfigAttributesCreate,
)
from datadog_api_client.v2.model.custom_attribute_config_create import CustomAttributeConfigCreate
from datadog_api_client.v2.model.custom_attribute_config_create_request import (
    CustomAttributeConfigCreateRequest,
)
from datadog_api_client.v2.model.custom_attribute_config_resource_type import (
    CustomAttributeConfigResourceType,
)
from datadog_api_client.v2.model.custom_attribute_config_update import CustomAttributeConfigUpdate
from datadog_api_client.v2.model.custom_attribute_config_update_attributes import (
    CustomAttributeConfigUpdateAttributes,
)
from datadog_api_client.v2.model.custom_attribute_config_update_request import (
    CustomAttributeConfigUpdateRequest,
)
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.maintenance_window_create import MaintenanceWindowCreate
from datadog_api_client.v2.model.maintenance_window_create_attributes import (
    MaintenanceWindowCreateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_create_request import (
    MaintenanceWindowCreateRequest,
)
from datadog_api_client.v2.model.maintenance_window_resource_type import (
    MaintenanceWindowResourceType,
)
from datadog_api_client.v2.model.maintenance_window_update import MaintenanceWindowUpdate
from datadog_api_client.v2.model.maintenance_window_update_attributes import (
    MaintenanceWindowUpdateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_update_request import (
    MaintenanceWindowUpdateRequest,
)
from datadog_api_client.v2.model.project_create import ProjectCreate
from datadog_api_client.v2.model.project_create_attributes import ProjectCreateAttributes
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType

from ddcases.testing import Emulator

from ._official import official_api_client

UNKNOWN = "0f0e0d0c-0b0a-4908-8706-050403020100"
NOTIFICATION_RULE = CaseNotificationRuleResourceType.NOTIFICATION_RULE
RULE = CaseAutomationRuleResourceType.RULE


@dataclass
class Official:
    cases: CaseManagementApi
    types: CaseManagementTypeApi
    attributes: CaseManagementAttributeApi
    project_id: str


@pytest.fixture
def official(emulator: Emulator) -> Iterator[Official]:
    with official_api_client(emulator) as client:
        cases = CaseManagementApi(client)
        project = cases.create_project(
            ProjectCreateRequest(
                data=ProjectCreate(
                    attributes=ProjectCreateAttributes(key="SEC", name="Security"),
                    type=ProjectResourceType.PROJECT,
                )
            )
        )
        yield Official(
            cases,
            CaseManagementTypeApi(client),
            CaseManagementAttributeApi(client),
            str(project.data.id),
        )


def test_case_types(official: Official, emulator: Emulator) -> None:
    api = official.types
    created = api.create_case_type(
        CaseTypeCreateRequest(
            data=CaseTypeCreate(
                attributes=CaseTypeResourceAttributes(
                    name="Security review", description="Reviews", emoji="🔒"
                ),
                type=CaseTypeResourceType.CASE_TYPE,
            )
        )
    ).data
    assert created.attributes.name == "Security review"
    assert created.attributes["internal"] is False  # undeclared by Datadog, kept by its models
    updated = api.update_case_type(
        created.id,
        CaseTypeUpdateRequest(
            data=CaseTypeUpdate(
                attributes=CaseTypeResourceAttributes(name="Security review (EMEA)"),
                type=CaseTypeResourceType.CASE_TYPE,
            )
        ),
    ).data
    assert updated.attributes.name == "Security review (EMEA)"
    assert api.delete_case_type(created.id) is None
    listed = {t.id: t for t in api.get_all_case_types().data}
    assert isinstance(listed[created.id].attributes.deleted_at, datetime.datetime)
    assert listed["00000000-0000-0000-0000-000000000004"].attributes.name == "Change Request"
    for operation in ("CreateCaseType", "UpdateCaseType", "DeleteCaseType", "GetAllCaseTypes"):
        assert emulator.requests[operation] == 1


def test_custom_attribute_configs(official: Official, emulator: Emulator) -> None:
    type_id = str(
        official.types.create_case_type(
            CaseTypeCreateRequest(
                data=CaseTypeCreate(
                    attributes=CaseTypeResourceAttributes(name="World"),
                    type=CaseTypeResourceType.CASE_TYPE,
                )
            )
        ).data.id
    )
    api = official.attributes
    body = CustomAttributeConfigCreateRequest(
        data=CustomAttributeConfigCreate(
            attributes=CustomAttributeConfigAttributesCreate(
                display_name="Score", is_multi=False, key="score", type=CustomAttributeType.NUMBER
            ),
            type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE,
        )
    )
    config = api.create_custom_attribute_config(type_id, body).data
    assert (config.attributes.key, config.attributes.case_type_id) == ("score", type_id)
    assert config.attributes["case_type"] == "TUNKNOWN"
    with pytest.raises(NotFoundException):
        api.create_custom_attribute_config(UNKNOWN, body)
    update = CustomAttributeConfigUpdateRequest(
        data=CustomAttributeConfigUpdate(
            attributes=CustomAttributeConfigUpdateAttributes(display_name="Risk score"),
            type=CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE,
        )
    )
    updated = api.update_custom_attribute_config(type_id, config.id, update).data
    assert updated.attributes.display_name == "Risk score"
    assert [c.id for c in api.get_all_custom_attribute_configs_by_case_type(type_id).data] == [
        config.id
    ]
    assert config.id in [c.id for c in api.get_all_custom_attributes().data]
    assert api.delete_custom_attribute_config(type_id, config.id) is None
    with pytest.raises(ApiException) as info:
        api.delete_custom_attribute_config(type_id, "not-an-uuid")
    assert info.value.status == 400
    assert emulator.requests["GetAllCustomAttributes"] == 1


def test_notification_rules(official: Official) -> None:
    api, project = official.cases, official.project_id
    created = api.create_project_notification_rule(
        project,
        CaseNotificationRuleCreateRequest(
            data=CaseNotificationRuleCreate(
                attributes=CaseNotificationRuleCreateAttributes(
                    recipients=[
                        CaseNotificationRuleRecipient(
                            type="EMAIL",
                            data=CaseNotificationRuleRecipientData(email="oncall@example.com"),
                        )
                    ],
                    triggers=[CaseNotificationRuleTrigger(type="CASE_CREATED")],
                    query="priority:P1",
                ),
                type=NOTIFICATION_RULE,
            )
        ),
    ).data
    assert created.attributes.recipients[0].data.email == "oncall@example.com"
    update = CaseNotificationRuleUpdateRequest(
        data=CaseNotificationRuleUpdate(
            attributes=CaseNotificationRuleAttributes(is_enabled=False), type=NOTIFICATION_RULE
        )
    )
    assert api.update_project_notification_rule(project, created.id, update) is None
    (rule,) = api.get_project_notification_rules(project).data
    assert rule.attributes.is_enabled is False
    assert api.delete_project_notification_rule(project, created.id) is None
    assert api.get_project_notification_rules(project).data == []


def _rule_attributes(name: str, handle: str) -> AutomationRuleCreateAttributes:
    return AutomationRuleCreateAttributes(
        name=name,
        trigger=AutomationRuleTrigger(type=AutomationRuleTriggerType.CASE_CREATED),
        action=AutomationRuleAction(
            type=AutomationRuleActionType.EXECUTE_WORKFLOW,
            data=AutomationRuleActionData(handle=handle),
        ),
    )


def test_automation_rules(official: Official) -> None:
    api, project = official.cases, official.project_id
    body = AutomationRuleCreateRequest(
        data=AutomationRuleCreate(attributes=_rule_attributes("Run triage", "triage"), type=RULE)
    )
    created = api.create_case_automation_rule(project, body).data
    assert created.attributes.state == CaseAutomationRuleState.ENABLED
    assert isinstance(created.attributes.created_at, datetime.datetime)
    assert api.disable_case_automation_rule(project, created.id).data.attributes.state == (
        CaseAutomationRuleState.DISABLED
    )
    assert api.enable_case_automation_rule(project, created.id).data.attributes.state == (
        CaseAutomationRuleState.ENABLED
    )
    update = AutomationRuleUpdateRequest(
        data=AutomationRuleUpdate(
            attributes=_rule_attributes("Run triage v2", "triage2"), type=RULE
        )
    )
    updated = api.update_case_automation_rule(project, created.id, update).data
    assert updated.attributes.action.data.handle == "triage2"
    assert api.get_case_automation_rule(project, created.id).data.attributes.name == (
        "Run triage v2"
    )
    assert [r.id for r in api.list_case_automation_rules(project).data] == [created.id]
    assert api.delete_case_automation_rule(project, created.id) is None
    with pytest.raises(NotFoundException):
        api.get_case_automation_rule(project, created.id)


def test_views(official: Official) -> None:
    api, project = official.cases, official.project_id
    created = api.create_case_view(
        CaseViewCreateRequest(
            data=CaseViewCreate(
                attributes=CaseViewCreateAttributes(
                    name="Open P1s", project_id=project, query="status:open priority:P1"
                ),
                type=CaseViewResourceType.VIEW,
            )
        )
    ).data
    assert created.relationships.project.data.id == project
    update = CaseViewUpdateRequest(
        data=CaseViewUpdate(
            attributes=CaseViewUpdateAttributes(query="status:open priority:P2"),
            type=CaseViewResourceType.VIEW,
        )
    )
    assert api.update_case_view(created.id, update).data.attributes.query == (
        "status:open priority:P2"
    )
    assert api.get_case_view(created.id).data.attributes.name == "Open P1s"
    assert [v.id for v in api.list_case_views(project).data] == [created.id]
    assert api.delete_case_view(created.id) is None
    with pytest.raises(NotFoundException):
        api.get_case_view(created.id)


def test_favorites(official: Official) -> None:
    api, project = official.cases, official.project_id
    assert api.list_user_case_project_favorites().data == []
    assert api.favorite_case_project(project) is None
    assert [f.id for f in api.list_user_case_project_favorites().data] == [project]
    assert api.unfavorite_case_project(project) is None
    assert api.list_user_case_project_favorites().data == []


def test_maintenance_windows(official: Official) -> None:
    api = official.cases
    start = datetime.datetime(2026, 4, 5, 2, tzinfo=datetime.UTC)
    created = api.create_maintenance_window(
        MaintenanceWindowCreateRequest(
            data=MaintenanceWindowCreate(
                attributes=MaintenanceWindowCreateAttributes(
                    name="DB upgrade",
                    query="service:db",
                    start_at=start,
                    end_at=start + datetime.timedelta(hours=2),
                ),
                type=MaintenanceWindowResourceType.MAINTENANCE_WINDOW,
            )
        )
    ).data
    assert created.attributes.start_at == start
    later = start + datetime.timedelta(hours=4)
    update = MaintenanceWindowUpdateRequest(
        data=MaintenanceWindowUpdate(
            attributes=MaintenanceWindowUpdateAttributes(end_at=later),
            type=MaintenanceWindowResourceType.MAINTENANCE_WINDOW,
        )
    )
    assert api.update_maintenance_window(created.id, update).data.attributes.end_at == later
    assert [w.id for w in api.list_maintenance_windows().data] == [created.id]
    assert api.delete_maintenance_window(created.id) is None
    assert api.list_maintenance_windows().data == []
