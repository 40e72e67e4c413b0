"""`make api-diff` reports what a spec change does to the public Python API, breaking marked."""

from __future__ import annotations

from pathlib import Path

from tests import _repo_copy


def test_removing_or_retyping_a_field_is_reported_as_breaking(tmp_path: Path) -> None:
    repo = _repo_copy.make(tmp_path / "repo")
    spec = _repo_copy.load_spec(repo)
    attributes = spec["components"]["schemas"]["CaseAttributes"]["properties"]
    del attributes["closed_at"]
    attributes["title"]["type"] = "integer"
    _repo_copy.save_spec(repo, spec)
    _repo_copy.generate(repo)

    result = _repo_copy.run(repo, "scripts/api_diff.py")

    lines = result.stdout.splitlines()
    assert lines[0].startswith("Public API of the working tree against HEAD")
    # Under the shortest public path (the model is also at ...models.case_attributes).
    model = "ddcases_api.models.CaseAttributes"
    assert f"  BREAKING  {model}.closed_at: Public object was removed" in lines
    title = f"{model}.title: str -> int (type changed)"
    assert f"  BREAKING  {title}" in lines
    assert "ddcases: no change to the public API" in lines
    assert lines[-1] == "2 breaking change(s), 0 other change(s)"

    strict = _repo_copy.run(repo, "scripts/api_diff.py", "--fail-on-breaking", check=False)
    assert strict.returncode == 1


def test_an_unchanged_tree_reports_no_change(tmp_path: Path) -> None:
    repo = _repo_copy.make(tmp_path / "repo")
    result = _repo_copy.run(repo, "scripts/api_diff.py", "--fail-on-breaking")
    assert "ddcases_api: no change to the public API" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 breaking change(s), 0 other change(s)"


def test_a_generated_method_removed_is_breaking_for_ddcases(tmp_path: Path) -> None:
    """dd.cases's plain methods are inherited from the generated facade: dropping GetCase from the
    spec takes dd.cases.get away from ddcases users, and the diff says so under ddcases."""
    repo = _repo_copy.make(tmp_path / "repo")
    spec = _repo_copy.load_spec(repo)
    del spec["paths"]["/api/v2/cases/{case_id}"]["get"]
    _repo_copy.save_spec(repo, spec)
    _repo_copy.generate(repo)

    lines = _repo_copy.run(repo, "scripts/api_diff.py").stdout.splitlines()
    assert "  BREAKING  ddcases.resources.Cases.get: function removed" in lines, lines
