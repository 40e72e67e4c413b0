"""A fleet of processes sharing one Datadog rate limit: issue 19's measurement harness.

Datadog limits per organisation (API key), so N processes with the same key share one budget.
:func:`fleet` serves a loopback :class:`RateLimitedServer` (``LIMIT`` GetCase requests per
``PERIOD``-second window on a grid anchored at the first request, as Datadog's whole-second
windows are) in this process's event loop, starts ``processes`` worker processes of this file,
lets them all start at one instant (each says "ready" once its client is built and warmed up by
one search, a bucket the server does not limit; the parent then hands them a common start a
moment ahead, or starts them ``stagger`` seconds apart), and collects each one's JSON result:
how long each call took, the exceptions that reached the caller, when it started and ended. Each
worker runs ``tasks`` asyncio tasks, each making ``total / (processes * tasks)`` sequential
``dd.cases.get("SEC-1")`` calls, with generous retries (``max_retries=10``,
``max_rate_limit_wait=60``). With ``store_url``, workers pass ``rate_limit_store=store_url`` to
``CaseManagement`` (and only then: the parameter is issue 19's, and a ddcases without it fails
with :class:`StoreUnsupportedError`). ``DDCASES_RATE_LIMIT_STORE`` is removed from the workers'
environment, so a run without a store has none.

``schedule`` runs actions (in a thread, not to stall the server) at given seconds after the
common start: :func:`store_outage` kills the Redis store mid-run and brings it back.

Standalone (no imports from the test package): bench/fleet.py loads it by path, and the
workers run it as a script::

    python tests/reliability/_fleet.py run --processes 4 [--store redis://127.0.0.1:6379/0]
    python tests/reliability/_fleet.py worker --url URL --tasks 50 --calls 8 [--store URL]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._rate_limited_server import RateLimitedServer

__all__ = [
    "STORE_DOWN",
    "STORE_ENV",
    "STORE_UP",
    "Event",
    "FleetResult",
    "FleetSetupError",
    "StoreUnsupportedError",
    "Window",
    "Worker",
    "fleet",
    "run_fleet",
    "store_outage",
]

API_KEY = "0" * 32
APP_KEY = "1" * 40
BUCKET = "cases_get"
#: The environment variable issue 19's store is also read from; never inherited by a worker.
STORE_ENV = "DDCASES_RATE_LIMIT_STORE"
STORE_DOWN = "store down"
STORE_UP = "store up"
# Between "all ready" and the common start: time for the workers to read it and wake up.
_LEAD = 0.3
_STDERR_TAIL = 16_000
_SCRIPT = Path(__file__).resolve()

Action = Callable[[], object]


class FleetSetupError(RuntimeError):
    """A worker failed before its first call (an import, the client's construction)."""


class StoreUnsupportedError(FleetSetupError):
    """``CaseManagement`` does not take ``rate_limit_store=`` (issue 19 has not landed)."""


@dataclass(frozen=True)
class Worker:
    """One process's run; times are ``time.time()``, durations seconds, errors
    ``"ClassName: message"`` for each exception that reached the caller."""

    start: float
    end: float
    ok: int
    durations: list[float]
    errors: list[str]
    returncode: int
    stderr: str


@dataclass(frozen=True)
class Window:
    """One service window: its index (0 holds the first request), its start in seconds after
    the common start, the 200s and 429s it served."""

    index: int
    start: float
    ok: int
    limited: int


@dataclass(frozen=True)
class Event:
    """A scheduled action: its label, when it began and when it returned, in seconds after the
    common start."""

    label: str
    begun: float
    done: float


@dataclass(frozen=True, repr=False)
class FleetResult:
    """What a fleet run did; see the module docstring. Seconds, from the common start."""

    processes: int
    total: int
    tasks: int
    limit: int
    period: float
    store_url: str | None
    #: The common start, ``time.time()``.
    started: float
    workers: list[Worker]
    windows: list[Window]
    events: list[Event] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(w.ok for w in self.workers)

    @property
    def lost(self) -> int:
        """Calls that did not succeed: an exception, or a worker that died."""
        return self.total - self.ok

    @property
    def errors(self) -> list[str]:
        return [error for w in self.workers for error in w.errors]

    @property
    def limited(self) -> int:
        """429s served in all."""
        return sum(w.limited for w in self.windows)

    @property
    def limited_after_first(self) -> int:
        """429s served after the window of the first request (its burst is unavoidable)."""
        return sum(w.limited for w in self.windows[1:])

    @property
    def most_limited_window(self) -> int:
        """The most 429s any window after the first served."""
        return max((w.limited for w in self.windows[1:]), default=0)

    @property
    def limited_per_success(self) -> float:
        return self.limited / self.ok if self.ok else math.inf

    @property
    def finish_spread(self) -> float:
        """Last process end minus first process end."""
        ends = [w.end for w in self.workers]
        return max(ends) - min(ends)

    @property
    def wall(self) -> float:
        """From the common start to the last process end."""
        return max(w.end for w in self.workers) - self.started

    @property
    def first_request(self) -> float:
        """When the service saw the first GetCase (after the common start; ~0 unless the
        machine is too busy to start the workers together)."""
        return self.windows[0].start if self.windows else math.nan

    @property
    def ideal(self) -> float:
        """The least time the limit allows: total / limit windows."""
        return self.total / self.limit * self.period

    @property
    def wall_ratio(self) -> float:
        return self.wall / self.ideal

    @property
    def durations(self) -> list[float]:
        return [d for w in self.workers for d in w.durations]

    @property
    def median_call(self) -> float:
        return statistics.median(self.durations) if self.durations else math.nan

    @property
    def longest_call(self) -> float:
        return max(self.durations, default=math.nan)

    def event(self, label: str) -> Event | None:
        return next((e for e in self.events if e.label == label), None)

    def outage(self) -> tuple[float, float] | None:
        """When the store was down (:func:`store_outage`): from its kill to its first PONG."""
        down, up = self.event(STORE_DOWN), self.event(STORE_UP)
        return None if down is None or up is None else (down.begun, up.done)

    def windows_from(self, seconds: float) -> list[Window]:
        """The windows that start at or after ``seconds`` (from the common start)."""
        return [w for w in self.windows if w.start >= seconds]

    def __repr__(self) -> str:  # short, for assertion messages
        return f"<FleetResult {self.summary()}>"

    def summary(self) -> str:
        store = "store" if self.store_url else "no store"
        return (
            f"P={self.processes} {store}: {self.limited_after_first} 429s after the first window "
            f"(at most {self.most_limited_window} in one), {self.limited} in all "
            f"({self.limited_per_success:.3f} per success); lost {self.lost}; "
            f"finish spread {self.finish_spread:.2f} s; wall {self.wall:.2f} s "
            f"= {self.wall_ratio:.3f} x ideal {self.ideal:g} s; "
            f"median call {self.median_call:.2f} s, longest {self.longest_call:.2f} s; "
            f"first request at +{self.first_request:.2f} s"
        )

    def series(self) -> list[str]:
        """One line per window: its start, 200s and 429s, whether the store was down in it."""
        outage = self.outage()
        lines = []
        for w in self.windows:
            down = outage is not None and w.start < outage[1] and w.start + self.period > outage[0]
            note = "  store down" if down else ""
            lines.append(
                f"window {w.index:3d} at {w.start:6.2f} s: {w.ok:4d} x 200 {w.limited:4d} x 429"
                f"{note}"
            )
        return lines


def store_outage(
    stop: Action, start: Action, *, at: float = 5.0, down_for: float = 4.0
) -> list[tuple[float, str, Action]]:
    """A ``schedule`` for :func:`fleet`: ``stop`` the store ``at`` seconds into the run and
    ``start`` it again ``down_for`` seconds later (e.g. ``RedisServer.stop``/``.start``)."""
    return [(at, STORE_DOWN, stop), (at + down_for, STORE_UP, start)]


def _server_module() -> ModuleType:
    """_rate_limited_server, this file's sibling: imported from the package when this module is
    in one, else loaded by path (run as a script, or loaded by path by bench/)."""
    if __package__:
        from . import _rate_limited_server

        return _rate_limited_server
    name = "_ddcases_rate_limited_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, _SCRIPT.with_name("_rate_limited_server.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


async def _tail(stream: asyncio.StreamReader) -> str:
    """All of ``stream`` read (so a chatty worker never blocks on a full pipe), its end kept."""
    kept = b""
    while chunk := await stream.read(65536):
        kept = (kept + chunk)[-_STDERR_TAIL:]
    return kept.decode(errors="replace")


async def _run_at(when: float, origin: float, label: str, action: Action) -> Event:
    await asyncio.sleep(max(0.0, when - time.monotonic()))
    begun = time.monotonic()
    await asyncio.to_thread(action)
    return Event(label, begun - origin, time.monotonic() - origin)


def _worker_result(output: bytes, returncode: int, stderr: str, started: float) -> Worker:
    try:
        data = json.loads(output.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        # It died without a result: every call it had to make is lost (FleetResult.lost).
        return Worker(started, time.time(), 0, [], [], returncode, stderr)
    return Worker(
        data["start"],
        data["end"],
        data["ok"],
        data["durations"],
        data["errors"],
        returncode,
        stderr,
    )


async def fleet(
    processes: int,
    *,
    total: int = 1600,
    tasks: int = 50,
    limit: int = 100,
    period: float = 1.0,
    store_url: str | None = None,
    schedule: Sequence[tuple[float, str, Action]] = (),
    aligned: bool = True,
    stagger: float = 0.0,
    give_up_after: float = 300.0,
) -> FleetResult:
    """Run the fleet once (see the module docstring). ``schedule``: (seconds after the common
    start, label, action) each; ``aligned`` False: the server's windows roll instead;
    ``stagger``: worker i starts ``i * stagger`` seconds after the common start instead of
    with it (as processes do that start when they are ready: each newcomer's first burst then
    lands in a window the others are using); ``give_up_after`` seconds bound the whole run
    (workers are then killed)."""
    calls, rest = divmod(total, processes * tasks)
    if rest or not calls:
        raise ValueError(f"{total} calls do not split evenly over {processes} x {tasks} tasks")
    server_class: type[RateLimitedServer] = _server_module().RateLimitedServer
    env = {k: v for k, v in os.environ.items() if k != STORE_ENV}
    async with server_class(limits={BUCKET: (limit, period)}, aligned=aligned) as server:
        command = [
            sys.executable,
            "-P",  # the script's directory stays off sys.path
            str(_SCRIPT),
            "worker",
            *("--url", server.url, "--tasks", str(tasks), "--calls", str(calls)),
            *(("--store", store_url) if store_url else ()),
        ]
        children: list[asyncio.subprocess.Process] = []
        stderr: list[asyncio.Task[str]] = []
        actions: list[asyncio.Task[Event]] = []
        try:
            async with asyncio.timeout(give_up_after):
                for _ in range(processes):
                    child = await asyncio.create_subprocess_exec(
                        *command,
                        stdin=asyncio.subprocess.PIPE,
                        stdout=asyncio.subprocess.PIPE,
                        stderr=asyncio.subprocess.PIPE,
                        env=env,
                    )
                    assert child.stderr is not None
                    children.append(child)
                    stderr.append(asyncio.create_task(_tail(child.stderr)))
                ready = await asyncio.gather(*(_stdout(c).readline() for c in children))
                if any(line.strip() != b"ready" for line in ready):
                    await _setup_failed(children, ready, stderr, store_url)
                started = time.time() + _LEAD
                origin = time.monotonic() + _LEAD
                for i, child in enumerate(children):
                    assert child.stdin is not None
                    child.stdin.write(f"{started + i * stagger!r}\n".encode())
                    await child.stdin.drain()
                    child.stdin.close()
                actions = [
                    asyncio.create_task(_run_at(origin + at, origin, label, action))
                    for at, label, action in schedule
                ]
                outputs = await asyncio.gather(*(_stdout(c).read() for c in children))
                codes = await asyncio.gather(*(c.wait() for c in children))
                events = list(await asyncio.gather(*actions))
        finally:
            for child in children:
                if child.returncode is None:
                    child.kill()
                    await child.wait()
            for task in actions:
                task.cancel()
        tails = await asyncio.gather(*stderr)
        windows = [
            Window(index, served.start - origin, served.ok, served.limited)
            for index, served in enumerate(server.windows(BUCKET))
        ]
    workers = [
        _worker_result(out, code, tail, started)
        for out, code, tail in zip(outputs, codes, tails, strict=True)
    ]
    return FleetResult(
        processes,
        total,
        tasks,
        limit,
        period,
        store_url,
        started,
        workers,
        windows,
        sorted(events, key=lambda e: e.begun),
    )


def _stdout(child: asyncio.subprocess.Process) -> asyncio.StreamReader:
    assert child.stdout is not None
    return child.stdout


async def _setup_failed(
    children: list[asyncio.subprocess.Process],
    ready: list[bytes],
    stderr: list[asyncio.Task[str]],
    store_url: str | None,
) -> None:
    for child in children:
        if child.returncode is None:
            child.kill()
        await child.wait()
    tails = await asyncio.gather(*stderr)
    reasons = []
    for line, tail in zip(ready, tails, strict=True):
        if line.strip() == b"ready":
            continue
        try:
            reasons.append(str(json.loads(line)["setup_error"]))
        except (ValueError, KeyError, TypeError):
            reasons.append(f"the worker died before it was ready:\n{tail.strip()}")
    reason = reasons[0]
    if store_url and reason.startswith("TypeError") and "rate_limit_store" in reason:
        raise StoreUnsupportedError(
            f"this ddcases does not take rate_limit_store= (issue 19's shared store): {reason}"
        )
    raise FleetSetupError(f"{len(reasons)} of {len(children)} workers failed to start: {reason}")


def run_fleet(processes: int, **options: Any) -> FleetResult:
    """:func:`fleet` in its own event loop, for callers outside one (bench/)."""
    return asyncio.run(fleet(processes, **options))


def _setup_error(exc: BaseException) -> int:
    print(json.dumps({"setup_error": f"{type(exc).__name__}: {exc}"}), flush=True)
    return 1


async def _work(url: str, tasks: int, calls: int, store: str | None) -> int:
    """A worker process: build the client, warm it up, say "ready", wait for the common start
    read from stdin, then ``tasks`` tasks of ``calls`` sequential GetCase calls; the result as
    one JSON line on stdout (a failure before the first call: ``{"setup_error": ...}``)."""
    from ddcases import CaseManagement

    options: dict[str, Any] = {"rate_limit_store": store} if store else {}
    try:
        dd = CaseManagement(
            base_url=url,
            api_key=API_KEY,
            app_key=APP_KEY,
            max_retries=10,
            max_rate_limit_wait=60,
            timeout=30,
            **options,
        )
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which explains it
        return _setup_error(exc)
    durations: list[float] = []
    errors: list[str] = []

    async def task() -> None:
        for _ in range(calls):
            begun = time.perf_counter()
            try:
                await dd.cases.get("SEC-1")
            except Exception as exc:  # noqa: BLE001 - a lost call, counted by the parent
                errors.append(f"{type(exc).__name__}: {exc}")
            durations.append(round(time.perf_counter() - begun, 4))

    async with dd:
        # The first call imports what the operations need (~0.25 s of CPU; 8 workers on 2 cores
        # would take a second to get going): done now, by a search, a bucket the server leaves
        # unlimited and sends no X-RateLimit-* for, so the client learns no limit from it.
        try:
            await dd.cases.search("warm-up")
        except Exception as exc:  # noqa: BLE001 - as above
            return _setup_error(exc)
        print("ready", flush=True)
        start_at = float(await asyncio.to_thread(sys.stdin.readline))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        start = time.time()
        await asyncio.gather(*(task() for _ in range(tasks)))
        end = time.time()
    result = {
        "start": start,
        "end": end,
        "ok": tasks * calls - len(errors),
        "durations": durations,
        "errors": errors,
    }
    print(json.dumps(result), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="one worker process (started by fleet())")
    worker.add_argument("--url", required=True)
    worker.add_argument("--tasks", type=int, required=True)
    worker.add_argument("--calls", type=int, required=True)
    worker.add_argument("--store")
    run = commands.add_parser("run", help="one fleet run, summarised")
    run.add_argument("--processes", "-p", type=int, default=4)
    run.add_argument("--total", type=int, default=1600)
    run.add_argument("--tasks", type=int, default=50)
    run.add_argument("--store")
    run.add_argument("--rolling", action="store_true", help="windows roll instead of aligning")
    run.add_argument("--stagger", type=float, default=0.0, help="seconds between worker starts")
    args = parser.parse_args(argv)
    if args.command == "worker":
        return asyncio.run(_work(args.url, args.tasks, args.calls, args.store))
    result = run_fleet(
        args.processes,
        total=args.total,
        tasks=args.tasks,
        store_url=args.store,
        aligned=not args.rolling,
        stagger=args.stagger,
    )
    print(result.summary())
    for error in result.errors[:5]:
        print("  error:", error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
