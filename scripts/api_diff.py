"""What changed in the public Python API of ddcases_api (generated/) and ddcases (src/).

Usage: python scripts/api_diff.py [--against REV] [--fail-on-breaking]   (make api-diff)

Compares the working tree with REV (default HEAD, the last commit): griffe loads both versions
of each package (the old one from ``git archive REV``) and ``griffe.find_breaking_changes``
decides what is breaking (an object, field or parameter removed, a parameter added as required
or moved, a type or default changed...). Additions, and changes griffe does not consider
breaking, come from walking the same griffe trees. Public means what griffe calls public: not
underscored, and listed in ``__all__`` where a module has one.
"""

from __future__ import annotations

import argparse
import io
import logging
import subprocess
import sys
import tarfile
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import griffe

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"ddcases_api": "generated", "ddcases": "src"}


@dataclass
class Diff:
    package: str
    breaking: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not (self.breaking or self.added or self.changed):
            return [f"{self.package}: no change to the public API"]
        return [
            f"{self.package}:",
            *(f"  BREAKING  {line}" for line in self.breaking),
            *(f"  added     {line}" for line in self.added),
            *(f"  changed   {line}" for line in self.changed),
        ]


def _signature(obj: griffe.Object) -> str:
    if isinstance(obj, griffe.Function):
        params: list[str] = []
        kinds = griffe.ParameterKind
        for param in obj.parameters:
            if param.kind is kinds.keyword_only and not any(p.startswith("*") for p in params):
                params.append("*")
            prefix = {kinds.var_positional: "*", kinds.var_keyword: "**"}.get(param.kind, "")
            params.append(prefix + param.name + _annotation(param))
            later = list(obj.parameters)[list(obj.parameters).index(param) + 1 :]
            if param.kind is kinds.positional_only and (
                not later or later[0].kind is not kinds.positional_only
            ):
                params.append("/")
        return f"({', '.join(params)}) -> {obj.returns}"
    if isinstance(obj, griffe.Attribute):
        return f"{obj.annotation}" + (f" = {obj.value}" if obj.value is not None else "")
    if isinstance(obj, griffe.Class):
        return f"({', '.join(str(b) for b in obj.bases)})"
    return ""


def _annotation(param: griffe.Parameter) -> str:
    text = f": {param.annotation}" if param.annotation is not None else ""
    variadic = param.kind in (griffe.ParameterKind.var_positional, griffe.ParameterKind.var_keyword)
    return text + (f" = {param.default}" if param.default is not None and not variadic else "")


def _kind(obj: griffe.Object) -> str:
    return {
        griffe.Module: "module",
        griffe.Class: "class",
        griffe.Function: "function",
        griffe.Attribute: "attribute",
    }.get(type(obj), "object")


def _is_protocol(name: str) -> bool:
    """Dunders other than __init__ (__exit__, __getitem__...) are protocol, not API."""
    return name.startswith("__") and name.endswith("__") and name != "__init__"


def explain(breakage: griffe.Breakage, public: str | None = None) -> str:
    """One plain line: where, what griffe says broke, and the old and new value if simple."""
    old, new = breakage.old_value, breakage.new_value
    where = public or breakage.obj.path
    kind = griffe.BreakageKind
    if isinstance(old, griffe.Parameter) or isinstance(new, griffe.Parameter):
        param = old if isinstance(old, griffe.Parameter) else new
        where += f"({param.name})"
        if breakage.kind is kind.PARAMETER_CHANGED_DEFAULT:
            return f"{where}: {breakage.kind.value}: {old.default} -> {new.default}"
        if breakage.kind is kind.PARAMETER_CHANGED_KIND:
            return f"{where}: {breakage.kind.value}: {old.kind.value} -> {new.kind.value}"
        return f"{where}: {breakage.kind.value}"
    if breakage.kind is kind.OBJECT_REMOVED:
        return f"{where}: {breakage.kind.value}"
    return f"{where}: {breakage.kind.value}: {old} -> {new}"


def public_api(package: griffe.Object) -> dict[str, griffe.Object]:
    """Public path -> object, for objects defined inside ``package``, reached through re-exports.

    An object reachable under several paths (``ddcases_api.models.Case`` and
    ``ddcases_api.models.case.Case``) is listed once, under its shortest path.
    """
    found: dict[str, griffe.Object] = {}
    seen: set[str] = set()
    queue: deque[tuple[griffe.Object, str]] = deque([(package, package.path)])
    while queue:
        obj, path = queue.popleft()
        # A class's members include those it inherits (a hand-written namespace inherits the
        # generated methods of ddcases_api.facade): they are its API as much as its own.
        members = obj.all_members if isinstance(obj, griffe.Class) else obj.members
        for name, member in members.items():
            if not member.is_public:
                continue
            try:
                target = member.final_target if member.is_alias else member
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            inherited = isinstance(obj, griffe.Class) and name not in obj.members
            if not isinstance(target, griffe.Object) or not (
                inherited or target.path.startswith(package.path + ".")
            ):
                continue  # a re-exported third-party or stdlib name
            if isinstance(target, griffe.Function) and _is_protocol(name):
                continue
            key = f"{path}.{name}" if inherited else target.path
            if key in seen:
                continue
            seen.add(key)
            found[f"{path}.{name}"] = target
            if isinstance(target, griffe.Module | griffe.Class):
                queue.append((target, f"{path}.{name}"))
    return found


def _load_all(base: Path) -> dict[str, griffe.Object | None]:
    """Both packages of one version, in one collection, so that a class of ddcases that
    inherits from ddcases_api (the generated facade) has its inherited members resolved."""
    loader = griffe.GriffeLoader(
        search_paths=[base / where for where in PACKAGES.values()],
        allow_inspection=False,
        modules_collection=griffe.ModulesCollection(),
    )
    loaded: dict[str, griffe.Object | None] = {}
    for package, where in PACKAGES.items():
        if not (base / where / package).is_dir():
            loaded[package] = None
            continue
        obj = loader.load(package, try_relative_path=False)
        loaded[package] = obj if isinstance(obj, griffe.Object) else None
    loader.resolve_aliases(implicit=True, external=None)
    return loaded


def diff(package: str, old: griffe.Object | None, new: griffe.Object | None) -> Diff:
    result = Diff(package)
    old_api = public_api(old) if old is not None else {}
    new_api = public_api(new) if new is not None else {}
    shown = {obj.path: path for api in (new_api, old_api) for path, obj in api.items()}
    explained: set[str] = set()
    if old is not None and new is not None:
        for breakage in griffe.find_breaking_changes(old, new):
            if _is_protocol(breakage.obj.name):
                continue
            if not breakage.obj.path.startswith(package + ".") and breakage.obj.path != package:
                continue  # an object of the other package, reached through a re-export: its own
            # diff reports it (a ddcases class's inherited members are compared below as well)
            result.breaking.append(explain(breakage, shown.get(breakage.obj.path)))
            explained.add(shown.get(breakage.obj.path, breakage.obj.path))
    elif old is not None:
        result.breaking.append(f"{package}: the whole package was removed")
    for path in sorted(old_api.keys() - new_api.keys() - explained):
        result.breaking.append(f"{path}: {_kind(old_api[path])} removed")
    for path in sorted(old_api.keys() & new_api.keys() - explained):
        before, after = old_api[path], new_api[path]
        if _signature(before) == _signature(after):
            continue
        line = f"{path}: {_signature(before)} -> {_signature(after)}"
        # griffe does not judge type changes; a model field's type is read and written.
        if isinstance(after, griffe.Attribute) and before.annotation != after.annotation:
            result.breaking.append(f"{line} (type changed)")
        else:
            result.changed.append(line)
    result.breaking.sort()
    for path in sorted(new_api.keys() - old_api.keys()):
        obj = new_api[path]
        signature = _signature(obj)
        result.added.append(f"{path} ({_kind(obj)})" + (f": {signature}" if signature else ""))
    return result


def _export(rev: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "--", *set(PACKAGES.values())],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        sys.exit(f"git archive {rev} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")


def run(rev: str) -> list[Diff]:
    # griffe logs what it cannot resolve (third-party annotations): not API changes.
    logging.getLogger("griffe").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        _export(rev, Path(tmp))
        old, new = _load_all(Path(tmp)), _load_all(ROOT)
        return [diff(package, old[package], new[package]) for package in PACKAGES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/api_diff.py", description=__doc__)
    parser.add_argument("--against", default="HEAD", help="git revision to compare with")
    parser.add_argument("--fail-on-breaking", action="store_true", help="exit 1 if breaking")
    args = parser.parse_args(argv)
    diffs = run(args.against)
    print(
        f"Public API of the working tree against {args.against} "
        "(models that ddcases re-exports are listed under ddcases_api):"
    )
    for item in diffs:
        print("\n".join(item.lines()))
    breaking = sum(len(d.breaking) for d in diffs)
    others = sum(len(d.added) + len(d.changed) for d in diffs)
    print(f"{breaking} breaking change(s), {others} other change(s)")
    return 1 if breaking and args.fail_on_breaking else 0


if __name__ == "__main__":
    sys.exit(main())
