"""Provision a Case Management project as code, idempotently, then file a case that uses it.

The project gets a case type with two custom attributes, a notification rule, an automation rule,
a saved view and a maintenance window. Each is looked up first and created (or corrected) only
when missing or different, so a second run changes nothing and says so; every run then files one
case of the new type with its custom attributes set.

    python examples/setup_project.py                    # against a local emulator it starts
    python examples/setup_project.py --base-url URL     # against a running emulator (twice!)
    python examples/setup_project.py --live             # against Datadog (DD_API_KEY, ...)

Imports only public names from ddcases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

from ddcases import CaseManagement, NotFoundError

KEY, PROJECT_NAME = "SECREV", "Security reviews"
CASE_TYPE = {
    "name": "Security review",
    "description": "Changes with a security impact",
    "emoji": "🔒",
}
#: key -> (display name, type, is_multi)
ATTRIBUTES = {"risk": ("Risk score", "NUMBER", False), "systems": ("Systems", "TEXT", True)}
NOTIFY_QUERY = "priority:P1"
RULE_NAME, WORKFLOW = "Run security triage", "security-triage"
VIEW_NAME, VIEW_QUERY = "Open P1 reviews", "status:open priority:P1"
WINDOW_NAME, WINDOW_QUERY = "Quarterly key rotation", "service:vault"
WINDOW_START = datetime.datetime(2026, 12, 6, 2, 0, tzinfo=datetime.UTC)
WINDOW_END = WINDOW_START + datetime.timedelta(hours=3)


class Changes:
    """What a run did, step by step; ``none`` when everything was already as wanted."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def note(self, what: str, changed: bool) -> None:
        if changed:
            self.made.append(what)
        print(f"  {'changed ' if changed else 'ok      '} {what}")

    @property
    def none(self) -> bool:
        return not self.made


async def provision(dd: CaseManagement) -> tuple[str, Changes]:
    """Make the project look as declared above; returns the case type id and what changed."""
    changes = Changes()
    try:
        await dd.projects.get(KEY)
        changes.note(f"project {KEY}", False)
    except NotFoundError:
        await dd.projects.create(key=KEY, name=PROJECT_NAME)
        changes.note(f"project {KEY} created", True)

    live_types = [t for t in await dd.case_types.list() if not t.attributes.deleted_at]
    case_type = next((t for t in live_types if t.attributes.name == CASE_TYPE["name"]), None)
    if case_type is None:
        case_type = await dd.case_types.create(**CASE_TYPE)
        changes.note(f"case type {CASE_TYPE['name']!r} created", True)
    elif (case_type.attributes.description, case_type.attributes.emoji) != (
        CASE_TYPE["description"],
        CASE_TYPE["emoji"],
    ):
        case_type = await dd.case_types.update(case_type.id, **CASE_TYPE)
        changes.note(f"case type {CASE_TYPE['name']!r} updated", True)
    else:
        changes.note(f"case type {CASE_TYPE['name']!r}", False)

    configs = {
        c.attributes.key: c for c in await dd.case_types.custom_attributes.list(case_type.id)
    }
    for key, (display_name, type_, is_multi) in ATTRIBUTES.items():
        config = configs.get(key)
        if config is None:
            await dd.case_types.custom_attributes.create(
                case_type.id, key=key, display_name=display_name, type=type_, is_multi=is_multi
            )
            changes.note(f"custom attribute {key!r} created", True)
        elif config.attributes.display_name != display_name:
            await dd.case_types.custom_attributes.update(
                case_type.id, config.id, display_name=display_name
            )
            changes.note(f"custom attribute {key!r} renamed", True)
        else:
            changes.note(f"custom attribute {key!r}", False)

    notification_rules = await dd.projects.notification_rules.list(KEY)
    if any(r.attributes.query == NOTIFY_QUERY for r in notification_rules):
        changes.note(f"notification rule for {NOTIFY_QUERY!r}", False)
    else:
        await dd.projects.notification_rules.create(
            KEY,
            triggers=[{"type": "CASE_CREATED"}],
            recipients=[{"type": "EMAIL", "data": {"email": "security-oncall@example.com"}}],
            query=NOTIFY_QUERY,
            is_enabled=True,
        )
        changes.note(f"notification rule for {NOTIFY_QUERY!r} created", True)

    action: dict[str, Any] = {"type": "EXECUTE_WORKFLOW", "data": {"handle": WORKFLOW}}
    rules = {r.attributes.name: r for r in await dd.projects.rules.list(KEY)}
    rule = rules.get(RULE_NAME)
    if rule is None:
        await dd.projects.rules.create(
            KEY, name=RULE_NAME, trigger={"type": "CASE_CREATED"}, action=action, state="ENABLED"
        )
        changes.note(f"automation rule {RULE_NAME!r} created", True)
    elif rule.attributes.state != "ENABLED":
        await dd.projects.rules.enable(KEY, rule.id)
        changes.note(f"automation rule {RULE_NAME!r} enabled", True)
    else:
        changes.note(f"automation rule {RULE_NAME!r}", False)

    views = {v.attributes.name: v for v in await dd.views.list(KEY)}
    view = views.get(VIEW_NAME)
    if view is None:
        await dd.views.create(KEY, name=VIEW_NAME, query=VIEW_QUERY)
        changes.note(f"view {VIEW_NAME!r} created", True)
    elif view.attributes.query != VIEW_QUERY:
        await dd.views.update(view.id, query=VIEW_QUERY)
        changes.note(f"view {VIEW_NAME!r} query updated", True)
    else:
        changes.note(f"view {VIEW_NAME!r}", False)

    windows = {w.attributes.name: w for w in await dd.maintenance_windows.list()}
    window = windows.get(WINDOW_NAME)
    if window is None:
        await dd.maintenance_windows.create(
            name=WINDOW_NAME, query=WINDOW_QUERY, start_at=WINDOW_START, end_at=WINDOW_END
        )
        changes.note(f"maintenance window {WINDOW_NAME!r} created", True)
    elif (window.attributes.start_at, window.attributes.end_at) != (WINDOW_START, WINDOW_END):
        await dd.maintenance_windows.update(window.id, start_at=WINDOW_START, end_at=WINDOW_END)
        changes.note(f"maintenance window {WINDOW_NAME!r} moved", True)
    else:
        changes.note(f"maintenance window {WINDOW_NAME!r}", False)
    return case_type.id, changes


async def file_case(dd: CaseManagement, case_type_id: str) -> str:
    """One case of the provisioned type, with both custom attributes set; returns its key."""
    case = await dd.cases.create(KEY, "Review: rotate the vault root token", type_id=case_type_id)
    await dd.cases.update_custom_attribute(case.id, "risk", 7)
    await dd.cases.update_custom_attribute(case.id, "systems", ["vault", "ci"])
    return case.attributes.key


@contextlib.asynccontextmanager
async def connect(live: bool, base_url: str | None) -> AsyncIterator[CaseManagement]:
    if live:
        if not (os.environ.get("DD_API_KEY") and os.environ.get("DD_APP_KEY")):
            raise SystemExit("--live needs DD_API_KEY and DD_APP_KEY (and DD_SITE)")
        async with CaseManagement() as dd:
            yield dd
    elif base_url is not None:
        async with CaseManagement(base_url=base_url, api_key="demo", app_key="demo") as dd:
            yield dd
    else:
        from ddcases.testing import serve  # the emulator extra; started here, stopped on exit

        with serve() as url:
            print(f"emulator listening on {url}", file=sys.stderr)
            async with CaseManagement(base_url=url, api_key="demo", app_key="demo") as dd:
                yield dd


async def run(live: bool, base_url: str | None) -> None:
    async with connect(live, base_url) as dd:
        print(f"provisioning project {KEY}:")
        case_type_id, changes = await provision(dd)
        if changes.none:
            print("nothing to change: the project was already set up")
        else:
            print(f"{len(changes.made)} change(s) made")
        print(f"filed {await file_case(dd, case_type_id)} (type {CASE_TYPE['name']!r})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--live", action="store_true", help="use Datadog instead of an emulator")
    parser.add_argument("--base-url", help="a running emulator (or proxy) instead of a new one")
    args = parser.parse_args()
    asyncio.run(run(args.live, args.base_url))


if __name__ == "__main__":
    main()
