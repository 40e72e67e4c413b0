"""dd.projects: every method over HTTP, keys or UUIDs, argument checks before sending."""

from __future__ import annotations

import json

import pytest

from ddcases import ConflictError, NotFoundError, Project

from .._fake_service import FakeService, respond


async def test_create_get_list_delete() -> None:
    fake = FakeService()
    async with fake.client() as dd:
        project = await dd.projects.create(key="SEC", name="Security Investigation")
        assert isinstance(project, Project)
        assert json.loads(fake.requests[-1].content) == {
            "data": {
                "type": "project",
                "attributes": {"key": "SEC", "name": "Security Investigation"},
            }
        }
        assert (await dd.projects.get("SEC")).attributes.name == "Security Investigation"
        assert (await dd.projects.get(project.id)).id == project.id
        assert [p.attributes.key async for p in dd.projects.list()] == ["SEC"]
        assert await dd.projects.delete("SEC") is None
        assert [p async for p in dd.projects.list()] == []
    assert fake.paths() == [
        "POST /api/v2/cases/projects",
        f"GET /api/v2/cases/projects/{project.id}",
        f"GET /api/v2/cases/projects/{project.id}",
        "GET /api/v2/cases/projects",
        f"DELETE /api/v2/cases/projects/{project.id}",
        "GET /api/v2/cases/projects",
    ]


async def test_list_is_an_async_iterator() -> None:
    fake = FakeService()
    for key in ("A", "B", "C"):
        fake.add_project(key)
    async with fake.client() as dd:
        listing = dd.projects.list()
        assert fake.requests == []  # lazy until iterated
        assert [p.attributes.key async for p in listing] == ["A", "B", "C"]


async def test_list_without_data_is_empty() -> None:
    fake = FakeService()

    async def handler(request: object) -> object:
        return respond(200, {})

    fake.handle = handler  # type: ignore[assignment, method-assign]
    async with fake.client() as dd:
        assert [p async for p in dd.projects.list()] == []


async def test_duplicate_key_is_a_conflict() -> None:
    fake = FakeService()
    fake.add_project("SEC")
    async with fake.client() as dd:
        with pytest.raises(ConflictError, match="key taken"):
            await dd.projects.create("SEC", "again")


async def test_unknown_uuid_is_a_404_from_the_service() -> None:
    fake = FakeService()
    missing = "e555e290-ed65-49bd-ae18-8acbfcf18db7"
    async with fake.client() as dd:
        with pytest.raises(NotFoundError, match=missing):
            await dd.projects.delete(missing)
    assert fake.paths() == [f"DELETE /api/v2/cases/projects/{missing}"]


@pytest.mark.parametrize("bad", ["", ".", "..", "S\x00C", "S\x7fC", 5, None])
async def test_bad_refs_raise_before_sending(bad: object) -> None:
    fake = FakeService()
    async with fake.client() as dd:
        error = ValueError if isinstance(bad, str) else TypeError  # issue 18 item 13
        with pytest.raises(error, match="project"):
            await dd.projects.get(bad)  # type: ignore[arg-type]
        with pytest.raises(error, match="project"):
            await dd.projects.delete(bad)  # type: ignore[arg-type]
        with pytest.raises(error, match="project"):
            await dd.cases.create(bad, "t")  # type: ignore[arg-type]
    assert fake.requests == []


@pytest.mark.parametrize(("key", "name"), [("", "n"), ("K", ""), (None, "n"), ("K", 3)])
async def test_bad_create_arguments_raise_before_sending(key: object, name: object) -> None:
    fake = FakeService()
    async with fake.client() as dd:
        error = ValueError if isinstance(key, str) and isinstance(name, str) else TypeError
        with pytest.raises(error, match="must be a non-empty str"):
            await dd.projects.create(key, name)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_update_sends_only_what_is_given_and_types_the_answer() -> None:
    from ddcases import ProjectSettings

    from ._recorded import NOT_FOUND_PROJECT, PROJECT, PROJECT_ID, Recorded, answer

    service = Recorded(answer(200, {"data": PROJECT}), answer(404, NOT_FOUND_PROJECT))
    async with service.client() as dd:
        project = await dd.projects.update(
            PROJECT_ID,
            name="Security Investigation (EMEA)",
            settings={"notification": {"enabled": True, "destinations": [1, 3]}},
        )
        with pytest.raises(NotFoundError, match="failed to get project: project not found"):
            await dd.projects.update(PROJECT_ID, enabled_custom_case_types=[])
    assert service.sent(0) == (
        "PATCH",
        f"/api/v2/cases/projects/{PROJECT_ID}",
        {
            "data": {
                "type": "project",
                "attributes": {
                    "name": "Security Investigation (EMEA)",
                    "settings": {"notification": {"enabled": True, "destinations": [1, 3]}},
                },
            }
        },
    )
    assert service.sent(1)[2] == {
        "data": {"type": "project", "attributes": {"enabled_custom_case_types": []}}
    }
    assert project.attributes.name == "Security Investigation (EMEA)"
    assert project.attributes.restricted is False
    assert isinstance(project.attributes.settings, ProjectSettings)
    assert project.attributes.settings.notification.destinations == [1, 3]
    assert project.attributes.columns_config.columns[0].sort_field == "priority"
    assert project.attributes.enabled_custom_case_types == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"name": ""},
        {"name": 3},
        {"enabled_custom_case_types": "abc"},
        {"enabled_custom_case_types": [""]},
        {"settings": "on"},
        {"settings": {"notification": 5}},
        {"columns_config": {"columns": 3}},
    ],
)
async def test_bad_update_arguments_raise_before_sending(kwargs: dict[str, object]) -> None:
    fake = FakeService()
    fake.add_project("SEC")
    async with fake.client() as dd:
        # A wrong value is a ValueError, a wrong type a TypeError (issue 18 item 13).
        with pytest.raises((ValueError, TypeError), match=r"must|nothing to update|not a valid"):
            await dd.projects.update("SEC", **kwargs)  # type: ignore[arg-type]
    assert fake.requests == []
