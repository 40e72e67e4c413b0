"""Issue 16's facade calls against the emulator: every call of the issue's table as written, its
return, its ``with_raw_response`` twin (statuses taken from openapi.yaml), and the bad input and
edge cases the issue lists. The methods are generated from openapi.yaml's x-ddcases (issue 15)."""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from ddcases import (
    AsyncPaginator,
    BadRequestError,
    Case,
    CaseManagement,
    CreateOutcomeUnknownError,
    UnexpectedResponseError,
)
from ddcases.testing import Emulator
from ddcases_api.models import (
    CaseAggregateResponseData,
    CaseCountResponseData,
    CaseLink,
    CaseWatcher,
    TimelineCellResource,
)
from ddcases_api.types import Unset
from tests.emulator._conformance import check
from tests.generated._spec import operations

USER = "3f5c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"
INCIDENT = "00000000-0000-0000-1234-000000000000"
MONITOR = {"type": "MONITOR", "resource_id": "123", "ref": "/monitors/123"}
JIRA_URL = "https://jira.example.com/browse/PROJ-123"


@pytest.fixture
def emulator() -> Emulator:
    emulator = Emulator(checks=[check])
    emulator.app.state.case_life.integration_delay = None  # jobs finish when a test says so
    return emulator


@pytest.fixture
async def dd(emulator: Emulator) -> AsyncIterator[CaseManagement]:
    async with emulator.client() as client:
        await client.projects.create(key="SEC", name="Security")
        await client.projects.create(key="OPS", name="Operations")
        for title in ("Leaked token", "Second", "Third"):
            await client.cases.create(project="SEC", title=title)
        yield client


def _sent(emulator: Emulator) -> int:
    return sum(emulator.requests.values())


# ---------------------------------------------------------------- the issue's table, as written


async def test_case_fields(dd: CaseManagement) -> None:
    case = await dd.cases.update_due_date("SEC-1", datetime.date(2026, 12, 31))
    assert isinstance(case, Case)
    assert case.attributes.due_date == datetime.date(2026, 12, 31)
    case = await dd.cases.update_due_date("SEC-1", "2027-01-15")
    assert case.attributes.due_date == datetime.date(2027, 1, 15)
    case = await dd.cases.update_resolved_reason("SEC-1", "FALSE_POSITIVE")
    assert case.attributes.security_resolved_reason == "FALSE_POSITIVE"
    case = await dd.cases.add_insights("SEC-1", [MONITOR])
    assert [i.to_dict() for i in case.attributes.insights] == [MONITOR]
    case = await dd.cases.remove_insights("SEC-1", [MONITOR])
    assert case.attributes.insights == []
    moved = await dd.cases.move("SEC-1", "OPS")  # the target project by key ...
    assert moved.attributes.key == "OPS-1"
    ops = await dd.projects.get("OPS")
    assert moved.relationships.project.data.id == ops.id
    again = await dd.cases.move(moved.id, ops.id)  # ... or by UUID
    assert again.attributes.key == "OPS-1"


async def test_timeline_and_comments(dd: CaseManagement) -> None:
    for text in ("one", "two", "three"):
        await dd.cases.comment("SEC-1", text)
    assert isinstance(dd.cases.timeline("SEC-1"), AsyncPaginator)
    cells = [cell async for cell in dd.cases.timeline("SEC-1", ascending=True)]
    assert all(isinstance(c, TimelineCellResource) for c in cells)
    assert [c.attributes.cell_content.message for c in cells] == ["one", "two", "three"]
    newest = [c async for c in dd.cases.timeline("SEC-1")]
    assert newest[0].attributes.cell_content.message == "three"
    comment_id = cells[0].id
    assert await dd.cases.update_comment("SEC-1", comment_id, "edited text") is None
    (first, *_) = [c async for c in dd.cases.timeline("SEC-1", ascending=True)]
    assert first.attributes.cell_content.message == "edited text"
    assert first.attributes.modified_at is not None


async def test_watchers(dd: CaseManagement) -> None:
    assert await dd.cases.watch("SEC-1", USER) is None
    watchers = await dd.cases.watchers("SEC-1")
    assert all(isinstance(w, CaseWatcher) for w in watchers)
    assert [w.relationships.user.data.id for w in watchers] == [USER]
    assert await dd.cases.unwatch("SEC-1", USER) is None
    assert await dd.cases.watchers("SEC-1") == []


async def test_links_and_integrations(dd: CaseManagement, emulator: Emulator) -> None:
    a, b = (await dd.cases.get("SEC-1")).id, (await dd.cases.get("SEC-2")).id
    link = await dd.links.create(
        parent_entity_type="CASE",
        parent_entity_id=a,
        child_entity_type="CASE",
        child_entity_id=b,
        relationship="BLOCKS",
    )
    assert isinstance(link, CaseLink)
    assert [x.id for x in await dd.links.list("CASE", a, relationship="BLOCKS")] == [link.id]
    assert await dd.links.delete(link.id) is None
    assert await dd.links.list("CASE", a) == []

    case = await dd.cases.link_incident("SEC-1", INCIDENT)
    assert case.id == a
    (incident,) = await dd.links.list("CASE", a)
    assert incident.attributes.child_entity_id == INCIDENT

    assert await dd.cases.link_jira_issue("SEC-1", JIRA_URL) is None
    assert (await dd.cases.get("SEC-1")).attributes.jira_issue.result.issue_key == "PROJ-123"
    assert await dd.cases.unlink_jira_issue("SEC-1") is None
    assert isinstance((await dd.cases.get("SEC-1")).attributes.jira_issue, Unset)  # left out

    created = await dd.cases.create_jira_issue(
        "SEC-1",
        jira_account_id="acc",
        project_id="10000",  # a Jira project id: sent as is, never looked up as a case project
        issue_type_id="10001",
        fields={"labels": ["sec"]},
    )
    assert created is None
    ticket = await dd.cases.create_servicenow_ticket(
        "SEC-1", instance_name="acme", assignment_group="secops"
    )
    assert ticket is None
    attributes = (await dd.cases.get("SEC-1")).attributes
    assert (attributes.jira_issue.status, attributes.service_now_ticket.status) == (
        "IN_PROGRESS",
        "IN_PROGRESS",
    )
    emulator.app.state.case_life.complete_integrations()
    attributes = (await dd.cases.get("SEC-1")).attributes
    assert attributes.jira_issue.status == "COMPLETED"
    assert attributes.service_now_ticket.result.sys_target_link.startswith("https://acme.")
    assert await dd.cases.create_notebook("SEC-1") is None


async def test_many_cases_at_once(dd: CaseManagement) -> None:
    assert await dd.cases.bulk_update(["SEC-1", "SEC-2"], "priority", {"priority": "P1"}) is None
    counted = await dd.cases.count("status:open", group_bys=["status", "priority"], limit=10)
    assert isinstance(counted, CaseCountResponseData)
    groups = {
        g.group: {v.value: v.count for v in g.group_values} for g in counted.attributes.groups
    }
    assert groups == {"status": {"OPEN": 3}, "priority": {"P1": 2, "NOT_DEFINED": 1}}
    aggregated = await dd.cases.aggregate("status:open", group_by=["priority"], limit=100)
    assert isinstance(aggregated, CaseAggregateResponseData)
    assert aggregated.attributes.total == 3
    assert [(g.group, g.value) for g in aggregated.attributes.groups] == [
        ("P1", [2.0]),
        ("NOT_DEFINED", [1.0]),
    ]


# ---------------------------------------------------------------- with_raw_response, from the spec

#: operationId -> the call, made on ``dd.cases``/``dd.links`` or their ``with_raw_response``.
Call = Callable[[Any, Any, dict[str, str]], Awaitable[Any]]
CALLS: dict[str, Call] = {
    "UpdateCaseDueDate": lambda c, _, __: c.update_due_date("SEC-1", "2026-12-31"),
    "UpdateCaseResolvedReason": lambda c, _, __: c.update_resolved_reason("SEC-1", "TRUE_POSITIVE"),
    "MoveCaseToProject": lambda c, _, __: c.move("SEC-3", "OPS"),
    "AddCaseInsights": lambda c, _, __: c.add_insights("SEC-1", [MONITOR]),
    "RemoveCaseInsights": lambda c, _, __: c.remove_insights("SEC-1", [MONITOR]),
    "ListCaseTimeline": lambda c, _, __: c.timeline("SEC-1"),
    "UpdateCaseComment": lambda c, _, ids: c.update_comment("SEC-1", ids["comment"], "edited"),
    "ListCaseWatchers": lambda c, _, __: c.watchers("SEC-1"),
    "WatchCase": lambda c, _, __: c.watch("SEC-1", USER),
    "UnwatchCase": lambda c, _, __: c.unwatch("SEC-1", USER),
    "ListCaseLinks": lambda _, links, ids: links.list("CASE", ids["case"]),
    "CreateCaseLink": lambda _, links, ids: links.create(
        parent_entity_type="CASE",
        parent_entity_id=ids["case"],
        child_entity_type="INCIDENT",
        child_entity_id=INCIDENT,
        relationship="RELATES_TO",
    ),
    "DeleteCaseLink": lambda _, links, ids: links.delete(ids["link"]),
    "LinkIncident": lambda c, _, __: c.link_incident("SEC-1", INCIDENT),
    "LinkJiraIssueToCase": lambda c, _, __: c.link_jira_issue("SEC-2", JIRA_URL),
    "CreateCaseJiraIssue": lambda c, _, __: c.create_jira_issue("SEC-1", "acc", "10000", "10001"),
    "UnlinkJiraIssue": lambda c, _, __: c.unlink_jira_issue("SEC-1"),
    "CreateCaseServiceNowTicket": lambda c, _, __: c.create_servicenow_ticket(
        "SEC-1", instance_name="acme"
    ),
    "CreateCaseNotebook": lambda c, _, __: c.create_notebook("SEC-1"),
    "CountCases": lambda c, _, __: c.count("status:open", group_bys=["status"]),
    "AggregateCases": lambda c, _, __: c.aggregate("", group_by=["status"], limit=10),
    "BulkUpdateCases": lambda c, _, __: c.bulk_update(["SEC-1"], "archive"),
}


def test_the_table_covers_issue_16() -> None:
    assert len(CALLS) == 22
    assert set(CALLS) <= set(operations())


async def _ids(dd: CaseManagement) -> dict[str, str]:
    case = await dd.cases.get("SEC-1")
    cell = await dd.cases.comment("SEC-1", "to edit")
    link = await dd.links.create(
        parent_entity_type="CASE",
        parent_entity_id=case.id,
        child_entity_type="INCIDENT",
        child_entity_id=INCIDENT,
        relationship="CAUSES",
    )
    return {"case": case.id, "comment": cell.id, "link": link.id}


def _success(operation_id: str) -> tuple[int, bool]:
    """(2xx status, whether it has a body) as openapi.yaml documents them."""
    from tests.generated._spec import resolve

    _, _, op = operations()[operation_id]
    (status,) = [int(s) for s in op["responses"] if str(s).startswith("2")]
    return status, bool(resolve(op["responses"][str(status)]).get("content"))


@pytest.mark.parametrize("operation_id", sorted(CALLS))
async def test_raw_twin_answers_as_the_spec_says(dd: CaseManagement, operation_id: str) -> None:
    ids = await _ids(dd)
    status, has_body = _success(operation_id)
    call = CALLS[operation_id]
    raw = call(dd.cases.with_raw_response, dd.links.with_raw_response, ids)
    response = await raw  # a paginated list's twin answers its first page
    assert response.status_code == status
    assert (response.document is not None) == has_body
    if not has_body:
        assert response.parse() is None
    plain = (
        await call(dd.cases, dd.links, await _ids(dd)) if operation_id.startswith("List") else None
    )
    if plain is not None:
        assert type(plain) is type(response.parse())


# ---------------------------------------------------------------- bad input, nothing sent


# A TypeError is as good as a ValueError for a value of the wrong type (the issue allows both).
BAD: list[tuple[str, Call, type[Exception]]] = [
    ("empty comment", lambda c, _, __: c.update_comment("SEC-1", USER, ""), ValueError),
    ("due date text", lambda c, _, __: c.update_due_date("SEC-1", "31/12/2026"), ValueError),
    ("due date month", lambda c, _, __: c.update_due_date("SEC-1", "2026-13-01"), ValueError),
    ("due date number", lambda c, _, __: c.update_due_date("SEC-1", 20261231), ValueError),
    (
        "insight without ref",
        lambda c, _, __: c.add_insights("SEC-1", [{"type": "MONITOR", "resource_id": "1"}]),
        ValueError,
    ),
    (
        "insight without type",
        lambda c, _, __: c.remove_insights("SEC-1", [{"resource_id": "1", "ref": "/x"}]),
        ValueError,
    ),
    (
        "unknown insight type",
        lambda c, _, __: c.add_insights("SEC-1", [{**MONITOR, "type": "NOPE"}]),
        ValueError,
    ),
    ("no insights", lambda c, _, __: c.add_insights("SEC-1", []), ValueError),
    ("101 insights", lambda c, _, __: c.add_insights("SEC-1", [MONITOR] * 101), ValueError),
    ("bulk without cases", lambda c, _, __: c.bulk_update([], "archive"), ValueError),
    ("bulk unknown action", lambda c, _, __: c.bulk_update(["SEC-1"], "close"), ValueError),
    ("count limit 0", lambda c, _, __: c.count("", limit=0), ValueError),
    ("count limit 1001", lambda c, _, __: c.count("", limit=1001), ValueError),
    (
        "aggregate limit 0",
        lambda c, _, __: c.aggregate("", group_by=["status"], limit=0),
        ValueError,
    ),
    (
        "aggregate limit 1001",
        lambda c, _, __: c.aggregate("", group_by=["status"], limit=1001),
        ValueError,
    ),
    ("unknown link type", lambda _, links, __: links.list("TICKET", USER), ValueError),
    ("empty user", lambda c, _, __: c.watch("SEC-1", ""), ValueError),
]


@pytest.mark.parametrize(("name", "call", "error"), BAD, ids=[b[0] for b in BAD])
async def test_bad_arguments_fail_before_sending(
    dd: CaseManagement, emulator: Emulator, name: str, call: Call, error: type[Exception]
) -> None:
    before = _sent(emulator)
    with pytest.raises((error, TypeError)):
        await call(dd.cases, dd.links, {})
    with pytest.raises((error, TypeError)):
        await call(dd.cases.with_raw_response, dd.links.with_raw_response, {})
    assert _sent(emulator) == before


async def test_an_open_enum_value_goes_out_as_given(dd: CaseManagement) -> None:
    from ddcases_api.models import CaseInsightType

    with pytest.raises(ValueError, match="NEW_KIND"):
        await dd.cases.add_insights("SEC-1", [{**MONITOR, "type": "NEW_KIND"}])
    new_kind = CaseInsightType("NEW_KIND")  # sent, and refused by the emulator, which knows 16
    with pytest.raises(BadRequestError, match="NEW_KIND"):
        await dd.cases.add_insights("SEC-1", [{**MONITOR, "type": new_kind}])


# ---------------------------------------------------------------- the timeline paginator


async def test_timeline_walks_zero_based_pages_and_stops_on_a_short_one(
    dd: CaseManagement, emulator: Emulator
) -> None:
    for n in range(5):
        await dd.cases.comment("SEC-1", f"c{n}")
    before = emulator.requests["ListCaseTimeline"]
    cells = [c async for c in dd.cases.timeline("SEC-1", ascending=True, page_size=2)]
    assert [c.attributes.cell_content.message for c in cells] == [f"c{n}" for n in range(5)]
    assert emulator.requests["ListCaseTimeline"] - before == 3  # pages 0, 1, 2 (short)
    assert [c async for c in dd.cases.timeline("SEC-2")] == []


class _IgnoresPageNumber(httpx.AsyncBaseTransport):
    """A proxy that drops ``page[number]``: every page is the first."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        params = [(k, v) for k, v in request.url.params.multi_items() if k != "page[number]"]
        request.url = request.url.copy_with(params=params)
        return await self.inner.handle_async_request(request)


async def test_a_server_ignoring_page_number_is_an_error_not_an_endless_walk(
    emulator: Emulator,
) -> None:
    async with emulator.client(transport=_IgnoresPageNumber(emulator.transport())) as dd:
        await dd.projects.create(key="SEC", name="Security")
        await dd.cases.create(project="SEC", title="t")
        for n in range(4):
            await dd.cases.comment("SEC-1", f"c{n}")
        with pytest.raises(UnexpectedResponseError):
            async for _ in dd.cases.timeline("SEC-1", page_size=2):
                pass
    assert emulator.requests["ListCaseTimeline"] <= 3


# ---------------------------------------------------------------- answers without a body


BODILESS = [op for op in sorted(CALLS) if not _success(op)[1]]


def test_the_bodiless_successes_are_those_of_the_reference() -> None:
    # Reference sheet section 6: deletes, 202s, 204s, and the 200/201 answers without a body.
    assert {op: _success(op)[0] for op in BODILESS} == {
        "BulkUpdateCases": 200,
        "CreateCaseJiraIssue": 202,
        "CreateCaseNotebook": 204,
        "CreateCaseServiceNowTicket": 202,
        "DeleteCaseLink": 204,
        "LinkJiraIssueToCase": 204,
        "UnlinkJiraIssue": 204,
        "UnwatchCase": 204,
        "UpdateCaseComment": 200,
        "WatchCase": 201,
    }


@pytest.mark.parametrize("operation_id", BODILESS)
async def test_a_success_without_a_body_is_none_and_a_stray_body_is_ignored(
    operation_id: str,
) -> None:
    status, _ = _success(operation_id)
    ids = {"case": USER, "comment": USER, "link": USER}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"data": {"unexpected": True}})

    async with CaseManagement(
        api_key="k", app_key="a", base_url="http://svc", transport=httpx.MockTransport(answer)
    ) as dd:
        call = CALLS[operation_id]
        assert await call(dd.cases, dd.links, ids) is None
        raw = await call(dd.cases.with_raw_response, dd.links.with_raw_response, ids)
        assert raw.status_code == status
        assert raw.parse() is None


# ---------------------------------------------------------------- DELETE with a JSON body


@pytest.mark.parametrize("through", ["default transport", "httpx's own client"])
async def test_remove_insights_sends_its_delete_body(emulator: Emulator, through: str) -> None:
    seen: list[httpx.Request] = []

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await request.aread()
            seen.append(request)
            return await emulator.transport().handle_async_request(request)

    if through == "default transport":
        client = emulator.client(transport=Spy())
    else:
        http = httpx.AsyncClient(
            transport=Spy(),
            base_url="http://emulator",
            headers={"DD-API-KEY": "k", "DD-APPLICATION-KEY": "a"},
        )
        client = CaseManagement(http_client=http)
    async with client as dd:
        await dd.projects.create(key="SEC", name="Security")
        await dd.cases.create(project="SEC", title="t")
        await dd.cases.add_insights("SEC-1", [MONITOR])
        case = await dd.cases.remove_insights("SEC-1", [MONITOR])
    assert case.attributes.insights == []
    delete = next(r for r in seen if r.method == "DELETE")
    body = json.loads(delete.content)
    assert body["data"]["attributes"]["insights"] == [MONITOR]


# ---------------------------------------------------------------- CountCases' group_bys on the wire


async def test_count_sends_group_bys_comma_separated(emulator: Emulator) -> None:
    seen: list[httpx.URL] = []

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request.url)
            return await emulator.transport().handle_async_request(request)

    async with emulator.client(transport=Spy()) as dd:
        await dd.cases.count("status:open", group_bys=["status", "priority"])
    (url,) = seen
    assert url.params.get_list("group_bys") == ["status,priority"]  # as Datadog's client sends it


# ---------------------------------------------------------------- retries: creates are not retried


@pytest.mark.parametrize(
    ("operation_id", "creates"),
    [
        ("CreateCaseLink", True),
        ("CreateCaseJiraIssue", True),
        ("CreateCaseServiceNowTicket", True),
        ("CreateCaseNotebook", True),
        ("WatchCase", False),
        ("LinkIncident", False),
        ("BulkUpdateCases", False),
    ],
)
async def test_a_503_is_retried_unless_the_call_creates_something(
    dd: CaseManagement, emulator: Emulator, operation_id: str, creates: bool
) -> None:
    ids = await _ids(dd)
    before = emulator.requests[operation_id]
    emulator.faults.fail_next(1, status=503, operation=operation_id)
    call = CALLS[operation_id]
    if creates:  # x-ddcases-creates: a second attempt could make a second one
        with pytest.raises(CreateOutcomeUnknownError):
            await call(dd.cases, dd.links, ids)
        assert emulator.requests[operation_id] - before == 1
    else:
        await call(dd.cases, dd.links, ids)
        assert emulator.requests[operation_id] - before == 2
