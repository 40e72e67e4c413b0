"""The client's namespaces (``dd.cases``, ``dd.projects``), built lazily by ``CaseManagement``."""

from .cases import Cases
from .projects import Projects

__all__ = ["Cases", "Projects"]
