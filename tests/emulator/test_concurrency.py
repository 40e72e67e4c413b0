"""50 tasks x 100 mixed operations in process: keys unique and gap-free, no lost updates."""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter

import httpx

from ddcases.testing import Emulator

from ._helpers import USER, case_body, create_project
from .conftest import AUTH

TASKS, OPS = 50, 100


async def test_fifty_tasks_of_a_hundred_mixed_operations() -> None:
    # No per-response schema check here: 5,000 validations would dominate the run, and every
    # operation used is checked by the other tests.
    emulator = Emulator()
    async with httpx.AsyncClient(
        transport=emulator.transport(), base_url="http://e", headers=AUTH
    ) as http:
        projects = [await create_project(http, key) for key in ("SEC", "OPS", "NET")]
        created: Counter[str] = Counter()
        priority_writes: dict[str, list[str]] = {}

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            mine: list[str] = []
            for step in range(OPS):
                roll = rng.random()
                if roll < 0.4 or not mine:
                    project = rng.choice(projects)
                    response = await http.post("/api/v2/cases", json=case_body(project["id"]))
                    assert response.status_code == 201
                    key = response.json()["data"]["attributes"]["key"]
                    created[project["attributes"]["key"]] += 1
                    mine.append(key)
                elif roll < 0.6:
                    # Each task writes the priority of its own cases: the last write must stick.
                    key, priority = rng.choice(mine), rng.choice(["P1", "P2", "P3", "P4", "P5"])
                    body = {"data": {"type": "case", "attributes": {"priority": priority}}}
                    response = await http.post(f"/api/v2/cases/{key}/priority", json=body)
                    assert response.status_code == 200
                    priority_writes.setdefault(key, []).append(priority)
                elif roll < 0.75:
                    body = {"data": {"type": "case", "attributes": {"assignee_id": USER}}}
                    assert (
                        await http.post(f"/api/v2/cases/{rng.choice(mine)}/assign", json=body)
                    ).status_code == 200
                elif roll < 0.85:
                    status = rng.choice(["OPEN", "IN_PROGRESS", "CLOSED"])
                    body = {"data": {"type": "case", "attributes": {"status": status}}}
                    assert (
                        await http.post(f"/api/v2/cases/{rng.choice(mine)}/status", json=body)
                    ).status_code == 200
                elif roll < 0.95:
                    assert (await http.get(f"/api/v2/cases/{rng.choice(mine)}")).status_code == 200
                else:
                    params = {"filter": f"project:{rng.choice(projects)['attributes']['key']}"}
                    assert (await http.get("/api/v2/cases", params=params)).status_code == 200
                if step % 7 == 0:
                    await asyncio.sleep(0)

        await asyncio.gather(*(worker(seed) for seed in range(TASKS)))

    cases = list(emulator.store.cases())
    assert sum(emulator.requests.values()) == 3 + TASKS * OPS
    assert len(cases) == sum(created.values()) == emulator.requests["CreateCase"]
    keys = [c.key for c in cases]
    assert len(set(keys)) == len(keys)
    by_project: dict[str, list[int]] = {}
    for key in keys:
        match = re.fullmatch(r"([A-Z]+)-(\d+)", key)
        assert match
        by_project.setdefault(match[1], []).append(int(match[2]))
    for project_key, numbers in by_project.items():
        assert sorted(numbers) == list(range(1, created[project_key] + 1)), project_key
    for key, writes in priority_writes.items():
        assert emulator.store.case(key).priority == writes[-1]
