"""The guides under docs/ say what the README says while both hold a section (the README is cut
down to a front page later): the walkthrough tests/test_adding_an_operation.py follows is the
README's, so the guide's copy must not drift from it."""

from __future__ import annotations

import pytest

from tests.docs import _site

README = _site.ROOT / "README.md"
GUIDE = _site.ROOT / "docs" / "guides" / "regenerating.md"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    start = text.index("\n", start)
    ends = [i for i in (text.find("\n## ", start), text.find("\n### ", start)) if i > 0]
    return text[start : min(ends, default=len(text))].strip()


def test_the_guide_holds_the_readme_walkthrough() -> None:
    readme = README.read_text(encoding="utf-8")
    if "### Adding an operation" not in readme:
        pytest.skip("the README no longer holds the walkthrough: the guide is the only copy")
    guide = GUIDE.read_text(encoding="utf-8")
    expected = _section(readme, "### Adding an operation")
    assert expected in guide
