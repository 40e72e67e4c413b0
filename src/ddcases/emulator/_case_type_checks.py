"""What a case's type allows: CreateCase's ``type_id`` and ``status_name``, UpdateStatus'
``status_name``. The types themselves live in ``_config_store``.

Decisions where the sheet is silent: an unknown or deleted ``type_id`` is a 400 naming it (the
recorded CreateCase 404 is only for an unknown project); a ``status_name`` that is not one of the
type's statuses is a 400 listing them.
"""

from __future__ import annotations

from ._requests import BadRequest
from ._store import NotFound, Store

__all__ = ["case_type_of_new_case", "status_of_case"]


def _status(store: Store, type_id: str, name: str, pointer: str) -> str:
    record = store.config.case_type(type_id)
    status = record.status_for(name)
    if status is None:
        names = ", ".join(f'"{n}"' for n in record.status_names())
        raise BadRequest((f'invalid status_name "{name}"; must be one of {names}', pointer, None))
    return status


def case_type_of_new_case(store: Store, type_id: str, status_name: str | None) -> tuple[str, str]:
    """(the case's ``type``, its ``status``) for a new case of ``type_id``."""
    try:
        record = store.config.case_type(type_id, deleted=False)
    except NotFound:
        detail = f'unknown case type_id "{type_id}"; see GET /api/v2/cases/types'
        raise BadRequest((detail, "/data/attributes/type_id", None)) from None
    if status_name is None:
        return record.case_label, "OPEN"
    return record.case_label, _status(store, record.id, status_name, "/data/attributes/status_name")


def status_of_case(store: Store, case_id: str, name: str) -> str:
    """The ``status`` that ``name`` means for this case's type (404 for an unknown case)."""
    return _status(store, store.case(case_id).type_id, name, "/data/attributes/status_name")
