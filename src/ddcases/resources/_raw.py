"""The ``with_raw_response`` twins of ``dd.cases`` and ``dd.projects`` (see ``_raw_response``).

One line per facade method, as openai-python's ``*WithRawResponse`` classes do: the second
argument names the document (the whole parsed body) for type checkers.
tests/resources/test_raw_response.py checks that every public method has its twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ddcases_api.models import (
    CaseResponse,
    CasesResponse,
    ProjectResponse,
    ProjectsResponse,
    TimelineResponse,
)

from .._raw_response import to_raw

if TYPE_CHECKING:
    from .cases import Cases
    from .projects import Projects

__all__ = ["CasesWithRawResponse", "ProjectsWithRawResponse"]

_NONE = type(None)


class CasesWithRawResponse:
    """``dd.cases.with_raw_response``: each method returns a ``RawResponse``.

    ``search`` returns the first page's (``raw.parse()`` is that ``Page``, like ``await
    dd.cases.search(...)``).
    """

    def __init__(self, cases: Cases) -> None:
        from .cases import Cases

        self.create = to_raw(cases, Cases.create, CaseResponse)
        self.get = to_raw(cases, Cases.get, CaseResponse)
        self.search = to_raw(cases, Cases.search, CasesResponse)
        self.update_status = to_raw(cases, Cases.update_status, CaseResponse)
        self.update_priority = to_raw(cases, Cases.update_priority, CaseResponse)
        self.assign = to_raw(cases, Cases.assign, CaseResponse)
        self.unassign = to_raw(cases, Cases.unassign, CaseResponse)
        self.archive = to_raw(cases, Cases.archive, CaseResponse)
        self.unarchive = to_raw(cases, Cases.unarchive, CaseResponse)
        self.update_title = to_raw(cases, Cases.update_title, CaseResponse)
        self.update_description = to_raw(cases, Cases.update_description, CaseResponse)
        self.comment = to_raw(cases, Cases.comment, TimelineResponse)
        self.delete_comment = to_raw(cases, Cases.delete_comment, _NONE)
        self.update_attributes = to_raw(cases, Cases.update_attributes, CaseResponse)
        self.update_custom_attribute = to_raw(cases, Cases.update_custom_attribute, CaseResponse)
        self.delete_custom_attribute = to_raw(cases, Cases.delete_custom_attribute, CaseResponse)


class ProjectsWithRawResponse:
    """``dd.projects.with_raw_response``: each method returns a ``RawResponse``.

    ``list`` gives the one page (``raw.parse()`` is the ``Page``, like ``await
    dd.projects.list()``).
    """

    def __init__(self, projects: Projects) -> None:
        from .projects import Projects

        self.create = to_raw(projects, Projects.create, ProjectResponse)
        self.get = to_raw(projects, Projects.get, ProjectResponse)
        self.update = to_raw(projects, Projects.update, ProjectResponse)
        self.delete = to_raw(projects, Projects.delete, _NONE)
        self.list = to_raw(projects, Projects.list, ProjectsResponse)
