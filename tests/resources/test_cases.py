"""dd.cases: every method over HTTP, argument checks before sending, error mapping."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from ddcases import (
    ApiConnectionError,
    ApiTimeoutError,
    Case,
    CasePriority,
    CaseStatus,
    CaseType,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
)
from ddcases.resources.cases import STANDARD_TYPE_ID

from .._fake_service import FakeService, respond

USER = "00000000-0000-0000-0000-0000000000aa"
CUSTOM_TYPE = "3c6b8a0e-2f7d-4c1e-9b2a-5d4e3f2a1b0c"


@pytest.fixture
def fake() -> FakeService:
    service = FakeService()
    project = service.add_project("SEC")
    service.add_case(project["id"], key="SEC-1", title="first")
    return service


def last_body(fake: FakeService) -> object:
    return json.loads(fake.requests[-1].content)


async def test_get_by_key_and_uuid(fake: FakeService) -> None:
    case_id = next(iter(fake.cases))
    async with fake.client() as dd:
        by_key = await dd.cases.get("SEC-1")
        by_id = await dd.cases.get(case_id)
    assert isinstance(by_key, Case)
    assert by_key.id == by_id.id == case_id
    assert by_key.attributes.title == "first"
    assert fake.paths() == ["GET /api/v2/cases/SEC-1", f"GET /api/v2/cases/{case_id}"]


async def test_create_sends_the_documented_body(fake: FakeService) -> None:
    project_id = next(iter(fake.projects))
    async with fake.client() as dd:
        case = await dd.cases.create(
            "SEC", "Leaked token", priority="P2", description="d", assignee=USER
        )
    assert case.attributes.title == "Leaked token"
    assert case.attributes.priority is CasePriority.P2
    assert fake.paths()[-1] == "POST /api/v2/cases"
    assert last_body(fake) == {
        "data": {
            "type": "case",
            "attributes": {
                "title": "Leaked token",
                "type_id": STANDARD_TYPE_ID,
                "priority": "P2",
                "description": "d",
            },
            "relationships": {
                "project": {"data": {"id": project_id, "type": "project"}},
                "assignee": {"data": {"id": USER, "type": "user"}},
            },
        }
    }


@pytest.mark.parametrize(
    ("kwargs", "sent"),
    [
        ({}, {"type_id": STANDARD_TYPE_ID}),  # what the service and Datadog's client use now
        ({"type": "STANDARD"}, {"type": "STANDARD"}),  # the reference page's form
        ({"type": CaseType.STANDARD}, {"type": "STANDARD"}),
        ({"type_id": CUSTOM_TYPE}, {"type_id": CUSTOM_TYPE}),  # a custom case type
    ],
)
async def test_create_case_type(
    fake: FakeService, kwargs: dict[str, Any], sent: dict[str, str]
) -> None:
    async with fake.client() as dd:
        await dd.cases.create("SEC", "t", **kwargs)
    body = last_body(fake)
    assert body["data"]["attributes"] == {"title": "t", **sent}  # type: ignore[index]
    assert "assignee" not in body["data"]["relationships"]  # type: ignore[index]


async def test_create_with_type_and_type_id_is_a_value_error(fake: FakeService) -> None:
    async with fake.client() as dd:
        with pytest.raises(ValueError, match="type or type_id, not both"):
            await dd.cases.create("SEC", "t", type="STANDARD", type_id=CUSTOM_TYPE)
    assert fake.requests == []


async def test_updates(fake: FakeService) -> None:
    async with fake.client() as dd:
        case = await dd.cases.update_status("SEC-1", "CLOSED")
        assert case.attributes.status is CaseStatus.CLOSED
        assert last_body(fake) == {"data": {"type": "case", "attributes": {"status": "CLOSED"}}}
        case = await dd.cases.update_status("SEC-1", CaseStatus.IN_PROGRESS)
        assert case.attributes.status is CaseStatus.IN_PROGRESS
        case = await dd.cases.update_priority("SEC-1", CasePriority.P1)
        assert case.attributes.priority is CasePriority.P1
        assert last_body(fake) == {"data": {"type": "case", "attributes": {"priority": "P1"}}}
        case = await dd.cases.assign("SEC-1", USER)
        assert case.relationships.assignee.data.id == USER
        assert last_body(fake) == {"data": {"type": "case", "attributes": {"assignee_id": USER}}}
        case = await dd.cases.unassign("SEC-1")
        assert case.relationships.assignee is None
        assert last_body(fake) == {"data": {"type": "case"}}
        case = await dd.cases.archive("SEC-1")
        assert case.attributes.archived_at is not None
        case = await dd.cases.unarchive("SEC-1")
        assert case.attributes.archived_at is None
    assert [p.rsplit("/", 1)[1] for p in fake.paths()] == [
        "status",
        "status",
        "priority",
        "assign",
        "unassign",
        "archive",
        "unarchive",
    ]
    assert all(r.method == "POST" for r in fake.requests)


@pytest.mark.parametrize(
    ("ref", "segment"),
    [
        ("../x", "..%2Fx"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
        ("%2F", "%252F"),
        ("with space", "with%20space"),
        ("caf\u00e9", "caf%C3%A9"),
    ],
)
async def test_odd_ids_are_one_encoded_segment(ref: str, segment: str) -> None:
    fake = FakeService()
    fake.add_case(key=ref)
    async with fake.client() as dd:
        case = await dd.cases.get(ref)
        await dd.cases.archive(ref)
    assert case.attributes.key == ref
    assert fake.paths() == [f"GET /api/v2/cases/{segment}", f"POST /api/v2/cases/{segment}/archive"]


BAD_IDS: list[object] = ["", ".", "..", "a\x00b", "a\nb", "a\x7fb", "\t", 12, None, b"SEC-1"]


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_bad_case_ids_raise_before_sending(fake: FakeService, bad: Any) -> None:
    async with fake.client() as dd:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: dd.cases.get(bad),
            lambda: dd.cases.update_status(bad, "OPEN"),
            lambda: dd.cases.update_priority(bad, "P1"),
            lambda: dd.cases.assign(bad, USER),
            lambda: dd.cases.assign("SEC-1", bad),
            lambda: dd.cases.unassign(bad),
            lambda: dd.cases.archive(bad),
            lambda: dd.cases.unarchive(bad),
            lambda: dd.cases.create(bad, "t"),
        ]
        if bad is not None:  # assignee=None means "nobody"
            calls.append(lambda: dd.cases.create("SEC", "t", assignee=bad))
        # A wrong type is a TypeError, a wrong value a ValueError (issue 18 item 13).
        error = ValueError if isinstance(bad, str) else TypeError
        for call in calls:
            with pytest.raises(error, match="must"):
                await call()
    assert fake.requests == []


@pytest.mark.parametrize(
    ("method", "value"),
    [
        ("update_status", "closed"),
        ("update_status", "DONE"),
        ("update_status", 1),
        ("update_priority", "p1"),
        ("update_priority", "P9"),
        ("update_priority", CaseStatus.OPEN),
        ("update_priority", None),
        ("update_status", None),
    ],
)
async def test_bad_enum_values_raise_before_sending(
    fake: FakeService, method: str, value: object
) -> None:
    async with fake.client() as dd:
        # A wrong type is a TypeError (issue 18 item 13); no status at all is a missing value.
        missing = method == "update_status" and value is None
        error = ValueError if isinstance(value, str) or missing else TypeError
        with pytest.raises(error, match=r"must be one of|must be a str, one of"):
            await getattr(dd.cases, method)("SEC-1", value)
        with pytest.raises(ValueError, match="must be one of"):
            await dd.cases.create("SEC", "t", priority="URGENT")
        with pytest.raises(ValueError, match="must be one of"):
            await dd.cases.create("SEC", "t", type="INCIDENT")
        with pytest.raises(ValueError, match="title"):
            await dd.cases.create("SEC", "")
    assert fake.requests == []


async def test_status_the_spec_does_not_name_is_sent_when_made_deliberately(
    fake: FakeService,
) -> None:
    # The live service accepts more statuses than the page documents (ACKNOWLEDGED, ...).
    async with fake.client() as dd:
        with pytest.raises(ValueError, match="must be one of"):
            await dd.cases.update_status("SEC-1", "ACKNOWLEDGED")  # a plain string: a typo?
        assert fake.requests == []
        case = await dd.cases.update_status("SEC-1", CaseStatus("ACKNOWLEDGED"))
    assert last_body(fake) == {"data": {"type": "case", "attributes": {"status": "ACKNOWLEDGED"}}}
    assert case.attributes.status == "ACKNOWLEDGED"
    assert not case.attributes.status.is_known


async def test_update_status_by_name(fake: FakeService) -> None:
    async with fake.client() as dd:
        await dd.cases.update_status("SEC-1", status_name="In Progress")
        assert last_body(fake) == {
            "data": {"type": "case", "attributes": {"status_name": "In Progress"}}
        }
        with pytest.raises(ValueError, match="not both"):
            await dd.cases.update_status("SEC-1", "OPEN", status_name="Open")
        with pytest.raises(ValueError, match="status_name"):
            await dd.cases.update_status("SEC-1", status_name="")
    assert len(fake.requests) == 1


async def test_unknown_enum_values_from_the_service_are_kept() -> None:
    fake = FakeService()
    fake.add_case(key="SEC-1", status="TRIAGED", priority="P0")
    async with fake.client() as dd:
        case = await dd.cases.get("SEC-1")
    assert case.attributes.status == "TRIAGED"
    assert not case.attributes.status.is_known


async def test_not_found_names_the_path(fake: FakeService) -> None:
    async with fake.client() as dd:
        with pytest.raises(NotFoundError, match="SEC-404") as info:
            await dd.cases.get("SEC-404")
    assert info.value.status_code == 404
    assert info.value.errors[0].title == "case SEC-404 not found"


def client_for(handler: object, **kwargs: object):  # type: ignore[no-untyped-def]
    fake = FakeService()
    fake.handle = handler  # type: ignore[assignment, method-assign]
    return fake.client(max_retries=0, **kwargs)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (respond(200, {"nope": True}), UnexpectedResponseError),  # no data member
        (respond(200, {"data": {"type": "case"}}), UnexpectedResponseError),  # no id
        (respond(200, {"data": []}), UnexpectedResponseError),
        (respond(200, ["not", "an", "object"]), UnexpectedResponseError),
        (
            httpx.Response(200, stream=httpx.ByteStream(b"<html>hi</html>")),
            UnexpectedResponseError,
        ),
        (httpx.Response(200, stream=httpx.ByteStream(b"")), UnexpectedResponseError),
        (httpx.Response(404, stream=httpx.ByteStream(b"<html>gone</html>")), NotFoundError),
        (respond(404, {"message": "not the documented shape"}), NotFoundError),
        (httpx.Response(502, stream=httpx.ByteStream(b"bad gateway")), ServerError),
        (httpx.Response(302, headers={"location": "https://evil.test/"}), UnexpectedResponseError),
    ],
)
async def test_unusable_responses_become_typed_errors(
    response: httpx.Response, expected: type[Exception]
) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return response

    async with client_for(handler) as dd:
        with pytest.raises(expected) as info:
            await dd.cases.get("SEC-1")
    assert type(info.value) is expected
    assert "GET /api/v2/cases/SEC-1" in str(info.value)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused"), ApiConnectionError),
        (httpx.RemoteProtocolError("eof"), ApiConnectionError),
        (httpx.ReadTimeout("slow"), ApiTimeoutError),
        (httpx.ConnectTimeout("slow"), ApiTimeoutError),
    ],
)
async def test_transport_errors_are_wrapped(exc: Exception, expected: type[Exception]) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    async with client_for(handler) as dd:
        with pytest.raises(expected) as info:
            await dd.cases.get("SEC-1")
    assert type(info.value) is expected
    assert info.value.__cause__ is exc
