"""What each operation of openapi.yaml has in the code, found without a hand-kept registry.

* the generated endpoint module (``ddcases_api.api.<tag>.<operation>``);
* facade methods: public methods of the ``src/ddcases/resources`` namespaces that call that
  module, directly or through the namespace's own helpers (read from the source with ``ast``);
* the emulator route: a route named after the operationId, with the spec's method and path;
* examples: of the request body, and of every 2xx response that has a body.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._spec import media_examples, operations, resolve, snake

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "src" / "ddcases" / "resources"
GENERATED_API = "ddcases_api.api."


def endpoint_module(op: dict[str, Any], operation_id: str) -> str:
    tag = snake(re.sub(r"\W+", "", str((op.get("tags") or ["default"])[0]).title()))
    return f"{GENERATED_API}{tag}.{snake(operation_id)}"


def _calls(node: ast.AST, endpoints: dict[str, str], local: set[str]) -> tuple[set[str], set[str]]:
    """(endpoint modules referenced, local functions/methods called) inside ``node``."""
    used: set[str] = set()
    called: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in endpoints:
            used.add(endpoints[sub.id])
        elif isinstance(sub, ast.Name) and sub.id in local:
            called.add(sub.id)
        elif (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "self"
            and sub.attr in local
        ):
            called.add(sub.attr)
    return used, called


def facade_methods_in(source: str, namespace: str) -> dict[str, list[str]]:
    """endpoint module -> ``dd.<namespace>.<method>`` names, for one resources module."""
    tree = ast.parse(source)
    endpoints: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(GENERATED_API):
            for alias in node.names:
                endpoints[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    functions: dict[str, ast.AST] = {}
    public: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    functions[item.name] = item
                    if not item.name.startswith("_"):
                        public.append(item.name)
    graph = {name: _calls(fn, endpoints, set(functions)) for name, fn in functions.items()}
    found: dict[str, list[str]] = {}
    for method in public:
        seen, todo = {method}, [method]
        while todo:
            used, called = graph[todo.pop()]
            for module in used:
                found.setdefault(module, [])
                if f"dd.{namespace}.{method}" not in found[module]:
                    found[module].append(f"dd.{namespace}.{method}")
            todo.extend(called - seen)
            seen |= called
    return found


def facade_methods() -> dict[str, list[str]]:
    """endpoint module -> facade methods that call it, over every resources module."""
    found: dict[str, list[str]] = {}
    for path in sorted(RESOURCES.glob("*.py")):
        if path.name.startswith("_"):
            continue
        for module, methods in facade_methods_in(path.read_text(), path.stem).items():
            found.setdefault(module, []).extend(methods)
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
        if module not in facade:
            found.append(
                f"{operation_id} has no facade method (nothing in src/ddcases/resources "
                f"calls {module})"
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
