"""``dd.case_types.custom_attributes``: ``list``, one method for two operations.

The generated class (``ddcases_api.facade.case_types_custom_attributes``) has ``create``,
``update`` and ``delete``. ``list()`` lists the custom-attribute configs of every case type
(GetAllCustomAttributes), ``list(case_type)`` those of one (GetAllCustomAttributeConfigsByCaseType):
the issue's one call for both, which the generator cannot say.
"""

from __future__ import annotations

import builtins
from functools import cached_property

from ddcases_api.api.case_management import (
    get_all_custom_attribute_configs_by_case_type,
    get_all_custom_attributes,
)
from ddcases_api.facade import case_types_custom_attributes as generated
from ddcases_api.models import CustomAttributeConfig, CustomAttributeConfigsResponse

from .._raw_response import to_raw
from .._resource import list_data
from .._validation import resource_id

__all__ = ["CustomAttributes", "CustomAttributesWithRawResponse"]

_CONFIGS = list_data(CustomAttributeConfigsResponse, CustomAttributeConfig)


class CustomAttributes(generated.CustomAttributes):
    """The custom attributes a case type defines (their configs: key, display name, type)."""

    @cached_property
    def with_raw_response(self) -> CustomAttributesWithRawResponse:
        """The same methods, returning a ``RawResponse`` (body, headers, status, retries)."""
        return CustomAttributesWithRawResponse(self)

    async def list(self, case_type: str | None = None) -> builtins.list[CustomAttributeConfig]:
        """The custom-attribute configs of ``case_type`` (a case type's UUID), or, without it,
        those of every case type in one list."""
        if case_type is None:
            return await self._call(get_all_custom_attributes.asyncio_detailed, _CONFIGS)
        return await self._call(
            get_all_custom_attribute_configs_by_case_type.asyncio_detailed,
            _CONFIGS,
            resource_id(case_type, "case_type"),
        )


class CustomAttributesWithRawResponse(generated.CustomAttributesWithRawResponse):
    """``dd.case_types.custom_attributes.with_raw_response``."""

    def __init__(self, custom_attributes: CustomAttributes) -> None:
        super().__init__(custom_attributes)
        self.list = to_raw(custom_attributes, CustomAttributes.list, CustomAttributeConfigsResponse)
