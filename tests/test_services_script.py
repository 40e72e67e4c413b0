"""`make test` installs the services its tests start (README, "First commands"): the target runs
scripts/services.sh first, which installs Debian's chromium and redis-server when missing and,
where it cannot, says which tests will be skipped and never fails the run."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_test_runs_the_services_script_first() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    prerequisites = re.search(r"^test:(.*)$", makefile, re.MULTILINE)
    assert prerequisites is not None
    assert prerequisites[1].split()[0] == "services"
    assert "scripts/services.sh" in makefile.split("\nservices:", 1)[1].split("\n\n", 1)[0]
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")


def test_without_apt_get_the_script_says_what_is_skipped_and_succeeds(tmp_path: Path) -> None:
    # A PATH holding only `id`: no chromium, no redis-server, no apt-get.
    (tmp_path / "id").symlink_to(shutil.which("id") or "/usr/bin/id")
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "services.sh")],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    assert "chromium is missing and cannot be installed here: the browser test" in result.stderr
    assert "redis-server is missing and cannot be installed here: the shared-store" in result.stderr
