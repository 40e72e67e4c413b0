"""Does a fleet of processes share one rate limit, with and without the Redis store?

Issue 19. Datadog limits per organisation (API key), so every process using the same key draws
on one budget. A loopback server (tests/reliability/_rate_limited_server.py, windows on a grid
from the first request) limits one key to 100 GetCase requests per 1-second window; P = 1, 2, 4
and 8 worker processes x 50 asyncio tasks make 1,600 `dd.cases.get` calls in all
(tests/reliability/_fleet.py), with `max_retries=10, max_rate_limit_wait=60`, without a store
and with `rate_limit_store=` a redis-server of its own (Debian's, a fresh one per run), then
once more at P=4 with the store killed 5 s into the run and started again 4 s later.

Prints a Markdown table (figures are the median of --runs; "lost" and "max 429s in one window"
the worst run), PASS/MISS per goal (a goal is met when every run meets it), and the 429s per
window of the outage run. The first window (the one holding the first request) is left out of
"after first window": no client knows the limit before its burst. Asserts nothing: a MISS is a
finding, not a failure. Each run takes ~17 s.

With --stagger S, worker i starts i*S seconds after the first instead of with it, as processes
that start when they are ready do (the goals are judged on a common start).

    python bench/fleet.py [--runs 3] [--processes 1,2,4,8] [--no-store] [--stagger 0.2]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.reliability._fleet import FleetResult

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    """A module of tests/reliability/ by path (they import nothing from the test package)."""
    spec = importlib.util.spec_from_file_location(
        f"_bench_{name}", ROOT / "tests" / "reliability" / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_fleet = _load("_fleet")
_redis = _load("_redis_server")
run_fleet: Callable[..., FleetResult] = _fleet.run_fleet

TOTAL = 1600
TASKS = 50
LIMIT = 100
PERIOD = 1.0
OUTAGE_AT, OUTAGE_FOR = 5.0, 4.0
HEADER = (
    "| processes | store | 429s after first window | max 429s in one window | 429s per success "
    "| lost | finish spread | wall / ideal | median call | longest call |"
)


def row(processes: int, store: str, runs: Sequence[FleetResult]) -> str:
    def median(measure: Callable[[FleetResult], float]) -> float:
        return statistics.median(measure(r) for r in runs)

    return (
        f"| {processes} | {store} | {median(lambda r: r.limited_after_first):.0f} "
        f"| {max(r.most_limited_window for r in runs)} "
        f"| {median(lambda r: r.limited_per_success):.3f} | {max(r.lost for r in runs)} "
        f"| {median(lambda r: r.finish_spread):.2f} s | {median(lambda r: r.wall_ratio):.3f} "
        f"| {median(lambda r: r.median_call):.2f} s | {median(lambda r: r.longest_call):.2f} s |"
    )


def fleet_run(processes: int, stagger: float, store: bool, outage: bool = False) -> FleetResult:
    """One run; with ``store``, against a fresh redis-server (no state from the run before)."""
    if not store:
        return run_fleet(processes, total=TOTAL, tasks=TASKS, stagger=stagger)
    with _redis.RedisServer() as redis:
        schedule = (
            _fleet.store_outage(redis.stop, redis.start, at=OUTAGE_AT, down_for=OUTAGE_FOR)
            if outage
            else ()
        )
        return run_fleet(
            processes,
            total=TOTAL,
            tasks=TASKS,
            store_url=redis.url,
            schedule=schedule,
            stagger=stagger,
        )


def recovered(result: FleetResult) -> list[int]:
    """429s of each window starting two windows or more after the store was back."""
    outage = result.outage()
    assert outage is not None
    return [w.limited for w in result.windows_from(outage[1] + 2 * result.period)]


def verdict(failures: list[str], measured: bool = True) -> str:
    if not measured:
        return "not measured"
    return "PASS" if not failures else f"MISS ({'; '.join(failures)})"


def main(runs: int, processes: list[int], with_store: bool, stagger: float) -> None:
    ideal = TOTAL / LIMIT * PERIOD
    print(
        f"{TOTAL} cases.get over P processes x {TASKS} tasks, one key limited to {LIMIT} per "
        f"{PERIOD:g} s window (ideal {ideal:g} s); median of {runs} run(s)"
        + (f"; workers started {stagger:g} s apart" if stagger else "")
    )
    plain: dict[int, list[FleetResult]] = {}
    shared: dict[int, list[FleetResult]] = {}
    rows = []
    for p in processes:
        plain[p] = [fleet_run(p, stagger, store=False) for _ in range(runs)]
        rows.append(row(p, "none", plain[p]))
        print(f"  {plain[p][-1].summary()}", flush=True)
    why_not = None
    if not with_store:
        why_not = "--no-store"
    elif _redis.redis_server_path() is None:
        why_not = "redis-server is not installed (Debian: apt-get install redis-server)"
    outage_run = None
    if why_not is None:
        try:
            for p in processes:
                shared[p] = [fleet_run(p, stagger, store=True) for _ in range(runs)]
                rows.append(row(p, "redis", shared[p]))
                print(f"  {shared[p][-1].summary()}", flush=True)
            outage_run = fleet_run(4, stagger, store=True, outage=True)
            store = f"redis, killed {OUTAGE_AT:g}-{OUTAGE_AT + OUTAGE_FOR:g} s"
            rows.append(row(4, store, [outage_run]))
        except _fleet.StoreUnsupportedError as exc:
            why_not = str(exc)
    if why_not is not None:
        print(f"\nThe store rows are skipped: {why_not}")

    print()
    print(HEADER)
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))

    everything = [r for results in (*plain.values(), *shared.values()) for r in results]
    everything += [outage_run] if outage_run is not None else []
    store_runs = [r for results in shared.values() for r in results]
    coordinated = store_runs + plain.get(1, [])
    print("\nGoals (met when every run meets them):")
    print(
        "  with the store, <= 16 429s after the first window and <= 1 in any window, at every P: "
        + verdict(
            [
                f"P={r.processes}: {r.limited_after_first}, {r.most_limited_window} in one"
                for r in store_runs
                if r.limited_after_first > TOTAL / LIMIT or r.most_limited_window > 1
            ],
            bool(store_runs),
        )
    )
    print(
        "  nothing lost, in any run: "
        + verdict(
            [
                f"P={r.processes} {'store' if r.store_url else 'no store'}: {r.lost}"
                for r in everything
                if r.lost
            ]
        )
    )
    print(
        "  with the store, wall <= 1.10 x ideal at every P: "
        + verdict(
            [f"P={r.processes}: {r.wall_ratio:.3f}" for r in store_runs if r.wall_ratio > 1.10],
            bool(store_runs),
        )
    )
    print(
        "  without a store, P=1 wall <= 1.05 x ideal: "
        + verdict(
            [f"{r.wall_ratio:.3f}" for r in plain.get(1, []) if r.wall_ratio > 1.05], 1 in plain
        )
    )
    print(
        "  longest call <= median call + 2 windows (store runs, and P=1 without): "
        + verdict(
            [
                f"P={r.processes} {'store' if r.store_url else 'no store'}: "
                f"{r.longest_call:.2f} s > {r.median_call:.2f} + {2 * r.period:g} s"
                for r in coordinated
                if r.longest_call > r.median_call + 2 * r.period
            ],
            bool(coordinated),
        )
    )
    if outage_run is None:
        print("  store killed mid-run at P=4: not measured")
        return
    after = recovered(outage_run)
    failures = []
    if outage_run.lost:
        failures.append(f"{outage_run.lost} lost")
    if outage_run.errors:
        failures.append(f"{len(outage_run.errors)} exceptions")
    print("  store killed mid-run at P=4, no call lost, no exception: " + verdict(failures))
    late = [] if after and max(after) <= 1 else [f"429s per window then: {after}"]
    print("  ... and <= 1 429 a window from two windows after it is back: " + verdict(late))
    down, up = outage_run.outage() or (0.0, 0.0)
    print(f"\n429s per window, store killed at {down:.2f} s and answering again at {up:.2f} s:")
    for line in outage_run.series():
        print(f"  {line}")
    for error in outage_run.errors[:5]:
        print(f"  error: {error}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--processes",
        type=lambda text: [int(p) for p in text.split(",")],
        default=[1, 2, 4, 8],
        help="comma-separated, each dividing 1,600 / 50 tasks evenly (1,2,4,8,16,32)",
    )
    parser.add_argument("--no-store", action="store_true", help="only the runs without a store")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between worker starts")
    args = parser.parse_args()
    main(args.runs, args.processes, not args.no_store, args.stagger)
