"""``python -m ddcases.emulator --port 8126 [--host 127.0.0.1]``: serve the emulator with uvicorn.

Port 0 picks a free port. The first line on stdout is the base URL, e.g.
``http://127.0.0.1:8126``, so scripts can read it and point a client there.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import uvicorn

from . import create_app
from ._faults import socket_app


async def _serve(host: str, port: int) -> None:
    config = uvicorn.Config(
        socket_app(create_app()), host=host, port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            await serving  # surfaces the startup error (e.g. port in use)
            raise SystemExit(1)
        await asyncio.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    url = f"http://{host}:{bound[1]}"
    print(url, flush=True)
    print(
        f"point ddcases at it: export DDCASES_BASE_URL={url} (and any DD_API_KEY, DD_APP_KEY)",
        file=sys.stderr,
        flush=True,
    )
    await serving


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ddcases.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8126, help="port to bind; 0 picks a free one")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args.host, args.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
