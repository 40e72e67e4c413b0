"""The docs' code is code: every ```python block of README.md and of the pages under docs/ (the
guides), and everything under examples/, type-checks under ``mypy --strict`` and runs against the
emulator (blocks extracted by scripts/readme_code.py).

How code written for Datadog reaches the emulator:

* a script block runs in process with ``ddcases.CaseManagement`` replaced by a subclass whose
  defaults are a fresh emulator (in-process ASGI transport) and with ``DD_API_KEY``/``DD_APP_KEY``
  set to test values, so ``CaseManagement()`` as the README writes it talks to the emulator;
* a block that defines ``test_*`` functions runs under pytest with the ddcases plugin, as a user's
  test file would;
* examples/ scripts start their own emulator (examples/triage.py does unless given --live).

Blocks and examples in ``readme_code.PENDING`` wait for other work: strict xfail, with the reason.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ddcases.testing import Emulator, serve

ROOT = Path(__file__).resolve().parents[1]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_code", ROOT / "scripts/readme_code.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["readme_code"] = module
    spec.loader.exec_module(module)
    return module


readme_code = _load_script()
BLOCKS = readme_code.all_blocks()
EXAMPLES = [p.relative_to(ROOT).as_posix() for p in readme_code.examples()]
# What a block must print, beyond running to the end with no 5xx from the emulator.
OUTPUT = {
    "Testing your code offline#2": re.compile(r"^SEC-1$", re.MULTILINE),
    "docs/guides/testing.md: Testing with the emulator#2": re.compile(r"^SEC-1$", re.MULTILINE),
    # for_update() handles every match once although each action removes it from the filter.
    "docs/guides/pagination.md: Changing the cases you walk": re.compile(r"^5$", re.MULTILINE),
}


def _pending(name: str) -> list[pytest.MarkDecorator]:
    reason = readme_code.PENDING.get(name)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def test_the_docs_have_python_blocks_of_both_kinds() -> None:
    assert any(b.is_pytest for b in BLOCKS)
    assert any(not b.is_pytest for b in BLOCKS)
    assert any(b.file == "README.md" for b in BLOCKS)  # the quick start
    assert "examples/triage.py" in EXAMPLES


def test_the_guides_blocks_are_covered() -> None:
    """Every docs page with a ```python block contributes blocks, under unique ids."""
    pages = {b.file for b in BLOCKS if b.file != "README.md"}
    with_code = {
        p.relative_to(ROOT).as_posix()
        for p in readme_code.pages()
        if "```python" in p.read_text(encoding="utf-8")
    }
    assert pages == with_code
    assert "docs/guides/quickstart.md" in pages
    assert len({b.id for b in BLOCKS}) == len(BLOCKS)
    assert set(readme_code.PENDING) <= {b.id for b in BLOCKS} | set(EXAMPLES)


def test_blocks_keep_their_files_line_numbers() -> None:
    for block in BLOCKS:
        lines = (ROOT / block.file).read_text(encoding="utf-8").splitlines()
        assert lines[block.line - 2].strip() == "```python"
        first = block.code.splitlines()[0]
        assert lines[block.line - 1].strip() == first.strip()
        assert block.source().splitlines()[block.line - 1] == first


# ---------------------------------------------------------------- mypy --strict


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Block id or examples/ path -> its mypy --strict errors (one mypy run for all)."""
    files = readme_code.write(BLOCKS, tmp_path_factory.mktemp("readme"))
    result = readme_code.mypy([*files, *readme_code.examples()], cwd=ROOT)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    owners = {str(path): block.id for path, block in files.items()}
    owners.update({str(ROOT / p): p for p in EXAMPLES})
    owners.update({p: p for p in EXAMPLES})
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        path, _, rest = line.partition(":")
        if ": error:" in line:
            errors.setdefault(owners.get(path, path), []).append(f"line {rest}")
    return errors


@pytest.mark.parametrize(
    "block",
    [pytest.param(b, id=b.id, marks=_pending(b.id)) for b in BLOCKS],
)
def test_readme_block_type_checks(block: Any, mypy_errors: dict[str, list[str]]) -> None:
    assert mypy_errors.get(block.id, []) == []


@pytest.mark.parametrize("example", [pytest.param(p, marks=_pending(p)) for p in EXAMPLES])
def test_example_type_checks(example: str, mypy_errors: dict[str, list[str]]) -> None:
    assert mypy_errors.get(example, []) == []


def test_mypy_errors_are_attributed(mypy_errors: dict[str, list[str]]) -> None:
    known = {b.id for b in BLOCKS} | set(EXAMPLES)
    assert set(mypy_errors) <= known, mypy_errors


# ---------------------------------------------------------------- running


@pytest.fixture
def emulated_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """``CaseManagement()`` with no arguments reaches a fresh emulator served over HTTP on
    loopback (uvicorn, as ``python -m ddcases.emulator`` serves it), through the default
    transport, by the environment a user sets (``DDCASES_BASE_URL``, keys); returns the
    statuses it answered. Nothing of ddcases is patched."""
    emulator = Emulator()  # as `python -m ddcases.emulator` starts: the blocks define what they use
    statuses: list[int] = []

    async def recorded(scope: Any, receive: Any, send: Any) -> None:
        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            await send(message)

        await emulator.app(scope, receive, record)

    with serve(recorded) as base_url:
        # What a user sets to run the docs' code against `python -m ddcases.emulator`.
        monkeypatch.setenv("DDCASES_BASE_URL", base_url)
        monkeypatch.setenv("DD_API_KEY", "readme-api-key")
        monkeypatch.setenv("DD_APP_KEY", "readme-app-key")
        monkeypatch.delenv("DD_SITE", raising=False)
        yield statuses


def _run_script(block: Any) -> str:
    out = io.StringIO()
    code = compile(block.source(), f"{block.file} ({block.id})", "exec")
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__main__"})  # noqa: S102 - the README block is the test
    return out.getvalue()


def _run_pytest(block: Any, where: Path) -> subprocess.CompletedProcess[str]:
    path = where / f"test_{block.module}.py"
    path.write_text(block.code, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"]
    command += ["-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"]
    return subprocess.run(
        [*command, str(path)],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in BLOCKS])
def test_readme_block_runs_against_the_emulator(
    block: Any, emulated_default: list[int], tmp_path: Path
) -> None:
    if block.is_pytest:
        result = _run_pytest(block, tmp_path)
        tests = sum(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
            for node in ast.parse(block.code).body
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{tests} passed" in result.stdout
        return
    output = _run_script(block)
    if "CaseManagement(" in block.code:  # it reached the emulator, not Datadog
        assert emulated_default
    assert not [s for s in emulated_default if s >= 500], emulated_default
    expected = OUTPUT.get(block.id)
    if expected is not None:
        assert expected.search(output), output


def test_examples_triage_runs_against_the_emulator() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "triage.py"),
            "--cases",
            "40",
            "--concurrency",
            "8",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Triage summary for project TRIAGE: 40 cases filed" in result.stdout
    assert "emulator listening on http://127.0.0.1:" in result.stderr


def test_examples_setup_project_is_idempotent_against_one_emulator() -> None:
    from ddcases.testing import serve

    outputs = []
    with serve() as base_url:
        for _ in range(2):
            result = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "examples" / "setup_project.py"),
                    "--base-url",
                    base_url,
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
    first, second = outputs
    assert "8 change(s) made" in first
    assert "filed SECREV-1 (type 'Security review')" in first
    assert "changed " not in second
    assert "nothing to change: the project was already set up" in second
    assert "filed SECREV-2" in second


@pytest.mark.parametrize("example", [pytest.param(None, marks=_pending("examples/case_bot.py"))])
def test_examples_case_bot_runs_against_the_emulator(example: None) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "case_bot.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Follow-up summary for project BOT: 3 cases answered and closed" in result.stdout
    assert "BOT-1: CLOSED, 3 comments, 1 watcher(s), 1 link(s)" in result.stdout


def test_every_example_is_run_by_a_test() -> None:
    assert EXAMPLES == [
        "examples/case_bot.py",
        "examples/setup_project.py",
        "examples/triage.py",
    ], "add a test that runs the new example"


def test_the_readme_lists_every_namespace_and_method() -> None:
    """The front page's table of namespaces is the facade: each row's methods are exactly the
    namespace's public methods, and every namespace reachable from ``dd`` has a row."""
    import re

    from ddcases import CaseManagement
    from ddcases._resource import Resource

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(dd\.[a-z_.]+)` \| (.+) \|$", text, re.MULTILINE))
    assert rows, "the README has no table of namespaces"
    dd = CaseManagement(api_key="k", app_key="a")
    found: dict[str, set[str]] = {}
    todo = [("dd", dd)]
    while todo:
        path, owner = todo.pop()
        for name in dir(type(owner)):
            if name.startswith("_") or name in ("with_raw_response", "api"):
                continue
            value = getattr(owner, name)
            if isinstance(value, Resource):
                found[f"{path}.{name}"] = set()
                todo.append((f"{path}.{name}", value))
            elif path != "dd" and callable(value):
                found[path].add(name)
    assert set(rows) == set(found)
    for namespace, methods in rows.items():
        listed = set(re.findall(r"`([a-z_]+)`", re.sub(r"\(.*?\)", "", methods)))
        assert listed == found[namespace], namespace
