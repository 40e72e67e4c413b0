"""``dd.projects``: create, get, list and delete projects, named by key or UUID.

https://docs.datadoghq.com/api/latest/case-management/ (GetProjects, GetProject, CreateProject,
DeleteProject). The project endpoints take a UUID; keys are resolved through the client's
project-key cache (``_lookup.ProjectKeys``), which these methods keep current.
"""

from __future__ import annotations

import builtins

from ddcases_api.api.case_management import (
    create_project,
    delete_project,
    get_project,
    get_projects,
)
from ddcases_api.models import (
    Project,
    ProjectCreate,
    ProjectCreateAttributes,
    ProjectCreateRequest,
    ProjectResourceType,
    ProjectResponse,
    ProjectsResponse,
)
from ddcases_api.types import Unset

from .._pagination import AsyncPaginator, RawPage
from .._resource import Resource, Unusable, body_as, data_as, no_body
from .._types import ProjectRef
from .._validation import resource_id, text

__all__ = ["Projects"]


def _projects(parsed: object) -> list[Project]:
    data = body_as(ProjectsResponse)(parsed).data
    if isinstance(data, Unset):
        return []
    if not all(isinstance(p, Project) for p in data):  # pragma: no cover - the parser ensures it
        raise Unusable("expected ProjectsResponse.data to be a list of Project")
    return data


class Projects(Resource):
    """Case Management projects.

    Usage::

        project = await dd.projects.create(key="SEC", name="Security Investigation")
        project = await dd.projects.get("SEC")
        async for p in dd.projects.list(): ...
        await dd.projects.delete("SEC")
    """

    async def create(self, key: str, name: str) -> Project:
        """Create a project; its key becomes usable wherever a project is named."""
        body = ProjectCreateRequest(
            data=ProjectCreate(
                attributes=ProjectCreateAttributes(key=text(key, "key"), name=text(name, "name")),
                type_=ProjectResourceType.PROJECT,
            )
        )
        project = await self._call(
            create_project.asyncio_detailed, data_as(ProjectResponse, Project), body=body
        )
        self._client._project_keys.remember(project)
        return project

    async def get(self, project: ProjectRef) -> Project:
        """The project with this key (``"SEC"``) or UUID."""
        project_id = await self._resolve(project)
        return await self._call(
            get_project.asyncio_detailed, data_as(ProjectResponse, Project), project_id
        )

    async def delete(self, project: ProjectRef) -> None:
        """Delete the project with this key or UUID."""
        project_id = await self._resolve(project)
        await self._call(delete_project.asyncio_detailed, no_body, project_id)
        self._client._project_keys.forget(project_id)

    def list(self) -> AsyncPaginator[Project]:
        """Every project, as the same paginator ``dd.cases.search()`` returns.

        GetProjects is a single, unpaginated request, so there is one page: ``async for
        project in dd.projects.list(): ...`` or ``page = await dd.projects.list()``
        (``page.items``). Nothing is sent until then.
        """

        async def fetch(number: int) -> RawPage[Project]:
            projects = await self._fetch_all()
            return RawPage(projects, total_pages=1, total_items=len(projects))

        return AsyncPaginator(fetch, key=lambda p: p.id, page_size=1, prefetch=False)

    async def _fetch_all(self) -> builtins.list[Project]:
        projects = await self._call(get_projects.asyncio_detailed, _projects)
        self._client._project_keys.replace(projects)
        return projects

    async def _resolve(self, project: ProjectRef) -> str:
        return await self._client._project_keys.resolve(resource_id(project, "project"))
