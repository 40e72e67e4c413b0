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
from ._raw_response import RawResponse
from ._types import CaseRef, ProjectRef
from ._version import __version__ as __version__

if _typing.TYPE_CHECKING:
    from ddcases_api.models import (
        Case,
        CaseAttributes,
        CasePriority,
        CaseSortableField,
        CaseStatus,
        CaseStatusGroup,
        CaseType,
        CustomAttributeType,
        CustomAttributeValue,
        IncludedUser,
        Project,
        ProjectAttributes,
        ProjectColumnsConfig,
        ProjectSettings,
    )
    from ddcases_api.models import TimelineCellResource as Comment
    from ddcases_api.types import Unset

# The generated models are re-exported on first use, so importing the client doesn't load
# them (PEP 562; measured by bench/compare_official.py (d)). Public name -> generated name.
_MODELS = {
    "Case": "Case",
    "CaseAttributes": "CaseAttributes",
    "CasePriority": "CasePriority",
    "CaseSortableField": "CaseSortableField",
    "CaseStatus": "CaseStatus",
    "CaseStatusGroup": "CaseStatusGroup",
    "CaseType": "CaseType",
    # What dd.cases.comment returns: a timeline cell (Datadog's TimelineCellResource).
    "Comment": "TimelineCellResource",
    "CustomAttributeType": "CustomAttributeType",
    "CustomAttributeValue": "CustomAttributeValue",
    "IncludedUser": "IncludedUser",
    "Project": "Project",
    "ProjectAttributes": "ProjectAttributes",
    "ProjectColumnsConfig": "ProjectColumnsConfig",
    "ProjectSettings": "ProjectSettings",
}
# A member the service left out is UNSET (falsy, an instance of Unset), unlike an explicit
# null (None): `if not isinstance(case.attributes.description, Unset): ...`.
_TYPES = frozenset({"Unset"})


def __getattr__(name: str) -> _typing.Any:
    if name in _MODELS:
        import ddcases_api.models

        value = getattr(ddcases_api.models, _MODELS[name])
    elif name in _TYPES:
        import ddcases_api.types

        value = getattr(ddcases_api.types, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODELS, *_TYPES})


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
    "CaseStatusGroup",
    "CaseType",
    "Comment",
    "ConflictError",
    "CreateOutcomeUnknownError",
    "CustomAttributeType",
    "CustomAttributeValue",
    "DDCasesError",
    "ErrorDetail",
    "IncludedUser",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "Project",
    "ProjectAttributes",
    "ProjectColumnsConfig",
    "ProjectRef",
    "ProjectSettings",
    "RateLimitError",
    "RawResponse",
    "ServerError",
    "UnexpectedResponseError",
    "Unset",
]

# Public names report their public module, as httpx's do: a traceback says
# `ddcases.NotFoundError`, not `ddcases._exceptions.NotFoundError`, and help() and reprs name
# what users import. (The generated models keep their own, public, modules.)
for _name in __all__:
    _value = globals().get(_name)  # not the lazy models: they would load
    if getattr(_value, "__module__", "").startswith(__name__ + "._"):
        setattr(_value, "__module__", __name__)  # noqa: B010 - any value, not one class
del _name, _value
