"""`make vendor` output imports under another name, with no ddcases on sys.path, and works."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a subprocess with only the vendored dir and site-packages on sys.path.
CHECKS = textwrap.dedent(
    """
    import asyncio, json, sys
    import httpx
    assert not any(m == "ddcases" or m.startswith("ddcases") for m in sys.modules), sys.modules
    import acme_cases
    from acme_cases._api import AuthenticatedClient
    from acme_cases._api.api.case_management import get_case
    from acme_cases._api.models import CaseResponse, CaseStatus

    def handler(request):
        assert request.url.raw_path == b"/api/v2/cases/a%2Fb"
        return httpx.Response(200, json={"data": {"id": "1", "type": "case",
            "attributes": {"key": "K-1", "status": "SOMETHING_NEW", "title": "t",
                "priority": "P1", "created_at": "2026-01-24T00:47:45Z"}}})

    async def main():
        client = AuthenticatedClient(base_url="https://x.test", token="t")
        client.set_async_httpx_client(httpx.AsyncClient(
            base_url="https://x.test", transport=httpx.MockTransport(handler)))
        async with client:
            parsed = await get_case.asyncio("a/b", client=client)
        assert isinstance(parsed, CaseResponse), parsed
        assert parsed.data.attributes.status == "SOMETHING_NEW"
        assert isinstance(parsed.data.attributes.status, CaseStatus)
        assert type(parsed).__module__.startswith("acme_cases._api."), type(parsed).__module__

        # The facade too: CaseManagement, its errors and its models come from the copy.
        seen = []

        def facade_handler(request):
            seen.append((request.url.raw_path, request.headers.get("dd-api-key")))
            if request.url.path.endswith("/missing"):
                return httpx.Response(404, json={"errors": [{"code": "resource_not_found",
                                                             "title": "case not found"}]})
            return handler(httpx.Request("GET", "https://x.test/api/v2/cases/a%2Fb"))

        async with acme_cases.CaseManagement(api_key="k" * 32, app_key="a" * 40,
                base_url="https://x.test", transport=httpx.MockTransport(facade_handler)) as dd:
            case = await dd.cases.get("a/b")
            assert case.attributes.key == "K-1" and not case.attributes.status.is_known
            assert type(case).__module__.startswith("acme_cases._api."), type(case).__module__
            try:
                await dd.cases.get("missing")
            except acme_cases.NotFoundError as exc:
                assert "case not found" in str(exc), str(exc)
            else:
                raise AssertionError("no NotFoundError")
        assert seen == [(b"/api/v2/cases/a%2Fb", "k" * 32), (b"/api/v2/cases/missing", "k" * 32)]
        print("ok")

    asyncio.run(main())
    assert not any(m.startswith("ddcases") for m in sys.modules)
    """
)


def test_vendored_copy_imports_and_calls(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "vendor.py"),
            "--dest",
            str(tmp_path),
            "--name",
            "acme_cases",
        ],
        check=True,
        capture_output=True,
    )
    # Only imports matter: a string such as a contextvar name may still say "ddcases".
    stale_import = re.compile(r"^\s*(?:from|import)\s+ddcases", re.MULTILINE)
    leftovers = [
        str(p)
        for p in (tmp_path / "acme_cases").rglob("*.py")
        if stale_import.search(p.read_text(encoding="utf-8"))
    ]
    assert not leftovers
    paths = sysconfig.get_paths()
    stdlib = [p for p in sys.path if p.startswith(sys.base_prefix) and "site-packages" not in p]
    # -S skips .pth files, so the editable install of ddcases is not importable in the child.
    search = [str(tmp_path), paths["purelib"], paths["platlib"], *stdlib]
    code = f"import sys; sys.path[:] = {search!r}\n{CHECKS}"
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
