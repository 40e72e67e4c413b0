"""``dd.cases``: create, get, search and update cases, named by key (``SEC-12``) or UUID.

https://docs.datadoghq.com/api/latest/case-management/ (CreateCase, GetCase, SearchCases,
UpdateStatus, UpdatePriority, AssignCase, UnassignCase, ArchiveCase, UnarchiveCase). The case
endpoints accept a key or a UUID, so case references are passed through after the id checks.
"""

from __future__ import annotations

from ddcases_api.api.case_management import (
    archive_case,
    assign_case,
    create_case,
    get_case,
    search_cases,
    unarchive_case,
    unassign_case,
    update_priority,
    update_status,
)
from ddcases_api.models import (
    Case,
    CaseAssign,
    CaseAssignAttributes,
    CaseAssignRequest,
    CaseCreate,
    CaseCreateAttributes,
    CaseCreateRelationships,
    CaseCreateRequest,
    CaseEmpty,
    CaseEmptyRequest,
    CasePriority,
    CaseResourceType,
    CaseResponse,
    CaseSortableField,
    CasesResponse,
    CaseStatus,
    CaseType,
    CaseUpdatePriority,
    CaseUpdatePriorityAttributes,
    CaseUpdatePriorityRequest,
    CaseUpdateStatus,
    CaseUpdateStatusAttributes,
    CaseUpdateStatusRequest,
    ProjectRelationship,
    ProjectRelationshipData,
    ProjectResourceType,
    UserRelationship,
    UserRelationshipData,
    UserResourceType,
)
from ddcases_api.types import UNSET, Unset

from .._pagination import AsyncPaginator, RawPage
from .._resource import Resource, Unusable, body_as, data_as
from .._types import CaseRef, ProjectRef
from .._validation import (
    MAX_PAGE_SIZE,
    enum_value,
    optional_bool,
    positive_int,
    resource_id,
    string,
    text,
)

__all__ = ["Cases"]

_CASE = data_as(CaseResponse, Case)


class Cases(Resource):
    """Case Management cases.

    Usage::

        case = await dd.cases.create(project="SEC", title="Leaked token", priority="P2")
        case = await dd.cases.get("SEC-12")
        async for case in dd.cases.search("status:open", sort="priority", ascending=False): ...
        case = await dd.cases.update_status("SEC-12", "CLOSED")
    """

    async def create(
        self,
        project: ProjectRef,
        title: str,
        *,
        priority: CasePriority | str | None = None,
        description: str | None = None,
        assignee: str | None = None,
        type: CaseType | str = CaseType.STANDARD,
        type_id: str | None = None,
    ) -> Case:
        """Create a case in ``project`` (key or UUID); ``assignee`` is a user UUID.

        Not retried unless the request provably never reached the service: see
        ``CreateOutcomeUnknownError``.
        """
        attributes = CaseCreateAttributes(
            title=text(title, "title"),
            type_=enum_value(type, CaseType, "type"),
            priority=UNSET if priority is None else enum_value(priority, CasePriority, "priority"),
            description=UNSET if description is None else string(description, "description"),
            type_id=UNSET if type_id is None else resource_id(type_id, "type_id"),
        )
        project_ref = resource_id(project, "project")
        assignee_rel: UserRelationship | Unset = UNSET
        if assignee is not None:
            assignee_rel = UserRelationship(
                data=UserRelationshipData(
                    id=resource_id(assignee, "assignee"), type_=UserResourceType.USER
                )
            )
        project_id = await self._client._project_keys.resolve(project_ref)
        body = CaseCreateRequest(
            data=CaseCreate(
                attributes=attributes,
                relationships=CaseCreateRelationships(
                    project=ProjectRelationship(
                        data=ProjectRelationshipData(
                            id=project_id, type_=ProjectResourceType.PROJECT
                        )
                    ),
                    assignee=assignee_rel,
                ),
                type_=CaseResourceType.CASE,
            )
        )
        return await self._call(create_case.asyncio_detailed, _CASE, body=body)

    async def get(self, case: CaseRef) -> Case:
        """The case with this key (``"SEC-12"``) or UUID."""
        return await self._call(get_case.asyncio_detailed, _CASE, resource_id(case, "case"))

    def search(
        self,
        filter: str | None = None,
        *,
        sort: CaseSortableField | str | None = None,
        ascending: bool | None = None,
        page_size: int = MAX_PAGE_SIZE,
        start_page: int = 1,
        limit: int | None = None,
        prefetch: int | bool = True,
    ) -> AsyncPaginator[Case]:
        """Cases matching ``filter`` (Datadog search syntax, e.g. ``"status:open priority:P1"``).

        Returns a paginator: ``async for case in ...`` yields cases across pages, ``.pages()``
        yields pages, ``await`` returns the first page, and ``.for_update()`` walks so that
        acting on each case (closing it, say) skips none. Arguments are checked here, before
        anything is sent. ``limit`` caps the number of cases (and so of requests);
        ``prefetch`` is the number of pages requested ahead of the one being read (``True``
        is 1, ``False`` 0).
        """
        if filter is not None:
            string(filter, "filter")
        sort_field = UNSET if sort is None else enum_value(sort, CaseSortableField, "sort")
        sort_asc = optional_bool(ascending, "ascending")
        size = positive_int(page_size, "page_size", maximum=MAX_PAGE_SIZE)
        first = positive_int(start_page, "start_page")
        if limit is not None:
            positive_int(limit, "limit")

        async def fetch(number: int) -> RawPage[Case]:
            return await self._call(
                search_cases.asyncio_detailed,
                _raw_page,
                page_size=size,
                page_number=number,
                sort_field=sort_field,
                filter_=UNSET if filter is None else filter,
                sort_asc=UNSET if sort_asc is None else sort_asc,
            )

        return AsyncPaginator(
            fetch,
            key=_case_id,
            page_size=size,
            start_page=first,
            limit=limit,
            prefetch=prefetch,
        )

    async def update_status(self, case: CaseRef, status: CaseStatus | str) -> Case:
        """Set the status (``"OPEN"``, ``"IN_PROGRESS"``, ``"CLOSED"``)."""
        body = CaseUpdateStatusRequest(
            data=CaseUpdateStatus(
                attributes=CaseUpdateStatusAttributes(
                    status=enum_value(status, CaseStatus, "status")
                ),
                type_=CaseResourceType.CASE,
            )
        )
        case_id = resource_id(case, "case")
        return await self._call(update_status.asyncio_detailed, _CASE, case_id, body=body)

    async def update_priority(self, case: CaseRef, priority: CasePriority | str) -> Case:
        """Set the priority (``"NOT_DEFINED"``, ``"P1"`` ... ``"P5"``)."""
        body = CaseUpdatePriorityRequest(
            data=CaseUpdatePriority(
                attributes=CaseUpdatePriorityAttributes(
                    priority=enum_value(priority, CasePriority, "priority")
                ),
                type_=CaseResourceType.CASE,
            )
        )
        case_id = resource_id(case, "case")
        return await self._call(update_priority.asyncio_detailed, _CASE, case_id, body=body)

    async def assign(self, case: CaseRef, assignee: str) -> Case:
        """Assign the case to the user with this UUID."""
        body = CaseAssignRequest(
            data=CaseAssign(
                attributes=CaseAssignAttributes(assignee_id=resource_id(assignee, "assignee")),
                type_=CaseResourceType.CASE,
            )
        )
        case_id = resource_id(case, "case")
        return await self._call(assign_case.asyncio_detailed, _CASE, case_id, body=body)

    async def unassign(self, case: CaseRef) -> Case:
        """Remove the case's assignee."""
        return await self._call(
            unassign_case.asyncio_detailed, _CASE, resource_id(case, "case"), body=_empty()
        )

    async def archive(self, case: CaseRef) -> Case:
        """Archive the case."""
        return await self._call(
            archive_case.asyncio_detailed, _CASE, resource_id(case, "case"), body=_empty()
        )

    async def unarchive(self, case: CaseRef) -> Case:
        """Bring the case back from the archive."""
        return await self._call(
            unarchive_case.asyncio_detailed, _CASE, resource_id(case, "case"), body=_empty()
        )


def _empty() -> CaseEmptyRequest:
    return CaseEmptyRequest(data=CaseEmpty(type_=CaseResourceType.CASE))


def _case_id(case: Case) -> str:
    return case.id


_SEARCH_BODY = body_as(CasesResponse)


def _raw_page(parsed: object) -> RawPage[Case]:
    """Picker for SearchCases: the cases and counts of a page whose every case has a string id.

    The id is how the paginator tells cases apart: a ``null`` or non-string one would be a
    ``TypeError`` there or a case silently merged with another, so it makes the page unusable
    (``Unusable`` → ``UnexpectedResponseError`` with the response).
    """
    response = _SEARCH_BODY(parsed)
    items = [] if isinstance(response.data, Unset) else response.data
    for case in items:
        if type(case.id) is not str:  # exact and cheapest: JSON makes no str subclasses
            raise Unusable(f"a case on the page has id {case.id!r}, not a string")
    total_pages: int | None = None
    total_items: int | None = None
    meta = response.meta
    if not isinstance(meta, Unset):
        page = meta.page
        if not isinstance(page, Unset) and type(page.total) is int and page.total >= 0:
            total_pages = page.total  # a bool, float, string or negative number is no count
        total = meta.additional_properties.get("total_cases")
        if isinstance(total, int) and not isinstance(total, bool):
            total_items = total
    return RawPage(items, total_pages, total_items)
