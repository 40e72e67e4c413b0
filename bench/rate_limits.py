"""How many 429s does a burst spend against a rate limit, and is any request lost?

Issue 8 §6. 200 tasks each make 3 sequential `cases.get` calls against a loopback server that
limits like Datadog (tests/reliability/_rate_limited_server.py): 100 requests per 1-second
fixed window for the GetCase bucket, named in X-RateLimit-Name, 429 beyond. The first burst
(200 requests before any limit is known) draws 100 429s no client can avoid; the goal is at most
that plus 10 % of the 600 requests, no request lost, waits under max_rate_limit_wait (60 s).
Prints the 429s served, requests lost, wall time and the longest single call, per run.

    python bench/rate_limits.py [--runs 3] [--tasks 200] [--calls 3] [--limit 100]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "_rate_limited_server", ROOT / "tests" / "reliability" / "_rate_limited_server.py"
)
assert _spec is not None
assert _spec.loader is not None
_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_server)
RateLimitedServer = _server.RateLimitedServer


async def run(tasks: int, calls: int, limit: int) -> dict[str, float]:
    from ddcases import CaseManagement

    lost = 0
    longest = 0.0
    async with (
        RateLimitedServer(limits={"cases_get": (limit, 1.0)}) as server,
        CaseManagement(base_url=server.url, api_key="0" * 32, app_key="1" * 40, timeout=30) as dd,
    ):

        async def worker() -> None:
            nonlocal lost, longest
            for _ in range(calls):
                start = time.monotonic()
                try:
                    await dd.cases.get("SEC-1")
                except Exception:  # noqa: BLE001 - any failure counts as a lost request
                    lost += 1
                longest = max(longest, time.monotonic() - start)

        start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(tasks)))
        seconds = time.monotonic() - start
    return {
        "429": server.served["cases_get"][429],
        "200": server.served["cases_get"][200],
        "lost": lost,
        "seconds": seconds,
        "longest": longest,
    }


def main(runs: int, tasks: int, calls: int, limit: int) -> None:
    requests = tasks * calls
    unavoidable = max(0, tasks - limit)
    goal = unavoidable + 0.10 * requests
    print(
        f"{tasks} tasks x {calls} gets against {limit}/s: goal <= {goal:.0f} 429s "
        f"(first burst {unavoidable} + 10% of {requests}), none lost"
    )
    for n in range(runs):
        r = asyncio.run(run(tasks, calls, limit))
        verdict = "PASS" if r["429"] <= goal and r["lost"] == 0 else "MISS"
        print(
            f"  run {n + 1}: {r['429']:.0f} 429s served, {r['200']:.0f} answered, "
            f"{r['lost']:.0f} lost, {r['seconds']:.1f} s, longest call {r['longest']:.1f} s "
            f"-> {verdict}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    main(args.runs, args.tasks, args.calls, args.limit)
