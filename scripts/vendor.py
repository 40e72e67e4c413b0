"""Copy the SDK into DEST/NAME so another project can ship it without depending on ddcases.

Usage: python scripts/vendor.py --dest third_party --name acme_cases [--with-emulator]

Layout of the copy (imports rewritten to match):
    NAME/            <- src/ddcases          (ddcases      -> NAME)
    NAME/_api/       <- generated/ddcases_api (ddcases_api -> NAME._api)
    NAME/_schema/    <- generated/ddcases_schema, only with --with-emulator
The emulator (src/ddcases/emulator) is left out unless --with-emulator is given.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def rewrite(text: str, name: str) -> str:
    # Order matters: the longer names first, and only whole dotted-name starts.
    for old, new in (
        ("ddcases_schema", f"{name}._schema"),
        ("ddcases_api", f"{name}._api"),
        ("ddcases", name),
    ):
        text = re.sub(rf"(?<![\w.]){old}(?=\b)", new, text)
    return text


def vendor(dest: Path, name: str, *, with_emulator: bool = False) -> Path:
    if not name.isidentifier():
        raise ValueError(f"not a Python package name: {name!r}")
    target = dest / name
    if target.exists():
        shutil.rmtree(target)
    src = ROOT / "src" / "ddcases"
    if src.is_dir():
        shutil.copytree(src, target, ignore=IGNORE)
    else:
        target.mkdir(parents=True)
        (target / "__init__.py").write_text('"""Vendored ddcases."""\n', encoding="utf-8")
    if not with_emulator:
        shutil.rmtree(target / "emulator", ignore_errors=True)
    shutil.copytree(ROOT / "generated" / "ddcases_api", target / "_api", ignore=IGNORE)
    if with_emulator:
        shutil.copytree(ROOT / "generated" / "ddcases_schema", target / "_schema", ignore=IGNORE)
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, name)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--with-emulator", action="store_true")
    args = parser.parse_args()
    print(vendor(args.dest, args.name, with_emulator=args.with_emulator))


if __name__ == "__main__":
    main()
