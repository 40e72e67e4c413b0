"""The generated models accept what the live service sends beyond openapi.yaml (both generators)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import ddcases_schema.models as pyd
from ddcases_api.models import (
    APIErrorResponse,
    CasePriority,
    CaseResponse,
    CasesResponse,
    CaseStatus,
    CaseStatusGroup,
    CaseType,
    CustomAttributeType,
    CustomAttributeValue,
    JSONAPIErrorItem,
    ProjectResponse,
    ProjectSettings,
)
from ddcases_api.types import UNSET

from ._live import ERROR_BODIES, LIVE_CASE, LIVE_PROJECT, TIMESTAMPS, live_case, live_page
from ._spec import normalise

EXTRA_CASE_ATTRIBUTES = [
    "comment_count",
    "creation_source",
    "public_id",
    "internal_id",
    "merge_status",
]  # insights is typed since issue 16: tests/generated/test_case_life_models.py


def test_page_keeps_included_and_extra_meta() -> None:
    page = live_page(3)
    parsed = CasesResponse.from_dict(page)
    assert [user.to_dict() for user in parsed.included] == page["included"]
    assert parsed.meta.additional_properties == {"total_cases": 650}
    assert parsed.meta.page.total == 7
    assert normalise(parsed.to_dict()) == normalise(page)


def test_page_parses_with_pydantic() -> None:
    page = live_page(3)
    parsed = pyd.CasesResponse.model_validate(page)
    assert parsed.model_extra == {}
    assert parsed.included is not None
    assert parsed.included.root[0].attributes.name == "Ada"
    assert parsed.meta is not None
    assert parsed.meta.model_extra == {"total_cases": 650}
    assert normalise(parsed.model_dump(mode="json", exclude_unset=True)) == normalise(page)


@pytest.mark.parametrize("name", EXTRA_CASE_ATTRIBUTES)
def test_extra_case_attribute_is_kept(name: str) -> None:
    case = CaseResponse.from_dict({"data": LIVE_CASE}).data
    assert case.attributes[name] == LIVE_CASE["attributes"][name]
    pcase = pyd.CaseResponse.model_validate({"data": LIVE_CASE}).data
    assert pcase is not None
    assert pcase.attributes.model_extra is not None
    assert pcase.attributes.model_extra[name] == LIVE_CASE["attributes"][name]


@pytest.mark.parametrize("source", ["MANUAL", "ERROR_TRACKING"])
def test_creation_source_values(source: str) -> None:
    case = CaseResponse.from_dict({"data": live_case(creation_source=source)}).data
    assert case.attributes["creation_source"] == source


def test_live_case_members_are_typed() -> None:
    attrs = CaseResponse.from_dict({"data": LIVE_CASE}).data.attributes
    assert attrs.status_name == "Open"
    assert attrs.status_group is CaseStatusGroup.SG_OPEN
    assert attrs.attributes.additional_properties == {"team": ["sec"]}
    env = attrs.custom_attributes["env"]
    assert isinstance(env, CustomAttributeValue)
    assert (env.type_, env.is_multi, env.value) == (CustomAttributeType.TEXT, False, ["prod"])
    assert "custom_attributes" not in attrs.additional_properties
    assert normalise(attrs.to_dict()) == normalise(LIVE_CASE["attributes"])


def test_unknown_status_group_is_kept() -> None:
    attrs = CaseResponse.from_dict({"data": live_case(status_group="SG_TRIAGE")}).data.attributes
    assert attrs.status_group == "SG_TRIAGE"
    assert not attrs.status_group.is_known


def test_project_live_attributes_are_typed_and_unknown_settings_kept() -> None:
    project = ProjectResponse.from_dict({"data": LIVE_PROJECT}).data
    assert project.attributes.restricted is False
    assert isinstance(project.attributes.settings, ProjectSettings)
    assert project.attributes.settings.additional_properties == {"x": 1}  # not in the spec
    assert project.attributes.additional_properties == {}
    assert ProjectResponse.from_dict({"data": LIVE_PROJECT}).to_dict() == {"data": LIVE_PROJECT}
    pproject = pyd.ProjectResponse.model_validate({"data": LIVE_PROJECT}).data
    assert pproject is not None
    assert pproject.attributes.restricted is False
    assert pproject.attributes.settings is not None
    assert pproject.attributes.settings.model_extra == {"x": 1}


@pytest.mark.parametrize(
    ("field", "value", "enum"),
    [
        ("type", "ERROR_TRACKING_ISSUE", CaseType),
        ("type", "TUNKNOWN", CaseType),
        ("status", "PENDING_REVIEW", CaseStatus),
        ("priority", "P0", CasePriority),
    ],
)
def test_unknown_enum_values_are_kept_raw(field: str, value: str, enum: Any) -> None:
    attrs = CaseResponse.from_dict({"data": live_case(**{field: value})}).data.attributes
    got = getattr(attrs, "type_" if field == "type" else field)
    assert isinstance(got, enum)
    assert got == value
    assert got.value == value
    assert str(got) == value
    assert got.is_known is False
    assert attrs.to_dict()[field] == value

    pattrs = pyd.CaseResponse.model_validate({"data": live_case(**{field: value})}).data
    assert pattrs is not None
    pgot = getattr(pattrs.attributes, field)
    assert pgot == value
    assert pgot.is_known is False
    assert pattrs.model_dump(mode="json")["attributes"][field] == value


def test_known_enum_values() -> None:
    assert CaseStatus.OPEN == "OPEN"
    assert CaseStatus("OPEN") is CaseStatus.OPEN
    assert CaseStatus.OPEN.is_known is True
    assert CaseStatus("NEW_ONE").value == "NEW_ONE"
    assert CaseStatus("NEW_ONE").is_known is False
    assert CaseStatus("NEW_ONE") == CaseStatus("NEW_ONE")
    assert hash(CaseStatus("NEW_ONE")) == hash("NEW_ONE")
    assert "NEW_ONE" not in CaseStatus.__members__
    with pytest.raises(ValueError, match="3 is not a valid"):  # non-strings are still rejected
        CaseStatus(3)
    assert pyd.CaseStatus.OPEN.is_known is True
    assert pyd.CaseStatus("NEW_ONE").is_known is False


def test_unknown_enum_values_are_met_once_and_the_cache_is_bounded() -> None:
    """An unknown value is made a pseudo-member once, then found by lookup like a known one;
    at most 64 are kept, and the enum's own member map (what is_known reads) never grows."""
    first = CaseType.from_value("ERROR_TRACKING_ISSUE")
    again = CaseResponse.from_dict({"data": live_case(type="ERROR_TRACKING_ISSUE")})
    assert again.data.attributes.type_ is first
    assert CaseType("ERROR_TRACKING_ISSUE") is first
    known = dict(CaseType._value2member_map_)
    for i in range(200):
        value = f"NEW_TYPE_{i}"
        member = CaseType.from_value(value)
        assert member == value
        assert member.is_known is False
    assert len(CaseType.by_value) <= len(known) + 64
    assert dict(CaseType._value2member_map_) == known
    assert CaseType.from_value("STANDARD") is CaseType.STANDARD
    with pytest.raises(ValueError, match="is not a valid"):
        CaseType.from_value([])  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["modified_at", "closed_at", "archived_at"])
def test_optional_timestamps_absent_or_null(field: str) -> None:
    case = live_case()
    assert getattr(CaseResponse.from_dict({"data": case}).data.attributes, field) is None
    del case["attributes"][field]
    assert getattr(CaseResponse.from_dict({"data": case}).data.attributes, field) is UNSET
    assert getattr(pyd.Case.model_validate(case).attributes, field) is None


@pytest.mark.parametrize("field", ["assignee", "modified_by"])
def test_optional_relationships_absent_or_null(field: str) -> None:
    case = live_case()
    rels = CaseResponse.from_dict({"data": case}).data.relationships
    assert getattr(rels, field) is None
    assert rels.to_dict()[field] is None
    del case["relationships"][field]
    assert getattr(CaseResponse.from_dict({"data": case}).data.relationships, field) is UNSET
    prels = pyd.Case.model_validate(case).relationships
    assert prels is not None
    assert getattr(prels, field) is None


@pytest.mark.parametrize(
    ("where", "field", "odd"),
    [
        ("attributes", "closed_at", "not a date"),
        ("attributes", "archived_at", 1706057265),
        ("attributes", "jira_issue", "JIRA-1"),
        ("relationships", "assignee", ["u1"]),
    ],
)
def test_nullable_member_of_an_unexpected_shape_is_kept_raw(
    where: str, field: str, odd: Any
) -> None:
    # The inlined nullable parsing (union_property.py.jinja) keeps upstream's rule: a value
    # that fits no member type is kept as sent instead of failing the whole page.
    case = live_case()
    case[where][field] = odd
    parsed = CaseResponse.from_dict({"data": case}).data
    assert getattr(getattr(parsed, where), field) == odd
    nested = live_case()
    nested["relationships"]["created_by"] = {"data": "u1"}
    data = CaseResponse.from_dict({"data": nested}).data.relationships.created_by.data
    assert data == "u1"


def test_relationship_present() -> None:
    case = live_case()
    case["relationships"]["assignee"] = {"data": {"id": "u1", "type": "user"}}
    rels = CaseResponse.from_dict({"data": case}).data.relationships
    assert rels.assignee.data.id == "u1"


@pytest.mark.parametrize("stamp", TIMESTAMPS)
def test_timestamps_with_0_to_9_fraction_digits(stamp: str) -> None:
    fraction = stamp[20:-1]
    expected = datetime.datetime(
        2026, 1, 24, 0, 47, 45, int((fraction + "000000")[:6] or 0), tzinfo=datetime.UTC
    )
    case = live_case(created_at=stamp, modified_at=stamp)
    attrs = CaseResponse.from_dict({"data": case}).data.attributes
    assert attrs.created_at == expected
    assert attrs.modified_at == expected
    pattrs = pyd.Case.model_validate(case).attributes
    assert pattrs.created_at == expected
    assert pattrs.modified_at == expected


@pytest.mark.parametrize("body", ERROR_BODIES)
def test_error_bodies_parse(body: dict[str, Any]) -> None:
    parsed = APIErrorResponse.from_dict(body)
    assert len(parsed.errors) == 1
    item = parsed.errors[0]
    raw = body["errors"][0]
    if isinstance(raw, str):
        assert item == raw
    else:
        assert isinstance(item, JSONAPIErrorItem)
        assert item.title == raw["title"]
    assert parsed.to_dict() == body
    assert (
        pyd.APIErrorResponse.model_validate(body).model_dump(mode="json", exclude_unset=True)
        == body
    )


def test_models_have_nothing_that_from_dict_would_skip() -> None:
    # from_dict fills instances without attrs' __init__ (model.py.jinja); that is only the same
    # thing while no generated model has validators, converters, on_setattr hooks or post-init.
    import inspect

    import attrs

    from ddcases_api import models

    classes = [getattr(models, name) for name in models.__all__]
    checked = [cls for cls in classes if inspect.isclass(cls) and attrs.has(cls)]
    assert len(checked) >= 40
    for cls in checked:
        assert not hasattr(cls, "__attrs_post_init__"), cls
        for field in attrs.fields(cls):
            assert field.validator is None, (cls, field.name)
            assert field.converter is None, (cls, field.name)
            assert field.on_setattr in (None, attrs.setters.NO_OP), (cls, field.name)
    case = CaseResponse.from_dict({"data": live_case()}).data
    rebuilt = type(case)(
        **{f.name: getattr(case, f.name) for f in attrs.fields(type(case)) if f.init}
    )
    rebuilt.additional_properties = case.additional_properties
    assert rebuilt == case


def test_the_readmes_way_to_an_undeclared_member_works() -> None:
    """Issue 18 item 14: the README said `model["comment_count"]`; on a Case that is a KeyError
    (the service sends the member inside `attributes`). Every expression the README gives for
    reaching it is evaluated here on a live-shaped case."""
    import pathlib
    import re

    from ddcases import Case

    root = pathlib.Path(__file__).parents[2]
    readme = "".join(
        p.read_text(encoding="utf-8")
        for p in [root / "README.md", *sorted(root.glob("docs/**/*.md"))]
    )
    expressions = set(
        re.findall(r"`([a-z_.]+(?:\[\"comment_count\"\]|\.additional_properties))`", readme)
    )
    assert expressions, "the README no longer says how to reach comment_count"
    case = CaseResponse.from_dict({"data": live_case()}).data
    assert isinstance(case, Case)
    for expression in expressions:
        value = eval(expression, {}, {"case": case, "model": case})
        if expression.endswith("additional_properties"):
            value = value["comment_count"]
        assert value == 3, expression
