"""Async Python SDK for the Datadog Case Management API.

Usage::

    from ddcases import CaseManagement

    async with CaseManagement() as dd:
        case = await dd.cases.get("SEC-12")
"""

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
