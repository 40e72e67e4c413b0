"""The live API's case edits against recorded-shape answers (in process, httpx.MockTransport).

For each operation: the request ddcases sends (method, path, body) is the recorded one, the
recorded answer parses into typed attributes, the recorded error answers map to ddcases errors,
and bad arguments are ValueErrors before anything is sent.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ddcases import (
    BadRequestError,
    CaseStatusGroup,
    Comment,
    CustomAttributeType,
    NotFoundError,
    UnexpectedResponseError,
)

from ._recorded import (
    BAD_CELL_ID,
    CELL_ID,
    INCLUDED,
    NOT_FOUND_CELL,
    TIMELINE,
    USER_ID,
    Recorded,
    answer,
    case,
)


async def test_update_title() -> None:
    service = Recorded(answer(200, {"data": case(title="Retitled"), "included": INCLUDED}))
    async with service.client() as dd:
        updated = await dd.cases.update_title("SEC-12", "Retitled")
    assert service.sent() == (
        "POST",
        "/api/v2/cases/SEC-12/title",
        {"data": {"attributes": {"title": "Retitled"}, "type": "case"}},
    )
    assert updated.attributes.title == "Retitled"
    assert updated.attributes.status_name == "In Progress"
    assert updated.attributes.status_group is CaseStatusGroup.SG_IN_PROGRESS


async def test_update_description_sends_the_recorded_body() -> None:
    service = Recorded(answer(200, {"data": case(description="Heap grows")}))
    async with service.client() as dd:
        updated = await dd.cases.update_description("SEC-12", "Heap grows")
        service.answers.append(answer(200, {"data": case(description="")}))
        cleared = await dd.cases.update_description("SEC-12", "")
    assert service.sent(0) == (
        "POST",
        "/api/v2/cases/SEC-12/description",
        {"data": {"attributes": {"description": "Heap grows"}, "type": "case"}},
    )
    assert updated.attributes.description == "Heap grows"
    assert cleared.attributes.description == ""


async def test_comment_returns_the_new_cell_with_typed_author() -> None:
    service = Recorded(answer(200, TIMELINE))
    async with service.client() as dd:
        comment = await dd.cases.comment("SEC-12", "Hello World !")
    assert service.sent() == (
        "POST",
        "/api/v2/cases/SEC-12/comment",
        {"data": {"attributes": {"comment": "Hello World !"}, "type": "case"}},
    )
    assert isinstance(comment, Comment)
    assert comment.id == CELL_ID
    cell = comment.attributes
    assert cell.cell_content.message == "Hello World !"
    assert cell.created_at == datetime.datetime(
        2025, 12, 30, 13, 49, 46, 968106, tzinfo=datetime.UTC
    )
    author = cell.author.content
    assert (author.id, author.name, author.email, author.handle) == (
        USER_ID,
        "CI Account",
        "ci@example.com",
        "ci@example.com",
    )
    assert cell.content == '{"message":"Hello World !"}'
    assert author.active is True


@pytest.mark.parametrize("body", [{"data": []}, {"data": [{"type": "timeline_cell"}]}, {}])
async def test_comment_answer_without_the_cell_is_unexpected(body: dict[str, Any]) -> None:
    service = Recorded(answer(200, body))
    async with service.client() as dd:
        with pytest.raises(UnexpectedResponseError, match="comment"):
            await dd.cases.comment("SEC-12", "hi")


async def test_delete_comment_then_again_is_not_found() -> None:
    service = Recorded(answer(204), answer(404, NOT_FOUND_CELL))
    async with service.client() as dd:
        assert await dd.cases.delete_comment("SEC-12", CELL_ID) is None
        with pytest.raises(NotFoundError, match="timeline cell not found") as info:
            await dd.cases.delete_comment("SEC-12", CELL_ID)
    assert service.sent(0) == ("DELETE", f"/api/v2/cases/SEC-12/comment/{CELL_ID}", None)
    assert info.value.errors[0].code == "resource_not_found"


async def test_service_400_for_a_cell_id_is_a_bad_request_error() -> None:
    # ddcases refuses a non-UUID before sending; this is the answer if one reached the service.
    service = Recorded(answer(400, BAD_CELL_ID))
    async with service.client() as dd:
        with pytest.raises(BadRequestError, match="Invalid Parameter"):
            await dd.call(
                __import__(
                    "ddcases_api.api.case_management.delete_case_comment", fromlist=["x"]
                ).asyncio_detailed,
                "SEC-12",
                "not-a-uuid",
            )


async def test_update_attributes_replaces_the_map() -> None:
    sent = {"env": ["test"], "service": ["web-store", "web-api"]}
    service = Recorded(answer(200, {"data": case(attributes=sent)}))
    async with service.client() as dd:
        updated = await dd.cases.update_attributes("SEC-12", {"env": ("test",), **sent})
    assert service.sent() == (
        "POST",
        "/api/v2/cases/SEC-12/attributes",
        {"data": {"attributes": {"attributes": sent}, "type": "case"}},
    )
    assert updated.attributes.attributes.additional_properties == sent
    assert updated.attributes.attributes["service"] == ["web-store", "web-api"]


@pytest.mark.parametrize(
    ("value", "kwargs", "sent"),
    [
        (
            ["Abba", "The Cure"],
            {},
            {"type": "TEXT", "is_multi": True, "value": ["Abba", "The Cure"]},
        ),
        ("Abba", {}, {"type": "TEXT", "is_multi": False, "value": "Abba"}),
        (3, {}, {"type": "NUMBER", "is_multi": False, "value": 3}),
        (2.5, {}, {"type": "NUMBER", "is_multi": False, "value": 2.5}),
        ([1, 2.5], {}, {"type": "NUMBER", "is_multi": True, "value": [1, 2.5]}),
        (
            "https://x.test",
            {"type": "URL"},
            {"type": "URL", "is_multi": False, "value": "https://x.test"},
        ),
        (
            ["a"],
            {"type": CustomAttributeType.SELECT},
            {"type": "SELECT", "is_multi": True, "value": ["a"]},
        ),
        ([], {"type": "TEXT"}, {"type": "TEXT", "is_multi": True, "value": []}),
    ],
)
async def test_update_custom_attribute_infers_type_and_is_multi(
    value: Any, kwargs: dict[str, Any], sent: dict[str, Any]
) -> None:
    service = Recorded(answer(200, {"data": case()}))
    async with service.client() as dd:
        updated = await dd.cases.update_custom_attribute(
            "SEC-12", "attribute_661e", value, **kwargs
        )
    assert service.sent() == (
        "POST",
        "/api/v2/cases/SEC-12/custom_attributes/attribute_661e",
        {"data": {"attributes": sent, "type": "case"}},
    )
    typed = updated.attributes.custom_attributes["attribute_661e"]
    assert typed.type_ is CustomAttributeType.TEXT
    assert typed.is_multi is True
    assert typed.value == ["Abba", "The Cure"]


async def test_delete_custom_attribute_and_unknown_key() -> None:
    unknown = {"errors": [{"code": "resource_not_found", "title": "custom attribute not found"}]}
    service = Recorded(answer(200, {"data": case(custom_attributes={})}), answer(404, unknown))
    async with service.client() as dd:
        updated = await dd.cases.delete_custom_attribute("SEC-12", "attribute_661e")
        with pytest.raises(NotFoundError, match="custom attribute not found"):
            await dd.cases.delete_custom_attribute("SEC-12", "nope")
    assert service.sent(0) == (
        "DELETE",
        "/api/v2/cases/SEC-12/custom_attributes/attribute_661e",
        None,
    )
    assert updated.attributes.custom_attributes.additional_properties == {}


def _calls(dd: Any) -> list[tuple[str, Any]]:
    return [
        ("update_title", lambda: dd.cases.update_title("SEC-12", "")),
        ("update_title", lambda: dd.cases.update_title("SEC-12", None)),
        ("update_title", lambda: dd.cases.update_title("", "t")),
        ("update_description", lambda: dd.cases.update_description("SEC-12", None)),
        ("update_description", lambda: dd.cases.update_description("SEC-12", "\ud800")),
        ("comment", lambda: dd.cases.comment("SEC-12", "")),
        ("comment", lambda: dd.cases.comment("SEC-12", 3)),
        ("delete_comment", lambda: dd.cases.delete_comment("SEC-12", "not-a-uuid")),
        ("delete_comment", lambda: dd.cases.delete_comment("SEC-12", None)),
        ("delete_comment", lambda: dd.cases.delete_comment("..", CELL_ID)),
        ("update_attributes", lambda: dd.cases.update_attributes("SEC-12", {"env": "prod"})),
        ("update_attributes", lambda: dd.cases.update_attributes("SEC-12", {"env": [1]})),
        ("update_attributes", lambda: dd.cases.update_attributes("SEC-12", {"": ["x"]})),
        ("update_attributes", lambda: dd.cases.update_attributes("SEC-12", [("env", ["x"])])),
        ("update_custom_attribute", lambda: dd.cases.update_custom_attribute("SEC-12", "k", None)),
        ("update_custom_attribute", lambda: dd.cases.update_custom_attribute("SEC-12", "k", True)),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", {"a": 1}),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", ["a", 1]),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", float("nan")),
        ),
        ("update_custom_attribute", lambda: dd.cases.update_custom_attribute("SEC-12", "k", [])),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", "x", type="FLOAT"),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", "x", type="NUMBER"),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", 1, type="TEXT"),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", "x", is_multi=True),
        ),
        (
            "update_custom_attribute",
            lambda: dd.cases.update_custom_attribute("SEC-12", "k", ["x"], is_multi=False),
        ),
        ("update_custom_attribute", lambda: dd.cases.update_custom_attribute("SEC-12", "", "x")),
        ("delete_custom_attribute", lambda: dd.cases.delete_custom_attribute("SEC-12", "")),
    ]


async def test_bad_arguments_are_value_or_type_errors_before_sending() -> None:
    """A wrong value is a ValueError, a wrong type (a dict or a bool as a value, None as a
    title) a TypeError, as in the constructor (issue 18 item 13)."""
    service = Recorded()
    async with service.client() as dd:
        for _name, call in _calls(dd):
            with pytest.raises((ValueError, TypeError), match=r"\w") as info:
                await call()
            assert any(w in str(info.value) for w in ("must", "pass", "not valid")), info.value
    assert service.requests == []
