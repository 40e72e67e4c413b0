"""The docs' Python is code: extract the ```python blocks of README.md and of every page under
docs/ (the guides), and type-check them with examples/.

Usage: python scripts/readme_code.py typecheck     (part of `make typecheck`)
       python scripts/readme_code.py list          (the blocks, where they are, how they run)

Each ```python block becomes a module whose line numbers are its file's (the block is padded
with blank lines), so mypy points at README.md or docs/... lines. Every block is a complete
program a reader can copy: a block that defines ``test_*`` functions is a pytest file, any other
block a script (``asyncio.run(main())``; a bare top-level ``await`` is a fragment, and mypy says
so).
tests/test_readme.py type-checks every block and everything under examples/ with
``mypy --strict`` and runs each against the emulator.

PENDING names the blocks and examples that cannot pass until other work lands, with the reason:
`make typecheck` skips them (and says so), and tests/test_readme.py marks them strict xfail, so
each one must be taken off the list as soon as it passes.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

# Block id or examples/ path -> why. A README block's id is its heading ("Quick start", or
# "Heading#2" for a heading's second block); a docs page's block is prefixed with the page's path
# ("docs/guides/pagination.md: Changing the cases you walk: for_update()").
PENDING: dict[str, str] = {}

OPENING = re.compile(r"^ *```(?P<info>[^`]*)$")
HEADING = re.compile(r"^#{1,6} +(?P<title>.+?) *$")


@dataclass(frozen=True)
class Block:
    """One ```python block of the README or of a docs page."""

    id: str  # "Quick start", "Testing your code offline#2", "docs/guides/testing.md: Testing..."
    line: int  # line of the first line of code in its file
    code: str  # dedented
    file: str = "README.md"  # relative to the repository root

    @property
    def module(self) -> str:
        slug = re.sub(r"\W+", "_", self.id.lower()).strip("_")[:80]
        prefix = "readme" if self.file == "README.md" else "docs"
        return f"{prefix}_l{self.line}_{slug}"

    @property
    def is_pytest(self) -> bool:
        tree = ast.parse(self.code)
        return any(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
            for node in tree.body
        )

    def source(self) -> str:
        """The code, padded so that its line numbers are its file's."""
        return "\n" * (self.line - 1) + self.code


def pages() -> list[Path]:
    """The Markdown pages of the docs site whose blocks are checked like the README's."""
    return sorted(DOCS.rglob("*.md"))


def blocks(text: str | None = None, *, source: Path = README) -> list[Block]:
    """The ```python blocks of ``source`` (or ``text``), named after the heading above them."""
    lines = (source.read_text(encoding="utf-8") if text is None else text).splitlines()
    file = source.relative_to(ROOT).as_posix() if source.is_absolute() else source.as_posix()
    prefix = "" if source == README else f"{file}: "
    found: list[Block] = []
    heading, count, index = "README" if source == README else file, 0, 0
    while index < len(lines):
        opening = OPENING.match(lines[index])
        if opening is None:
            title = HEADING.match(lines[index])
            if title:
                heading, count = title["title"], 0
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if opening["info"].strip() == "python":
            count += 1
            code = textwrap.dedent("\n".join(lines[index + 1 : end]) + "\n")
            name = heading if count == 1 else f"{heading}#{count}"
            found.append(Block(prefix + name, index + 2, code, file))
        index = end + 1
    return found


def all_blocks() -> list[Block]:
    """The blocks of the README, then of every docs page."""
    return [b for source in (README, *pages()) for b in blocks(source=source)]


def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.py"))


def write(blocks_: list[Block], into: Path) -> dict[Path, Block]:
    """Write each block as a module in ``into``; file -> block."""
    files = {}
    for block in blocks_:
        path = into / f"{block.module}.py"
        path.write_text(block.source(), encoding="utf-8")
        files[path] = block
    return files


def mypy(targets: list[Path], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` on ``targets`` (one run), with the repo's mypy settings otherwise."""
    # No cache: mypy replays cached errors under the path a module had when cached, and the
    # blocks are written to a new temporary directory each time (a cold run takes ~3 s).
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-error-summary",
        "--cache-dir=/dev/null",
    ]
    command += ["--config-file", str(ROOT / "pyproject.toml"), *map(str, targets)]
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def typecheck(*, include_pending: bool = False) -> tuple[int, str]:
    """Type-check the docs' blocks and examples; (exit code, report with the docs' paths)."""
    with tempfile.TemporaryDirectory() as tmp:
        chosen = [b for b in all_blocks() if include_pending or b.id not in PENDING]
        files = write(chosen, Path(tmp))
        scripts = [
            p
            for p in examples()
            if include_pending or p.relative_to(ROOT).as_posix() not in PENDING
        ]
        result = mypy([*files, *scripts], cwd=ROOT)
        report = result.stdout + result.stderr
        for path, block in files.items():
            report = report.replace(str(path), block.file)
    return result.returncode, report


def main(argv: list[str]) -> int:
    if argv == ["list"]:
        for block in all_blocks():
            kind = "pytest" if block.is_pytest else "script"
            note = f"  (pending: {PENDING[block.id]})" if block.id in PENDING else ""
            print(f"{block.file}:{block.line}  {block.id}  [{kind}]{note}")
        for path in examples():
            rel = path.relative_to(ROOT).as_posix()
            note = f"  (pending: {PENDING[rel]})" if rel in PENDING else ""
            print(f"{rel}  [script]{note}")
        return 0
    if argv == ["typecheck"]:
        for name, reason in PENDING.items():
            print(f"skipped {name}: {reason}")
        code, report = typecheck()
        print(report.rstrip() or "README, docs/ blocks and examples/: no mypy --strict errors")
        return code
    print(__doc__.split("\n\n")[0].replace("\n", " ") if __doc__ else "", file=sys.stderr)
    print("usage: readme_code.py typecheck | list", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
