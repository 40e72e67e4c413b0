"""What each operation of openapi.yaml has in the code, found without a hand-kept registry.

* the generated endpoint module (``ddcases_api.api.<tag>.<operation>``);
* the facade method its ``x-ddcases`` names (``dd.cases.get``): a public method that calls that
  module, directly or through helpers (read from the source with ``ast``), in the namespace's
  generated module (``generated/ddcases_api/facade``) or, for an operation listed in
  ``x-ddcases-hand-written``, in ``src/ddcases/resources``;
* the emulator route: a route named after the operationId, with the spec's method and path;
* examples: of the request body, and of every 2xx response that has a body.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._spec import media_examples, operations, resolve, snake, spec

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "src" / "ddcases" / "resources"
FACADE = ROOT / "generated" / "ddcases_api" / "facade"
GENERATED_API = "ddcases_api.api."


def endpoint_module(op: dict[str, Any], operation_id: str) -> str:
    tag = snake(re.sub(r"\W+", "", str((op.get("tags") or ["default"])[0]).title()))
    return f"{GENERATED_API}{tag}.{snake(operation_id)}"


@dataclass
class _Module:
    """What the coverage check needs from one resources module."""

    endpoints: dict[str, str] = field(default_factory=dict)  # local name -> endpoint module
    functions: dict[str, ast.AST] = field(default_factory=dict)  # module-level defs, assignments
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (module, name)


def _parse(source: str) -> _Module:
    module = _Module()
    for node in ast.parse(source).body:
        absolute = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        if isinstance(node, ast.ImportFrom) and node.level == 2 and absolute.startswith("api."):
            absolute = "ddcases_api." + absolute  # a generated facade module's relative import
        if isinstance(node, ast.ImportFrom) and absolute.startswith(GENERATED_API):
            for alias in node.names:
                module.endpoints[alias.asname or alias.name] = f"{absolute}.{alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                module.imported[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            module.functions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    module.functions[target.id] = node
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
    return module


Node = tuple[str, ast.AST]  # (defining module, function or assignment)


def _methods(modules: dict[str, _Module], stem: str, name: str) -> dict[str, Node]:
    """A class's methods, its own over those of its bases (found in the resources modules)."""
    cls = modules[stem].classes[name]
    table: dict[str, Node] = {}
    for base in reversed(cls.bases):
        if not isinstance(base, ast.Name):
            continue
        if base.id in modules[stem].classes:
            table.update(_methods(modules, stem, base.id))
        elif base.id in modules[stem].imported:
            where, original = modules[stem].imported[base.id]
            if where in modules and original in modules[where].classes:
                table.update(_methods(modules, where, original))
    for item in cls.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            table[item.name] = (stem, item)
    return table


def _refs(
    modules: dict[str, _Module], node: Node, table: dict[str, Node]
) -> tuple[set[str], list[Node]]:
    """(endpoint modules used, nodes called) by one function: ``self.x``, module names."""
    stem, tree = node
    module = modules[stem]
    used: set[str] = set()
    called: list[Node] = []
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Name) and sub.id in module.endpoints:
            used.add(module.endpoints[sub.id])
        elif isinstance(sub, ast.Name) and sub.id in module.functions:
            called.append((stem, module.functions[sub.id]))
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "self"
            and sub.attr in table
        ):
            called.append(table[sub.attr])
    return used, called


def facade_methods_from(sources: dict[str, str]) -> dict[str, list[str]]:
    """endpoint module -> ``dd.<namespace>.<method>``, for resources modules {stem: source}.

    A public module (``cases``) is the namespace ``dd.cases``; the public methods of its classes,
    inherited ones included (``Cases(CaseEdits)`` with ``CaseEdits`` in ``_case_edits``), call an
    endpoint if they, or the helpers they call, name its generated module.
    """
    modules = {stem: _parse(source) for stem, source in sources.items()}
    found: dict[str, list[str]] = {}
    for stem, module in modules.items():
        if stem.startswith("_"):
            continue
        for class_name in module.classes:
            table = _methods(modules, stem, class_name)
            for method, start in table.items():
                if method.startswith("_"):
                    continue
                seen, todo = {id(start[1])}, [start]
                while todo:
                    used, called = _refs(modules, todo.pop(), table)
                    for endpoint in used:
                        names = found.setdefault(endpoint, [])
                        if f"dd.{stem}.{method}" not in names:
                            names.append(f"dd.{stem}.{method}")
                    for node in called:
                        if id(node[1]) not in seen:
                            seen.add(id(node[1]))
                            todo.append(node)
    return found


def facade_methods_in(source: str, namespace: str) -> dict[str, list[str]]:
    """endpoint module -> ``dd.<namespace>.<method>`` names, for one resources module."""
    return facade_methods_from({namespace: source})


def x_ddcases(op: dict[str, Any]) -> dict[str, Any]:
    ext = op.get("x-ddcases")
    return ext if isinstance(ext, dict) else {}


def hand_written() -> dict[str, str]:
    """operationId -> why, from openapi.yaml's ``x-ddcases-hand-written``."""
    return dict(spec().get("x-ddcases-hand-written") or {})


def facade_methods() -> dict[str, list[str]]:
    """endpoint module -> facade methods that call it: the generated namespaces' and the
    hand-written ones of ``src/ddcases/resources``."""
    namespaces = {
        str(x_ddcases(op).get("method", "")).rpartition(".")[0]
        for _m, _p, op in operations().values()
    }
    generated = {
        ns: (FACADE / f"{ns.replace('.', '_')}.py").read_text(encoding="utf-8")
        for ns in sorted(namespaces)
        if ns and (FACADE / f"{ns.replace('.', '_')}.py").is_file()
    }
    found = facade_methods_from(generated)
    dotted = {ns.replace(".", "_"): ns for ns in namespaces if ns}  # case_types_custom_attributes
    by_hand = facade_methods_from(
        {
            dotted.get(path.stem, path.stem): path.read_text(encoding="utf-8")
            for path in sorted(RESOURCES.glob("*.py"))
        }
    )
    for endpoint, names in by_hand.items():
        found.setdefault(endpoint, []).extend(n for n in names if n not in found[endpoint])
    return found


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def emulator_routes() -> dict[str, tuple[set[str], str]]:
    """route name -> (methods, path template) of the emulator app."""
    from ddcases.emulator import create_app

    routes: dict[str, tuple[set[str], str]] = {}
    for route in create_app().routes:
        name, path = getattr(route, "name", None), getattr(route, "path", None)
        if name and path:
            routes[name] = (set(getattr(route, "methods", None) or ()), _template(path))
    return routes


def _examples_missing(op: dict[str, Any]) -> Iterable[str]:
    body = op.get("requestBody")
    if body is not None:
        content = resolve(body).get("content") or {}
        if not any(media_examples(media) for media in content.values()):
            yield "request body"
    for status, response in op["responses"].items():
        content = resolve(response).get("content") or {}
        examples = any(media_examples(media) for media in content.values())
        if str(status).startswith("2") and content and not examples:
            yield f"{status} response"


def gaps() -> list[str]:
    """One sentence per thing an operation lacks; empty when everything is covered."""
    facade = facade_methods()
    routes = emulator_routes()
    found: list[str] = []
    for operation_id, (method, path, op) in operations().items():
        module = endpoint_module(op, operation_id)
        if importlib.util.find_spec(module) is None:
            found.append(f"{operation_id} has no generated module {module} (run make generate)")
        named = x_ddcases(op).get("method")
        if not named:
            found.append(
                f"{operation_id} has no facade method name (give it `x-ddcases: {{method: "
                "<namespace>.<name>}` in openapi.yaml, then make generate)"
            )
        elif f"dd.{named}" not in facade.get(module, []):
            where = (
                "src/ddcases/resources (it is in x-ddcases-hand-written)"
                if operation_id in hand_written()
                else "generated/ddcases_api/facade (run make generate)"
            )
            found.append(
                f"{operation_id} has no facade method dd.{named} calling {module} in {where}"
            )
        if operation_id not in routes:
            found.append(
                f'{operation_id} has no emulator route (no route named "{operation_id}" '
                "in ddcases.emulator)"
            )
        else:
            methods, template = routes[operation_id]
            if method.upper() not in methods or template != _template(path):
                found.append(
                    f"{operation_id}'s emulator route is {sorted(methods)} {template}, "
                    f"the spec says {method.upper()} {path}"
                )
        found.extend(f"{operation_id} has no example ({what})" for what in _examples_missing(op))
    return found
