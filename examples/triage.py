"""A triage bot: file a few hundred cases, then assign, escalate, close and archive the urgent ones.

Where a real bot would, it explains itself: a comment on every case it escalates (and why), a
"triage" tag (case attributes) on everything it handles, a "[P1]" prefix on the titles of the
cases it takes on, and, from the users the service includes with its answers, who they went to.

    python examples/triage.py            # against a local emulator it starts itself
    python examples/triage.py --live     # against Datadog: DD_API_KEY, DD_APP_KEY (and DD_SITE)

Against the live service the script works in a new project (TRIAGE<random digits>) and deletes it
at the end unless --keep is given. Imports only public names from ddcases.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TypeVar

from ddcases import Case, CaseManagement, IncludedUser, Unset

T = TypeVar("T")

PRIORITIES = ["P1", "P2", "P3", "P4", "P5", "NOT_DEFINED"]
WEIGHTS = [8, 17, 30, 20, 10, 15]
SYMPTOMS = [
    "Disk full on",
    "Memory leak in",
    "Elevated 5xx from",
    "Certificate expiring for",
    "Flaky health check on",
    "Latency spike in",
    "Leaked token found in",
    "Crash loop in",
]
SERVICES = ["checkout", "auth", "search", "billing", "ingest", "web-store", "payments", "gateway"]


class Progress:
    """One self-rewriting stderr line: ``filing cases  120/250  48%``."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self._tty = sys.stderr.isatty()
        self._last = 0

    def advance(self) -> None:
        self.done += 1
        percent = self.done * 100 // max(self.total, 1)
        finished = self.done == self.total
        line = f"{self.label:<22}{self.done:>5}/{self.total}  {percent:3d}%"
        if self._tty:  # rewrite one line in place
            sys.stderr.write(f"\r{line}" + ("\n" if finished else ""))
        elif percent // 25 != self._last // 25 or finished:  # logs: a line per quarter
            sys.stderr.write(line + "\n")
            self._last = percent
        sys.stderr.flush()


async def bounded(
    items: Iterable[T], work: Callable[[T], Awaitable[object]], *, limit: int, label: str
) -> None:
    """Run ``work`` over ``items``, at most ``limit`` at a time, with a progress line."""
    todo = list(items)
    progress = Progress(label, len(todo))
    semaphore = asyncio.Semaphore(limit)

    async def one(item: T) -> None:
        async with semaphore:
            await work(item)
        progress.advance()

    async with asyncio.TaskGroup() as group:
        for item in todo:
            group.create_task(one(item))


@contextlib.asynccontextmanager
async def connect(live: bool) -> AsyncIterator[CaseManagement]:
    if live:
        missing = [name for name in ("DD_API_KEY", "DD_APP_KEY") if not os.environ.get(name)]
        if missing:
            raise SystemExit(
                f"--live needs {' and '.join(missing)} in the environment "
                "(and DD_SITE if your organisation is not on datadoghq.com)"
            )
        async with CaseManagement() as dd:
            yield dd
        return
    from ddcases.testing import serve  # the emulator extra; started here, stopped on exit

    with serve() as base_url:
        print(f"emulator listening on {base_url}", file=sys.stderr)
        async with CaseManagement(base_url=base_url, api_key="demo", app_key="demo") as dd:
            yield dd


async def triage(
    dd: CaseManagement, *, count: int, concurrency: int, live: bool, keep: bool
) -> None:
    rng = random.Random(7)
    key = f"TRIAGE{rng.randrange(10_000):04d}" if live else "TRIAGE"
    started = time.perf_counter()
    project = await dd.projects.create(key=key, name="Triage bot demo")
    print(f"project {key} ({project.id})", file=sys.stderr)

    def title(n: int) -> str:
        return f"{rng.choice(SYMPTOMS)} {rng.choice(SERVICES)} #{n}"

    plan = [(title(n), rng.choices(PRIORITIES, WEIGHTS)[0]) for n in range(1, count + 1)]
    me: list[str] = []

    async def file(item: tuple[str, str]) -> None:
        case = await dd.cases.create(project=key, title=item[0], priority=item[1])
        creator = None if isinstance(case.relationships, Unset) else case.relationships.created_by
        if not me and creator and creator.data:
            me.append(creator.data.id)

    await bounded(plan, file, limit=concurrency, label="filing cases")

    # Walk the open P1/P2 cases page by page. Collect first, act after: changing a case's status
    # while paging through a status filter would shift the pages under the iterator.
    urgent: list[Case] = []
    pages = 0
    for priority in ("P1", "P2"):
        search = dd.cases.search(
            f"project:{key} status:open priority:{priority}", sort="created_at", page_size=25
        )
        async for page in search.pages():
            pages += 1
            urgent.extend(page.items)
    print(f"found {len(urgent)} open P1/P2 cases in {pages} pages", file=sys.stderr)

    actions: collections.Counter[str] = collections.Counter()
    assignees: collections.Counter[str] = collections.Counter()

    async def handle(case: Case) -> None:
        ref, text, priority = case.attributes.key, case.attributes.title, case.attributes.priority
        service = text.split(" #")[0].rsplit(" ", 1)[-1]
        if str(priority) == "P1" and me:
            # The raw answer carries the users behind the relationships (`included`).
            raw = await dd.cases.with_raw_response.assign(ref, me[0])
            assignees[who(raw.document.included, me[0])] += 1
            await dd.cases.update_status(ref, "IN_PROGRESS")
            await dd.cases.update_title(ref, f"[P1] {text}")
            actions["assigned + in progress"] += 1
        elif "Disk full" in text or "Crash loop" in text:
            await dd.cases.update_priority(ref, "P1")
            reason = "disk full" if "Disk full" in text else "crash loop"
            await dd.cases.comment(
                ref,
                f"Escalated P2 -> P1 by the triage bot: a {reason} on `{service}` takes the "
                "service down if nobody acts; paging the on-call.",
            )
            actions["escalated P2 -> P1"] += 1
        elif "Flaky" in text or "Certificate" in text:
            await dd.cases.update_status(ref, "CLOSED")
            await dd.cases.archive(ref)
            actions["closed + archived"] += 1
        else:
            actions["left for humans"] += 1
            return
        await dd.cases.update_attributes(ref, {"triage": ["bot"], "service": [service]})

    await bounded(urgent, handle, limit=concurrency, label="triaging P1/P2")

    table: dict[str, collections.Counter[str]] = {p: collections.Counter() for p in PRIORITIES}
    for archived in ("false", "true"):
        async for case in dd.cases.search(f"project:{key} archived:{archived}", page_size=100):
            # status_group, not the deprecated `status` (SG_OPEN -> OPEN, as the columns say).
            group = str(case.attributes.status_group).removeprefix("SG_")
            status = "ARCHIVED" if archived == "true" else group
            table[str(case.attributes.priority)][status] += 1
    elapsed = time.perf_counter() - started

    columns = ["OPEN", "IN_PROGRESS", "CLOSED", "ARCHIVED"]
    print(f"\nTriage summary for project {key}: {count} cases filed in {elapsed:.1f} s\n")
    print(f"{'priority':<12}" + "".join(f"{c:>12}" for c in columns) + f"{'total':>8}")
    print("-" * (12 + 12 * len(columns) + 8))
    for priority in PRIORITIES:
        row = table[priority]
        cells = "".join(f"{row[c]:>12}" for c in columns)
        print(f"{priority:<12}{cells}{sum(row.values()):>8}")
    totals = collections.Counter[str]()
    for row in table.values():
        totals.update(row)
    print("-" * (12 + 12 * len(columns) + 8))
    print(
        f"{'all':<12}" + "".join(f"{totals[c]:>12}" for c in columns) + f"{sum(totals.values()):>8}"
    )
    print("\nactions on open P1/P2 cases:")
    for action in (
        "assigned + in progress",
        "escalated P2 -> P1",
        "closed + archived",
        "left for humans",
    ):
        print(f"  {action:<24}{actions[action]:>5}")
    for person, n in assignees.most_common():
        print(f"  assigned to {person}: {n}")

    if live and not keep:
        await dd.projects.delete(key)
        print(f"\ndeleted project {key} (use --keep to keep it)", file=sys.stderr)


def who(included: list[IncludedUser] | Unset, user_id: str) -> str:
    """``Name <email>`` of a user the service included with its answer, else the id."""
    for user in [] if isinstance(included, Unset) else included:
        if user.id == user_id and not isinstance(user.attributes, Unset):
            return f"{user.attributes.name or user_id} <{user.attributes.email or '?'}>"
    return user_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--live", action="store_true", help="use Datadog instead of the emulator")
    parser.add_argument("--cases", type=int, default=250, help="how many cases to file (250)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (16)")
    parser.add_argument("--keep", action="store_true", help="--live: keep the project afterwards")
    args = parser.parse_args()

    async def run() -> None:
        async with connect(args.live) as dd:
            await triage(
                dd, count=args.cases, concurrency=args.concurrency, live=args.live, keep=args.keep
            )

    asyncio.run(run())


if __name__ == "__main__":
    main()
