"""The facade of the 32 configuration operations (issue 17) against the emulator: every call of
the issue's table as written, and its ``with_raw_response`` twin; what each returns is derived
from openapi.yaml (the ``data`` model, a list of them, or ``None`` for an answer without a body);
the "Bad input" section of the issue, refused before anything is sent. Responses are checked
against openapi.yaml as they arrive."""

from __future__ import annotations

import datetime
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

import ddcases_api.models as api_models
from ddcases import BadRequestError, CaseManagement, CustomAttributeType, NotFoundError
from ddcases.testing import Emulator

from ..emulator._conformance import check
from ..generated._spec import operations, resolve

START = datetime.datetime(2026, 4, 5, 2, tzinfo=datetime.UTC)
END, LATER = START + datetime.timedelta(hours=2), START + datetime.timedelta(hours=4)
CONFIGURATION_AREAS = ("case_types.", "views.", "maintenance_windows.", "projects.")


@functools.cache
def _methods() -> dict[str, list[tuple[str, str, dict[str, Any], int]]]:
    """x-ddcases method -> (operationId, success status, its response, path parameter count) of
    each operation it serves: one, or two for a method that takes an optional path reference
    (``case_types.custom_attributes.list(case_type=None)``)."""
    found: dict[str, list[tuple[str, str, dict[str, Any], int]]] = {}
    for operation_id, (_method, path, op) in operations().items():
        method = op.get("x-ddcases", {}).get("method", "")
        status, response = next((s, r) for s, r in op["responses"].items() if s.startswith("2"))
        found.setdefault(method, []).append(
            (operation_id, status, resolve(response), path.count("{"))
        )
    return found


def _expected(response: dict[str, Any]) -> tuple[str, type[Any] | None]:
    """("list" | "one" | "none", the data model) of a success response."""
    content = response.get("content")
    if not content:
        return "none", None
    schema = resolve(content["application/json"]["schema"])
    data = schema["properties"]["data"]
    if data.get("type") == "array":
        return "list", getattr(api_models, data["items"]["$ref"].rsplit("/", 1)[-1])
    return "one", getattr(api_models, data["$ref"].rsplit("/", 1)[-1])


class Calls:
    """Runs ``dd.<method>(...)`` plainly or through its ``with_raw_response`` twin, and checks
    what it returns against openapi.yaml."""

    def __init__(self, dd: CaseManagement, emulator: Emulator, *, raw: bool) -> None:
        self.dd, self.emulator, self.raw = dd, emulator, raw
        self.done: list[str] = []

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        *path, name = method.split(".")
        owner: Any = self.dd
        for part in path:
            owner = getattr(owner, part)
        served = _methods()[method]
        operation_id, status, response, _ = next(
            (m for m in served if m[3] == len(args)) if len(served) > 1 else iter(served)
        )
        before = self.emulator.requests[operation_id]
        if self.raw:
            raw = await getattr(owner.with_raw_response, name)(*args, **kwargs)
            assert raw.status_code == int(status), method
            value = raw.parse()
        else:
            value = await getattr(owner, name)(*args, **kwargs)
        assert self.emulator.requests[operation_id] == before + 1, method
        shape, model = _expected(response)
        if shape == "none":
            assert value is None, method
        elif shape == "list":
            assert isinstance(value, list), method
            assert all(isinstance(item, model) for item in value), method  # type: ignore[arg-type]
        else:
            assert isinstance(value, model), method  # type: ignore[arg-type]
        self.done.append(method)
        return value


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(checks=[check])


@pytest.fixture
async def dd(emulator: Emulator) -> AsyncIterator[CaseManagement]:
    async with emulator.client() as client:
        await client.projects.create(key="SEC", name="Security")
        emulator.requests.clear()
        yield client


@pytest.mark.parametrize("raw", [False, True], ids=["plain", "with_raw_response"])
async def test_every_call_of_the_issue_table(
    dd: CaseManagement, emulator: Emulator, raw: bool
) -> None:
    call = Calls(dd, emulator, raw=raw)
    # case types
    assert len(await call("case_types.list")) == 5
    case_type = await call(
        "case_types.create", name="Security review", description="...", emoji="🔒"
    )
    case_type_id = case_type.id
    updated = await call("case_types.update", case_type_id, name="Security review (EMEA)")
    assert updated.attributes.name == "Security review (EMEA)"
    # custom-attribute configs
    config = await call(
        "case_types.custom_attributes.create",
        case_type_id,
        key="score",
        display_name="Score",
        type="NUMBER",
        is_multi=False,
    )
    config_id = config.id
    assert config.attributes["case_type"] == "TUNKNOWN"  # the recorded extra, reachable
    assert [c.id for c in await call("case_types.custom_attributes.list")] == [config_id]
    assert [c.id for c in await call("case_types.custom_attributes.list", case_type_id)] == [
        config_id
    ]
    renamed = await call(
        "case_types.custom_attributes.update", case_type_id, config_id, display_name="Risk score"
    )
    assert renamed.attributes.display_name == "Risk score"
    await call("case_types.custom_attributes.delete", case_type_id, config_id)
    await call("case_types.delete", case_type_id)
    # project notification rules
    rule = await call(
        "projects.notification_rules.create",
        "SEC",
        triggers=[{"type": "CASE_CREATED"}],
        recipients=[{"type": "EMAIL", "data": {"email": "oncall@example.com"}}],
        query="priority:P1",
        is_enabled=True,
    )
    rule_id = rule.id
    await call("projects.notification_rules.update", "SEC", rule_id, is_enabled=False)
    (listed,) = await call("projects.notification_rules.list", "SEC")
    assert listed.attributes.is_enabled is False
    await call("projects.notification_rules.delete", "SEC", rule_id)
    # automation rules
    automation = await call(
        "projects.rules.create",
        "SEC",
        name="Run triage",
        trigger={"type": "CASE_CREATED"},
        action={"type": "EXECUTE_WORKFLOW", "data": {"handle": "triage"}},
        state="ENABLED",
    )
    rule_id = automation.id
    assert [r.id for r in await call("projects.rules.list", "SEC")] == [rule_id]
    assert (await call("projects.rules.get", "SEC", rule_id)).attributes.name == "Run triage"
    replaced = await call(
        "projects.rules.update",
        "SEC",
        rule_id,
        name="Run triage v2",
        trigger={"type": "CASE_CREATED"},
        action={"type": "EXECUTE_WORKFLOW", "data": {"handle": "triage2"}},
    )
    assert replaced.attributes.action.data.handle == "triage2"
    assert (await call("projects.rules.disable", "SEC", rule_id)).attributes.state == "DISABLED"
    assert (await call("projects.rules.enable", "SEC", rule_id)).attributes.state == "ENABLED"
    await call("projects.rules.delete", "SEC", rule_id)
    # views (the project by key or UUID)
    view = await call("views.create", "SEC", name="Open P1s", query="status:open priority:P1")
    view_id = view.id
    project_id = view.relationships.project.data.id
    assert [v.id for v in await call("views.list", "SEC")] == [view_id]
    assert [v.id for v in await call("views.list", project_id)] == [view_id]
    assert (await call("views.get", view_id)).attributes.query == "status:open priority:P1"
    changed = await call("views.update", view_id, query="status:open priority:P2")
    assert changed.attributes.query == "status:open priority:P2"
    await call("views.delete", view_id)
    # favorites
    assert await call("projects.favorites") == []
    await call("projects.favorite", "SEC")
    assert [f.id for f in await call("projects.favorites")] == [project_id]
    await call("projects.unfavorite", "SEC")
    # maintenance windows
    window = await call(
        "maintenance_windows.create",
        name="DB upgrade",
        query="service:db",
        start_at=START,
        end_at=END,
    )
    window_id = window.id
    assert window.attributes.start_at == START
    moved = await call("maintenance_windows.update", window_id, end_at=LATER)
    assert moved.attributes.end_at == LATER
    assert [w.id for w in await call("maintenance_windows.list")] == [window_id]
    await call("maintenance_windows.delete", window_id)
    # Every configuration method of the spec ran.
    ours = {m for m in _methods() if m.startswith(CONFIGURATION_AREAS)}
    ours -= {"projects.get", "projects.update", "projects.list", "projects.create"}
    ours -= {"projects.delete"}
    assert ours == set(call.done), sorted(ours ^ set(call.done))


async def test_errors_name_what_was_not_found(dd: CaseManagement) -> None:
    unknown = "0f0e0d0c-0b0a-4908-8706-050403020100"
    with pytest.raises(NotFoundError, match="case_type not found"):
        await dd.case_types.custom_attributes.create(
            unknown, key="k", display_name="K", type="TEXT", is_multi=False
        )
    with pytest.raises(NotFoundError):
        await dd.projects.rules.get("NOPE", unknown)  # the key does not resolve
    with pytest.raises(NotFoundError, match="rule not found"):
        await dd.projects.rules.get("SEC", unknown)
    with pytest.raises(BadRequestError, match="CustomAttributeId"):
        await dd.case_types.custom_attributes.delete(unknown, "not-an-uuid")
    with pytest.raises(BadRequestError):  # an open enum's unknown value is sent, as today
        await dd.case_types.custom_attributes.create(
            "00000000-0000-0000-0000-000000000001",
            key="k",
            display_name="K",
            type=CustomAttributeType("FLOAT"),
            is_multi=False,
        )


# ---------------------------------------------------------------- bad input, before sending

BadCall = Callable[[CaseManagement], Awaitable[Any]]
RULE_ID = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
TYPE_ID = "00000000-0000-0000-0000-000000000001"
WORKFLOW = {"type": "EXECUTE_WORKFLOW", "data": {"handle": "triage"}}

BAD: dict[str, tuple[type[Exception] | tuple[type[Exception], ...], BadCall]] = {
    "empty case type name": (ValueError, lambda dd: dd.case_types.create(name="")),
    "empty rule name": (
        ValueError,
        lambda dd: dd.projects.rules.create("SEC", "", {"type": "CASE_CREATED"}, WORKFLOW),
    ),
    "empty view name": (ValueError, lambda dd: dd.views.create("SEC", name="", query="q")),
    "empty window name": (
        ValueError,
        lambda dd: dd.maintenance_windows.create(name="", query="q", start_at=START, end_at=END),
    ),
    "empty display name": (
        ValueError,
        lambda dd: dd.case_types.custom_attributes.update(TYPE_ID, RULE_ID, display_name=""),
    ),
    "unknown attribute type": (
        ValueError,
        lambda dd: dd.case_types.custom_attributes.create(
            TYPE_ID, key="k", display_name="K", type="FLOAT", is_multi=False
        ),
    ),
    "unknown rule state": (
        ValueError,
        lambda dd: dd.projects.rules.create(
            "SEC", "r", {"type": "CASE_CREATED"}, WORKFLOW, state="PAUSED"
        ),
    ),
    "is_multi not a bool": (
        (ValueError, TypeError),
        lambda dd: dd.case_types.custom_attributes.create(
            TYPE_ID,
            key="k",
            display_name="K",
            type="TEXT",
            is_multi="yes",  # type: ignore[arg-type]
        ),
    ),
    "trigger without type": (
        ValueError,
        lambda dd: dd.projects.rules.create("SEC", "r", {"data": {}}, WORKFLOW),
    ),
    "action without type": (
        ValueError,
        lambda dd: dd.projects.rules.create(
            "SEC", "r", {"type": "CASE_CREATED"}, {"data": {"handle": "h"}}
        ),
    ),
    "naive start_at": (
        ValueError,
        lambda dd: dd.maintenance_windows.create(
            name="w", query="q", start_at=START.replace(tzinfo=None), end_at=END
        ),
    ),
    "naive end_at in an update": (
        ValueError,
        lambda dd: dd.maintenance_windows.update(RULE_ID, end_at=LATER.replace(tzinfo=None)),
    ),
    "view without query": (
        TypeError,
        lambda dd: dd.views.create("SEC", name="Open P1s"),  # type: ignore[call-arg]
    ),
    "update naming nothing": (ValueError, lambda dd: dd.views.update(RULE_ID)),
    "empty rule id": (ValueError, lambda dd: dd.projects.rules.enable("SEC", "")),
}


@pytest.mark.parametrize("name", sorted(BAD))
async def test_bad_input_is_refused_before_sending(
    dd: CaseManagement, emulator: Emulator, name: str
) -> None:
    error, bad_call = BAD[name]
    with pytest.raises(error):
        await bad_call(dd)
    assert sum(emulator.requests.values()) == 0


async def test_a_window_that_ends_before_it_starts_is_refused_before_sending(
    dd: CaseManagement, emulator: Emulator
) -> None:
    # x-ddcases `ordered: [start_at, end_at]`, on create and on an update that names both.
    with pytest.raises(ValueError, match="end_at must be after start_at"):
        await dd.maintenance_windows.create(name="w", query="q", start_at=END, end_at=START)
    with pytest.raises(ValueError, match="end_at must be after start_at"):
        await dd.maintenance_windows.create(name="w", query="q", start_at=START, end_at=START)
    with pytest.raises(ValueError, match="end_at must be after start_at"):
        await dd.maintenance_windows.update(
            "00000000-0000-0000-0000-000000000009", start_at=END, end_at=START
        )
    assert sum(emulator.requests.values()) == 0


async def test_a_window_that_ends_before_it_starts_is_a_400_from_the_service(
    dd: CaseManagement,
) -> None:
    from ddcases_api.api.case_management import create_maintenance_window

    body = api_models.MaintenanceWindowCreateRequest.from_dict(
        {
            "data": {
                "type": "maintenance_window",
                "attributes": {
                    "name": "w",
                    "query": "q",
                    "start_at": END.isoformat(),
                    "end_at": START.isoformat(),
                },
            }
        }
    )
    with pytest.raises(BadRequestError, match="end_at must be after start_at"):
        await dd.call(create_maintenance_window.asyncio_detailed, body=body)


# ---------------------------------------------------------------- creates are not retried blindly

P = "/api/v2/cases/projects/e555e290-ed65-49bd-ae18-8acbfcf18db7"
T = "/api/v2/cases/types/00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    ("method", "path", "what"),
    [
        ("POST", "/api/v2/cases/types", "case type"),
        ("POST", T + "/custom_attributes", "custom attribute config"),
        ("POST", P + "/notification_rules", "notification rule"),
        ("POST", P + "/rules", "automation rule"),
        ("POST", "/api/v2/cases/views", "view"),
        ("POST", "/api/v2/maintenance_windows", "maintenance window"),
        ("POST", P + "/rules/r/enable", None),
        ("POST", P + "/favorites", None),
        ("POST", "/api/v2/cases/SEC-1/custom_attributes/score", None),
        ("PUT", P + "/rules/r", None),
    ],
)
def test_requests_built_by_hand_are_known_creates_by_path(
    method: str, path: str, what: str | None
) -> None:
    """``dd.api`` requests name no operation: the transport tells creates by method and path."""
    from ddcases._transport import created_by

    assert created_by(httpx.Request(method, "https://api.datadoghq.com" + path)) == what
