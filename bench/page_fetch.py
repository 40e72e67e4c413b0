"""How long does fetching and parsing one 100-case page take, against raw aiohttp + json.loads?

Issue 3 §7. Loopback, fixed-response server in its own process (bench/_server.py), live-shaped
page (bench/_fixtures.py). Prints the median ms per call of the floor, of ddcases
(`await dd.cases.search(page_size=100)`), and of the generated client alone over httpx's pool
and over httpx-aiohttp, each with its ratio to the floor measured in this run. The difference
between the generated rows and ddcases is what the facade adds; between the floor and the
generated rows, what httpx and the attrs models add.

    python bench/page_fetch.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clients import DDCases, Floor, Generated
from _measure import page_medians
from _server import serve


def main(rounds: int) -> None:
    with serve() as base:
        clients = {
            Floor.name: lambda: Floor(base),
            "ddcases": lambda: DDCases(base),
            "ddcases_api over httpx": lambda: Generated(base, "httpx"),
            "ddcases_api over httpx-aiohttp": lambda: Generated(base, "httpx-aiohttp"),
        }
        medians = page_medians(list(clients.values()), [100] * len(clients), rounds=rounds)
    floor = medians[0]
    print("100-case page, fetch + parse, median per call")
    for name, seconds in zip(clients, medians, strict=True):
        print(f"  {name:34} {seconds * 1e3:6.2f} ms  {seconds / floor:5.2f}x floor")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    main(parser.parse_args().rounds)
