"""How many `cases.get` a second at concurrency 32, against raw aiohttp + json.loads?

Issue 3 §7. Loopback, fixed-response server in its own process (bench/_server.py), one
live-shaped case. Prints the median requests per second of the floor, of ddcases
(`dd.cases.get`), and of the generated client alone over httpx's pool and over httpx-aiohttp,
each with its ratio to the floor measured in this run. Also the client's CPU time per request
(the server runs in its own process), which other work on the machine hardly disturbs.

    python bench/get_concurrency.py [--concurrency 32] [--seconds 0.25] [--rounds 12]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clients import DDCases, Floor, Generated
from _measure import throughputs
from _server import serve


def main(concurrency: int, seconds: float, rounds: int) -> None:
    with serve() as base:
        clients = {
            Floor.name: lambda: Floor(base),
            "ddcases": lambda: DDCases(base),
            "ddcases_api over httpx": lambda: Generated(base, "httpx"),
            "ddcases_api over httpx-aiohttp": lambda: Generated(base, "httpx-aiohttp"),
        }
        results = throughputs(list(clients.values()), concurrency, seconds, rounds)
    floor, floor_cpu = results[0]
    print(f"get one case, concurrency {concurrency}, median req/s and client CPU per request")
    for name, (rate, cpu) in zip(clients, results, strict=True):
        print(
            f"  {name:34} {rate:7,.0f} req/s  {rate / floor:5.2f}x floor   "
            f"{cpu * 1e6:5.0f} µs CPU  {floor_cpu / cpu:5.2f}x floor"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=0.25)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    main(args.concurrency, args.seconds, args.rounds)
