"""Type aliases shared by the facade, for readers and type checkers."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the models load on first use; an alias needs them only for type checkers
    from ddcases_api.models import Case, Project

__all__ = ["CaseRef", "ProjectRef"]

#: A case as the API accepts it in a path: its key (``"SEC-12"``) or its UUID, or a ``Case``
#: (its id).
CaseRef: TypeAlias = "str | Case"

#: A project as the facade accepts it: its key (``"SEC"``) or its UUID, or a ``Project`` (its id).
ProjectRef: TypeAlias = "str | Project"
