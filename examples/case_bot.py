"""A follow-up bot: it reads each open case's timeline, answers the question left there, watches
the case, links it to the incident it belongs to, and bulk-closes what it handled.

    python examples/case_bot.py            # against a local emulator it starts itself
    python examples/case_bot.py --live     # against Datadog: DD_API_KEY, DD_APP_KEY (and DD_SITE)

Against the live service the script works in a new project (BOT<random digits>), with cases it
files itself, and deletes the project at the end unless --keep is given. Imports only public
names from ddcases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
from collections.abc import AsyncIterator

from ddcases import CaseManagement

BOT_USER = "3f5c1d2e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"  # the user the bot watches cases as
INCIDENT = "00000000-0000-0000-1234-000000000000"  # the incident these cases belong to
QUESTIONS = [
    "Is the token still valid?",
    "Who owns the leaking service?",
    "Did the rotation finish?",
]


@contextlib.asynccontextmanager
async def connect(live: bool) -> AsyncIterator[CaseManagement]:
    if live:
        missing = [name for name in ("DD_API_KEY", "DD_APP_KEY") if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"--live needs {' and '.join(missing)} in the environment")
        async with CaseManagement() as dd:
            yield dd
        return
    from ddcases.testing import serve  # the emulator extra; started here, stopped on exit

    with serve() as base_url:
        print(f"emulator listening on {base_url}", file=sys.stderr)
        async with CaseManagement(base_url=base_url, api_key="demo", app_key="demo") as dd:
            yield dd


async def file_cases(dd: CaseManagement, key: str) -> None:
    """What people did before the bot runs: a few cases, each with a question in its timeline."""
    await dd.projects.create(key=key, name="Follow-up bot demo")
    for n, question in enumerate(QUESTIONS, start=1):
        case = await dd.cases.create(project=key, title=f"Leaked token #{n}", priority="P2")
        await dd.cases.comment(case.id, "Found in a public gist.")
        await dd.cases.comment(case.id, question)


async def follow_up(dd: CaseManagement, key: str) -> list[str]:
    """Answer, watch and link every open case of the project; the ids of those handled."""
    handled: list[str] = []
    async for case in dd.cases.search(f"project:{key} status:open"):
        newest = None
        async for cell in dd.cases.timeline(case.id):  # newest first
            newest = cell
            break
        if newest is None:
            continue
        question = newest.attributes.cell_content.message
        if question.endswith("?"):
            await dd.cases.comment(case.id, f"> {question}\n\nYes: rotated and revoked.")
        await dd.cases.watch(case.id, BOT_USER)
        await dd.cases.link_incident(case.id, INCIDENT)
        handled.append(case.id)
    return handled


async def run(dd: CaseManagement, *, live: bool, keep: bool) -> None:
    key = f"BOT{random.randrange(10_000):04d}" if live else "BOT"
    await file_cases(dd, key)
    handled = await follow_up(dd, key)
    if handled:
        await dd.cases.bulk_update(handled, "status", {"status": "CLOSED"})
    for case_id in handled:
        case = await dd.cases.get(case_id)
        cells = [c async for c in dd.cases.timeline(case_id, ascending=True)]
        watchers = await dd.cases.watchers(case_id)
        links = await dd.links.list("CASE", case_id)
        print(
            f"{case.attributes.key}: {case.attributes.status}, {len(cells)} comments,"
            f" {len(watchers)} watcher(s), {len(links)} link(s)"
        )
    print(f"Follow-up summary for project {key}: {len(handled)} cases answered and closed")
    if live and not keep:
        await dd.projects.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--live", action="store_true", help="use Datadog instead of the emulator")
    parser.add_argument("--keep", action="store_true", help="--live: keep the project afterwards")
    args = parser.parse_args()

    async def go() -> None:
        async with connect(args.live) as dd:
            await run(dd, live=args.live, keep=args.keep)

    asyncio.run(go())


if __name__ == "__main__":
    main()
