"""Type aliases shared by the facade, for readers and type checkers."""

from __future__ import annotations

from typing import TypeAlias

__all__ = ["CaseRef", "ProjectRef"]

#: A case as the API accepts it in a path: its key (``"SEC-12"``) or its UUID.
CaseRef: TypeAlias = str

#: A project as the facade accepts it: its key (``"SEC"``) or its UUID.
ProjectRef: TypeAlias = str
