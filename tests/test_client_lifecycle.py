"""A client's life in a running program: constructing one never stalls the event loop (issue 18
item 10), and one that is never closed says so once, in ddcases' words (item 9).

Both run the user's program in a fresh process, as a user meets them: the first construction of
a process is the one that used to import aiohttp, and the warnings of a client garbage
collected at exit are printed by that process.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

import pytest

TICKING = textwrap.dedent(
    """
    import asyncio, json, sys, time
    import ddcases  # the measure starts after the import, as a service's would
    from ddcases import CaseManagement

    async def main():
        gaps, running = [], True

        async def tick():
            last = time.perf_counter()
            while running:
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.05)
        worst = []
        for _ in range(6):  # the first construction of the process, then later ones
            gaps.clear()
            dd = CaseManagement(api_key="a" * 32, app_key="b" * 40)
            await asyncio.sleep(0.01)
            worst.append(max(gaps))
            await dd.aclose()
        running = False
        await ticker
        print(json.dumps({"worst_ms": [w * 1000 for w in worst],
                          "aiohttp_imported": "aiohttp" in sys.modules}))

    asyncio.run(main())
    """
)


def test_constructing_a_client_blocks_the_running_loop_under_50_ms() -> None:
    """The first CaseManagement() of a process blocked its loop 0.45-0.66 s (aiohttp's import),
    every later one ~55 ms (a new SSL context each)."""
    out = subprocess.run(
        [sys.executable, "-c", TICKING], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    result = json.loads(out)
    assert all(ms < 50 for ms in result["worst_ms"]), result
    assert not result["aiohttp_imported"]  # imported by the first request, off the loop


def test_clients_share_one_ssl_context() -> None:
    from ddcases._aiohttp_transport import AiohttpTransport

    assert AiohttpTransport().ssl_context is AiohttpTransport().ssl_context
    assert AiohttpTransport(verify=False).ssl_context is not AiohttpTransport().ssl_context


async def test_the_first_request_builds_the_transport_off_the_loop() -> None:
    from ddcases import CaseManagement
    from ddcases.testing import Emulator

    with Emulator().serve() as url:
        async with CaseManagement(base_url=url, api_key="a" * 32, app_key="b" * 40) as dd:
            await dd.projects.create(key="SEC", name="Security")
        # A new client: concurrent first requests share one transport, built once.
        async with CaseManagement(base_url=url, api_key="a" * 32, app_key="b" * 40) as dd:
            cases = [dd.cases.create("SEC", f"case {i}") for i in range(5)]
            created = await asyncio.gather(*cases)
        assert len({c.id for c in created}) == 5


UNCLOSED = textwrap.dedent(
    """
    import asyncio, gc, sys
    from ddcases import CaseManagement
    from ddcases.testing import Emulator

    kept = []

    async def main(url):
        dd = CaseManagement(base_url=url, api_key="a" * 32, app_key="b" * 40)
        await dd.projects.create(key="SEC", name="Security")
        await dd.cases.create("SEC", "Leaked token")
        if sys.argv[1] == "at-exit":
            kept.append(dd)  # collected when the interpreter exits, its loop long closed
        else:
            del dd
            gc.collect()  # collected while the loop runs
            await asyncio.sleep(0.05)

    with Emulator().serve() as url:
        asyncio.run(main(url))
    """
)


@pytest.mark.parametrize("when", ["in-loop", "at-exit"])
@pytest.mark.parametrize("warnings", ["", "always::ResourceWarning"])
def test_a_client_never_closed_warns_once_in_ddcases_words(when: str, warnings: str) -> None:
    """It printed aiohttp's "Unclosed client session" and "Unclosed connector ...
    ddcases._aiohttp_transport._Connector" at exit, naming a private class and no fix."""
    err = subprocess.run(
        [sys.executable, *(["-W", warnings] if warnings else []), "-c", UNCLOSED, when],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stderr
    for noise in ("Unclosed connector", "Unclosed client session", "_Connector", "aiohttp."):
        assert noise not in err, err
    ours = err.count("a ddcases CaseManagement client was never closed")
    if not warnings:
        assert err == "", err  # a ResourceWarning, shown as Python shows them (-W, -X dev)
    else:
        assert ours == 1, err
        assert "`async with CaseManagement(...) as dd:`" in err
        assert "`await dd.aclose()`" in err
        assert "ResourceWarning" in err
    if when == "in-loop":
        assert "unclosed" not in err.lower(), err  # its sockets were closed, quietly
