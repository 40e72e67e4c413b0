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
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import threading
import uuid
from collections.abc import Callable, Iterator

__all__ = ["STANDARD_TYPE_ID", "Case", "NotFound", "Project", "Store", "User", "user_id_for"]

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
                status="OPEN",
                created_at=now,
                modified_at=now,
                created_by=user_id,
                modified_by=user_id,
                assignee_id=assignee_id,
            )
            self._cases[case.id] = case
            self._case_keys[case.key] = case.id
            self.user(user_id)
            if assignee_id is not None:
                self.user(assignee_id)
            return dataclasses.replace(case)

    def case(self, case_id: str) -> Case:
        """A copy of the case with this UUID or key (keys are matched case-insensitively)."""
        with self._lock:
            return dataclasses.replace(self._find(case_id))

    def cases(self) -> Iterator[Case]:
        """A snapshot (copies) of every case, in creation order."""
        with self._lock:
            snapshot = [dataclasses.replace(c) for c in self._cases.values()]
        return iter(snapshot)

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
    ) -> Case:
        """Apply one change atomically; every call is a change, so ``modified_at`` always moves."""
        with self._lock:
            case = self._find(case_id)
            now = self._clock()
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
            return dataclasses.replace(case)
