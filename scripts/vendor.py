"""Copy the SDK into DEST/NAME so another project can ship it without depending on ddcases.

Usage:
    python scripts/vendor.py --dest DIR --name PKG[.SUB...] [--with-emulator] [--force]
    python scripts/vendor.py --check COPY            (or --check DIR --name PKG)

Layout of the copy (NAME may be dotted: myapp._vendor.cases goes to DIR/myapp/_vendor/cases):
    NAME/            <- src/ddcases           (emulator/ and testing/ only with --with-emulator)
    NAME/_api/       <- generated/ddcases_api
    NAME/_schema/    <- generated/ddcases_schema, only with --with-emulator
    NAME/VENDORED.json  provenance: versions, openapi.yaml hash, file manifest (vendor_stamp.py)
Imports between the copied modules become relative, other mentions of ddcases become NAME, and
the import blocks are sorted with ruff's default settings, so the copy passes a user's default
``ruff check`` and ``mypy --strict``. Re-vendoring updates a copy in place (modules that no
longer exist are removed) and refuses, without touching anything, to overwrite hand edits
unless --force is given. A relative DIR is relative to --base (default: the current directory).
`make vendor` first checks that generated/ is what openapi.yaml generates (the stamp says so).
"""

from __future__ import annotations

import argparse
import ast
import keyword
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import vendor_stamp

ROOT = vendor_stamp.ROOT
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")
# Source package -> its place inside the copy (path parts below NAME).
SOURCES = {
    "ddcases": (ROOT / "src" / "ddcases", ()),
    "ddcases_api": (ROOT / "generated" / "ddcases_api", ("_api",)),
    "ddcases_schema": (ROOT / "generated" / "ddcases_schema", ("_schema",)),
}
EMULATOR_ONLY = ("emulator", "testing")  # subpackages of ddcases that need the emulator extra


class UsageError(Exception):
    """Bad NAME, DEST or copy: reported as a usage line, never as a traceback."""


class Refused(Exception):
    """The command was right but the copy cannot be replaced (edited by hand): reported as the
    reason alone, exit 1; a usage line would suggest the command was wrong."""


def check_name(name: str) -> list[str]:
    parts = name.split(".")
    if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        raise UsageError(f"NAME {name!r} is not a (dotted) Python package name, e.g. acme_cases")
    return parts


def relative_module(file_pkg: tuple[str, ...], target: tuple[str, ...]) -> str:
    """The relative module that names ``target`` from a module in package ``file_pkg``."""
    common = 0
    while common < min(len(file_pkg), len(target)) and file_pkg[common] == target[common]:
        common += 1
    return "." * (len(file_pkg) - common + 1) + ".".join(target[common:])


def rewrite(text: str, file_pkg: tuple[str, ...], name: str) -> str:
    """Imports of ddcases* become relative; any other mention becomes the dotted ``name``."""
    lines = text.splitlines(keepends=True)
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        top, _, rest = node.module.partition(".")
        if top not in SOURCES:
            continue
        target = SOURCES[top][1] + tuple(p for p in rest.split(".") if p)
        line = lines[node.lineno - 1]
        head, tail = line[: node.col_offset], line[node.col_offset :]
        pattern = rf"from\s+{re.escape(node.module)}(?=\s)"
        lines[node.lineno - 1] = head + re.sub(
            pattern, f"from {relative_module(file_pkg, target)}", tail, count=1
        )
    text = "".join(lines)
    # Longer names first, and only whole dotted-name starts (not "ddcases_current_response").
    for old in ("ddcases_schema", "ddcases_api", "ddcases"):
        new = name + ".".join(("", *SOURCES[old][1]))
        text = re.sub(rf"(?<![\w.]){old}(?![\w])", new, text)
    return text


# Packages a copy may run without (README, "Vendoring"): a module importing one of them gets
# a per-file mypy configuration, so the user's `mypy --strict` passes whether or not it is
# installed (issue 18 item 5). Installed, the options change nothing: its types are known.
OPTIONAL_PACKAGES = frozenset(
    {
        "aiohttp",
        "yarl",
        "orjson",
        "starlette",
        "uvicorn",
        "pydantic",
        "pytest",
        "pytest_asyncio",
        "redis",
    }
)
OPTIONAL_MYPY = (
    "# mypy: allow-subclassing-any, allow-untyped-decorators\n"
    '# mypy: disable-error-code="import-not-found, no-any-return, has-type, unused-ignore"\n'
)


def optional_imports(text: str) -> list[str]:
    """The optional packages a module imports (at any depth)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
    return sorted(found & OPTIONAL_PACKAGES)


def build(tmp: Path, name: str, *, with_emulator: bool) -> Path:
    """Make the copy in ``tmp/copy`` and return it."""
    copy = tmp / "copy"
    for top, (source, place) in SOURCES.items():
        if top == "ddcases_schema" and not with_emulator:
            continue
        shutil.copytree(source, copy.joinpath(*place), ignore=IGNORE)
    if not with_emulator:
        for sub in EMULATOR_ONLY:
            shutil.rmtree(copy / sub, ignore_errors=True)
    for path in sorted(copy.rglob("*.py")):
        parts = path.relative_to(copy).parts
        file_pkg = parts[:-1]
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, file_pkg, name)
        optional = optional_imports(new)
        if optional:
            why = f"# (vendored: a user's mypy --strict passes without {', '.join(optional)})\n"
            new = OPTIONAL_MYPY + why + new
        if new != text:
            path.write_text(new, encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [
            str(ruff if ruff.exists() else "ruff"),
            "check",
            "--isolated",
            "--select",
            "I",
            "--fix-only",
            "--exit-zero",
            "--quiet",
            str(copy),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"ruff failed on the copy:\n{result.stdout}{result.stderr}")
    return copy


def overlaps(a: Path, b: Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def locate(dest: str, name: str, base: Path) -> Path:
    if not dest:
        raise UsageError("DEST is empty")
    root = (base / dest).resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"DEST {dest!r} is not a directory ({root})")
    target = root.joinpath(*check_name(name))
    for source, _ in SOURCES.values():
        if overlaps(target, source.resolve()):
            raise UsageError(f"{target} would overwrite this SDK's own {source.relative_to(ROOT)}")
    for parent in [target, *target.parents]:
        if parent.exists() and not parent.is_dir():
            raise UsageError(f"{parent} exists and is not a directory")
    return target


def prepare(target: Path, *, force: bool) -> None:
    """Refuse (touching nothing) to replace what a re-vendor would lose."""
    if not target.exists() or not any(target.iterdir()):
        return
    stamp = vendor_stamp.read_stamp(target)
    if stamp is None:
        raise UsageError(
            f"{target} exists and is not a vendored copy (no {vendor_stamp.STAMP}): "
            "remove it or choose another NAME"
        )
    found = vendor_stamp.edits(target, stamp)
    if found and not force:
        raise Refused(
            "\n".join(
                [
                    f"{target} was edited by hand since it was vendored:",
                    *found.lines(),
                    "re-run with --force (make vendor ... FORCE=1) to overwrite these edits",
                ]
            )
        )


def sync(copy: Path, target: Path) -> tuple[int, int, int]:
    """Make ``target`` hold exactly ``copy``'s files; (added, updated, removed)."""
    new = vendor_stamp.manifest(copy)
    old = vendor_stamp.manifest(target) if target.exists() else {}
    for rel in sorted(old.keys() - new.keys()):
        (target / rel).unlink()
    for rel, digest in new.items():
        if old.get(rel) != digest:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(copy / rel, target / rel)
    # Bytecode of removed modules, and directories left empty.
    for cache in sorted(target.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    for directory in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    added = len(new.keys() - old.keys())
    updated = sum(1 for rel in new.keys() & old.keys() if new[rel] != old[rel])
    return added, updated, len(old.keys() - new.keys())


def make_parents(root: Path, target: Path) -> list[Path]:
    """Create the packages between DEST and NAME's last part that don't exist yet."""
    created = []
    for parent in reversed(target.relative_to(root).parents[:-1]):
        directory = root / parent
        if not directory.exists():
            directory.mkdir(parents=True)
            init = directory / "__init__.py"
            init.write_text("", encoding="utf-8")
            created.append(init)
    return created


def vendor(
    dest: str, name: str, *, with_emulator: bool = False, force: bool = False, base: Path
) -> str:
    target = locate(dest, name, base)
    prepare(target, force=force)
    root = target.parents[len(name.split(".")) - 1]
    with tempfile.TemporaryDirectory() as tmp:
        copy = build(Path(tmp), name, with_emulator=with_emulator)
        stamp = vendor_stamp.make_stamp(
            name, with_emulator=with_emulator, files=vendor_stamp.manifest(copy)
        )
        root.mkdir(parents=True, exist_ok=True)
        created = make_parents(root, target)
        added, updated, removed = sync(copy, target)
    vendor_stamp.write_stamp(target, stamp)
    lines = [
        f"vendored ddcases {stamp['ddcases_version']} into {target} (import {name}"
        + (", with the emulator" if with_emulator else "")
        + f"): {len(stamp['files'])} files, {added} added, {updated} updated, {removed} removed"
    ]
    lines += [f"created {init} (a new package)" for init in created]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/vendor.py",
        usage="%(prog)s --dest DIR --name PKG[.SUB] [--with-emulator] [--force]\n"
        "       %(prog)s --check COPY  (or --check DIR --name PKG[.SUB])",
        description=(__doc__ or "").splitlines()[0],
    )
    parser.add_argument("--dest", help="directory that receives NAME (relative: to --base)")
    parser.add_argument("--name", help="package name of the copy, may be dotted")
    parser.add_argument("--with-emulator", action="store_true", help="bring the emulator along")
    parser.add_argument("--force", action="store_true", help="overwrite a hand-edited copy")
    parser.add_argument("--base", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    parser.add_argument("--check", metavar="COPY", help="is this copy edited, or behind?")
    args = parser.parse_args(argv)
    try:
        if args.check is not None:
            copy = args.base / args.check
            if args.name:
                copy = copy.joinpath(*check_name(args.name))
            ok, report = vendor_stamp.check(copy.resolve())
            print("\n".join(report))
            return 0 if ok else 1
        if args.dest is None or args.name is None:
            parser.error("--dest and --name are both needed (or --check COPY)")
        print(
            vendor(
                args.dest,
                args.name,
                with_emulator=args.with_emulator,
                force=args.force,
                base=args.base,
            )
        )
    except UsageError as exc:
        parser.error(str(exc))
    except Refused as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
