"""In-memory state of the emulated service: projects, cases and the users they mention.

Knows nothing about HTTP. Every method is synchronous and takes ``self._lock`` for its whole body,
so each operation is atomic whether the server runs on one event loop (no ``await`` can interleave
inside a method) or a caller shares a store between threads. That is what keeps case keys unique
and gap-free per project and prevents lost updates under concurrent requests.

Decisions where the reference is silent (tests in tests/emulator/ pin each one):

* Deleting a project deletes its cases with it: afterwards ``GET`` of any of them answers 404 and
  search no longer shows them. The key becomes free for a new project, but case numbers continue
  where the deleted project stopped, so a case key never names two different cases.
* A duplicate project key is a ``ValueError`` here and a 400 over HTTP: the spec documents 400 (not
  409) for CreateProject, and the reference lists no conflict response anywhere.
* Case numbers come from one counter per project key, incremented under the lock: ``SEC-1``,
  ``SEC-2``, ... never reused.
* Deleting a comment lowers the case's ``comment_count``; a deleted comment stays deleted (404).
* Moving a case to another project gives it the next key there (``OPS-3``); its old key no longer
  names it (404), and the old project's numbers are not reused.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import hashlib
import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from ._case_types import CustomAttribute

__all__ = [
    "STANDARD_TYPE_ID",
    "Case",
    "Comment",
    "NotFound",
    "Project",
    "Store",
    "User",
    "user_id_for",
]

#: The case type UUID the official client sends as ``type_id``; it means type ``STANDARD``.
STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"
_USER_NAMESPACE = uuid.UUID("6f1f0a3e-2b1e-5c2a-9a57-0dd0ca5e5000")

Clock = Callable[[], datetime.datetime]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def user_id_for(credential: str) -> str:
    """A stable user UUID for one credential (key pair or token), derived so it can't be reversed.

    The credential is hashed before it reaches uuid5, so neither the id nor anything logged can
    reveal a key.
    """
    digest = hashlib.sha256(credential.encode()).hexdigest()
    return str(uuid.uuid5(_USER_NAMESPACE, digest))


class NotFound(LookupError):
    """A project or case that does not exist (or no longer exists)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"{kind} not found")
        self.kind = kind


@dataclasses.dataclass
class User:
    id: str
    handle: str
    name: str
    email: str


@dataclasses.dataclass
class Project:
    id: str
    key: str
    name: str
    created_by: str
    restricted: bool = False
    enabled_custom_case_types: list[str] = dataclasses.field(default_factory=list)
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    columns_config: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Comment:
    id: str
    message: str
    author_id: str
    created_at: datetime.datetime
    modified_at: datetime.datetime | None = None


@dataclasses.dataclass
class Case:
    id: str
    seq: int
    key: str
    project_id: str
    title: str
    description: str
    type: str
    type_id: str
    priority: str
    status: str
    created_at: datetime.datetime
    modified_at: datetime.datetime
    created_by: str
    modified_by: str
    closed_at: datetime.datetime | None = None
    archived_at: datetime.datetime | None = None
    assignee_id: str | None = None
    attributes: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    #: key -> {"type", "is_multi", "value"}
    custom_attributes: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    comment_count: int = 0
    # Issue 16 (see _case_life): shown on the case, changed through ``Store.change``.
    due_date: str | None = None
    security_resolved_reason: str | None = None
    insights: list[dict[str, str]] = dataclasses.field(default_factory=list)
    jira_issue: dict[str, Any] | None = None
    service_now_ticket: dict[str, Any] | None = None


class Store:
    """All state of one emulator instance.

    Usage::

        store = Store()
        project = store.create_project("SEC", "Security", user_id)
        case = store.create_case(project.id, title="Leak", user_id=user_id)
        store.update(case.key, user_id, status="CLOSED")
    """

    def __init__(self, clock: Clock = _utcnow) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._projects: dict[str, Project] = {}
        self._cases: dict[str, Case] = {}
        self._case_keys: dict[str, str] = {}
        self._numbers: dict[str, int] = {}
        self._users: dict[str, User] = {}
        self._comments: dict[str, dict[str, Comment]] = {}  # case id -> cell id -> comment
        from ._config_store import ConfigStore  # it imports NotFound from here

        #: case types, custom-attribute configs, rules, views, windows, favorites
        self.config = ConfigStore(self._lock, clock)

    # ---------------------------------------------------------------- users

    def user(self, user_id: str, *, name: str | None = None) -> User:
        """The user with this id, made up (and remembered) the first time it is mentioned."""
        with self._lock:
            found = self._users.get(user_id)
            if found is None:
                short = user_id.replace("-", "")[:8]
                found = User(
                    id=user_id,
                    handle=f"user-{short}@example.com",
                    name=name or f"Emulated User {short}",
                    email=f"user-{short}@example.com",
                )
                self._users[user_id] = found
            return found

    # ---------------------------------------------------------------- projects

    def create_project(self, key: str, name: str, user_id: str) -> Project:
        with self._lock:
            if any(p.key == key for p in self._projects.values()):
                raise ValueError(f'a project with key "{key}" already exists')
            project = Project(id=str(uuid.uuid4()), key=key, name=name, created_by=user_id)
            self._projects[project.id] = project
            self.user(user_id)
            return dataclasses.replace(project)

    def projects(self) -> list[Project]:
        with self._lock:
            return list(self._projects.values())

    def update_project(self, project_id: str, changes: dict[str, Any]) -> Project:
        """Set the given attributes (name, enabled_custom_case_types, settings, columns_config)."""
        with self._lock:
            project = self.project(project_id)
            for name, value in changes.items():
                setattr(project, name, value)
            return dataclasses.replace(project)

    def project(self, project_id: str) -> Project:
        with self._lock:
            found = self._projects.get(project_id.lower())
            if found is None:
                raise NotFound("project")
            return found

    def delete_project(self, project_id: str) -> None:
        """Remove the project and every case in it (see the module docstring)."""
        with self._lock:
            project = self.project(project_id)
            del self._projects[project.id]
            for case in [c for c in self._cases.values() if c.project_id == project.id]:
                del self._cases[case.id]
                del self._case_keys[case.key]
                self._comments.pop(case.id, None)

    # ---------------------------------------------------------------- cases

    def create_case(
        self,
        project_id: str,
        *,
        title: str,
        user_id: str,
        description: str = "",
        priority: str = "NOT_DEFINED",
        type_: str = "STANDARD",
        type_id: str = STANDARD_TYPE_ID,
        assignee_id: str | None = None,
        status: str = "OPEN",
    ) -> Case:
        with self._lock:
            project = self.project(project_id)
            number = self._numbers.get(project.key, 0) + 1
            self._numbers[project.key] = number
            now = self._clock()
            case = Case(
                id=str(uuid.uuid4()),
                seq=next(self._seq),
                key=f"{project.key}-{number}",
                project_id=project.id,
                title=title,
                description=description,
                type=type_,
                type_id=type_id,
                priority=priority,
                status=status,
                created_at=now,
                modified_at=now,
                created_by=user_id,
                modified_by=user_id,
                assignee_id=assignee_id,
                closed_at=now if status == "CLOSED" else None,
            )
            self._cases[case.id] = case
            self._case_keys[case.key] = case.id
            self.user(user_id)
            if assignee_id is not None:
                self.user(assignee_id)
            return _copy(case)

    def case(self, case_id: str) -> Case:
        """A copy of the case with this UUID or key (keys are matched case-insensitively)."""
        with self._lock:
            return _copy(self._find(case_id))

    def cases(self) -> Iterator[Case]:
        """A snapshot (copies) of every case, in creation order."""
        with self._lock:
            snapshot = [_copy(c) for c in self._cases.values()]
        return iter(snapshot)

    # ---------------------------------------------------------------- comments

    def add_comment(self, case_id: str, user_id: str, message: str) -> Comment:
        with self._lock:
            case = self._find(case_id)
            comment = Comment(str(uuid.uuid4()), message, user_id, self._clock())
            self._comments.setdefault(case.id, {})[comment.id] = comment
            case.comment_count += 1
            self.user(user_id)
            return comment

    def delete_comment(self, case_id: str, cell_id: str) -> None:
        with self._lock:
            case = self._find(case_id)
            if self._comments.get(case.id, {}).pop(cell_id.lower(), None) is None:
                raise NotFound("timeline cell")
            case.comment_count -= 1

    def comments(self, case_id: str) -> list[Comment]:
        """The case's comments, oldest first."""
        with self._lock:
            return list(self._comments.get(self._find(case_id).id, {}).values())

    def edit_comment(self, case_id: str, cell_id: str, message: str) -> Comment:
        with self._lock:
            cells = self._comments.get(self._find(case_id).id, {})
            old = cells.get(cell_id.lower())
            if old is None:
                raise NotFound("timeline cell")
            cells[old.id] = dataclasses.replace(old, message=message, modified_at=self._clock())
            return cells[old.id]

    # ---------------------------------------------------------------- issue 16's changes

    def change(self, case_id: str, user_id: str | None, apply: Callable[[Case], None]) -> Case:
        """Run ``apply`` on the stored case atomically; a user's change moves ``modified_at``
        (``user_id=None`` is the service itself, e.g. a Jira issue that finished)."""
        with self._lock:
            case = self._find(case_id)
            apply(case)
            if user_id is not None:
                case.modified_at = self._clock()
                case.modified_by = user_id
                self.user(user_id)
            return _copy(case)

    def move(self, case_id: str, project_id: str, user_id: str) -> Case:
        """Move the case to another project, with the next key there (see the module docstring)."""
        with self._lock:
            case, project = self._find(case_id), self.project(project_id)
            if case.project_id != project.id:
                number = self._numbers.get(project.key, 0) + 1
                self._numbers[project.key] = number
                del self._case_keys[case.key]
                case.key, case.project_id = f"{project.key}-{number}", project.id
                self._case_keys[case.key] = case.id
            return self.change(case.id, user_id, lambda _: None)

    # ---------------------------------------------------------------- custom attributes

    def define_custom_attribute(
        self, definition: CustomAttribute, case_type_id: str = STANDARD_TYPE_ID
    ) -> None:
        """A shortcut over ``config``: the case type's config of this key, created or replaced."""
        self.config.define(case_type_id, definition)

    def custom_attribute(self, key: str, case_type_id: str = STANDARD_TYPE_ID) -> CustomAttribute:
        """How cases of this type hold ``key`` (NotFound when the type does not define it)."""
        return self.config.definition(case_type_id, key)

    def _find(self, case_id: str) -> Case:
        found = self._cases.get(case_id.lower()) or self._cases.get(
            self._case_keys.get(case_id.upper(), "")
        )
        if found is None:
            raise NotFound("case")
        return found

    def update(
        self,
        case_id: str,
        user_id: str,
        *,
        status: str | None = None,
        priority: str | None = None,
        assignee_id: str | None = None,
        unassign: bool = False,
        archived: bool | None = None,
        title: str | None = None,
        description: str | None = None,
        attributes: dict[str, list[str]] | None = None,
        custom: tuple[str, dict[str, Any] | None] | None = None,
    ) -> Case:
        """Apply one change atomically; every call is a change, so ``modified_at`` always moves.

        ``custom`` is ``(key, value)``; a None value removes the key.
        """
        with self._lock:
            case = self._find(case_id)
            now = self._clock()
            if title is not None:
                case.title = title
            if description is not None:
                case.description = description
            if attributes is not None:
                case.attributes = attributes
            if custom is not None:
                key, value = custom
                if value is None:
                    case.custom_attributes.pop(key, None)
                else:
                    case.custom_attributes[key] = value
            if status is not None:
                if status == "CLOSED" and case.status != "CLOSED":
                    case.closed_at = now
                elif status != "CLOSED":
                    case.closed_at = None
                case.status = status
            if priority is not None:
                case.priority = priority
            if assignee_id is not None:
                case.assignee_id = assignee_id
                self.user(assignee_id)
            if unassign:
                case.assignee_id = None
            if archived is True and case.archived_at is None:
                case.archived_at = now
            elif archived is False:
                case.archived_at = None
            case.modified_at = now
            case.modified_by = user_id
            self.user(user_id)
            return _copy(case)


def _copy(case: Case) -> Case:
    """A copy that shares no mutable member with the stored case."""
    return dataclasses.replace(
        case,
        attributes={k: list(v) for k, v in case.attributes.items()},
        custom_attributes={k: dict(v) for k, v in case.custom_attributes.items()},
        insights=[dict(i) for i in case.insights],
        jira_issue=copy.deepcopy(case.jira_issue),
        service_now_ticket=copy.deepcopy(case.service_now_ticket),
    )
