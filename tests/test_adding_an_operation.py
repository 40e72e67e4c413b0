"""The guide's "Adding an operation" (docs/guides/regenerating.md), done as it says in a committed
copy of the repository: its spec patch applied, the code generated, and its quoted API diff and
coverage failure checked against what the tools print there."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from tests import _repo_copy

GUIDE = _repo_copy.ROOT / "docs" / "guides" / "regenerating.md"


def _walkthrough() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Adding an operation")
    ends = [i for i in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if i > 0]
    return text[start : min(ends, default=len(text))]


def _blocks(section: str, language: str) -> list[str]:
    fence = re.compile(rf"^( *)```{language}\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)
    return [textwrap.dedent(m.group(2)) for m in fence.finditer(section)]


def _pytest(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in the copy, as a user runs it there; its failure is what the test reads."""
    return _repo_copy.run(repo, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, check=False)


def test_the_walkthrough_has_a_spec_patch_and_the_outputs_it_quotes() -> None:
    section = _walkthrough()
    assert len(_blocks(section, "yaml")) == 1
    assert len(_blocks(section, "text")) == 2
    assert "make generate" in section
    assert "make api-diff" in section


def test_the_walkthrough_is_what_happens(tmp_path: Path) -> None:
    section = _walkthrough()
    (patch_text,) = _blocks(section, "yaml")
    api_diff_quote, coverage_quote = _blocks(section, "text")
    patch = yaml.safe_load(patch_text)
    ((path, item),) = patch["paths"].items()
    ((_method, operation),) = item.items()
    module = re.sub(r"(?<!^)(?=[A-Z])", "_", operation["operationId"]).lower()

    repo = _repo_copy.make(tmp_path / "repo")
    spec = _repo_copy.load_spec(repo)
    if path in spec["paths"]:  # a user who followed the walkthrough in this tree: not a failure
        pytest.skip(f"openapi.yaml already has the walkthrough's {path} (README example followed)")
    spec["paths"].update(patch["paths"])
    _repo_copy.save_spec(repo, spec)

    _repo_copy.generate(repo)  # 2. Generate: the low-level function and the facade method
    assert (repo / "generated/ddcases_api/api/case_management" / f"{module}.py").is_file()
    namespace, _, method = operation["x-ddcases"]["method"].rpartition(".")
    facade = (repo / "generated/ddcases_api/facade" / f"{namespace}.py").read_text(encoding="utf-8")
    assert f"    async def {method}(" in facade
    assert f"self.{method} = to_raw(" in facade  # its with_raw_response twin

    diff = _repo_copy.run(repo, "scripts/api_diff.py").stdout.splitlines()  # 3. API diff
    # The quote is the whole diff, not a selection: its header and count lines aside.
    assert diff[1:-1] == api_diff_quote.splitlines(), diff
    assert diff[-1].startswith("0 breaking change(s)")

    coverage = _pytest(repo, "tests/generated/test_coverage.py::test_every_operation_is_covered")
    assert coverage.returncode == 1, coverage.stdout
    gaps = coverage_quote.splitlines()
    assert all(gap in coverage.stdout for gap in gaps), coverage.stdout
    assert f"{len(gaps)} gap(s) between openapi.yaml and the code" in coverage.stdout

    # The property-based run says the same in words (not a bare `assert 404 == 405`).
    fuzz = _pytest(repo, "tests/emulator/test_schemathesis.py", "-k", path.rsplit("/", 1)[-1])
    assert fuzz.returncode == 1, fuzz.stdout
    operation_id = operation["operationId"]
    assert f"{operation_id} has no emulator route" in fuzz.stdout, fuzz.stdout
    assert "assert 404 == 405" not in fuzz.stdout
