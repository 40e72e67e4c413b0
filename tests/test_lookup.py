"""Project key-or-UUID resolution: cache, one refresh on a miss, invalidation, concurrency."""

from __future__ import annotations

import asyncio

import pytest

from ddcases import NotFoundError
from ddcases._lookup import is_uuid

from ._fake_service import FakeService


def project_lists(fake: FakeService) -> int:
    return sum(1 for r in fake.requests if r.method == "GET" and r.url.path.endswith("/projects"))


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("e555e290-ed65-49bd-ae18-8acbfcf18db7", True),
        ("E555E290-ED65-49BD-AE18-8ACBFCF18DB7", True),
        ("e555e290ed6549bdae188acbfcf18db7", False),  # parses, but not canonical
        ("{e555e290-ed65-49bd-ae18-8acbfcf18db7}", False),
        ("SEC", False),
        ("e555e290-ed65-49bd-ae18-8acbfcf18db7x", False),
    ],
)
def test_is_uuid(ref: str, expected: bool) -> None:
    assert is_uuid(ref) is expected


async def test_key_is_resolved_once_and_cached() -> None:
    fake = FakeService()
    sec = fake.add_project("SEC")
    async with fake.client() as dd:
        assert (await dd.projects.get("SEC")).id == sec["id"]
        assert (await dd.projects.get("SEC")).id == sec["id"]
    assert project_lists(fake) == 1
    assert fake.paths()[-1] == f"GET /api/v2/cases/projects/{sec['id']}"


async def test_uuid_skips_the_list_call() -> None:
    fake = FakeService()
    sec = fake.add_project("SEC")
    async with fake.client() as dd:
        assert (await dd.projects.get(sec["id"])).attributes.key == "SEC"
        await dd.cases.create(sec["id"], "t")
    assert project_lists(fake) == 0


async def test_miss_refreshes_once_then_not_found_names_the_key() -> None:
    fake = FakeService()
    fake.add_project("SEC")
    async with fake.client() as dd:
        await dd.projects.get("SEC")
        late = fake.add_project("OPS")  # created elsewhere after the cache was filled
        assert (await dd.projects.get("OPS")).id == late["id"]
        assert project_lists(fake) == 2
        with pytest.raises(NotFoundError, match="'NOPE'") as info:
            await dd.projects.get("NOPE")
        assert info.value.lookup == "NOPE"
        assert info.value.status_code == 404
        assert project_lists(fake) == 3  # exactly one refresh for the miss
        with pytest.raises(NotFoundError):
            await dd.cases.create("NOPE", "title")
    assert not any(r.method == "POST" for r in fake.requests)


async def test_create_and_delete_update_the_cache() -> None:
    fake = FakeService()
    async with fake.client() as dd:
        created = await dd.projects.create("SEC", "Security")
        case = await dd.cases.create("SEC", "t")  # resolved from the create, no list call
        assert case.relationships.project.data.id == created.id
        assert project_lists(fake) == 0
        await dd.projects.delete("SEC")
        assert project_lists(fake) == 0  # the delete found "SEC" in the cache too
        with pytest.raises(NotFoundError):
            await dd.projects.get("SEC")  # forgotten: the miss refreshes and finds nothing
        assert project_lists(fake) == 1
    assert fake.paths()[-1] == "GET /api/v2/cases/projects"


async def test_delete_by_uuid_forgets_the_key() -> None:
    fake = FakeService()
    sec = fake.add_project("SEC")
    async with fake.client() as dd:
        await dd.projects.get("SEC")
        await dd.projects.delete(sec["id"])
        fake.add_project("SEC")  # recreated elsewhere with a new id
        assert (await dd.projects.get("SEC")).id != sec["id"]


async def test_listing_refreshes_the_cache() -> None:
    fake = FakeService()
    sec = fake.add_project("SEC")
    async with fake.client() as dd:
        assert [p.id async for p in dd.projects.list()] == [sec["id"]]
        await dd.projects.get("SEC")
    assert project_lists(fake) == 1


async def test_concurrent_resolutions_share_one_list_call() -> None:
    fake = FakeService(delay=0.01)
    fake.add_project("SEC")
    fake.add_project("OPS")
    async with fake.client() as dd:
        results = await asyncio.gather(
            *(dd.projects.get("SEC" if i % 2 else "OPS") for i in range(50))
        )
    assert {p.attributes.key for p in results} == {"SEC", "OPS"}
    assert project_lists(fake) == 1


async def test_concurrent_unknown_keys_share_one_refresh() -> None:
    fake = FakeService(delay=0.01)
    fake.add_project("SEC")
    async with fake.client() as dd:
        await dd.projects.get("SEC")
        results = await asyncio.gather(
            *(dd.projects.get("NOPE") for _ in range(20)), return_exceptions=True
        )
    assert all(isinstance(r, NotFoundError) for r in results)
    assert project_lists(fake) == 2
