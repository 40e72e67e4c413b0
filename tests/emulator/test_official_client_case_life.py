"""Datadog's official client (datadog-api-client, pinned) drives issue 16's 22 operations against
the emulator over a real socket: the emulator reads the requests Datadog's client builds and
answers in the shapes its models expect. The setup is tests/emulator/test_official_client.py's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("datadog_api_client")

from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_aggregate_group_by import CaseAggregateGroupBy
from datadog_api_client.v2.model.case_aggregate_request import CaseAggregateRequest
from datadog_api_client.v2.model.case_aggregate_request_attributes import (
    CaseAggregateRequestAttributes,
)
from datadog_api_client.v2.model.case_aggregate_request_data import CaseAggregateRequestData
from datadog_api_client.v2.model.case_aggregate_resource_type import CaseAggregateResourceType
from datadog_api_client.v2.model.case_bulk_action_type import CaseBulkActionType
from datadog_api_client.v2.model.case_bulk_resource_type import CaseBulkResourceType
from datadog_api_client.v2.model.case_bulk_update_request import CaseBulkUpdateRequest
from datadog_api_client.v2.model.case_bulk_update_request_attributes import (
    CaseBulkUpdateRequestAttributes,
)
from datadog_api_client.v2.model.case_bulk_update_request_data import CaseBulkUpdateRequestData
from datadog_api_client.v2.model.case_comment import CaseComment
from datadog_api_client.v2.model.case_comment_attributes import CaseCommentAttributes
from datadog_api_client.v2.model.case_comment_request import CaseCommentRequest
from datadog_api_client.v2.model.case_create import CaseCreate
from datadog_api_client.v2.model.case_create_attributes import CaseCreateAttributes
from datadog_api_client.v2.model.case_create_relationships import CaseCreateRelationships
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.case_insight import CaseInsight
from datadog_api_client.v2.model.case_insight_type import CaseInsightType
from datadog_api_client.v2.model.case_insights_attributes import CaseInsightsAttributes
from datadog_api_client.v2.model.case_insights_data import CaseInsightsData
from datadog_api_client.v2.model.case_insights_request import CaseInsightsRequest
from datadog_api_client.v2.model.case_link_attributes import CaseLinkAttributes
from datadog_api_client.v2.model.case_link_create import CaseLinkCreate
from datadog_api_client.v2.model.case_link_create_request import CaseLinkCreateRequest
from datadog_api_client.v2.model.case_link_resource_type import CaseLinkResourceType
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_update_comment import CaseUpdateComment
from datadog_api_client.v2.model.case_update_comment_attributes import (
    CaseUpdateCommentAttributes,
)
from datadog_api_client.v2.model.case_update_comment_request import CaseUpdateCommentRequest
from datadog_api_client.v2.model.case_update_due_date import CaseUpdateDueDate
from datadog_api_client.v2.model.case_update_due_date_attributes import (
    CaseUpdateDueDateAttributes,
)
from datadog_api_client.v2.model.case_update_due_date_request import CaseUpdateDueDateRequest
from datadog_api_client.v2.model.case_update_resolved_reason import CaseUpdateResolvedReason
from datadog_api_client.v2.model.case_update_resolved_reason_attributes import (
    CaseUpdateResolvedReasonAttributes,
)
from datadog_api_client.v2.model.case_update_resolved_reason_request import (
    CaseUpdateResolvedReasonRequest,
)
from datadog_api_client.v2.model.incident_relationship_data import IncidentRelationshipData
from datadog_api_client.v2.model.incident_resource_type import IncidentResourceType
from datadog_api_client.v2.model.jira_issue_create_attributes import JiraIssueCreateAttributes
from datadog_api_client.v2.model.jira_issue_create_data import JiraIssueCreateData
from datadog_api_client.v2.model.jira_issue_create_request import JiraIssueCreateRequest
from datadog_api_client.v2.model.jira_issue_link_attributes import JiraIssueLinkAttributes
from datadog_api_client.v2.model.jira_issue_link_data import JiraIssueLinkData
from datadog_api_client.v2.model.jira_issue_link_request import JiraIssueLinkRequest
from datadog_api_client.v2.model.jira_issue_resource_type import JiraIssueResourceType
from datadog_api_client.v2.model.notebook_create_data import NotebookCreateData
from datadog_api_client.v2.model.notebook_create_request import NotebookCreateRequest
from datadog_api_client.v2.model.notebook_resource_type import NotebookResourceType
from datadog_api_client.v2.model.project_create import ProjectCreate
from datadog_api_client.v2.model.project_create_attributes import ProjectCreateAttributes
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.relationship_to_incident_request import (
    RelationshipToIncidentRequest,
)
from datadog_api_client.v2.model.service_now_ticket_create_attributes import (
    ServiceNowTicketCreateAttributes,
)
from datadog_api_client.v2.model.service_now_ticket_create_data import ServiceNowTicketCreateData
from datadog_api_client.v2.model.service_now_ticket_create_request import (
    ServiceNowTicketCreateRequest,
)
from datadog_api_client.v2.model.service_now_ticket_resource_type import (
    ServiceNowTicketResourceType,
)

from ddcases.testing import Emulator

from ._official import official_api_client

CASE = CaseResourceType.CASE
PROJECT = ProjectResourceType.PROJECT
USER = "3f5c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"
INCIDENT = "00000000-0000-0000-1234-000000000000"


@pytest.fixture
def official(emulator: Emulator) -> Iterator[CaseManagementApi]:
    with official_api_client(emulator) as client:
        yield CaseManagementApi(client)


def _project(official: CaseManagementApi, key: str) -> str:
    attributes = ProjectCreateAttributes(key=key, name=key)
    project = official.create_project(
        ProjectCreateRequest(data=ProjectCreate(attributes=attributes, type=PROJECT))
    )
    return str(project.data.id)


def _case(official: CaseManagementApi, project_id: str, title: str = "Leaked token") -> Any:
    project = ProjectRelationship(data=ProjectRelationshipData(id=project_id, type=PROJECT))
    return official.create_case(  # the official client sends type_id, not type
        CaseCreateRequest(
            data=CaseCreate(
                attributes=CaseCreateAttributes(
                    title=title, type_id="00000000-0000-0000-0000-000000000001"
                ),
                relationships=CaseCreateRelationships(project=project),
                type=CASE,
            )
        )
    ).data


@pytest.fixture
def case_id(official: CaseManagementApi) -> str:
    return str(_case(official, _project(official, "SEC")).id)


def _attribute(case: Any, name: str) -> Any:
    """A member Datadog's case model does not declare (kept as an additional property)."""
    return case.data.attributes.get(name)


def _insights() -> CaseInsightsRequest:
    insight = CaseInsight(ref="/monitors/123", resource_id="123", type=CaseInsightType.MONITOR)
    attributes = CaseInsightsAttributes(insights=[insight])
    return CaseInsightsRequest(data=CaseInsightsData(attributes=attributes, type=CASE))


def test_case_fields(official: CaseManagementApi, case_id: str, emulator: Emulator) -> None:
    due = CaseUpdateDueDateRequest(
        data=CaseUpdateDueDate(
            attributes=CaseUpdateDueDateAttributes(due_date="2026-12-31"), type=CASE
        )
    )
    # Datadog's model has no due_date member; its client reads the undeclared value as a date.
    assert str(_attribute(official.update_case_due_date(case_id, due), "due_date")) == "2026-12-31"
    reason = CaseUpdateResolvedReasonRequest(
        data=CaseUpdateResolvedReason(
            attributes=CaseUpdateResolvedReasonAttributes(
                security_resolved_reason="FALSE_POSITIVE"
            ),
            type=CASE,
        )
    )
    case = official.update_case_resolved_reason(case_id, reason)
    assert _attribute(case, "security_resolved_reason") == "FALSE_POSITIVE"

    case = official.add_case_insights(case_id, _insights())
    assert _attribute(case, "insights") == [
        {"type": "MONITOR", "resource_id": "123", "ref": "/monitors/123"}
    ]
    case = official.remove_case_insights(case_id, _insights())  # a DELETE with a body
    assert _attribute(case, "insights") == []

    ops = _project(official, "OPS")
    move = ProjectRelationship(data=ProjectRelationshipData(id=ops, type=PROJECT))
    case = official.move_case_to_project(case_id, move)
    assert case.data.attributes.key == "OPS-1"
    assert case.data.relationships.project.data.id == ops
    for operation in (
        "UpdateCaseDueDate",
        "UpdateCaseResolvedReason",
        "AddCaseInsights",
        "RemoveCaseInsights",
        "MoveCaseToProject",
    ):
        assert emulator.requests[operation] == 1


def test_timeline_and_update_comment(official: CaseManagementApi, case_id: str) -> None:
    for text in ("one", "two", "three"):
        body = CaseCommentRequest(
            data=CaseComment(attributes=CaseCommentAttributes(comment=text), type=CASE)
        )
        official.comment_case(case_id, body)
    timeline = official.list_case_timeline(case_id, page_size=2, page_number=0)
    assert [c.attributes.cell_content.message for c in timeline.data] == ["three", "two"]
    last = official.list_case_timeline(case_id, page_size=2, page_number=1, sort_ascending=True)
    (cell,) = last.data
    assert cell.attributes.cell_content.message == "three"

    edit = CaseUpdateCommentRequest(
        data=CaseUpdateComment(attributes=CaseUpdateCommentAttributes(comment="edited"), type=CASE)
    )
    assert official.update_case_comment(case_id, cell.id, edit) is None
    (edited,) = official.list_case_timeline(case_id, page_size=1).data
    assert edited.attributes.cell_content.message == "edited"
    assert edited.attributes.modified_at is not None
    with pytest.raises(NotFoundException):
        official.update_case_comment(case_id, "e555e290-ed65-49bd-ae18-8acbfcf18db7", edit)


def test_watchers(official: CaseManagementApi, case_id: str) -> None:
    assert official.watch_case(case_id, USER) is None
    (watcher,) = official.list_case_watchers(case_id).data
    assert watcher.relationships.user.data.id == USER
    assert official.unwatch_case(case_id, USER) is None
    assert official.list_case_watchers(case_id).data == []


def test_links(official: CaseManagementApi, case_id: str) -> None:
    other = str(_case(official, _project(official, "OPS")).id)
    attributes = CaseLinkAttributes(
        parent_entity_type="CASE",
        parent_entity_id=case_id,
        child_entity_type="CASE",
        child_entity_id=other,
        relationship="BLOCKS",
    )
    link = official.create_case_link(
        CaseLinkCreateRequest(
            data=CaseLinkCreate(attributes=attributes, type=CaseLinkResourceType.LINK)
        )
    ).data
    assert link.attributes.child_entity_id == other
    found = official.list_case_links(entity_type="CASE", entity_id=other, relationship="BLOCKS")
    assert [x.id for x in found.data] == [link.id]

    incident = RelationshipToIncidentRequest(
        data=IncidentRelationshipData(id=INCIDENT, type=IncidentResourceType.INCIDENTS)
    )
    assert official.link_incident(case_id, incident).data.id == case_id
    found = official.list_case_links(entity_type="CASE", entity_id=case_id)
    assert {x.attributes.relationship for x in found.data} == {"BLOCKS", "RELATES_TO"}

    assert official.delete_case_link(link.id) is None
    with pytest.raises(NotFoundException):
        official.delete_case_link(link.id)


def _wait_for(official: CaseManagementApi, case_id: str, member: str) -> Any:
    for _ in range(200):  # the emulator completes a job 0.05 s after it starts
        value = getattr(official.get_case(case_id).data.attributes, member)
        if str(value.status) == "COMPLETED":
            return value
        time.sleep(0.01)
    pytest.fail(f"{member} never completed")


def test_jira_servicenow_and_notebooks(official: CaseManagementApi, case_id: str) -> None:
    url = "https://jira.example.com/browse/PROJ-123"
    link = JiraIssueLinkRequest(
        data=JiraIssueLinkData(
            attributes=JiraIssueLinkAttributes(jira_issue_url=url),
            type=JiraIssueResourceType.ISSUES,
        )
    )
    assert official.link_jira_issue_to_case(case_id, link) is None
    case = official.get_case(case_id)
    assert case.data.attributes.jira_issue.result.issue_key == "PROJ-123"
    with pytest.raises(ApiException) as info:
        official.link_jira_issue_to_case(case_id, link)
    assert info.value.status == 409
    assert official.unlink_jira_issue(case_id) is None

    create = JiraIssueCreateRequest(
        data=JiraIssueCreateData(
            attributes=JiraIssueCreateAttributes(
                jira_account_id="1234",
                project_id="10000",
                issue_type_id="10001",
                fields={"labels": ["sec"]},
            ),
            type=JiraIssueResourceType.ISSUES,
        )
    )
    assert official.create_case_jira_issue(case_id, create) is None
    assert _wait_for(official, case_id, "jira_issue").result.issue_key

    ticket = ServiceNowTicketCreateRequest(
        data=ServiceNowTicketCreateData(
            attributes=ServiceNowTicketCreateAttributes(instance_name="acme", assignment_group="x"),
            type=ServiceNowTicketResourceType.TICKETS,
        )
    )
    assert official.create_case_service_now_ticket(case_id, ticket) is None
    completed = _wait_for(official, case_id, "service_now_ticket")
    assert completed.result.sys_target_link.startswith("https://acme.service-now.com/")

    notebook = NotebookCreateRequest(data=NotebookCreateData(type=NotebookResourceType.NOTEBOOK))
    assert official.create_case_notebook(case_id, notebook) is None


def test_count_aggregate_and_bulk(
    official: CaseManagementApi, case_id: str, emulator: Emulator
) -> None:
    project_id = official.get_projects().data[0].id
    second = str(_case(official, project_id, "Second").id)
    bulk = CaseBulkUpdateRequest(
        data=CaseBulkUpdateRequestData(
            attributes=CaseBulkUpdateRequestAttributes(
                case_ids=[case_id, second],
                type=CaseBulkActionType.PRIORITY,
                payload={"priority": "P1"},
            ),
            type=CaseBulkResourceType.BULK,
        )
    )
    assert official.bulk_update_cases(bulk) is None
    assert str(official.get_case(second).data.attributes.priority) == "P1"

    count = official.count_cases(query_filter="status:open", group_bys="status,priority", limit=10)
    groups = {
        g.group: [(v.value, v.count) for v in g.group_values] for g in count.data.attributes.groups
    }
    assert groups == {"status": [("OPEN", 2)], "priority": [("P1", 2)]}

    aggregate = CaseAggregateRequest(
        data=CaseAggregateRequestData(
            attributes=CaseAggregateRequestAttributes(
                query_filter="status:open",
                group_by=CaseAggregateGroupBy(groups=["priority"], limit=100),
            ),
            type=CaseAggregateResourceType.AGGREGATE,
        )
    )
    result = official.aggregate_cases(aggregate).data.attributes
    assert result.total == 2
    assert [(g.group, g.value) for g in result.groups] == [("P1", [2.0])]
    assert emulator.requests["CountCases"] == 1
    assert emulator.requests["GetCase"] == 1  # /cases/count and /cases/bulk are not case ids
