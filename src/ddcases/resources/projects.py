"""``dd.projects``: create, get, list, update and delete projects, named by key or UUID.

https://docs.datadoghq.com/api/latest/case-management/ (GetProjects, GetProject, CreateProject,
DeleteProject) and UpdateProject (from the live API). The project endpoints take a UUID; keys
are resolved through the client's project-key cache (``_lookup.ProjectKeys``), which these
methods keep current.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from ddcases_api.api.case_management import (
    create_project,
    delete_project,
    get_project,
    get_projects,
    update_project,
)
from ddcases_api.models import (
    Project,
    ProjectColumnsConfig,
    ProjectCreate,
    ProjectCreateAttributes,
    ProjectCreateRequest,
    ProjectResourceType,
    ProjectResponse,
    ProjectSettings,
    ProjectsResponse,
    ProjectUpdate,
    ProjectUpdateAttributes,
    ProjectUpdateRequest,
)
from ddcases_api.types import UNSET, Unset

from .._pagination import AsyncPaginator, RawPage
from .._resource import Resource, Unusable, body_as, data_as, no_body
from .._types import ProjectRef
from .._validation import invalid, resource_id, str_list, text

if TYPE_CHECKING:
    from ._raw import ProjectsWithRawResponse

__all__ = ["Projects"]

_PROJECT = data_as(ProjectResponse, Project)
S = TypeVar("S", ProjectSettings, ProjectColumnsConfig)


def _model(value: object, cls: type[S], what: str) -> S:
    """``value`` as a ``cls``: the model itself, or a mapping in the API's JSON shape."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise invalid(f"{what} must be a {cls.__name__} or a mapping, got {value!r}")
    try:
        return cls.from_dict(dict(value))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # the generated parser
        raise ValueError(f"{what} is not a valid {cls.__name__}: {exc!r}") from None


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
        project = await dd.projects.update("SEC", name="Security (EMEA)")
        await dd.projects.delete("SEC")
    """

    @cached_property
    def with_raw_response(self) -> ProjectsWithRawResponse:
        """The same methods, returning a ``RawResponse`` (body, headers, status, retries)."""
        from ._raw import ProjectsWithRawResponse

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

    async def get(self, project: ProjectRef) -> Project:
        """The project with this key (``"SEC"``) or UUID."""
        project_id = await self._resolve(project)
        return await self._call(get_project.asyncio_detailed, _PROJECT, project_id)

    async def update(
        self,
        project: ProjectRef,
        *,
        name: str | None = None,
        enabled_custom_case_types: Sequence[str] | None = None,
        settings: ProjectSettings | Mapping[str, Any] | None = None,
        columns_config: ProjectColumnsConfig | Mapping[str, Any] | None = None,
    ) -> Project:
        """Change the attributes given (at least one); the others stay as they are.

        ``enabled_custom_case_types`` lists custom case type UUIDs; ``settings`` and
        ``columns_config`` are the generated models or mappings in the API's JSON shape.
        """
        attributes = ProjectUpdateAttributes(
            name=UNSET if name is None else text(name, "name"),
            enabled_custom_case_types=(
                UNSET
                if enabled_custom_case_types is None
                else str_list(
                    enabled_custom_case_types, "enabled_custom_case_types", nonempty_items=True
                )
            ),
            settings=UNSET if settings is None else _model(settings, ProjectSettings, "settings"),
            columns_config=(
                UNSET
                if columns_config is None
                else _model(columns_config, ProjectColumnsConfig, "columns_config")
            ),
        )
        if not attributes.to_dict():
            raise ValueError(
                "nothing to update: pass name, enabled_custom_case_types, settings or"
                " columns_config"
            )
        project_id = await self._resolve(project)
        body = ProjectUpdateRequest(
            data=ProjectUpdate(type_=ProjectResourceType.PROJECT, attributes=attributes)
        )
        return await self._call(update_project.asyncio_detailed, _PROJECT, project_id, body=body)

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
