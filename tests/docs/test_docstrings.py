"""The docstrings' reStructuredText habits render as Markdown on the site
(scripts/docs_docstrings.py), and the site shows no trace of them."""

from __future__ import annotations

from pathlib import Path

from tests.docs import _site

docs_docstrings = _site.script("docs_docstrings")


def test_literal_blocks_and_roles_become_markdown() -> None:
    text = (
        "Usage::\n\n    dd = CaseManagement()\n\n"
        "See :class:`Namespaces` and :meth:`~x.Resource._call`."
    )
    assert docs_docstrings.markdown(text) == (
        "Usage:\n\n    dd = CaseManagement()\n\nSee `Namespaces` and `x.Resource._call`."
    )
    assert docs_docstrings.markdown("a :: b") == "a :: b"  # only a line's closing ::


def test_the_site_shows_no_rest_markup(site: Path) -> None:
    for page in (site / "reference").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "::</p>" not in html, page
        assert ":class:" not in html, page
        assert ":meth:" not in html, page
