"""Every public name has a reference entry: the public API, walked with griffe as
scripts/api_diff.py walks it, and every method of every namespace of ``CaseManagement``, looked
up in the built site's search index (an entry's anchor is the path of the object it shows)."""

from __future__ import annotations

import logging
from pathlib import Path

import griffe
import pytest

from tests.docs import _site

api_diff = _site.script("api_diff")
docs_reference = _site.script("docs_reference")


@pytest.fixture(scope="module")
def packages() -> dict[str, griffe.Module]:
    logging.getLogger("griffe").setLevel(logging.ERROR)
    loaded: dict[str, griffe.Module] = docs_reference.load()
    return loaded


@pytest.fixture(scope="module")
def documented(site: Path, packages: dict[str, griffe.Module]) -> set[str]:
    """The paths the site has an entry for: each anchor, and the object it resolves to."""
    collection = packages["ddcases"].modules_collection
    paths: set[str] = set()
    for entry in _site.search_index(site):
        _, _, anchor = entry["location"].partition("#")
        if not anchor or "." not in anchor:
            continue  # a guide's section
        paths.add(anchor)
        try:
            obj = collection[anchor]
            paths.add(obj.final_target.path if obj.is_alias else obj.path)
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
    return paths


def _missing(names: dict[str, griffe.Object], documented: set[str]) -> list[str]:
    missing = []
    for path, obj in names.items():
        owner, _, name = path.rpartition(".")
        if name == "__init__":  # shown with its class (merge_init_into_class)
            path, obj = owner, names.get(owner, obj.parent)
        elif name.startswith("__"):
            continue  # __slots__ and other protocol members
        if path not in documented and obj.path not in documented:
            missing.append(path)
    return sorted(set(missing))


def test_every_public_name_of_ddcases_has_a_reference_entry(
    packages: dict[str, griffe.Module], documented: set[str]
) -> None:
    names = api_diff.public_api(packages["ddcases"])
    assert len(names) > 100  # the walk found the API, not an empty package
    missing = _missing(names, documented)
    assert missing == [], "\n".join(missing)


def test_every_name_ddcases_exports_has_a_reference_entry(
    packages: dict[str, griffe.Module], documented: set[str]
) -> None:
    """``ddcases.__all__`` includes the models re-exported from ``ddcases_api`` (lazily), which
    the walk above leaves to ``ddcases_api``."""
    ddcases = packages["ddcases"]
    exported = [str(name) for name in ddcases.exports or []]
    missing = [n for n in exported if f"ddcases.{n}" not in documented]
    assert "Case" in exported
    assert missing == []


def test_every_namespace_method_has_a_reference_entry(
    packages: dict[str, griffe.Module], documented: set[str]
) -> None:
    namespaces = docs_reference.namespaces(packages)
    assert {"cases", "projects"} <= {ns.path for ns in namespaces}
    names: dict[str, griffe.Object] = {}
    for ns in namespaces:
        for cls in (ns.cls, ns.raw):
            if cls is None:
                continue
            for name, member in cls.all_members.items():
                if not name.startswith("_"):
                    names[f"{cls.path}.{name}"] = member
    assert "ddcases.resources.cases.Cases.update_priority" in names
    assert _missing(names, documented) == []


def test_every_generated_model_has_a_reference_entry(
    packages: dict[str, griffe.Module], documented: set[str]
) -> None:
    models = docs_reference._public_classes(packages["ddcases_api"]["models"])
    assert "ddcases_api.models.Case" in models
    assert [m for m in models if m not in documented] == []


def test_no_facade_class_is_left_out(packages: dict[str, griffe.Module]) -> None:
    found = docs_reference.namespaces(packages)
    assert docs_reference.unreached_facade_classes(packages, found) == []


def test_every_low_level_operation_has_a_reference_entry(
    packages: dict[str, griffe.Module], documented: set[str]
) -> None:
    """``dd.call`` takes a generated ``asyncio_detailed``: each operation's is on the site."""
    modules = docs_reference.operation_modules(packages)
    assert "ddcases_api.api.case_management.get_case" in {m.path for m in modules}
    wanted = [f"{m.path}.asyncio_detailed" for m in modules]
    assert [w for w in wanted if w not in documented] == []
