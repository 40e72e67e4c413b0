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


def test_a_namespace_imports_only_its_own_generated_methods() -> None:
    """Importing ddcases imports no namespace's generated methods; using dd.cases imports those of
    dd.cases only (and their endpoint modules), so operations added to other namespaces cost a
    program that does not use them nothing."""
    import subprocess
    import sys

    code = """
import sys
import ddcases
loaded = lambda prefix: sorted(m for m in sys.modules if m.startswith(prefix))
assert loaded("ddcases_api.facade.") == [], loaded("ddcases_api.facade.")
assert loaded("ddcases.resources") == [], loaded("ddcases.resources")
assert loaded("ddcases_api.api.") == [], loaded("ddcases_api.api.")
dd = ddcases.CaseManagement(api_key="k", app_key="a")
dd.cases.get
assert loaded("ddcases_api.facade.") == ["ddcases_api.facade.cases"], loaded("ddcases_api.facade.")
assert "ddcases.resources.projects" not in sys.modules
assert "ddcases_api.api.case_management.get_project" not in sys.modules
dd.projects.get
assert "ddcases_api.facade.projects" in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names_report_their_public_module() -> None:
    """Issue 18 item 15: tracebacks said `ddcases._exceptions.NotFoundError`; httpx's public
    classes say `httpx.ReadTimeout`."""
    import traceback

    import ddcases.errors

    for name in ddcases.__all__:
        value = getattr(ddcases, name)
        module = getattr(value, "__module__", None)
        if module is not None and not module.startswith("ddcases_api"):
            assert module == "ddcases", (name, module)
    assert ddcases.errors.NotFoundError.__module__ == "ddcases"
    try:
        raise ddcases.NotFoundError("no case with key or id 'SEC-9'")
    except ddcases.NotFoundError as exc:
        text = "".join(traceback.format_exception(exc))
    assert text.rstrip().endswith("ddcases.NotFoundError: no case with key or id 'SEC-9'")
    assert repr(ddcases.CaseManagement) == "<class 'ddcases.CaseManagement'>"


def test_help_names_every_projects_method_and_no_private_module() -> None:
    import pydoc

    import ddcases
    from ddcases.resources import Projects

    text = pydoc.render_doc(ddcases.CaseManagement, renderer=pydoc.plaintext)
    assert "ddcases._" not in text
    assert "_config" not in text
    summary = next(line for line in text.splitlines() if "dd.projects``:" in line)
    public = [m for m in dir(Projects) if not m.startswith("_") and callable(getattr(Projects, m))]
    for method in public:
        if method != "with_raw_response":
            assert method in summary, (method, summary)
