"""Issue 16's members on the case model: typed, round-tripped, open where the service may grow."""

from __future__ import annotations

import datetime

from ddcases_api.models import CaseInsightType, CaseResponse, CaseWatchersResponse
from ddcases_schema import models as pyd

from ._live import LIVE_CASE, live_case


def test_insights_are_typed() -> None:
    case = CaseResponse.from_dict({"data": LIVE_CASE}).data
    (insight,) = case.attributes.insights
    assert insight.type_ == CaseInsightType.MONITOR
    assert (insight.resource_id, insight.ref) == ("1", "/monitors/1")
    pcase = pyd.CaseResponse.model_validate({"data": LIVE_CASE}).data
    assert pcase is not None
    assert pcase.attributes.insights is not None
    assert pcase.attributes.insights[0].ref == "/monitors/1"


def test_an_unknown_insight_type_is_kept() -> None:
    raw = live_case(insights=[{"ref": "/x", "type": "NEW_KIND", "resource_id": "9"}])
    case = CaseResponse.from_dict({"data": raw}).data
    assert case.attributes.insights[0].type_ == "NEW_KIND"
    assert not case.attributes.insights[0].type_.is_known


def test_due_date_and_resolved_reason_are_typed_and_optional() -> None:
    raw = live_case(due_date="2026-12-31", security_resolved_reason="FALSE_POSITIVE")
    case = CaseResponse.from_dict({"data": raw}).data
    assert case.attributes.due_date == datetime.date(2026, 12, 31)
    assert case.attributes.security_resolved_reason == "FALSE_POSITIVE"
    assert CaseResponse.from_dict({"data": raw}).to_dict()["data"]["attributes"]["due_date"] == (
        "2026-12-31"
    )
    bare = CaseResponse.from_dict({"data": LIVE_CASE}).data
    assert "due_date" not in bare.attributes.to_dict()


def test_watchers_have_no_attributes() -> None:
    doc = {
        "data": [
            {
                "id": "w1",
                "type": "watcher",
                "relationships": {"user": {"data": {"id": "u1", "type": "user"}}},
            }
        ]
    }
    (watcher,) = CaseWatchersResponse.from_dict(doc).data
    assert watcher.relationships.user.data.id == "u1"
