"""What ``dd.cases`` edits in a case beyond its state: title, description, attributes, comments.

These operations are not on the reference page; they come from the live API (see the
``x-ddcases-note`` of each in openapi.yaml): UpdateCaseTitle, UpdateCaseDescription,
CommentCase, DeleteCaseComment, UpdateAttributes, UpdateCaseCustomAttribute and
DeleteCaseCustomAttribute. :class:`~ddcases.resources.Cases` inherits them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ddcases_api.api.case_management import (
    comment_case,
    delete_case_comment,
    delete_case_custom_attribute,
    update_attributes,
    update_case_custom_attribute,
    update_case_description,
    update_case_title,
)
from ddcases_api.models import (
    Case,
    CaseComment,
    CaseCommentAttributes,
    CaseCommentRequest,
    CaseObjectAttributes,
    CaseResourceType,
    CaseResponse,
    CaseUpdateAttributes,
    CaseUpdateAttributesAttributes,
    CaseUpdateAttributesRequest,
    CaseUpdateCustomAttribute,
    CaseUpdateCustomAttributeRequest,
    CaseUpdateDescription,
    CaseUpdateDescriptionAttributes,
    CaseUpdateDescriptionRequest,
    CaseUpdateTitle,
    CaseUpdateTitleAttributes,
    CaseUpdateTitleRequest,
    CustomAttributeType,
    CustomAttributeValue,
    TimelineCellResource,
    TimelineResponse,
)
from ddcases_api.types import Unset

from .._resource import Resource, Unusable, body_as, data_as, no_body
from .._types import CaseRef
from .._validation import (
    CustomValue,
    custom_value,
    enum_value,
    resource_id,
    str_list_map,
    string,
    text,
    uuid_str,
)

__all__ = ["CaseEdits"]

_CASE = data_as(CaseResponse, Case)


def _new_comment(parsed: object) -> TimelineCellResource:
    """Picker for CommentCase: the answer is a list holding the new timeline cell."""
    data = body_as(TimelineResponse)(parsed).data
    if isinstance(data, Unset) or not data or not isinstance(data[0], TimelineCellResource):
        raise Unusable("expected TimelineResponse.data to hold the new comment")
    return data[0]


class CaseEdits(Resource):
    """Title, description, attributes, custom attributes and comments of a case."""

    async def update_title(self, case: CaseRef, title: str) -> Case:
        """Retitle the case (``title`` must not be empty)."""
        attributes = CaseUpdateTitleAttributes(title=text(title, "title"))
        body = CaseUpdateTitleRequest(data=CaseUpdateTitle(attributes, CaseResourceType.CASE))
        case_id = resource_id(case, "case")
        return await self._call(update_case_title.asyncio_detailed, _CASE, case_id, body=body)

    async def update_description(self, case: CaseRef, description: str) -> Case:
        """Replace the case's description (``""`` clears it)."""
        attributes = CaseUpdateDescriptionAttributes(string(description, "description"))
        body = CaseUpdateDescriptionRequest(
            data=CaseUpdateDescription(attributes, CaseResourceType.CASE)
        )
        case_id = resource_id(case, "case")
        return await self._call(update_case_description.asyncio_detailed, _CASE, case_id, body=body)

    async def comment(self, case: CaseRef, message: str) -> TimelineCellResource:
        """Add a comment (Markdown) to the case's timeline; returns the new ``Comment``.

        ``comment.id`` is what :meth:`delete_comment` takes; ``comment.attributes`` holds
        ``cell_content.message``, ``author.content`` (``id``, ``name``, ``email``, ``handle``)
        and ``created_at``.
        """
        attributes = CaseCommentAttributes(comment=text(message, "message"))
        body = CaseCommentRequest(data=CaseComment(attributes, CaseResourceType.CASE))
        case_id = resource_id(case, "case")
        return await self._call(comment_case.asyncio_detailed, _new_comment, case_id, body=body)

    async def delete_comment(self, case: CaseRef, comment_id: str) -> None:
        """Delete a comment (its UUID, ``comment.id``); a second delete is a ``NotFoundError``."""
        case_id = resource_id(case, "case")
        cell_id = uuid_str(comment_id, "comment_id")
        await self._call(delete_case_comment.asyncio_detailed, no_body, case_id, cell_id)

    async def update_attributes(
        self, case: CaseRef, attributes: Mapping[str, Sequence[str]]
    ) -> Case:
        """Replace the case's attributes, a map of str to a list of str (``{"env": ["prod"]}``).

        The whole map is replaced, as the service does: keys left out are removed.
        """
        values = CaseObjectAttributes()
        values.additional_properties = str_list_map(attributes, "attributes")
        body = CaseUpdateAttributesRequest(
            data=CaseUpdateAttributes(CaseUpdateAttributesAttributes(values), CaseResourceType.CASE)
        )
        case_id = resource_id(case, "case")
        return await self._call(update_attributes.asyncio_detailed, _CASE, case_id, body=body)

    async def update_custom_attribute(
        self,
        case: CaseRef,
        key: str,
        value: CustomValue,
        *,
        type: CustomAttributeType | str | None = None,
        is_multi: bool | None = None,
    ) -> Case:
        """Set the custom attribute ``key`` (defined for the case's type) to ``value``.

        ``value`` is a str, a number, or a list of either. ``type`` (``URL``, ``TEXT``,
        ``NUMBER``, ``SELECT``) and ``is_multi`` are inferred when not given: a number is
        ``NUMBER``, a str ``TEXT``, a list ``is_multi``. Pass ``type="URL"`` or ``"SELECT"``
        for those kinds. A value that fits neither is a ``ValueError``.
        """
        kind = None if type is None else enum_value(type, CustomAttributeType, "type")
        if is_multi is not None and not isinstance(is_multi, bool):
            raise ValueError(f"is_multi must be a bool or None, got {is_multi!r}")
        checked, type_name, multi = custom_value(
            value, None if kind is None else str(kind), is_multi
        )
        attributes = CustomAttributeValue(
            is_multi=multi,
            type_=kind if kind is not None else CustomAttributeType(type_name),
            value=checked,
        )
        body = CaseUpdateCustomAttributeRequest(
            data=CaseUpdateCustomAttribute(attributes, CaseResourceType.CASE)
        )
        case_id, attr = resource_id(case, "case"), resource_id(key, "key")
        return await self._call(
            update_case_custom_attribute.asyncio_detailed, _CASE, case_id, attr, body=body
        )

    async def delete_custom_attribute(self, case: CaseRef, key: str) -> Case:
        """Remove the custom attribute ``key``'s value from the case."""
        case_id, attr = resource_id(case, "case"), resource_id(key, "key")
        return await self._call(delete_case_custom_attribute.asyncio_detailed, _CASE, case_id, attr)
