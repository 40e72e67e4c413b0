"""Bad input, client side (the facade) and emulator side (raw httpx), issue 5 §2.

Each input gives a clear ``ValueError`` before anything is sent (and then the recording transport
saw nothing), or is sent safely encoded (one path segment, no traversal) and answered with a
typed error. Never an unrelated exception, never a request that reaches another operation.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest

from ddcases import (
    ApiError,
    BadRequestError,
    CaseManagement,
    NotFoundError,
)
from ddcases.testing import Emulator

CASES = "/api/v2/cases"
USER = "3f1c9a52-8e1b-4c57-9a1e-0d2f6b7c8a90"
AUTH = {"DD-API-KEY": "bad-input-api-key", "DD-APPLICATION-KEY": "bad-input-app-key"}


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests on and remembers each one as it left the client."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def raw_paths(self) -> list[str]:
        return [r.url.raw_path.decode("ascii").partition("?")[0] for r in self.requests]


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture
def recorder(emulator: Emulator) -> Recorder:
    return Recorder(emulator.transport())


@pytest.fixture
async def dd(emulator: Emulator, recorder: Recorder) -> AsyncIterator[CaseManagement]:
    async with emulator.client(transport=recorder) as client:
        project = await client.projects.create(key="SEC", name="Security")
        await client.cases.create(project=project.id, title="seed")
        recorder.requests.clear()
        emulator.requests.clear()
        yield client


# ---------------------------------------------------------------- ids refused before sending

Call = Callable[[CaseManagement, str], Awaitable[Any]]

CASE_CALLS: dict[str, Call] = {
    "get": lambda dd, ref: dd.cases.get(ref),
    "update_status": lambda dd, ref: dd.cases.update_status(ref, "CLOSED"),
    "update_priority": lambda dd, ref: dd.cases.update_priority(ref, "P1"),
    "assign": lambda dd, ref: dd.cases.assign(ref, USER),
    "unassign": lambda dd, ref: dd.cases.unassign(ref),
    "archive": lambda dd, ref: dd.cases.archive(ref),
    "unarchive": lambda dd, ref: dd.cases.unarchive(ref),
}
PROJECT_CALLS: dict[str, Call] = {
    "projects.get": lambda dd, ref: dd.projects.get(ref),
    "projects.delete": lambda dd, ref: dd.projects.delete(ref),
    "cases.create(project=)": lambda dd, ref: dd.cases.create(project=ref, title="t"),
}
# Case ops' path suffix after the id ("" for get).
SUFFIX = {
    "get": "",
    "update_status": "/status",
    "update_priority": "/priority",
    "assign": "/assign",
    "unassign": "/unassign",
    "archive": "/archive",
    "unarchive": "/unarchive",
}

UNSENDABLE = [
    "",
    ".",
    "..",
    "\x00",
    "SEC\x00-1",
    "\x01",
    "\x1b[2J",
    "SEC-1\n",
    "a\rb",
    "\t",
    "\x7f",
]


@pytest.mark.parametrize("ref", UNSENDABLE)
@pytest.mark.parametrize("op", [*CASE_CALLS, *PROJECT_CALLS])
async def test_unsendable_ids_are_value_errors_before_sending(
    dd: CaseManagement, recorder: Recorder, op: str, ref: str
) -> None:
    call = {**CASE_CALLS, **PROJECT_CALLS}[op]
    with pytest.raises(ValueError, match=r"^(case|project) must not") as info:
        await call(dd, ref)
    assert type(info.value) is ValueError
    assert recorder.requests == []


@pytest.mark.parametrize("op", [*CASE_CALLS, *PROJECT_CALLS])
async def test_lone_surrogate_id_is_a_value_error_before_sending(
    dd: CaseManagement, recorder: Recorder, op: str
) -> None:
    call = {**CASE_CALLS, **PROJECT_CALLS}[op]
    with pytest.raises(ValueError, match=r"^(case|project) ") as info:
        await call(dd, "SEC-\ud800")
    assert type(info.value) is ValueError  # not a UnicodeEncodeError from deep inside quote()
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("what", "call"),
    [
        ("title", lambda dd: dd.cases.create(project="SEC", title="leak \ud800")),
        ("description", lambda dd: dd.cases.create(project="SEC", title="t", description="\udfff")),
        ("key", lambda dd: dd.projects.create(key="A\ud800", name="n")),
        ("name", lambda dd: dd.projects.create(key="OPS", name="\ud83d")),
        ("filter", lambda dd: dd.cases.search("title:\ud800").__anext__()),
    ],
)
async def test_lone_surrogates_in_text_are_value_errors_before_sending(
    dd: CaseManagement, recorder: Recorder, what: str, call: Callable[[CaseManagement], Any]
) -> None:
    with pytest.raises(ValueError, match=what) as info:
        await call(dd)
    assert type(info.value) is ValueError
    assert [r for r in recorder.requests if r.method == "POST" or "filter" in str(r.url)] == []


# ---------------------------------------------------------------- ids sent as one segment

ENCODED = [
    "../projects",
    "../../../../etc/passwd",
    "a/b",
    "SEC-1/status",
    "x%2Fy",
    "%2e%2e",
    "..%2F..%2F",
    "a?b=c",
    "?",
    "a#frag",
    "#",
    "%",
    "a b",
    " SEC-1",
    "SEC-1 ",
    "SEC-1;x=1",
    "SEC-1\u202e",
    "\U0001f525",
    "SEC-1\\..\\x",
]


@pytest.mark.parametrize("ref", ENCODED)
@pytest.mark.parametrize("op", list(CASE_CALLS))
async def test_ids_with_url_syntax_are_sent_as_one_encoded_segment(
    dd: CaseManagement, emulator: Emulator, recorder: Recorder, op: str, ref: str
) -> None:
    with pytest.raises(ApiError) as info:
        await CASE_CALLS[op](dd, ref)
    assert info.value.status_code in (404, 405)
    assert len(recorder.requests) == 1
    (path,) = recorder.raw_paths()
    segment = quote(ref, safe="")
    assert path == f"{CASES}/{segment}{SUFFIX[op]}"
    assert unquote(segment) == ref
    assert "/" not in segment
    # Nothing reached an operation other than the one called (no traversal to GetProjects...).
    touched = {name for name, n in emulator.requests.items() if n}
    assert touched <= {"unknown", _operation(op)}
    assert [c.title for c in emulator.store.cases()] == ["seed"]


def _operation(op: str) -> str:
    return {
        "get": "GetCase",
        "update_status": "UpdateStatus",
        "update_priority": "UpdatePriority",
        "assign": "AssignCase",
        "unassign": "UnassignCase",
        "archive": "ArchiveCase",
        "unarchive": "UnarchiveCase",
    }[op]


async def test_a_case_id_never_reaches_another_operation(dd: CaseManagement) -> None:
    """``projects/<uuid>`` is sent encoded as one segment; it must not come back as a Case
    built from a project (the emulator routes on the decoded path, see the emulator test)."""
    project = await dd.projects.get("SEC")
    with pytest.raises((ValueError, NotFoundError)):
        await dd.cases.get(f"projects/{project.id}")


async def test_a_case_named_projects_is_a_typed_error(dd: CaseManagement) -> None:
    """``cases.get("projects")`` is GET /api/v2/cases/projects, which is GetProjects: the
    answer is a project list, and the facade must say so rather than return nonsense."""
    with pytest.raises((ValueError, ApiError)) as info:
        await dd.cases.get("projects")
    assert not isinstance(info.value, UnicodeError)


# ---------------------------------------------------------------- keys in the wrong case


async def test_keys_in_the_wrong_case_are_not_found(
    dd: CaseManagement, emulator: Emulator, recorder: Recorder
) -> None:
    # The emulator matches case keys case-insensitively; either way, never another case.
    try:
        found = await dd.cases.get("sec-1")
    except NotFoundError as exc:
        assert "case not found" in str(exc)  # noqa: PT017
    else:
        assert found.attributes.key == "SEC-1"
    with pytest.raises(NotFoundError) as project_info:
        await dd.projects.get("sec")
    assert project_info.value.lookup == "sec"
    assert "'sec'" in str(project_info.value)
    with pytest.raises(NotFoundError):
        await dd.cases.create(project="sec", title="wrong case")
    assert emulator.requests["CreateCase"] == 0
    with pytest.raises(BadRequestError) as create_info:
        await dd.projects.create(key="sec", name="lower")
    assert "upper-case" in str(create_info.value)
    assert [p.key for p in emulator.store.projects()] == ["SEC"]


# ---------------------------------------------------------------- text


@pytest.mark.parametrize("megabytes", [1, 10])
async def test_huge_titles_are_sent_or_refused_cleanly(
    dd: CaseManagement, emulator: Emulator, megabytes: int
) -> None:
    title = "x" * (megabytes * 1024 * 1024)
    outcome: Any
    try:
        outcome = await dd.cases.create(project="SEC", title=title)
    except (ValueError, BadRequestError) as exc:
        outcome = exc
    if isinstance(outcome, Exception):
        assert type(outcome) in (ValueError, BadRequestError)
        assert len(str(outcome)) < 1000  # the message does not echo a megabyte back
    else:
        assert outcome.attributes.title == title
        assert len([c for c in emulator.store.cases() if c.title == title]) == 1


@pytest.mark.parametrize(
    "title",
    [
        "\u202eevil.exe\u202c",
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
        "\u0645\u0631\u062d\u0628\u0627",
        "\U0001f525 prod down \U0001f6a8",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "e\u0301 combining",
        "\ufeffbom",
        'quotes " and \\ backslash',
    ],
)
async def test_unusual_text_round_trips_exactly(dd: CaseManagement, title: str) -> None:
    created = await dd.cases.create(project="SEC", title=title, description=title)
    fetched = await dd.cases.get(created.id)
    assert fetched.attributes.title == title
    assert fetched.attributes.description == title


# ---------------------------------------------------------------- enums and numbers


@pytest.mark.parametrize(
    ("what", "call"),
    [
        ("priority", lambda dd: dd.cases.create(project="SEC", title="t", priority="p1")),
        ("priority", lambda dd: dd.cases.create(project="SEC", title="t", priority="P6")),
        ("priority", lambda dd: dd.cases.create(project="SEC", title="t", priority="")),
        ("type", lambda dd: dd.cases.create(project="SEC", title="t", type="BOGUS")),
        ("status", lambda dd: dd.cases.update_status("SEC-1", "closed")),
        ("status", lambda dd: dd.cases.update_status("SEC-1", "DONE")),
        ("status", lambda dd: dd.cases.update_status("SEC-1", None)),
        ("priority", lambda dd: dd.cases.update_priority("SEC-1", "HIGH")),
        ("priority", lambda dd: dd.cases.update_priority("SEC-1", " P1")),
    ],
)
async def test_invalid_enum_values_are_value_errors_before_sending(
    dd: CaseManagement, recorder: Recorder, what: str, call: Callable[[CaseManagement], Any]
) -> None:
    with pytest.raises(ValueError, match=f"^{what} must be one of") as info:
        await call(dd)
    assert type(info.value) is ValueError
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("kwargs", "what", "error"),
    [
        ({"page_size": 0}, "page_size", ValueError),
        ({"page_size": 101}, "page_size", ValueError),
        ({"page_size": -1}, "page_size", ValueError),
        ({"page_size": "10"}, "page_size", TypeError),
        ({"page_size": 10.0}, "page_size", TypeError),
        ({"page_size": True}, "page_size", TypeError),
        ({"limit": 0}, "limit", ValueError),
        ({"limit": -5}, "limit", ValueError),
        ({"limit": "5"}, "limit", TypeError),
        ({"start_page": 0}, "start_page", ValueError),
        ({"sort": "title"}, "sort", ValueError),
        ({"sort": 3}, "sort", TypeError),
        ({"ascending": "yes"}, "ascending", TypeError),
        ({"filter": 42}, "filter", TypeError),
        ({"prefetch": -1}, "prefetch", ValueError),
        ({"prefetch": "2"}, "prefetch", TypeError),
    ],
)
async def test_bad_search_arguments_fail_at_the_call(
    dd: CaseManagement,
    recorder: Recorder,
    kwargs: dict[str, Any],
    what: str,
    error: type[Exception],
) -> None:
    """A wrong value is a ValueError, a wrong type a TypeError (issue 18 item 13), as the
    constructor does."""
    with pytest.raises(error, match=f"^{what} must") as info:
        dd.cases.search(**kwargs)  # raised by the call itself, before any iteration
    assert type(info.value) is error
    assert recorder.requests == []


WRONG_TYPES: list[tuple[str, Callable[[CaseManagement], Any]]] = [
    ("case", lambda dd: dd.cases.get(12)),
    ("case", lambda dd: dd.cases.get(None)),
    ("case", lambda dd: dd.cases.get(b"SEC-1")),
    ("project", lambda dd: dd.projects.get(7)),
    ("project", lambda dd: dd.cases.create(project=None, title="t")),
    ("title", lambda dd: dd.cases.create(project="SEC", title=5)),
    ("priority", lambda dd: dd.cases.create(project="SEC", title="t", priority=1)),
    ("status", lambda dd: dd.cases.update_status("SEC-1", 5)),
    ("assignee", lambda dd: dd.cases.assign("SEC-1", 42)),
    ("attributes", lambda dd: dd.cases.update_attributes("SEC-1", ["env"])),
    ("attributes['env']", lambda dd: dd.cases.update_attributes("SEC-1", {"env": "prod"})),
    ("attributes['env'][0]", lambda dd: dd.cases.update_attributes("SEC-1", {"env": [1]})),
    ("value", lambda dd: dd.cases.update_custom_attribute("SEC-1", "k", {"a": 1})),
]


@pytest.mark.parametrize(("what", "call"), WRONG_TYPES)
async def test_wrong_types_are_type_errors_before_sending(
    dd: CaseManagement, recorder: Recorder, what: str, call: Callable[[CaseManagement], Any]
) -> None:
    """Issue 18 item 13: `case must be a str, got Case` was a ValueError; the constructor
    raises TypeError for the same mistake (`api_key=123`)."""
    with pytest.raises(TypeError, match=f"^{re.escape(what)} must") as info:
        await call(dd)
    assert type(info.value) is TypeError
    assert recorder.requests == []


@pytest.mark.parametrize("op", CASE_CALLS)
async def test_a_case_model_stands_for_its_id(
    dd: CaseManagement, recorder: Recorder, op: str
) -> None:
    """Issue 18 item 13: the user passed the Case a search returned where a case is due."""
    case = await dd.cases.get("SEC-1")
    recorder.requests.clear()
    await CASE_CALLS[op](dd, case)  # type: ignore[arg-type]
    assert recorder.raw_paths() == [f"{CASES}/{case.id}{SUFFIX[op]}"]


async def test_a_project_model_stands_for_its_id(dd: CaseManagement) -> None:
    project = await dd.projects.get("SEC")
    case = await dd.cases.create(project=project, title="from the model")
    assert case.relationships.project.data.id == project.id  # type: ignore[union-attr]
    assert (await dd.projects.get(project)).id == project.id
    # Edits take the model too: what a user holds after a search.
    case = await dd.cases.update_title(case, "renamed")
    comment = await dd.cases.comment(case, "seen")
    await dd.cases.delete_comment(case, comment.id)
    assert (await dd.cases.get(case)).attributes.title == "renamed"


@pytest.mark.parametrize("filter_", ['title:"abc', '"unbalanced', 'priority:P1 "a" "b'])
async def test_filter_with_unbalanced_quotes_is_a_bad_request(
    dd: CaseManagement, recorder: Recorder, filter_: str
) -> None:
    with pytest.raises(BadRequestError) as info:
        async for _ in dd.cases.search(filter_):
            pass
    assert "unbalanced quote" in str(info.value)
    assert len(recorder.requests) == 1
    assert recorder.requests[0].url.params["filter"] == filter_


# ---------------------------------------------------------------- emulator side, raw httpx


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    # App exceptions become 500s, as a served emulator would answer, so "never 500" is checked.
    transport = httpx.ASGITransport(app=emulator.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://emulator", headers=AUTH
    ) as client:
        yield client


@pytest.fixture
async def project_id(http: httpx.AsyncClient) -> str:
    body = {"data": {"type": "project", "attributes": {"key": "SEC", "name": "Security"}}}
    response = await http.post(f"{CASES}/projects", json=body)
    assert response.status_code == 201
    project: str = response.json()["data"]["id"]
    case = _case_body(project, title="seed")
    assert (await http.post(CASES, json=case)).status_code == 201
    return project


def _case_body(project: str, **attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "case",
            "attributes": {"type": "STANDARD", **attributes},
            "relationships": {"project": {"data": {"id": project, "type": "project"}}},
        }
    }


def assert_json_api_400(response: httpx.Response, *, mentions: str | None = None) -> None:
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    errors = response.json()["errors"]
    assert errors
    assert all(e["status"] == "400" and e["detail"] for e in errors)
    if mentions is not None:
        assert mentions in json.dumps(errors), errors


BAD_BODIES = {
    "not json": b"{",
    "empty": b"",
    "whitespace": b"   ",
    "array": b"[]",
    "null": b"null",
    "string": b'"case"',
    "number": b"1e999",
    "data not an object": b'{"data": 1}',
    "invalid utf-8": b"\xff\xfe\x00",
    "nan": b'{"data": NaN}',
    "deeply nested": b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "10 MB of garbage": b"\x00garbage" * (10 * 1024 * 1024 // 8),
}
POST_PATHS = [
    CASES,
    f"{CASES}/projects",
    f"{CASES}/SEC-1/status",
    f"{CASES}/SEC-1/priority",
    f"{CASES}/SEC-1/assign",
    f"{CASES}/SEC-1/unassign",
    f"{CASES}/SEC-1/archive",
    f"{CASES}/SEC-1/unarchive",
]


@pytest.mark.parametrize("path", POST_PATHS)
async def test_emulator_answers_bad_bodies_with_400(
    http: httpx.AsyncClient, project_id: str, path: str
) -> None:
    for name, body in BAD_BODIES.items():
        response = await http.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, (name, response.status_code, response.text[:200])
        assert_json_api_400(response)


@pytest.mark.parametrize(
    ("path", "body", "mentions"),
    [
        (CASES, {"title": 5}, "/data/attributes/title"),
        (CASES, {"title": "t", "priority": 1}, "/data/attributes/priority"),
        (CASES, {"title": "t", "priority": "P9"}, "P9"),
        (CASES, {"title": "t", "type": "BOGUS"}, "BOGUS"),
        (CASES, {"title": "t", "description": ["x"]}, "/data/attributes/description"),
        (CASES, {"title": None}, "/data/attributes/title"),
        (f"{CASES}/SEC-1/status", {"status": "DONE"}, "DONE"),
        (f"{CASES}/SEC-1/status", {"status": True}, "/data/attributes/status"),
        (f"{CASES}/SEC-1/priority", {"priority": "HIGH"}, "HIGH"),
        (f"{CASES}/SEC-1/assign", {"assignee_id": 7}, "/data/attributes/assignee_id"),
        (f"{CASES}/SEC-1/assign", {"assignee_id": "../x"}, "UUID"),
        (f"{CASES}/projects", {"key": 12, "name": "n"}, "/data/attributes/key"),
        (f"{CASES}/projects", {"key": "sec", "name": "n"}, "upper-case"),
        (f"{CASES}/projects", {"key": "A/B", "name": "n"}, "upper-case"),
        (f"{CASES}/projects", {"key": "OPS", "name": "x" * 100}, None),
    ],
)
async def test_emulator_answers_wrong_types_and_unknown_enums_with_400(
    http: httpx.AsyncClient, project_id: str, path: str, body: dict[str, Any], mentions: str | None
) -> None:
    if path == CASES:
        document = _case_body(project_id, **body)
    else:
        kind = "project" if path.endswith("/projects") else "case"
        document = {"data": {"type": kind, "attributes": body}}
    response = await http.post(path, json=document)
    if mentions is None:  # a long name is fine: the point is only "not a 500"
        assert response.status_code == 201
        return
    assert_json_api_400(response, mentions=mentions)


async def test_emulator_answers_a_wrong_resource_type_with_400(
    http: httpx.AsyncClient, project_id: str
) -> None:
    document = _case_body(project_id, title="t")
    document["data"]["type"] = "project"
    assert_json_api_400(await http.post(CASES, json=document), mentions="project")


async def test_emulator_accepts_a_10_mb_title_or_refuses_it_with_400(
    http: httpx.AsyncClient, project_id: str
) -> None:
    response = await http.post(CASES, json=_case_body(project_id, title="x" * 10_000_000))
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert_json_api_400(response)


@pytest.mark.parametrize(
    "query",
    [
        "page[size]=0",
        "page[size]=101",
        "page[size]=-1",
        "page[size]=abc",
        "page[size]=1e3",
        "page[size]=",
        "page[size]=10.0",
        "page[size]=%EF%BC%91",  # a full-width digit one
        "page[number]=0",
        "page[number]=-1",
        "page[number]=x",
        "page[number]=99999999999999999999999",
        "sort[field]=title",
        "sort[field]=",
        "sort[asc]=yes",
        "filter=%22abc",
        "filter=title:%22a%20b",
    ],
)
async def test_emulator_answers_bad_query_parameters_with_400(
    http: httpx.AsyncClient, project_id: str, query: str
) -> None:
    response = await http.get(f"{CASES}?{query}")
    assert_json_api_400(response)
    assert "source" in response.json()["errors"][0]


async def test_emulator_survives_odd_but_valid_filters(
    http: httpx.AsyncClient, project_id: str
) -> None:
    for filter_ in ["%ED%A0%80", "%00", "%F0%9F%94%A5", "-", ":", "::", "status:", "a" * 10_000]:
        response = await http.get(f"{CASES}?filter={filter_}")
        assert response.status_code in (200, 400), (filter_, response.text[:200])
        if response.status_code == 400:
            assert_json_api_400(response)


async def test_emulator_refuses_or_stores_a_lone_surrogate_safely(
    http: httpx.AsyncClient, project_id: str
) -> None:
    """``"\\ud800"`` is valid JSON but not encodable text: answer 400, or store it so that
    later responses still serialise (a 500 on every later search would poison the emulator)."""
    body = json.dumps(_case_body(project_id, title="\ud800"))  # ensure_ascii: a \\ud800 escape
    response = await http.post(CASES, content=body, headers={"content-type": "application/json"})
    assert response.status_code in (201, 400), response.text[:200]
    if response.status_code == 400:
        assert_json_api_400(response, mentions="title")
    assert (await http.get(CASES)).status_code == 200


@pytest.mark.parametrize(
    "segment",
    ["..%2Fprojects", "projects%2F{project}", "SEC-1%2Fstatus", "SEC-1%2Farchive", "%2E%2E"],
)
async def test_emulator_treats_an_encoded_slash_as_part_of_the_id(
    http: httpx.AsyncClient, project_id: str, segment: str
) -> None:
    """``%2F`` inside a segment is data, not a separator: the lookup fails with the usual 404,
    instead of routing to another operation (GetProjects, GetProject) or answering 405."""
    path = f"{CASES}/{segment.format(project=project_id)}"
    response = await http.get(path)
    assert response.status_code == 404, response.text[:200]
    assert response.json() == {
        "errors": [{"code": "resource_not_found", "title": "case not found"}]
    }
