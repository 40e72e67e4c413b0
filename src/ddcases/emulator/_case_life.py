"""State and rules of issue 16's operations that live beside the cases: links, watchers,
notebooks, Jira/ServiceNow jobs, and the grouping behind CountCases and AggregateCases.

Knows nothing about HTTP. Decisions where the sources are silent (tests in
tests/emulator/test_case_life_routes.py pin each one):

* Watching twice keeps one watcher (201 again); unwatching a user who is not watching is a 204.
* A link joins two entity ends; a ``CASE`` end must be an existing case (stored by UUID, a key is
  accepted), other ends are not checked. The same link sent twice makes two links. Linking an
  incident adds the link CASE -RELATES_TO-> INCIDENT, once.
* CreateCaseJiraIssue / CreateCaseServiceNowTicket set the case's member to ``IN_PROGRESS``; the
  job finishes ``integration_delay`` seconds later (on the serving event loop) as ``COMPLETED``
  with a made-up ``result``. ``integration_delay = None`` leaves jobs running until
  ``complete_integrations()``, for tests that look at ``IN_PROGRESS``. A new create replaces the
  case's earlier issue or ticket; unlinking forgets a running job.
* Counting and aggregating group by the filter language's fields; a case without a value for a
  field (no assignee) is left out of that field's groups.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from ._store import Case, NotFound, Store

__all__ = ["GROUP_FIELDS", "CaseLife", "Link", "aggregate_groups", "count_groups", "jira_result"]

#: Fields CountCases and AggregateCases group by (the filter language's, but ``key``).
GROUP_FIELDS = ("status", "priority", "project", "assignee", "archived", "type")
DEFAULT_INTEGRATION_DELAY = 0.05
_JIRA_KEY = re.compile(r"^([A-Z][A-Z0-9_]*)-([0-9]+)$")


@dataclasses.dataclass(frozen=True)
class Link:
    id: str
    parent_entity_type: str
    parent_entity_id: str
    child_entity_type: str
    child_entity_id: str
    relationship: str

    def document(self) -> dict[str, Any]:
        attributes = dataclasses.asdict(self)
        del attributes["id"]
        return {"id": self.id, "type": "link", "attributes": attributes}


class CaseLife:
    """Links, watchers, notebooks and integration jobs of one emulator (``app.state.case_life``)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._links: dict[str, Link] = {}
        self._watchers: dict[str, dict[str, str]] = {}  # case id -> user id -> watcher id
        self._notebooks: Counter[str] = Counter()  # case id -> notebooks created
        self._jobs: dict[tuple[str, str], str] = {}  # (case id, member) -> job token
        self._manual: list[tuple[Store, str, str, str, Any]] = []  # jobs left to complete_...
        self._numbers = itertools.count(1)
        #: Seconds until a Jira/ServiceNow job completes; None: only ``complete_integrations()``.
        self.integration_delay: float | None = DEFAULT_INTEGRATION_DELAY

    # ---------------------------------------------------------------- watchers

    def watch(self, case_id: str, user_id: str) -> None:
        with self._lock:
            self._watchers.setdefault(case_id, {}).setdefault(user_id, str(uuid.uuid4()))

    def unwatch(self, case_id: str, user_id: str) -> None:
        with self._lock:
            self._watchers.get(case_id, {}).pop(user_id, None)

    def watchers(self, case_id: str) -> list[tuple[str, str]]:
        """(watcher id, user id) pairs, in the order the users started watching."""
        with self._lock:
            return [(w, u) for u, w in self._watchers.get(case_id, {}).items()]

    # ---------------------------------------------------------------- links

    def add_link(self, **ends: str) -> Link:
        with self._lock:
            link = Link(id=str(uuid.uuid4()), **ends)
            self._links[link.id] = link
            return link

    def link_once(self, **ends: str) -> Link:
        """The link with these ends, made if it does not exist yet."""
        with self._lock:
            for link in self._links.values():
                if dataclasses.asdict(link) | {"id": ""} == ends | {"id": ""}:
                    return link
            return self.add_link(**ends)

    def links(self, entity_type: str, entity_id: str, relationship: str | None) -> list[Link]:
        with self._lock:
            return [
                link
                for link in self._links.values()
                if (
                    (link.parent_entity_type, link.parent_entity_id) == (entity_type, entity_id)
                    or (link.child_entity_type, link.child_entity_id) == (entity_type, entity_id)
                )
                and relationship in (None, link.relationship)
            ]

    def delete_link(self, link_id: str) -> None:
        with self._lock:
            if self._links.pop(link_id.lower(), None) is None:
                raise NotFound("link")

    # ---------------------------------------------------------------- notebooks

    def add_notebook(self, case_id: str) -> None:
        with self._lock:
            self._notebooks[case_id] += 1

    def notebooks(self, case_id: str) -> int:
        with self._lock:
            return self._notebooks[case_id]

    # ---------------------------------------------------------------- Jira and ServiceNow jobs

    def start(self, store: Store, case_id: str, user_id: str, member: str, result: Any) -> None:
        """Set the case's ``member`` (``jira_issue``/``service_now_ticket``) to IN_PROGRESS and
        schedule its completion with ``result``."""
        token = str(next(self._numbers))
        with self._lock:
            case = store.change(case_id, user_id, _setter(member, {"status": "IN_PROGRESS"}))
            self._jobs[(case.id, member)] = token
            pending = (store, case.id, member, token, result)
        if self.integration_delay is not None:
            asyncio.get_running_loop().call_later(self.integration_delay, self._finish, *pending)
        else:
            with self._lock:
                self._manual.append(pending)

    def forget(self, case_id: str, member: str) -> None:
        with self._lock:
            self._jobs.pop((case_id, member), None)

    def complete_integrations(self) -> int:
        """Finish every job left running with ``integration_delay = None``; how many finished."""
        with self._lock:
            pending, self._manual = self._manual, []
        return sum(self._finish(*job) for job in pending)

    def _finish(self, store: Store, case_id: str, member: str, token: str, result: Any) -> bool:
        with self._lock:
            if self._jobs.get((case_id, member)) != token:
                return False  # unlinked or replaced meanwhile
            del self._jobs[(case_id, member)]
            try:
                store.change(
                    case_id, None, _setter(member, {"status": "COMPLETED", "result": result})
                )
            except NotFound:  # the case was deleted with its project
                return False
            return True


def _setter(member: str, value: dict[str, Any] | None) -> Any:
    def apply(case: Case) -> None:
        setattr(case, member, value)

    return apply


def jira_result(url: str) -> dict[str, str] | None:
    """The ``jira_issue.result`` a Jira issue URL names (``.../browse/PROJ-123``), or None."""
    parts = urlsplit(url)
    key = parts.path.rstrip("/").rsplit("/", 1)[-1]
    found = _JIRA_KEY.match(key)
    if parts.scheme not in ("http", "https") or not parts.netloc or found is None:
        return None
    return {
        "issue_id": str(10000 + int(found.group(2))),
        "issue_key": key,
        "issue_url": url,
        "project_key": found.group(1),
    }


# ---------------------------------------------------------------- CountCases, AggregateCases


def _value(store: Store, case: Case, field: str) -> str | None:
    if field == "project":
        try:
            return store.project(case.project_id).key
        except NotFound:
            return None
    if field == "assignee":
        return case.assignee_id
    if field == "archived":
        return "true" if case.archived_at is not None else "false"
    if field == "type":
        return case.type
    return str(getattr(case, field))


def _ranked(counts: Counter[str], limit: int | None) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked if limit is None else ranked[:limit]


def count_groups(
    store: Store, cases: Iterable[Case], fields: list[str], limit: int | None
) -> list[dict[str, Any]]:
    """CountCases' ``groups``: per field, the most frequent values first."""
    matched = list(cases)
    groups = []
    for field in fields:
        counts = Counter(v for c in matched if (v := _value(store, c, field)) is not None)
        values = [{"value": v, "count": n} for v, n in _ranked(counts, limit)]
        groups.append({"group": field, "group_values": values})
    return groups


def aggregate_groups(
    store: Store, cases: Iterable[Case], fields: list[str], limit: int
) -> tuple[list[dict[str, Any]], int]:
    """AggregateCases' ``groups`` (one per combination of values) and ``total``."""
    matched = list(cases)
    counts: Counter[str] = Counter()
    for case in matched:
        values = [_value(store, case, field) for field in fields]
        if fields and None not in values:
            counts[",".join(v for v in values if v is not None)] += 1
    groups = [{"group": g, "value": [float(n)]} for g, n in _ranked(counts, limit)]
    return groups, len(matched)
