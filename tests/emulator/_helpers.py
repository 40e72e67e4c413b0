"""Small request builders shared by the emulator tests."""

from __future__ import annotations

from typing import Any

import httpx

STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"
USER = "9b1f8a6e-4b7c-4a55-8f1f-2f7e0c1d2a3b"


async def create_project(http: httpx.AsyncClient, key: str = "SEC", name: str = "Sec") -> Any:
    body = {"data": {"type": "project", "attributes": {"key": key, "name": name}}}
    response = await http.post("/api/v2/cases/projects", json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def case_body(project_id: str, title: str = "Leaked token", **attributes: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {"title": title, "type": "STANDARD", **attributes}
    return {
        "data": {
            "type": "case",
            "attributes": {k: v for k, v in attrs.items() if v is not None},
            "relationships": {"project": {"data": {"id": project_id, "type": "project"}}},
        }
    }


async def create_case(http: httpx.AsyncClient, project_id: str, **attributes: Any) -> Any:
    response = await http.post("/api/v2/cases", json=case_body(project_id, **attributes))
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def action(http: httpx.AsyncClient, case: str, name: str, **attributes: Any) -> Any:
    data: dict[str, Any] = {"type": "case"}
    if attributes:
        data["attributes"] = attributes
    response = await http.post(f"/api/v2/cases/{case}/{name}", json={"data": data})
    assert response.status_code == 200, response.text
    return response.json()["data"]
