"""A griffe extension for the docs site: the reStructuredText habits of ddcases' docstrings, read
as the Markdown mkdocstrings renders (mkdocs.yml lists it under the Python handler's
``extensions``).

* ``Usage::`` before an indented block becomes ``Usage:`` (the block is already code in
  Markdown);
* roles such as ``:class:`Namespaces``` and ``:meth:`Resource._call``` become plain code spans.

Only the rendering changes: the docstrings in the code stay as ``help()`` shows them.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_LITERAL_BLOCK = re.compile(r"::$", re.MULTILINE)
_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|obj|data|exc|const):`~?([^`]+)`")


def markdown(text: str) -> str:
    return _ROLE.sub(r"`\1`", _LITERAL_BLOCK.sub(":", text))


class RestructuredTextHabits(griffe.Extension):
    """Rewrites each docstring once, when griffe has loaded the object."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """A top-level package is not passed to ``on_object``."""
        self.on_object(obj=pkg)
