"""The README's Python is code: extract its ```python blocks and type-check them with examples/.

Usage: python scripts/readme_code.py typecheck     (part of `make typecheck`)
       python scripts/readme_code.py list          (the blocks, where they are, how they run)

Each ```python block becomes a module whose line numbers are the README's (the block is padded
with blank lines), so mypy points at README.md lines. Every block is a complete program a reader
can copy: a block that defines ``test_*`` functions is a pytest file, any other block a script
(``asyncio.run(main())``; a bare top-level ``await`` is a fragment, and mypy says so).
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
EXAMPLES = ROOT / "examples"

# Block id ("Quick start", or "Heading#2" for a heading's second block) or examples/ path -> why.
PENDING: dict[str, str] = {}

OPENING = re.compile(r"^ *```(?P<info>[^`]*)$")
HEADING = re.compile(r"^#{1,6} +(?P<title>.+?) *$")


@dataclass(frozen=True)
class Block:
    """One ```python block of the README."""

    id: str  # "Quick start", "Testing your code offline#2"
    line: int  # README line of the first line of code
    code: str  # dedented

    @property
    def module(self) -> str:
        slug = re.sub(r"\W+", "_", self.id.lower()).strip("_")
        return f"readme_l{self.line}_{slug}"

    @property
    def is_pytest(self) -> bool:
        tree = ast.parse(self.code)
        return any(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
            for node in tree.body
        )

    def source(self) -> str:
        """The code, padded so that its line numbers are the README's."""
        return "\n" * (self.line - 1) + self.code


def blocks(text: str | None = None) -> list[Block]:
    """The ```python blocks of the README (or ``text``), named after the heading above them."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    found: list[Block] = []
    heading, count, index = "README", 0, 0
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
            found.append(Block(heading if count == 1 else f"{heading}#{count}", index + 2, code))
        index = end + 1
    return found


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
    """Type-check README blocks and examples; (exit code, report with README.md paths)."""
    with tempfile.TemporaryDirectory() as tmp:
        chosen = [b for b in blocks() if include_pending or b.id not in PENDING]
        files = write(chosen, Path(tmp))
        scripts = [
            p
            for p in examples()
            if include_pending or p.relative_to(ROOT).as_posix() not in PENDING
        ]
        result = mypy([*files, *scripts], cwd=ROOT)
        report = result.stdout + result.stderr
        for path in files:
            report = report.replace(str(path), "README.md")
    return result.returncode, report


def main(argv: list[str]) -> int:
    if argv == ["list"]:
        for block in blocks():
            kind = "pytest" if block.is_pytest else "script"
            note = f"  (pending: {PENDING[block.id]})" if block.id in PENDING else ""
            print(f"README.md:{block.line}  {block.id}  [{kind}]{note}")
        for path in examples():
            rel = path.relative_to(ROOT).as_posix()
            note = f"  (pending: {PENDING[rel]})" if rel in PENDING else ""
            print(f"{rel}  [script]{note}")
        return 0
    if argv == ["typecheck"]:
        for name, reason in PENDING.items():
            print(f"skipped {name}: {reason}")
        code, report = typecheck()
        print(report.rstrip() or "README blocks and examples/: no mypy --strict errors")
        return code
    print(__doc__.split("\n\n")[0].replace("\n", " ") if __doc__ else "", file=sys.stderr)
    print("usage: readme_code.py typecheck | list", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
