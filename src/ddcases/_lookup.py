"""Key-or-UUID references: which one a string is, and project keys resolved to UUIDs.

Cases need nothing here: the API accepts a case key (``SEC-12``) or UUID in the path. Project
endpoints take only the UUID, so a project key (``SEC``) is looked up in the project list,
which is cached for the client's lifetime, refreshed once on a miss and kept current by
``projects.create``/``projects.delete`` on the same client.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from ddcases_api.types import Unset

if TYPE_CHECKING:
    from ddcases_api.models import Project

__all__: list[str] = []

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(ref: str) -> bool:
    """True for the canonical 8-4-4-4-12 hex form, which no project key can take."""
    return _UUID.fullmatch(ref) is not None


def project_key(project: Project) -> str | None:
    attributes = project.attributes
    if isinstance(attributes, Unset) or not isinstance(attributes.key, str):
        return None
    return attributes.key


class ProjectKeys:
    """Project key → UUID, filled from the project list.

    ``fetch`` lists every project (one GetProjects call) and ``not_found`` builds the error
    for a key that is still unknown after a refresh. One refresh runs at a time: callers
    that queued behind a refresh reuse its result instead of listing again, so 50 tasks
    resolving keys cost one list call.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[list[Project]]],
        not_found: Callable[[str], Exception],
    ) -> None:
        self._fetch = fetch
        self._not_found = not_found
        self._ids: dict[str, str] = {}
        self._lock = asyncio.Lock()
        self._generation = 0  # bumped by every completed refresh

    def __repr__(self) -> str:
        return f"<ProjectKeys cached={len(self._ids)}>"

    async def resolve(self, ref: str) -> str:
        """The UUID for ``ref``: itself if it is a UUID, else that project's id."""
        if is_uuid(ref):
            return ref
        if ref in self._ids:
            return self._ids[ref]
        seen = self._generation
        async with self._lock:
            if self._generation == seen:  # nobody refreshed while we waited
                await self.refresh_locked()
        if ref in self._ids:
            return self._ids[ref]
        raise self._not_found(ref)

    async def refresh_locked(self) -> None:
        self.replace(await self._fetch())

    def replace(self, projects: Iterable[Project]) -> None:
        """Start over from a complete project list."""
        self._ids = {key: p.id for p in projects if (key := project_key(p)) is not None}
        self._generation += 1

    def remember(self, project: Project) -> None:
        if (key := project_key(project)) is not None:
            self._ids[key] = project.id

    def forget(self, project_id: str) -> None:
        self._ids = {k: v for k, v in self._ids.items() if v != project_id}
