"""The API reference pages of the docs site, generated from the code (a MkDocs hook).

mkdocs.yml names this file under ``hooks:``. At build time it loads ``ddcases`` and
``ddcases_api`` with griffe (no import, as ``scripts/api_diff.py`` does) and writes one Markdown
page per group of public names, each holding mkdocstrings' ``:::`` directives, so the pages never
list a method by hand:

* **namespaces** are found by walking ``CaseManagement``: every property whose type is a
  ``Resource`` subclass is a namespace (``dd.cases``), and every such property of a namespace
  is a nested one (``dd.case_types.custom_attributes``). Each gets a page with the namespace's
  class (generated methods inherited from ``ddcases_api.facade``, hand-written ones from
  ``ddcases.resources``) and its ``with_raw_response`` twin. A public class of a
  ``ddcases_api.facade`` module that no namespace reaches is a warning (so ``mkdocs build
  --strict`` fails) instead of a silent gap;
* the names in ``ddcases.__all__``: the client, errors, models (what ``ddcases`` re-exports from
  ``ddcases_api.models``), pagination, raw responses, and everything else on "Types";
* every model of ``ddcases_api.models`` and the ``TypedDict`` parameters of
  ``ddcases_api.facade.params``; the testing API (``ddcases.testing``, its plugin, the emulator's
  fault knobs) and the emulator.

``python scripts/docs_reference.py`` prints the pages it would write and what is on them.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

ROOT = Path(__file__).resolve().parent.parent
SEARCH_PATHS = [ROOT / "src", ROOT / "generated"]
RESOURCE_BASE = "ddcases._resource.Resource"
FACADE = "ddcases_api.facade"
# Modules of the generated facade that hold no namespace.
FACADE_HELPERS = {"params"}
# The nav section the pages go under (mkdocs.yml holds the guides; the hook adds this).
NAV_TITLE = "API reference"

log = logging.getLogger("mkdocs.hooks.docs_reference")


@dataclass
class Namespace:
    """``dd.<path>``: its class and the class of its ``with_raw_response`` twin."""

    path: str  # "cases", "case_types.custom_attributes"
    cls: griffe.Class
    raw: griffe.Class | None

    @property
    def title(self) -> str:
        return f"dd.{self.path}"

    @property
    def uri(self) -> str:
        return f"reference/namespaces/{self.path}.md"


@dataclass
class Page:
    uri: str
    title: str
    text: str
    # Objects documented on the page (their canonical paths).
    objects: list[str] = field(default_factory=list)


def load(search_paths: list[Path] | None = None) -> dict[str, griffe.Module]:
    """``ddcases`` and ``ddcases_api``, loaded together so inherited members resolve."""
    loader = griffe.GriffeLoader(
        search_paths=[str(p) for p in search_paths or SEARCH_PATHS],
        allow_inspection=False,
        modules_collection=griffe.ModulesCollection(),
    )
    packages = {}
    for name in ("ddcases", "ddcases_api"):
        module = loader.load(name, try_relative_path=False)
        assert isinstance(module, griffe.Module)
        packages[name] = module
    loader.resolve_aliases(implicit=True, external=None)
    return packages


def _target(obj: griffe.Object | griffe.Alias) -> griffe.Object | None:
    try:
        target = obj.final_target if isinstance(obj, griffe.Alias) else obj
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return target if isinstance(target, griffe.Object) else None


def _annotation_class(member: griffe.Object | griffe.Alias) -> griffe.Class | None:
    """The class a property (or attribute) is annotated with, when it names one."""
    target = _target(member)
    if target is None:
        return None
    annotation = getattr(target, "annotation", None)
    if annotation is None and isinstance(target, griffe.Function):
        annotation = target.returns
    if not isinstance(annotation, griffe.ExprName):
        return None
    try:
        resolved = target.modules_collection[annotation.canonical_path]
    except KeyError:
        return None
    resolved = _target(resolved)
    return resolved if isinstance(resolved, griffe.Class) else None


def _is_resource(cls: griffe.Class) -> bool:
    try:
        return any(base.path == RESOURCE_BASE for base in cls.mro())
    except (ValueError, griffe.AliasResolutionError):
        return False


def namespaces(packages: dict[str, griffe.Module]) -> list[Namespace]:
    """Every namespace reachable from ``CaseManagement``, parents before children."""
    client = _target(packages["ddcases"]["CaseManagement"])
    assert isinstance(client, griffe.Class)
    found: list[Namespace] = []
    queue: list[tuple[str, griffe.Class]] = [("", client)]
    while queue:
        prefix, owner = queue.pop(0)
        for name, member in owner.all_members.items():
            if name.startswith("_") or name == "with_raw_response":
                continue
            cls = _annotation_class(member)
            if cls is None or not _is_resource(cls):
                continue
            raw = None
            if "with_raw_response" in cls.all_members:
                raw = _annotation_class(cls.all_members["with_raw_response"])
            path = f"{prefix}{name}"
            found.append(Namespace(path, cls, raw))
            queue.append((f"{path}.", cls))
    return found


def unreached_facade_classes(
    packages: dict[str, griffe.Module], found: list[Namespace]
) -> list[str]:
    """Public classes of ``ddcases_api.facade`` modules that no namespace shows."""
    shown: set[str] = set()
    for ns in found:
        for cls in (ns.cls, ns.raw):
            if cls is not None:
                shown.update(base.path for base in [cls, *cls.mro()])
    missing = []
    facade = packages["ddcases_api"]["facade"]
    for name, module in facade.modules.items():
        if name in FACADE_HELPERS:
            continue
        for cls_name, member in module.members.items():
            target = _target(member)
            if (
                isinstance(target, griffe.Class)
                and target.is_public
                and not cls_name.startswith("_")
                and target.path.startswith(f"{FACADE}.{name}.")
                and target.path not in shown
            ):
                missing.append(target.path)
    return sorted(missing)


def _directive(path: str, **options: Any) -> str:
    lines = [f"::: {path}"]
    if options:
        lines.append("    options:")
        for key, value in options.items():
            if isinstance(value, bool):
                rendered = "true" if value else "false"
            elif isinstance(value, list):
                rendered = "[" + ", ".join(f'"{v}"' for v in value) + "]"
            else:
                rendered = f'"{value}"'
            lines.append(f"      {key}: {rendered}")
    return "\n".join(lines) + "\n"


def _first_line(obj: griffe.Object) -> str:
    doc = obj.docstring.value.strip() if obj.docstring else ""
    return doc.splitlines()[0] if doc else ""


def _method_names(cls: griffe.Class) -> list[str]:
    return [
        name
        for name, member in cls.all_members.items()
        if not name.startswith("_")
        and isinstance(_target(member), griffe.Function)
        and name != "with_raw_response"
    ]


def namespace_page(ns: Namespace) -> Page:
    methods = ", ".join(f"`{m}`" for m in _method_names(ns.cls))
    text = [
        f"# {ns.title}\n",
        f"`{ns.title}` on a [`CaseManagement`][ddcases.CaseManagement] client: {methods}.\n",
        (
            "Each method has a twin under `with_raw_response` that takes the same arguments and "
            "returns a [`RawResponse`][ddcases.RawResponse] (see "
            "[the raw response](../../guides/raw-response.md)).\n"
        ),
        _directive(
            ns.cls.path,
            heading=ns.title,
            toc_label=ns.title,
            inherited_members=True,
            members_order="alphabetical",
        ),
    ]
    objects = [ns.cls.path]
    if ns.raw is not None:
        text.append(
            _directive(
                ns.raw.path,
                heading=f"{ns.title}.with_raw_response",
                toc_label=f"{ns.title}.with_raw_response",
                inherited_members=True,
                members_order="alphabetical",
            )
        )
        objects.append(ns.raw.path)
    return Page(ns.uri, ns.title, "\n".join(text), objects)


def _exported(packages: dict[str, griffe.Module]) -> dict[str, griffe.Object]:
    """``ddcases.__all__``: public name -> the object it names."""
    ddcases = packages["ddcases"]
    names = ddcases.exports or []
    found = {}
    for name in sorted(str(n) for n in names):
        if name in ddcases.members:
            target = _target(ddcases.members[name])
            if target is not None:
                found[name] = target
    return found


def _is_error(obj: griffe.Object) -> bool:
    if obj.path == "ddcases._error_details.ErrorDetail":
        return True
    if not isinstance(obj, griffe.Class):
        return False
    try:
        return any(base.path == "ddcases._exceptions.DDCasesError" for base in [obj, *obj.mro()])
    except ValueError:
        return False


def pages(packages: dict[str, griffe.Module] | None = None) -> list[Page]:
    """Every reference page, in nav order."""
    packages = packages or load()
    found = namespaces(packages)
    exported = _exported(packages)
    groups: dict[str, list[str]] = {"client": [], "errors": [], "models": [], "types": []}
    for name, obj in exported.items():
        if name == "CaseManagement":
            groups["client"].append(name)
        elif _is_error(obj):
            groups["errors"].append(name)
        elif obj.path.startswith("ddcases_api.models."):
            groups["models"].append(name)
        elif name in ("AsyncPaginator", "Page", "RawResponse"):
            continue  # their own pages
        else:
            groups["types"].append(name)

    result: list[Page] = []
    rows = "\n".join(
        f"| [`{ns.title}`](namespaces/{ns.path}.md) | {_first_line(ns.cls)} |" for ns in found
    )
    result.append(
        Page(
            "reference/client.md",
            "CaseManagement",
            "# CaseManagement\n\n"
            + _directive("ddcases.CaseManagement", members_order="source", inherited_members=True),
            ["ddcases.CaseManagement"],
        )
    )
    result.extend(namespace_page(ns) for ns in found)
    result.append(
        Page(
            "reference/pagination.md",
            "Pagination",
            "# Pagination\n\nWhat `dd.cases.search()` and `dd.projects.list()` return; see "
            "[the pagination guide](../guides/pagination.md).\n\n"
            + _directive("ddcases.AsyncPaginator")
            + "\n"
            + _directive("ddcases.Page"),
            ["ddcases.AsyncPaginator", "ddcases.Page"],
        )
    )
    result.append(
        Page(
            "reference/raw-response.md",
            "RawResponse",
            "# RawResponse\n\nWhat every `with_raw_response` twin returns.\n\n"
            + _directive("ddcases.RawResponse"),
            ["ddcases.RawResponse"],
        )
    )
    errors = [f"ddcases.{n}" for n in groups["errors"]]
    result.append(
        Page(
            "reference/errors.md",
            "Errors",
            "# Errors\n\nEvery error is importable from `ddcases` and from `ddcases.errors`. "
            "The tree:\n\n"
            + _error_tree(packages, exported, groups["errors"])
            + "\n"
            + "\n".join(_directive(p) for p in errors),
            errors,
        )
    )
    models = [f"ddcases.{n}" for n in groups["models"]]
    result.append(
        Page(
            "reference/models.md",
            "Models",
            "# Models\n\nThe models `ddcases` re-exports (what the namespaces' methods return), "
            "under their public names. Every generated model is on "
            "[all generated models](all-models.md).\n\n" + "\n".join(_directive(p) for p in models),
            models,
        )
    )
    all_models = _public_classes(packages["ddcases_api"]["models"])
    result.append(
        Page(
            "reference/all-models.md",
            "All generated models",
            "# All generated models\n\n`ddcases_api.models`: the attrs models generated from "
            "openapi.yaml's schemas (requests, responses and their parts), for `dd.call` and "
            "`dd.api`.\n\n" + "\n".join(_directive(p, heading_level=2) for p in all_models),
            all_models,
        )
    )
    facade = _target(packages["ddcases_api"]["facade"])
    if isinstance(facade, griffe.Module) and "params" in facade.modules:
        params = _public_classes(facade.modules["params"])
        result.append(
            Page(
                "reference/params.md",
                "Parameter types",
                "# Parameter types\n\n`ddcases_api.facade.params`: the `TypedDict`s a method "
                "accepts in place of a nested model (a plain `dict` type-checks against them).\n\n"
                + "\n".join(_directive(p) for p in params),
                params,
            )
        )
    types = [f"ddcases.{n}" for n in groups["types"]]
    result.append(
        Page(
            "reference/types.md",
            "Types",
            "# Types\n\nThe other public names of `ddcases`.\n\n"
            + "\n".join(_directive(p) for p in types),
            types,
        )
    )
    operations = operation_modules(packages)
    if operations:
        result.append(
            Page(
                "reference/operations.md",
                "Low-level operations",
                "# Low-level operations\n\n"
                "`ddcases_api.api`: one module per operation of openapi.yaml, for "
                "`dd.call(module.asyncio_detailed, ...)` (the facade's errors, retries and "
                "pacing) or `module.asyncio(..., client=dd.api)`; see "
                "[the raw response and `dd.call`](../guides/raw-response.md).\n\n"
                + _directive(
                    "ddcases_api.client.AuthenticatedClient",
                    heading="dd.api: AuthenticatedClient",
                    toc_label="AuthenticatedClient",
                    members=False,
                )
                + "\n"
                + "\n".join(
                    _directive(
                        m.path,
                        heading=m.path.removeprefix("ddcases_api.api."),
                        toc_label=m.name,
                        members=[n for n in ("asyncio_detailed", "asyncio") if n in m.members],
                    )
                    for m in operations
                ),
                [m.path for m in operations],
            )
        )
    documented_modules = {"ddcases.testing", "ddcases.testing.plugin", "ddcases.emulator"}
    modules = [m for m in public_modules(packages) if m.path not in documented_modules]
    result.append(
        Page(
            "reference/modules.md",
            "Modules",
            "# Modules\n\nThe public modules of `ddcases` and of the generated facade "
            "(`ddcases_api.facade`), with what each holds besides the classes documented on the "
            "other pages.\n\n"
            + "\n".join(
                _directive(
                    m.path,
                    heading=m.path,
                    show_root_full_path=True,
                    members=_module_attributes(m) or False,
                )
                for m in modules
            ),
            [m.path for m in modules],
        )
    )
    testing = ["ddcases.testing", "ddcases.testing.plugin", "ddcases.emulator._faults.Faults"]
    result.append(
        Page(
            "reference/testing.md",
            "Testing",
            "# Testing\n\nSee [testing with the emulator](../guides/testing.md).\n\n"
            + _directive("ddcases.testing", heading="ddcases.testing")
            + "\n"
            + _directive("ddcases.testing.plugin", heading="ddcases.testing.plugin")
            + "\n"
            + _directive(
                "ddcases.emulator._faults.Faults",
                heading="emulator.faults",
                toc_label="emulator.faults",
            ),
            testing,
        )
    )
    result.append(
        Page(
            "reference/emulator.md",
            "Emulator",
            "# Emulator\n\nRun it over HTTP with `python -m ddcases.emulator --port 8126`.\n\n"
            + _directive("ddcases.emulator", heading="ddcases.emulator"),
            ["ddcases.emulator"],
        )
    )
    others = ", ".join(
        f"[{page.title}]({page.uri.removeprefix('reference/')})"
        for page in result
        if not page.uri.startswith("reference/namespaces/")
    )
    index = Page(
        "reference/index.md",
        "Overview",
        "# API reference\n\n"
        "Generated from the code (docstrings and signatures, read by griffe); the generated "
        "methods' docstrings come from openapi.yaml. Each namespace has a page, with its "
        "`with_raw_response` twin; [`CaseManagement`](client.md) holds the construction "
        "arguments and `dd.call` for any generated operation.\n\n"
        "| namespace | |\n| --- | --- |\n" + rows + "\n\nThe other pages: " + others + ".\n",
    )
    return [index, *result]


def operation_modules(packages: dict[str, griffe.Module]) -> list[griffe.Module]:
    """``ddcases_api.api.<tag>.<operation>``: the generated endpoint modules, by tag and name."""
    api = packages["ddcases_api"].modules.get("api")
    if api is None:
        return []
    found = []
    for _, tag in sorted(api.modules.items()):
        for name, module in sorted(tag.modules.items()):
            if not name.startswith("_") and isinstance(module, griffe.Module):
                found.append(module)
    return found


def public_modules(packages: dict[str, griffe.Module]) -> list[griffe.Module]:
    """``ddcases`` and its public submodules, then ``ddcases_api.facade`` and its modules."""
    found: list[griffe.Module] = []
    roots = [packages["ddcases"], _target(packages["ddcases_api"]["facade"])]
    queue = [root for root in roots if isinstance(root, griffe.Module)]
    while queue:
        module = queue.pop(0)
        found.append(module)
        queue.extend(
            sub
            for name, sub in sorted(module.modules.items())
            if not name.startswith("_") and isinstance(sub, griffe.Module)
        )
    return found


def _module_attributes(module: griffe.Module) -> list[str]:
    """The public attributes defined in ``module`` (its classes and functions have pages)."""
    exports = {str(n) for n in module.exports} if module.exports is not None else None
    return [
        name
        for name, member in module.members.items()
        if not member.is_alias
        and isinstance(member, griffe.Attribute)
        and not name.startswith("_")
        and (exports is None or name in exports)
    ]


def _public_classes(module: griffe.Object | griffe.Alias) -> list[str]:
    target = _target(module)
    assert isinstance(target, griffe.Module)
    names = [str(n) for n in target.exports] if target.exports else list(target.members)
    paths = []
    for name in sorted(names):
        member = target.members.get(name)
        obj = _target(member) if member is not None else None
        if isinstance(obj, griffe.Class) and not name.startswith("_"):
            paths.append(f"{target.path}.{name}")
    return paths


def _error_tree(
    packages: dict[str, griffe.Module], exported: dict[str, griffe.Object], names: list[str]
) -> str:
    """The error classes as a nested list, built from their bases."""
    by_path = {exported[n].path: n for n in names}
    children: dict[str | None, list[str]] = {}
    for name in names:
        obj = exported[name]
        parent = None
        if isinstance(obj, griffe.Class):
            for base in obj.mro():
                if base.path in by_path:
                    parent = by_path[base.path]
                    break
        children.setdefault(parent, []).append(name)

    def render(parent: str | None, depth: int) -> list[str]:
        lines = []
        for name in children.get(parent, []):
            lines.append("    " * depth + f"- [`{name}`][ddcases.{name}]")
            lines.extend(render(name, depth + 1))
        return lines

    return "\n".join(render(None, 0)) + "\n"


# ---------------------------------------------------------------- MkDocs hook

_PAGES: list[Page] = []


def on_config(config: Any) -> Any:
    """Build the pages once and add them to the nav, namespaces in their own section."""
    logging.getLogger("griffe").setLevel(logging.ERROR)
    packages = load()
    for path in unreached_facade_classes(packages, namespaces(packages)):
        log.warning(
            "%s is a class of the generated facade that no namespace of CaseManagement reaches, "
            "so the reference does not show it",
            path,
        )
    _PAGES[:] = pages(packages)
    section: list[Any] = []
    spaces: list[Any] = []
    for page in _PAGES:
        if page.uri.startswith("reference/namespaces/"):
            if not spaces:
                section.append({"Namespaces": spaces})
            spaces.append({page.title: page.uri})
        else:
            section.append({page.title: page.uri})
    nav = [item for item in (config["nav"] or []) if NAV_TITLE not in item]
    nav.append({NAV_TITLE: section})
    config["nav"] = nav
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for page in _PAGES:
        files.append(File.generated(config, page.uri, content=page.text))
    return files


def main() -> int:
    logging.getLogger("griffe").setLevel(logging.ERROR)
    packages = load()
    for ns in namespaces(packages):
        raw = ns.raw.path if ns.raw else "-"
        print(f"{ns.title:40} {ns.cls.path}  raw: {raw}")
    for path in unreached_facade_classes(packages, namespaces(packages)):
        print(f"UNREACHED {path}")
    for page in pages(packages):
        print(f"{page.uri}: {len(page.objects)} objects")
    return 0


if __name__ == "__main__":
    sys.exit(main())
