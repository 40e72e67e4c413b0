"""``dd.cases``: the hand-written methods of the namespace, over the generated ones.

The generated class (``ddcases_api.facade.cases.Cases``, from openapi.yaml's ``x-ddcases``) has
every method that only wraps a request: get, update_priority, assign, unassign, archive,
unarchive, update_title, update_description, comment, delete_comment, update_attributes,
delete_custom_attribute. The four here need judgment: ``create`` (project key in a relationship,
default ``type_id``), ``search`` (the paginator), ``update_status`` (``status`` or
``status_name``) and ``update_custom_attribute`` (type inference). Case references are keys or
UUIDs, passed through after the id checks.
"""

from __future__ import annotations

from functools import cached_property

from ddcases_api.api.case_management import (
    create_case,
    search_cases,
    update_case_custom_attribute,
    update_status,
)
from ddcases_api.facade import cases as generated
from ddcases_api.models import (
    Case,
    CaseCreate,
    CaseCreateAttributes,
    CaseCreateRelationships,
    CaseCreateRequest,
    CasePriority,
    CaseResourceType,
    CaseResponse,
    CaseSortableField,
    CasesResponse,
    CaseStatus,
    CaseType,
    CaseUpdateCustomAttribute,
    CaseUpdateCustomAttributeRequest,
    CaseUpdateStatus,
    CaseUpdateStatusAttributes,
    CaseUpdateStatusRequest,
    CustomAttributeType,
    CustomAttributeValue,
    ProjectRelationship,
    ProjectRelationshipData,
    ProjectResourceType,
    UserRelationship,
    UserRelationshipData,
    UserResourceType,
)
from ddcases_api.types import UNSET, Unset

from .._pagination import AsyncPaginator, RawPage
from .._raw_response import to_raw
from .._resource import Unusable, body_as, data_as
from .._types import CaseRef, ProjectRef
from .._validation import (
    MAX_PAGE_SIZE,
    CustomValue,
    custom_value,
    enum_value,
    optional_bool,
    positive_int,
    resource_id,
    string,
    text,
)

__all__ = ["STANDARD_TYPE_ID", "Cases", "CasesWithRawResponse"]

#: The case type every organisation has (``type_id``); what ``create`` sends by default.
STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"

_CASE = data_as(CaseResponse, Case)


class Cases(generated.Cases):
    """Case Management cases.

    The methods that only wrap a request are generated (``ddcases_api.facade.cases``); the four
    here need judgment (openapi.yaml's ``x-ddcases-hand-written`` says why).

    Usage::

        case = await dd.cases.create(project="SEC", title="Leaked token", priority="P2")
        case = await dd.cases.get("SEC-12")
        async for case in dd.cases.search("status:open", sort="priority", ascending=False): ...
        case = await dd.cases.update_status("SEC-12", "CLOSED")
        comment = await dd.cases.comment("SEC-12", "Escalated: customer-facing")
        raw = await dd.cases.with_raw_response.get("SEC-12")   # raw.document.included ...
    """

    @cached_property
    def with_raw_response(self) -> CasesWithRawResponse:
        """The same methods, returning a ``RawResponse`` (body, headers, status, retries)."""
        return CasesWithRawResponse(self)

    async def create(
        self,
        project: ProjectRef,
        title: str,
        *,
        priority: CasePriority | str | None = None,
        description: str | None = None,
        assignee: str | None = None,
        type: CaseType | str | None = None,
        type_id: str | None = None,
    ) -> Case:
        """Create a case in ``project`` (key or UUID); ``assignee`` is a user UUID.

        The case type: with neither ``type`` nor ``type_id``, ``type_id`` names the standard
        type (:data:`STANDARD_TYPE_ID`), as the current service and Datadog's client expect;
        ``type_id=`` names a custom case type; ``type="STANDARD"`` sends the reference page's
        ``type`` instead. Giving both is a ``ValueError``.

        Not retried unless the request provably never reached the service: see
        ``CreateOutcomeUnknownError``.
        """
        if type is not None and type_id is not None:
            raise ValueError("pass type or type_id, not both")
        attributes = CaseCreateAttributes(
            title=text(title, "title"),
            type_=UNSET if type is None else enum_value(type, CaseType, "type"),
            priority=UNSET if priority is None else enum_value(priority, CasePriority, "priority"),
            description=UNSET if description is None else string(description, "description"),
            type_id=(
                UNSET
                if type is not None
                else STANDARD_TYPE_ID
                if type_id is None
                else resource_id(type_id, "type_id")
            ),
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

    async def update_status(
        self,
        case: CaseRef,
        status: CaseStatus | str | None = None,
        *,
        status_name: str | None = None,
    ) -> Case:
        """Set the status: ``status`` (``"OPEN"``, ``"IN_PROGRESS"``, ``"CLOSED"``), or
        ``status_name=``, a status of the case's type by display name (``"In Progress"``,
        or a custom status). Exactly one of them.

        The service accepts ``status`` values beyond the three documented ones; send one
        deliberately as ``CaseStatus("ACKNOWLEDGED")`` (a plain unknown string is a typo and a
        ``ValueError``).
        """
        if status is not None and status_name is not None:
            raise ValueError("pass status or status_name, not both")
        if status is None and status_name is None:
            raise ValueError(
                "status must be one of 'OPEN', 'IN_PROGRESS', 'CLOSED' (or pass status_name=)"
            )
        body = CaseUpdateStatusRequest(
            data=CaseUpdateStatus(
                attributes=CaseUpdateStatusAttributes(
                    status=UNSET if status is None else enum_value(status, CaseStatus, "status"),
                    status_name=UNSET if status_name is None else text(status_name, "status_name"),
                ),
                type_=CaseResourceType.CASE,
            )
        )
        case_id = resource_id(case, "case")
        return await self._call(update_status.asyncio_detailed, _CASE, case_id, body=body)

    async def update_custom_attribute(
        self,
        case: CaseRef,
        key: str,
        value: CustomValue,
        *,
        type: CustomAttributeType | str | None = None,
        is_multi: bool | None = None,
    ) -> Case:
        """Set the custom attribute ``key`` (defined for the case's type) to ``value``.

        ``value`` is a str, a number, or a list of either. ``type`` (``URL``, ``TEXT``,
        ``NUMBER``, ``SELECT``) and ``is_multi`` are inferred when not given: a number is
        ``NUMBER``, a str ``TEXT``, a list ``is_multi``. Pass ``type="URL"`` or ``"SELECT"``
        for those kinds. A value that fits neither is a ``ValueError``.
        """
        kind = None if type is None else enum_value(type, CustomAttributeType, "type")
        if is_multi is not None and not isinstance(is_multi, bool):
            raise TypeError(f"is_multi must be a bool or None, got {is_multi!r}")
        checked, type_name, multi = custom_value(
            value, None if kind is None else str(kind), is_multi
        )
        attributes = CustomAttributeValue(
            is_multi=multi,
            type_=kind if kind is not None else CustomAttributeType(type_name),
            value=checked,
        )
        body = CaseUpdateCustomAttributeRequest(
            data=CaseUpdateCustomAttribute(attributes, CaseResourceType.CASE)
        )
        case_id, attr = resource_id(case, "case"), resource_id(key, "key")
        return await self._call(
            update_case_custom_attribute.asyncio_detailed, _CASE, case_id, attr, body=body
        )


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


class CasesWithRawResponse(generated.CasesWithRawResponse):
    """``dd.cases.with_raw_response``: each method returns a ``RawResponse``.

    ``search`` returns the first page's (``raw.parse()`` is that ``Page``, like ``await
    dd.cases.search(...)``).
    """

    def __init__(self, cases: Cases) -> None:
        super().__init__(cases)
        self.create = to_raw(cases, Cases.create, CaseResponse)
        self.search = to_raw(cases, Cases.search, CasesResponse)
        self.update_status = to_raw(cases, Cases.update_status, CaseResponse)
        self.update_custom_attribute = to_raw(cases, Cases.update_custom_attribute, CaseResponse)
