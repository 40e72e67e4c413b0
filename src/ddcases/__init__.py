"""Async Python SDK for the Datadog Case Management API.

Usage::

    from ddcases import CaseManagement

    async with CaseManagement() as dd:
        case = await dd.cases.get("SEC-12")
"""

import typing as _typing

from ._client import CaseManagement
from ._exceptions import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CreateOutcomeUnknownError,
    DDCasesError,
    ErrorDetail,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from ._pagination import AsyncPaginator, Page
from ._types import CaseRef, ProjectRef
from ._version import __version__ as __version__

if _typing.TYPE_CHECKING:
    from ddcases_api.models import (
        Case,
        CaseAttributes,
        CasePriority,
        CaseSortableField,
        CaseStatus,
        CaseType,
        Project,
        ProjectAttributes,
    )

# The generated models are re-exported on first use, so importing the client doesn't load
# them (PEP 562; measured by bench/compare_official.py (d)).
_MODELS = frozenset(
    {
        "Case",
        "CaseAttributes",
        "CasePriority",
        "CaseSortableField",
        "CaseStatus",
        "CaseType",
        "Project",
        "ProjectAttributes",
    }
)


def __getattr__(name: str) -> _typing.Any:
    if name in _MODELS:
        import ddcases_api.models

        value = getattr(ddcases_api.models, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODELS})


__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Case",
    "CaseAttributes",
    "CaseManagement",
    "CasePriority",
    "CaseRef",
    "CaseSortableField",
    "CaseStatus",
    "CaseType",
    "ConflictError",
    "CreateOutcomeUnknownError",
    "DDCasesError",
    "ErrorDetail",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "Project",
    "ProjectAttributes",
    "ProjectRef",
    "RateLimitError",
    "ServerError",
    "UnexpectedResponseError",
]
