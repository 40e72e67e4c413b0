"""Datadog's official client (datadog-api-client, pinned) drives the eight live operations
against the emulator over a real socket: the emulator reads requests and answers in the shapes
Datadog's own models expect, not only in the shapes ddcases expects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("datadog_api_client")

from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_comment import CaseComment
from datadog_api_client.v2.model.case_comment_attributes import CaseCommentAttributes
from datadog_api_client.v2.model.case_comment_request import CaseCommentRequest
from datadog_api_client.v2.model.case_create import CaseCreate
from datadog_api_client.v2.model.case_create_attributes import CaseCreateAttributes
from datadog_api_client.v2.model.case_create_relationships import CaseCreateRelationships
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_update_attributes import CaseUpdateAttributes
from datadog_api_client.v2.model.case_update_attributes_attributes import (
    CaseUpdateAttributesAttributes,
)
from datadog_api_client.v2.model.case_update_attributes_request import CaseUpdateAttributesRequest
from datadog_api_client.v2.model.case_update_custom_attribute import CaseUpdateCustomAttribute
from datadog_api_client.v2.model.case_update_custom_attribute_request import (
    CaseUpdateCustomAttributeRequest,
)
from datadog_api_client.v2.model.case_update_description import CaseUpdateDescription
from datadog_api_client.v2.model.case_update_description_attributes import (
    CaseUpdateDescriptionAttributes,
)
from datadog_api_client.v2.model.case_update_description_request import (
    CaseUpdateDescriptionRequest,
)
from datadog_api_client.v2.model.case_update_title import CaseUpdateTitle
from datadog_api_client.v2.model.case_update_title_attributes import CaseUpdateTitleAttributes
from datadog_api_client.v2.model.case_update_title_request import CaseUpdateTitleRequest
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.custom_attribute_value import CustomAttributeValue
from datadog_api_client.v2.model.project_create import ProjectCreate
from datadog_api_client.v2.model.project_create_attributes import ProjectCreateAttributes
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.project_update import ProjectUpdate
from datadog_api_client.v2.model.project_update_attributes import ProjectUpdateAttributes
from datadog_api_client.v2.model.project_update_request import ProjectUpdateRequest

from ddcases.testing import Emulator

from ._official import official_api_client

CASE = CaseResourceType.CASE


@pytest.fixture
def official(emulator: Emulator) -> Iterator[CaseManagementApi]:
    with official_api_client(emulator) as client:
        yield CaseManagementApi(client)


@pytest.fixture
def case_id(official: CaseManagementApi) -> str:
    project = official.create_project(
        ProjectCreateRequest(
            data=ProjectCreate(
                attributes=ProjectCreateAttributes(key="SEC", name="Security"),
                type=ProjectResourceType.PROJECT,
            )
        )
    )
    case = official.create_case(  # the official client sends type_id, not type
        CaseCreateRequest(
            data=CaseCreate(
                attributes=CaseCreateAttributes(
                    title="Leaked token", type_id="00000000-0000-0000-0000-000000000001"
                ),
                relationships=CaseCreateRelationships(
                    project=ProjectRelationship(
                        data=ProjectRelationshipData(
                            id=project.data.id, type=ProjectResourceType.PROJECT
                        )
                    )
                ),
                type=CASE,
            )
        )
    )
    return str(case.data.id)


def test_update_case_title(official: CaseManagementApi, case_id: str, emulator: Emulator) -> None:
    body = CaseUpdateTitleRequest(
        data=CaseUpdateTitle(attributes=CaseUpdateTitleAttributes(title="Retitled"), type=CASE)
    )
    case = official.update_case_title(case_id, body)
    assert case.data.attributes.title == "Retitled"
    assert emulator.requests["UpdateCaseTitle"] == 1


def test_update_case_description(official: CaseManagementApi, case_id: str) -> None:
    body = CaseUpdateDescriptionRequest(
        data=CaseUpdateDescription(
            attributes=CaseUpdateDescriptionAttributes(description="found in a gist"), type=CASE
        )
    )
    case = official.update_case_description(case_id, body)
    assert case.data.attributes.description == "found in a gist"


def test_comment_case_and_delete_case_comment(official: CaseManagementApi, case_id: str) -> None:
    body = CaseCommentRequest(
        data=CaseComment(attributes=CaseCommentAttributes(comment="Hello World !"), type=CASE)
    )
    timeline = official.comment_case(case_id, body)
    (cell,) = timeline.data
    assert cell.attributes.cell_content.message == "Hello World !"
    assert str(cell.attributes.type) == "COMMENT"
    assert official.delete_case_comment(case_id, cell.id) is None
    with pytest.raises(NotFoundException):
        official.delete_case_comment(case_id, cell.id)


def test_update_attributes(official: CaseManagementApi, case_id: str) -> None:
    attributes: Any = {"env": ["test"], "service": ["web-store", "web-api"]}
    body = CaseUpdateAttributesRequest(
        data=CaseUpdateAttributes(
            attributes=CaseUpdateAttributesAttributes(attributes=attributes), type=CASE
        )
    )
    case = official.update_attributes(case_id, body)
    assert case.data.attributes.attributes.to_dict() == attributes


def test_update_and_delete_case_custom_attribute(
    official: CaseManagementApi, case_id: str, emulator: Emulator
) -> None:
    body = CaseUpdateCustomAttributeRequest(
        data=CaseUpdateCustomAttribute(
            attributes=CustomAttributeValue(
                type=CustomAttributeType.TEXT, is_multi=True, value=["Abba", "The Cure"]
            ),
            type=CASE,
        )
    )
    with pytest.raises(NotFoundException):  # keys are defined first, as on the service
        official.update_case_custom_attribute(case_id, "attribute_661e", body)
    emulator.define_custom_attribute("attribute_661e", "TEXT", is_multi=True)
    case = official.update_case_custom_attribute(case_id, "attribute_661e", body)
    value = case.data.attributes.custom_attributes["attribute_661e"]
    assert value.to_dict() == {"type": "TEXT", "is_multi": True, "value": ["Abba", "The Cure"]}
    case = official.delete_case_custom_attribute(case_id, "attribute_661e")
    assert "attribute_661e" not in (case.data.attributes.get("custom_attributes") or {})


def test_update_project(official: CaseManagementApi, case_id: str) -> None:
    project_id = official.get_projects().data[0].id
    body = ProjectUpdateRequest(
        data=ProjectUpdate(
            attributes=ProjectUpdateAttributes(name="Security (EMEA)"),
            type=ProjectResourceType.PROJECT,
        )
    )
    project = official.update_project(project_id, body)
    assert project.data.attributes.name == "Security (EMEA)"
    with pytest.raises(ApiException) as info:
        official.update_project("e555e290-ed65-49bd-ae18-8acbfcf18db7", body)
    assert info.value.status == 404


def test_the_reference_pages_case_operations(
    official: CaseManagementApi, case_id: str, emulator: Emulator
) -> None:
    """GetCase, SearchCases, UpdateStatus, UpdatePriority, AssignCase, UnassignCase, ArchiveCase,
    UnarchiveCase, GetProject and DeleteProject, as Datadog's client sends them."""
    from datadog_api_client.v2.model.case_assign import CaseAssign
    from datadog_api_client.v2.model.case_assign_attributes import CaseAssignAttributes
    from datadog_api_client.v2.model.case_assign_request import CaseAssignRequest
    from datadog_api_client.v2.model.case_empty import CaseEmpty
    from datadog_api_client.v2.model.case_empty_request import CaseEmptyRequest
    from datadog_api_client.v2.model.case_priority import CasePriority
    from datadog_api_client.v2.model.case_status import CaseStatus
    from datadog_api_client.v2.model.case_update_priority import CaseUpdatePriority
    from datadog_api_client.v2.model.case_update_priority_attributes import (
        CaseUpdatePriorityAttributes,
    )
    from datadog_api_client.v2.model.case_update_priority_request import CaseUpdatePriorityRequest
    from datadog_api_client.v2.model.case_update_status import CaseUpdateStatus
    from datadog_api_client.v2.model.case_update_status_attributes import (
        CaseUpdateStatusAttributes,
    )
    from datadog_api_client.v2.model.case_update_status_request import CaseUpdateStatusRequest

    user = "3f5c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"
    assert official.get_case(case_id).data.attributes.key == "SEC-1"
    (found,) = official.search_cases(filter="Leaked").data
    assert found.id == case_id
    status = CaseUpdateStatusAttributes(status=CaseStatus.IN_PROGRESS)
    case = official.update_status(
        case_id, CaseUpdateStatusRequest(data=CaseUpdateStatus(attributes=status, type=CASE))
    )
    assert case.data.attributes.status_name == "In Progress"
    priority = CaseUpdatePriorityAttributes(priority=CasePriority.P1)
    case = official.update_priority(
        case_id, CaseUpdatePriorityRequest(data=CaseUpdatePriority(attributes=priority, type=CASE))
    )
    assert case.data.attributes.priority == CasePriority.P1
    assign = CaseAssignRequest(data=CaseAssign(attributes=CaseAssignAttributes(user), type=CASE))
    case = official.assign_case(case_id, assign)
    assert case.data.relationships.assignee.data.id == user
    empty = CaseEmptyRequest(data=CaseEmpty(type=CASE))
    assert official.unassign_case(case_id, empty).data.relationships.get("assignee") is None
    assert official.archive_case(case_id, empty).data.attributes.get("archived_at") is not None
    assert official.unarchive_case(case_id, empty).data.attributes.get("archived_at") is None
    project_id = str(official.get_case(case_id).data.relationships.project.data.id)
    assert official.get_project(project_id).data.attributes.key == "SEC"
    official.delete_project(project_id)
    with pytest.raises(NotFoundException):
        official.get_project(project_id)
    for operation in ("SearchCases", "UpdateStatus", "ArchiveCase", "DeleteProject"):
        assert emulator.requests[operation] >= 1, operation
