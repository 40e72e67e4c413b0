"""ddcases against the floor (raw aiohttp + json.loads) and Datadog's official async client.

One run, one machine, one fixed-response loopback server (bench/_server.py, its own process), so
only client cost differs. Measures, as in issue 5 §4:

  (a) fetch + parse of a 100-case live-shaped page: median per call;
  (b) `get` of one case at concurrency 1 and 32: requests per second;
  (c) walking 10,000 cases (100 pages of 100) at 20 ms server latency: with no work between
      pages, prefetch=4 against sequential; with 20 ms of caller work a page, prefetch=True
      against sequential: wall time and peak memory growth (fresh process each);
  (d) import time, fresh interpreter each, less a bare `python -c pass`: median of 21
      interleaved runs (with 7, five runs of `make bench` read anywhere from 0.88x to 1.23x).

Prints the machine, every median, the ratios, PASS/MISS per goal, and a Markdown table for the
README. Asserts nothing: a MISS is a finding, not a failure.

    python bench/compare_official.py            # everything, about a minute on 2 cores
    python bench/compare_official.py --quick    # fewer rounds, for trying changes
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clients import API_KEY, APP_KEY, DDCases, Floor, Generated, Official, facade_available
from _measure import page_medians, throughputs
from _server import serve, stats

WALK_PAGES = 100
PAGE_SIZE = 100
WALK_LATENCY = 0.02
WALK_WORK = 0.02  # the caller's work a page, in the walk with work
WALK_AHEAD = 4  # prefetch in the walk without work
IMPORT_RUNS = 21
DDCASES_IMPORT = "from ddcases import CaseManagement"
OFFICIAL_IMPORT = "import datadog_api_client.v2.api.case_management_api"


def machine() -> list[str]:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    dists = [
        "ddcases",
        "httpx",
        "aiohttp",
        "httpx-aiohttp",
        "attrs",
        "datadog-api-client",
        "aiosonic",
    ]
    return [
        (
            f"{platform.platform()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()} ({platform.python_implementation()})"
        ),
        ", ".join(f"{d} {version(d)}" for d in dists),
    ]


# (c) ------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def _walk(base_url: str, prefetch: int, work: float, trace: bool) -> dict[str, float]:
    from ddcases import CaseManagement

    async with CaseManagement(api_key=API_KEY, app_key=APP_KEY, base_url=base_url) as dd:
        await dd.cases.search(page_size=PAGE_SIZE)  # warm: connection, lazy imports
        stats(base_url)
        gc.collect()
        rss_before = _rss_mb()
        if trace:
            tracemalloc.start()
        ids: set[str] = set()
        rss_peak = rss_before
        start, cpu = time.perf_counter(), time.process_time()
        async for page in dd.cases.search(page_size=PAGE_SIZE, prefetch=prefetch).pages():
            ids.update(case.id for case in page.items)
            rss_peak = max(rss_peak, _rss_mb())  # sampled once a page, while it is held
            if work:
                await asyncio.sleep(work)  # the caller's work on this page
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
        tracemalloc.stop()
        served = stats(base_url)
    return {
        "seconds": seconds,
        "cpu_ms_per_page": cpu / WALK_PAGES * 1e3,
        "cases": len(ids),
        "requests": served["requests"],
        "max_page": served["max_page"],
        "rss_growth_mb": max(0.0, rss_peak - rss_before),
        "traced_peak_mb": traced_peak,
    }


def walk(base_url: str, prefetch: int, work: float, trace: bool = False) -> dict[str, float]:
    """One walk in a fresh interpreter, so that no other bench's garbage is in its memory."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--walk",
            base_url,
            "--prefetch",
            str(prefetch),
            "--work",
            str(work),
            "--trace",
            str(int(trace)),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.splitlines()[-1])
    return result


def walk_rows() -> list[Row]:
    """(c): the walk without work (prefetch=4 vs sequential) and with work (True vs sequential)."""
    with serve(latency=WALK_LATENCY, pages=WALK_PAGES, page_size=PAGE_SIZE) as base:
        runs = {
            ("no work", "sequential"): walk(base, 0, 0.0),
            ("no work", f"prefetch={WALK_AHEAD}"): walk(base, WALK_AHEAD, 0.0),
            ("20 ms work", "sequential"): walk(base, 0, WALK_WORK),
            ("20 ms work", "prefetch=True"): walk(base, 1, WALK_WORK),
        }
        traced = {
            "sequential": walk(base, 0, 0.0, trace=True),
            f"prefetch={WALK_AHEAD}": walk(base, WALK_AHEAD, 0.0, trace=True),
        }
    for (load, how), w in runs.items():
        print(
            f"(c) walk, {load}, {how}: {w['seconds']:.2f} s, client CPU "
            f"{w['cpu_ms_per_page']:.1f} ms a page, {w['cases']:.0f} distinct cases, "
            f"{w['requests']:.0f} requests (highest page {w['max_page']:.0f}), "
            f"peak RSS growth {w['rss_growth_mb']:.1f} MB"
        )
    print(
        "(c) traced peak, no work: "
        + ", ".join(f"{how} {w['traced_peak_mb']:.1f} MB" for how, w in traced.items())
    )
    complete = all(
        w["cases"] == WALK_PAGES * PAGE_SIZE and w["requests"] == WALK_PAGES
        for w in (*runs.values(), *traced.values())
    )
    seq, ahead = runs[("no work", "sequential")], runs[("no work", f"prefetch={WALK_AHEAD}")]
    work_seq, work_pre = runs[("20 ms work", "sequential")], runs[("20 ms work", "prefetch=True")]
    no_work_speedup = seq["seconds"] / ahead["seconds"]
    work_speedup = work_seq["seconds"] / work_pre["seconds"]
    growth = max(
        *(w["traced_peak_mb"] for w in traced.values()),
        *(w["rss_growth_mb"] for w in runs.values()),
    )
    cases = f"{WALK_PAGES * PAGE_SIZE:,}"
    return [
        Row(
            f"(c) walk {cases} cases, 20 ms latency, no work between pages, s",
            "—",
            f"{seq['seconds']:.2f} sequential, {ahead['seconds']:.2f} prefetch={WALK_AHEAD}",
            "—",
            f"prefetch={WALK_AHEAD} {no_work_speedup:.2f}x faster",
            "≥ 3x",
            verdict(no_work_speedup >= 3 and complete),
        ),
        Row(
            f"(c) walk {cases} cases, 20 ms latency + 20 ms work a page, s",
            "—",
            f"{work_seq['seconds']:.2f} sequential, {work_pre['seconds']:.2f} prefetch=True",
            "—",
            f"prefetch {work_speedup:.2f}x faster",
            "≥ 1.6x",
            verdict(work_speedup >= 1.6 and complete),
        ),
        Row(
            "(c) peak memory growth during the walk, MB",
            "—",
            f"{traced['sequential']['traced_peak_mb']:.1f} / "
            f"{traced[f'prefetch={WALK_AHEAD}']['traced_peak_mb']:.1f} traced, no work "
            f"(seq / prefetch={WALK_AHEAD}); RSS ≤ "
            f"{max(w['rss_growth_mb'] for w in runs.values()):.1f} in every walk",
            "—",
            "—",
            "< 20 MB",
            verdict(growth < 20),
        ),
    ]


# (d) ------------------------------------------------------------------------------------------


def import_ms(statements: list[str], runs: int, python: str = sys.executable) -> list[float]:
    """Median wall ms of `python -c stmt` minus that of `python -c pass`, runs interleaved."""
    samples: dict[str, list[float]] = {s: [] for s in ["pass", *statements]}
    for stmt in samples:  # compile .pyc files before timing
        subprocess.run([python, "-c", stmt], check=True)
    for _ in range(runs):
        for stmt, times in samples.items():
            start = time.perf_counter()
            subprocess.run([python, "-c", stmt], check=True)
            times.append(time.perf_counter() - start)
    base = statistics.median(samples["pass"])
    return [(statistics.median(samples[s]) - base) * 1e3 for s in statements]


# report ---------------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    floor: str
    ddcases: str
    official: str
    ratios: str
    goal: str
    result: str


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(rows: list[Row]) -> str:
    head = [
        "Measure",
        "floor (aiohttp + json.loads)",
        "ddcases",
        "datadog-api-client",
        "ratios",
        "goal",
        "result",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.measure, r.floor, r.ddcases, r.official, r.ratios, r.goal, r.result]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(quick: bool) -> None:
    rounds = 1 if quick else 3
    print("Machine:", *machine(), sep="\n  ")
    if facade_available():
        ours_name = "ddcases"

        def ours(base: str) -> DDCases | Generated:
            return DDCases(base)
    else:
        ours_name = "ddcases_api over httpx-aiohttp (facade not in the tree yet)"

        def ours(base: str) -> DDCases | Generated:
            return Generated(base, "httpx-aiohttp")

    print(f"ddcases column: {ours_name}\n")

    rows: list[Row] = []
    with serve(pages=1, page_size=PAGE_SIZE) as base:
        factories = [lambda: Floor(base), lambda: ours(base), lambda: Official(base)]

        # (a)
        floor_s, ours_s, official_s = page_medians(factories, calls=[100, 100, 15], rounds=rounds)
        print(
            f"(a) page fetch+parse, median ms: floor {floor_s * 1e3:.2f}  ddcases "
            f"{ours_s * 1e3:.2f}  official {official_s * 1e3:.2f}"
        )
        a_floor, a_official = ours_s / floor_s, official_s / ours_s
        rows.append(
            Row(
                "(a) fetch + parse a 100-case page, median ms",
                f"{floor_s * 1e3:.2f}",
                f"{ours_s * 1e3:.2f}",
                f"{official_s * 1e3:.1f}",
                f"{a_floor:.2f}x floor; official is {a_official:.1f}x slower",
                "≤ 1.8x floor; ≥ 20x faster than official",
                verdict(a_floor <= 1.8 and a_official >= 20),
            )
        )

        # (b): one case asked for again and again (the measure), then a different case
        # each call, so that no parsed URL is reused (types.absolute keeps them).
        for concurrency, distinct in ((1, False), (32, False), (32, True)):
            # Twelve short alternating rounds rather than three long ones: on this shared 2-core
            # host req/s drifts by a quarter within a minute, and short turns share the drift.
            b_rounds = 2 if quick else 12
            results = throughputs(
                factories, concurrency, seconds=0.25, rounds=b_rounds, distinct=distinct
            )
            (floor_r, floor_cpu), (ours_r, ours_cpu), (official_r, official_cpu) = results
            what = "a different case each call" if distinct else "one case"
            print(
                f"(b) get {what} at concurrency {concurrency}, req/s: floor {floor_r:.0f}  "
                f"ddcases {ours_r:.0f}  official {official_r:.0f};  client CPU µs/request: "
                f"floor {floor_cpu * 1e6:.0f}  ddcases {ours_cpu * 1e6:.0f}  official "
                f"{official_cpu * 1e6:.0f}"
            )
            b_floor, b_official = ours_r / floor_r, ours_r / official_r
            goal, result = "—", "—"
            if concurrency == 32 and not distinct:
                goal = "≥ 0.45x floor; ≥ 2x official"
                result = verdict(b_floor >= 0.45 and b_official >= 2)
            rows.append(
                Row(
                    f"(b) `get` {what}, concurrency {concurrency}, req/s (client CPU µs/request)",
                    f"{floor_r:,.0f} ({floor_cpu * 1e6:.0f} µs)",
                    f"{ours_r:,.0f} ({ours_cpu * 1e6:.0f} µs)",
                    f"{official_r:,.0f} ({official_cpu * 1e6:.0f} µs)",
                    f"{b_floor:.2f}x floor (CPU {floor_cpu / ours_cpu:.2f}x); "
                    f"{b_official:.2f}x official",
                    goal,
                    result,
                )
            )

    # (c)
    if facade_available():
        rows += walk_rows()
    else:
        print("(c) skipped: ddcases.CaseManagement is not in the tree yet")

    # (d) Judged in a venv with only the two clients' runtime dependencies (what users have;
    # `make bench` builds it as .venv-import). The dev venv is printed too: there httpx's CLI
    # module imports rich and click, which dev tools install, and that alone costs ~45 ms.
    dev_ours, dev_official = import_ms([DDCASES_IMPORT, OFFICIAL_IMPORT], IMPORT_RUNS)
    print(
        f"(d) import in the dev venv, median ms over `python -c pass`: `{DDCASES_IMPORT}` "
        f"{dev_ours:.0f}  `{OFFICIAL_IMPORT}` {dev_official:.0f}"
    )
    runtime_python = os.environ.get("DDCASES_IMPORT_PYTHON")
    where = "dev venv"
    ours_ms, official_ms = dev_ours, dev_official
    if runtime_python:
        where = "runtime-only venv"
        ours_ms, official_ms = import_ms(
            [DDCASES_IMPORT, OFFICIAL_IMPORT], IMPORT_RUNS, runtime_python
        )
        print(
            f"(d) import in a runtime-only venv ({runtime_python}): `{DDCASES_IMPORT}` "
            f"{ours_ms:.0f}  `{OFFICIAL_IMPORT}` {official_ms:.0f}"
        )
    rows.append(
        Row(
            f"(d) import time over bare interpreter ({where}), median ms",
            "—",
            f"{ours_ms:.0f}",
            f"{official_ms:.0f}",
            f"{ours_ms / official_ms:.2f}x official",
            "≤ official",
            verdict(ours_ms <= official_ms),
        )
    )

    print("\n" + table(rows))
    print("\n" + "\n".join(f"{r.measure}: {r.result}" for r in rows if r.result != "—"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    parser.add_argument("--walk", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--prefetch", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--trace", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.walk:
        result = _walk(args.walk, args.prefetch, args.work, bool(args.trace))
        print(json.dumps(asyncio.run(result)))
    else:
        main(args.quick)
