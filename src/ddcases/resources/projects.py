"""``dd.projects``: the hand-written methods of the namespace, over the generated ones.

The generated class (``ddcases_api.facade.projects.Projects``) has ``get`` and ``update``;
the three here keep the client's project-key cache (``_lookup.ProjectKeys``) current:
``create`` remembers the new key, ``delete`` forgets it, ``list`` (one unpaginated answer served
as a paginator) refreshes the whole cache.
"""

from __future__ import annotations

import builtins
from functools import cached_property

from ddcases_api.api.case_management import create_project, delete_project, get_projects
from ddcases_api.facade import projects as generated
from ddcases_api.models import (
    Project,
    ProjectCreate,
    ProjectCreateAttributes,
    ProjectCreateRequest,
    ProjectResourceType,
    ProjectResponse,
    ProjectsResponse,
)

from .._pagination import AsyncPaginator, RawPage
from .._raw_response import to_raw
from .._resource import data_as, list_data, no_body
from .._types import ProjectRef
from .._validation import resource_id, text

__all__ = ["Projects", "ProjectsWithRawResponse"]

_PROJECT = data_as(ProjectResponse, Project)
_PROJECTS = list_data(ProjectsResponse, Project)


class Projects(generated.Projects):
    """Case Management projects.

    Usage::

        project = await dd.projects.create(key="SEC", name="Security Investigation")
        project = await dd.projects.get("SEC")
        async for p in dd.projects.list(): ...
        project = await dd.projects.update("SEC", name="Security (EMEA)")
        await dd.projects.delete("SEC")
    """

    @cached_property
    def with_raw_response(self) -> ProjectsWithRawResponse:
        """The same methods, returning a ``RawResponse`` (body, headers, status, retries)."""
        return ProjectsWithRawResponse(self)

    async def create(self, key: str, name: str) -> Project:
        """Create a project; its key becomes usable wherever a project is named."""
        body = ProjectCreateRequest(
            data=ProjectCreate(
                attributes=ProjectCreateAttributes(key=text(key, "key"), name=text(name, "name")),
                type_=ProjectResourceType.PROJECT,
            )
        )
        project = await self._call(create_project.asyncio_detailed, _PROJECT, body=body)
        self._client._project_keys.remember(project)
        return project

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
        projects = await self._call(get_projects.asyncio_detailed, _PROJECTS)
        self._client._project_keys.replace(projects)
        return projects

    async def _resolve(self, project: ProjectRef) -> str:
        return await self._client._project_keys.resolve(resource_id(project, "project"))


class ProjectsWithRawResponse(generated.ProjectsWithRawResponse):
    """``dd.projects.with_raw_response``: each method returns a ``RawResponse``.

    ``list`` gives the one page (``raw.parse()`` is the ``Page``, like ``await
    dd.projects.list()``).
    """

    def __init__(self, projects: Projects) -> None:
        super().__init__(projects)
        self.create = to_raw(projects, Projects.create, ProjectResponse)
        self.delete = to_raw(projects, Projects.delete, _NONE)
        self.list = to_raw(projects, Projects.list, ProjectsResponse)


_NONE = type(None)
