"""``ddcases.__all__`` lists every public name once, sorted (as httpx's test does)."""

from __future__ import annotations

import inspect

import ddcases
import ddcases.errors


def test_all_public_names_are_exported_and_sorted() -> None:
    # Submodules become attributes on import; pytest's assertion rewriting adds "@py_..." names.
    public = sorted(
        (
            name
            for name, value in vars(ddcases).items()
            if name.isidentifier() and not name.startswith("_") and not inspect.ismodule(value)
        ),
        key=str.casefold,
    )
    assert ddcases.__all__ == public


def test_every_error_is_importable_from_both_places() -> None:
    for name in ddcases.errors.__all__:
        assert getattr(ddcases, name) is getattr(ddcases.errors, name)
