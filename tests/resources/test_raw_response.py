"""with_raw_response on every dd.cases / dd.projects method, and dd.call for any operation."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

from ddcases import (
    Case,
    IncludedUser,
    NotFoundError,
    Page,
    Project,
    RawResponse,
    UnexpectedResponseError,
)
from ddcases.resources import Cases, Projects
from ddcases_api.api.case_management import delete_case_comment, get_case, update_case_title
from ddcases_api.models import (
    CaseResourceType,
    CaseResponse,
    CasesResponse,
    CaseUpdateTitle,
    CaseUpdateTitleAttributes,
    CaseUpdateTitleRequest,
    ProjectsResponse,
    TimelineResponse,
)

from ._recorded import CELL_ID, INCLUDED, PROJECT, TIMELINE, USER_ID, Recorded, answer, case

LIMIT_HEADERS = {"x-ratelimit-remaining": "99", "x-ratelimit-name": "cases"}


def _public(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.isfunction(member)
    }


@pytest.mark.parametrize("cls", [Cases, Projects])
async def test_every_public_method_has_a_raw_twin(cls: type) -> None:
    async with Recorded().client() as client:
        namespace = client.cases if cls is Cases else client.projects
        twins = {name for name in vars(namespace.with_raw_response) if not name.startswith("_")}
    assert twins == _public(cls)
    for name in twins:
        assert getattr(namespace.with_raw_response, name).__doc__ == getattr(cls, name).__doc__


async def test_get_gives_document_included_headers_and_status() -> None:
    service = Recorded(answer(200, {"data": case(), "included": INCLUDED}, LIMIT_HEADERS))
    async with service.client() as dd:
        raw = await dd.cases.with_raw_response.get("SEC-12")
    assert isinstance(raw, RawResponse)
    assert isinstance(raw.parse(), Case)
    assert raw.parse().attributes.key == "SEC-12"
    assert isinstance(raw.document, CaseResponse)
    assert raw.document.data is raw.parse()
    (user,) = raw.document.included
    assert isinstance(user, IncludedUser)
    assert (user.id, user.attributes.name, user.attributes.email) == (
        USER_ID,
        "CI Account",
        "ci@example.com",
    )
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining"] == "99"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.http_response.request.url.path == "/api/v2/cases/SEC-12"
    assert raw.retries_taken == 0
    assert repr(raw) == "<RawResponse GET /api/v2/cases/SEC-12 -> 200>"


async def test_plain_calls_leave_included_unparsed_raw_and_call_parse_it() -> None:
    """The plain methods return only data, so `included` is not parsed for them (an odd
    included user is no failure there); raw responses and dd.call hand out the whole document."""
    odd = {"data": case(), "included": [*INCLUDED, {"id": 7, "type": ["not", "a", "user"]}]}
    page = {"data": [case()], "included": odd["included"], "meta": {"page": {"total": 1}}}
    whole = {"data": case(), "included": INCLUDED}
    service = Recorded(
        answer(200, odd), answer(200, page), answer(200, odd), answer(200, odd), answer(200, whole)
    )
    async with service.client() as dd:
        plain = await dd.cases.get("SEC-12")
        (listed,) = (await dd.cases.search("status:open")).items
        with pytest.raises(UnexpectedResponseError, match="does not match the spec"):
            await dd.cases.with_raw_response.get("SEC-12")
        with pytest.raises(UnexpectedResponseError, match="does not match the spec"):
            await dd.call(get_case.asyncio_detailed, "SEC-12")
        raw = await dd.cases.with_raw_response.get("SEC-12")
    assert plain.attributes.key == listed.attributes.key == "SEC-12"
    assert plain == raw.parse()
    assert [user.id for user in raw.document.included] == [USER_ID]


async def test_retries_taken_counts_the_retries() -> None:
    service = Recorded(answer(503), answer(502), answer(200, {"data": case()}))
    async with service.client(max_retries=2, initial_retry_delay=0.001) as dd:
        raw = await dd.cases.with_raw_response.get("SEC-12")
    assert raw.retries_taken == 2
    assert len(service.requests) == 3


async def test_errors_are_raised_exactly_as_by_the_plain_call() -> None:
    missing = {"errors": [{"code": "resource_not_found", "title": "case not found"}]}
    service = Recorded(answer(404, missing), answer(404, missing), answer(200, {"nope": 1}))
    async with service.client() as dd:
        with pytest.raises(NotFoundError) as plain:
            await dd.cases.get("SEC-9")
        with pytest.raises(NotFoundError) as raw:
            await dd.cases.with_raw_response.get("SEC-9")
        with pytest.raises(UnexpectedResponseError):
            await dd.cases.with_raw_response.get("SEC-9")
    assert str(plain.value) == str(raw.value)
    with pytest.raises(ValueError, match="case"):
        await dd.cases.with_raw_response.get("")


async def test_comment_delete_and_search_and_list() -> None:
    page = {
        "data": [case()],
        "included": INCLUDED,
        "meta": {"page": {"current": 1, "size": 1, "total": 1}},
    }
    service = Recorded(
        answer(200, TIMELINE),
        answer(204),
        answer(200, page),
        answer(200, {"data": [PROJECT], "included": INCLUDED}),
    )
    async with service.client() as dd:
        comment = await dd.cases.with_raw_response.comment("SEC-12", "Hello World !")
        deleted = await dd.cases.with_raw_response.delete_comment("SEC-12", CELL_ID)
        first = await dd.cases.with_raw_response.search("status:open", page_size=1)
        projects = await dd.projects.with_raw_response.list()
    assert comment.parse().id == CELL_ID
    assert isinstance(comment.document, TimelineResponse)
    assert deleted.parse() is None
    assert deleted.status_code == 204
    assert isinstance(first.parse(), Page)
    assert [c.attributes.key for c in first.parse().items] == ["SEC-12"]
    assert isinstance(first.document, CasesResponse)
    assert first.http_response.request.url.params["filter"] == "status:open"
    assert isinstance(projects.document, ProjectsResponse)
    assert isinstance(projects.parse(), Page)  # what `await dd.projects.list()` returns
    assert [p.attributes.key for p in projects.parse().items] == ["SEC"]
    assert all(isinstance(p, Project) for p in projects.parse().items)


async def test_raw_twin_records_the_operation_not_the_key_lookup() -> None:
    service = Recorded(answer(200, {"data": [PROJECT]}), answer(200, {"data": PROJECT}))
    async with service.client() as dd:
        raw = await dd.projects.with_raw_response.get("SEC")
    assert [r.url.path for r in service.requests] == [
        "/api/v2/cases/projects",
        f"/api/v2/cases/projects/{PROJECT['id']}",
    ]
    assert raw.http_response.request.url.path.endswith(PROJECT["id"])


def _title_body(title: str) -> CaseUpdateTitleRequest:
    return CaseUpdateTitleRequest(
        data=CaseUpdateTitle(CaseUpdateTitleAttributes(title=title), CaseResourceType.CASE)
    )


async def test_call_runs_any_generated_operation_with_the_facade_errors() -> None:
    missing = {"errors": [{"code": "resource_not_found", "title": "case not found"}]}
    service = Recorded(
        answer(200, {"data": case(title="New")}, LIMIT_HEADERS),
        answer(404, missing),
        answer(200, {"data": {"id": 5}}),
        answer(204),
    )
    async with service.client() as dd:
        document = await dd.call(
            update_case_title.asyncio_detailed, "SEC-12", body=_title_body("New")
        )
        with pytest.raises(NotFoundError, match="case not found"):
            await dd.call(get_case.asyncio_detailed, "SEC-9")
        with pytest.raises(UnexpectedResponseError, match="does not match the spec"):
            await dd.call(get_case.asyncio_detailed, "SEC-9")
        assert await dd.call(delete_case_comment.asyncio_detailed, "SEC-12", CELL_ID) is None
    assert isinstance(document, CaseResponse)
    assert document.data.attributes.title == "New"
    assert service.sent(0)[:2] == ("POST", "/api/v2/cases/SEC-12/title")


async def test_call_retries_and_gives_raw_access() -> None:
    service = Recorded(
        answer(429, {"errors": ["slow down"]}, {"retry-after": "0"}),
        answer(200, {"data": case()}, LIMIT_HEADERS),
    )
    async with service.client(max_retries=1) as dd:
        raw = await dd.with_raw_response.call(get_case.asyncio_detailed, "SEC-12")
    assert isinstance(raw.parse(), CaseResponse)
    assert raw.document is raw.parse()
    assert raw.retries_taken == 1
    assert raw.headers["x-ratelimit-name"] == "cases"


async def test_call_maps_transport_errors() -> None:
    from ddcases import ApiConnectionError

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    service = Recorded(refuse)
    async with service.client() as dd:
        with pytest.raises(ApiConnectionError):
            await dd.call(get_case.asyncio_detailed, "SEC-12")


def test_unset_has_a_clean_repr() -> None:
    from ddcases import Unset
    from ddcases_api.models import CaseAttributes

    attrs = CaseAttributes.from_dict(
        {
            "created_at": "2026-01-01T00:00:00Z",
            "key": "K-1",
            "priority": "P1",
            "status": "OPEN",
            "title": "t",
        }
    )
    assert isinstance(attrs.description, Unset)
    assert "description=UNSET" in repr(attrs)
    assert "object at 0x" not in repr(attrs)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {"key": "K-1", "priority": "P1", "status": "OPEN", "title": "t"},
            "required member 'created_at' is missing",
        ),
        (
            {
                "created_at": "2026-01-01T00:00:00Z",
                "key": None,
                "priority": "P1",
                "status": "OPEN",
                "title": "t",
            },
            "key must be a string, got NoneType",
        ),
        (
            {"created_at": None, "key": "K", "priority": "P1", "status": "OPEN", "title": "t"},
            "TypeError",
        ),
    ],
)
async def test_missing_or_mistyped_required_member_is_unexpected_response(
    attributes: dict[str, Any], message: str
) -> None:
    service = Recorded(
        answer(200, {"data": {"id": "c1", "type": "case", "attributes": attributes}})
    )
    async with service.client() as dd:
        with pytest.raises(UnexpectedResponseError, match=message) as info:
            await dd.cases.get("K-1")
    assert info.value.status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"id": 5, "type": "case", "attributes": {}},
        {"id": None, "type": "case"},
        {"id": "c1", "type": ["case"]},
        {"id": "c1", "type": 7},
    ],
)
async def test_wrong_json_type_of_data_id_or_type_is_unexpected_response(
    data: dict[str, Any],
) -> None:
    full = case()
    full.update(data)
    service = Recorded(answer(200, {"data": full}), answer(200, {"data": {**PROJECT, **data}}))
    async with service.client() as dd:
        with pytest.raises(UnexpectedResponseError):
            await dd.cases.get("SEC-12")
        with pytest.raises(UnexpectedResponseError):
            await dd.projects.get(PROJECT["id"])
