"""``ddcases.__all__`` lists every public name once, sorted (as httpx's test does)."""

from __future__ import annotations

import inspect

import ddcases
import ddcases.errors


def test_all_public_names_are_exported_and_sorted() -> None:
    # Submodules become attributes on import; pytest's assertion rewriting adds "@py_..." names.
    # dir() includes the models that ddcases re-exports lazily (module __getattr__).
    public = sorted(
        (
            name
            for name in dir(ddcases)
            if name.isidentifier()
            and not name.startswith("_")
            and not inspect.ismodule(getattr(ddcases, name))
        ),
        key=str.casefold,
    )
    assert ddcases.__all__ == public


def test_models_are_reexported_lazily() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ddcases; assert 'ddcases_api.models.case' not in sys.modules; "
        "from ddcases import Case; from ddcases_api.models import Case as C; assert Case is C"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_error_is_importable_from_both_places() -> None:
    for name in ddcases.errors.__all__:
        assert getattr(ddcases, name) is getattr(ddcases.errors, name)
