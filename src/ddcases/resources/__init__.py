"""The namespaces with hand-written methods (``dd.cases``, ``dd.projects``,
``dd.case_types.custom_attributes``).

Each class here subclasses the one ``make generate`` writes from openapi.yaml
(``ddcases_api.facade.<namespace>``) and adds the methods that need judgment; openapi.yaml's
``x-ddcases-hand-written`` lists them, with the reason. The other namespaces are generated whole.
``CaseManagement`` builds each on first use; so is each module here imported (PEP 562), so that
using ``dd.cases`` imports nothing of ``dd.projects``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .case_types_custom_attributes import CustomAttributes
    from .cases import Cases
    from .projects import Projects

__all__ = ["Cases", "CustomAttributes", "Projects"]

_HOMES = {
    "Cases": ".cases",
    "CustomAttributes": ".case_types_custom_attributes",
    "Projects": ".projects",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
