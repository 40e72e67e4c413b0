"""A user's program on a vendored copy, run by test_runtime.py in a runtime-only venv.

Usage: python -I _user_app.py DEST NAME

Imports NAME from DEST, talks to a small HTTP server on a loopback socket through the client's
default transport, and (when the copy and the venv have the emulator) to the emulator in process
and over a socket. Prints one JSON line describing what it found; any failure is a traceback.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEST, NAME = sys.argv[1], sys.argv[2]
sys.path.insert(0, DEST)

CASE = {
    "data": {
        "id": "c-1",
        "type": "case",
        "attributes": {
            "key": "K-1",
            "title": "Disk full",
            "status": "SOMETHING_NEW",
            "priority": "P1",
            "created_at": "2026-01-24T00:47:45.123456789Z",
        },
    }
}
seen: list[tuple[str, str | None]] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        seen.append((self.path, self.headers.get("DD-API-KEY")))
        if self.path.endswith("/missing"):
            status, body = 404, {"errors": [{"code": "resource_not_found", "title": "gone"}]}
        else:
            status, body = 200, CASE
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.api+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


async def over_default_transport(sdk: Any, base_url: str) -> None:
    async with sdk.CaseManagement(base_url=base_url, api_key="k" * 32, app_key="a" * 40) as dd:
        case = await dd.cases.get("a/b")
        assert case.attributes.key == "K-1", case
        assert not case.attributes.status.is_known
        assert case.attributes.status == "SOMETHING_NEW"
        assert type(case).__module__.startswith(f"{NAME}._api."), type(case).__module__
        try:
            await dd.cases.get("missing")
        except sdk.NotFoundError as exc:
            message = str(exc)
        else:
            raise AssertionError("no NotFoundError")
        assert "gone" in message, message
    assert seen == [("/api/v2/cases/a%2Fb", "k" * 32), ("/api/v2/cases/missing", "k" * 32)], seen


async def with_emulator() -> None:
    testing = importlib.import_module(f"{NAME}.testing")
    async with testing.emulated_client() as dd:
        await dd.projects.create(key="SEC", name="Security")
        case = await dd.cases.create(project="SEC", title="Leaked token", priority="P2")
        case = await dd.cases.update_priority(case.id, "P1")
        assert case.attributes.priority == "P1"
    with testing.serve() as url:
        sdk = importlib.import_module(NAME)
        async with sdk.CaseManagement(base_url=url, api_key="k", app_key="a") as dd:
            await dd.projects.create(key="OPS", name="Ops")
            assert [p.attributes.key async for p in dd.projects.list()] == ["OPS"]


def main() -> None:
    sdk = importlib.import_module(NAME)
    assert importlib.util.find_spec("ddcases") is None, "ddcases must not be importable here"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        asyncio.run(over_default_transport(sdk, f"http://127.0.0.1:{server.server_port}"))
    finally:
        server.shutdown()
        server.server_close()
    has_emulator = importlib.util.find_spec(f"{NAME}.emulator") is not None
    emulator_ran = False
    if has_emulator and importlib.util.find_spec("starlette") is not None:
        asyncio.run(with_emulator())
        emulator_ran = True
    types = sys.modules[f"{NAME}._api.types"]
    report = {
        "json_loads": types.json_loads.__module__,
        "aiohttp_used": "aiohttp" in sys.modules,
        "emulator_ran": emulator_ran,
        "ddcases_modules": sorted(m for m in sys.modules if m.split(".")[0].startswith("ddcases")),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
