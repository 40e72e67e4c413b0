"""A vendored copy works in a venv holding only its runtime dependencies, with or without each
optional one (orjson, aiohttp, the emulator's packages), and never needs ddcases.

The venvs are built once from the pinned wheels and cached (scripts/runtime_venvs.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ._vendoring import NAME, ROOT, runtime_venvs

APP = Path(__file__).with_name("_user_app.py")

# (copy, venv) -> what the program must report.
MATRIX = {
    ("plain", "all"): {"json_loads": "orjson", "aiohttp_used": True, "emulator_ran": False},
    ("plain", "no-orjson"): {"json_loads": "json", "aiohttp_used": True, "emulator_ran": False},
    ("plain", "no-aiohttp"): {"json_loads": "orjson", "aiohttp_used": False, "emulator_ran": False},
    ("plain", "bare"): {"json_loads": "json", "aiohttp_used": False, "emulator_ran": False},
    ("emulator", "all"): {"json_loads": "orjson", "aiohttp_used": True, "emulator_ran": True},
    ("emulator", "no-orjson"): {"json_loads": "json", "aiohttp_used": True, "emulator_ran": True},
    ("emulator", "no-aiohttp"): {
        "json_loads": "orjson",
        "aiohttp_used": False,
        "emulator_ran": True,
    },
    # The copy has the emulator, the venv not its packages: the client still works.
    ("emulator", "no-emulator"): {
        "json_loads": "orjson",
        "aiohttp_used": True,
        "emulator_ran": False,
    },
}


def test_the_runtime_venvs_hold_only_what_they_should() -> None:
    venvs = runtime_venvs.VENVS
    assert set(venvs["bare"]) == {"httpx", "attrs"}
    for group, packages in runtime_venvs.OPTIONAL.items():
        assert not set(packages) & set(venvs[f"no-{group}"])
        assert set(packages) <= set(venvs["all"])


@pytest.mark.parametrize(("copy", "venv"), MATRIX, ids=[f"{c}-copy-in-{v}" for c, v in MATRIX])
def test_a_user_program_runs_on_the_copy(
    copy: str, venv: str, plain_dest: Path, emulator_dest: Path
) -> None:
    python = runtime_venvs.ensure(venv)
    dest = plain_dest if copy == "plain" else emulator_dest
    # -I: no PYTHONPATH, no user site, not the cwd; -W error: warnings fail the run.
    result = subprocess.run(
        [str(python), "-I", "-W", "error", str(APP), str(dest), NAME],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report.pop("ddcases_modules") == []
    assert report == MATRIX[copy, venv]


def test_an_optional_package_is_really_missing_from_its_venv() -> None:
    python = runtime_venvs.ensure("no-orjson")
    result = subprocess.run(
        [str(python), "-I", "-c", "import orjson"], capture_output=True, text=True, check=False
    )
    assert "No module named 'orjson'" in result.stderr


def test_the_readme_lists_the_packages_these_venvs_hold() -> None:
    section = (ROOT / "docs" / "guides" / "vendoring.md").read_text(encoding="utf-8")
    deps = next(line for line in section.splitlines() if "Dependencies at run time" in line)
    deps = section[section.index(deps) :].split("\n- ", 1)[0]
    required, optional = deps.split("Optional:", 1)
    packages = {p for ps in runtime_venvs.OPTIONAL.values() for p in ps}
    assert all(p in required for p in runtime_venvs.REQUIRED)
    assert all(p in optional for p in (*packages, *runtime_venvs.TEST_TOOLS))


OUT_OF_BOUNDS = """
import sys
sys.path.insert(0, sys.argv[1])
import httpx
httpx.__version__ = "0.29.0"  # what `pip install httpx` gave the user
from {name} import CaseManagement
for _ in range(3):
    CaseManagement(api_key="a" * 32, app_key="b" * 40, base_url="http://localhost:8126")
"""


def run_on_copy(venv: str, program: str, dest: Path) -> subprocess.CompletedProcess[str]:
    """``program`` (its ``{name}`` the copy's) run isolated in ``venv``, ``dest`` its argument."""
    python = runtime_venvs.ensure(venv)
    return subprocess.run(
        [str(python), "-I", "-c", program.format(name=NAME), str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_a_copy_says_once_when_a_dependency_is_outside_its_bounds(plain_dest: Path) -> None:
    """Issue 18 item 6: a vendored copy has no installer holding pyproject's bounds."""
    result = run_on_copy("bare", OUT_OF_BOUNDS, plain_dest)
    lines = [line for line in result.stderr.splitlines() if "httpx 0.29.0" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{NAME}: httpx 0.29.0 is installed, outside the versions")
    assert "install 'httpx>=0.28,<0.29'" in lines[0]


SHARED_STORE = """
import sys
sys.path.insert(0, sys.argv[1])
from {name} import CaseManagement
try:
    dd = CaseManagement(
        api_key="a" * 32, app_key="b" * 40, base_url="http://localhost:8126",
        rate_limit_store="redis://127.0.0.1:9/0",
    )
except ImportError as exc:
    print("ImportError:", exc)
else:
    print(type(dd._http._transport.limiter.store).__name__)
"""


@pytest.mark.parametrize(("venv", "expected"), [("all", "RateStore"), ("no-redis", "ImportError")])
def test_a_copy_shares_the_rate_limit_only_where_redis_is_installed(
    venv: str, expected: str, plain_dest: Path
) -> None:
    """Issue 19: rate_limit_store= needs redis-py; without it, a clear error naming it."""
    result = run_on_copy(venv, SHARED_STORE, plain_dest)
    assert result.stdout.startswith(expected), result.stdout + result.stderr
    if expected == "ImportError":
        assert "pip install 'redis>=5.0,<9'" in result.stdout
