"""Helpers shared by the reliability suites: the real facade tuned for tests, a seed, checks."""

from __future__ import annotations

import collections
import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from ddcases import CaseManagement

API_KEY = "0f3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c"
APP_KEY = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
CASES = "/api/v2/cases"
PROJECTS = "/api/v2/cases/projects"


def client(url: str, **kwargs: Any) -> CaseManagement:
    """The real facade with the default transport, tuned so retries cost milliseconds."""
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("initial_retry_delay", 0.01)
    kwargs.setdefault("max_retry_delay", 0.02)
    return CaseManagement(base_url=url, api_key=API_KEY, app_key=APP_KEY, **kwargs)


@contextlib.contextmanager
def record_sleeps(on_retry: Callable[[], None] | None = None) -> Iterator[list[float]]:
    """Record each wait the client takes, retry backoff or rate-limit pacing, as the "ddcases"
    logger reports it ("retrying ... in 0.05s", "... pacing 0.05s ..."); ``on_retry`` runs as
    each retry is announced, before its wait."""
    sleeps: list[float] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if match := re.search(r"(?:^retrying .* in |pacing )([0-9.]+)s", message):
                sleeps.append(float(match[1]))
                if on_retry is not None and message.startswith("retrying"):
                    on_retry()

    logger = logging.getLogger("ddcases")
    handler, level = Recorder(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield sleeps
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def assert_no_duplicates(app: Any) -> None:
    """No case or project exists twice (by key, and by the title/name the tests gave it)."""
    store = app.state.store
    cases = list(store.cases())
    projects = store.projects()
    for what, values in (
        ("case key", [c.key for c in cases]),
        ("case title", [c.title for c in cases]),
        ("project key", [p.key for p in projects]),
    ):
        twice = [v for v, n in collections.Counter(values).items() if n > 1]
        assert not twice, f"{what} exists twice: {twice}"


async def seed(dd: CaseManagement) -> str:
    """Create project SEC and case SEC-1; return the case key."""
    await dd.projects.create(key="SEC", name="Security")
    case = await dd.cases.create(project="SEC", title="seed")
    assert case.attributes.key == "SEC-1"
    return "SEC-1"


def no_traceback_noise(exc: BaseException) -> None:
    """The message reads as one line of prose: no traceback, no repr of an httpx object."""
    text = str(exc)
    assert "Traceback" not in text
    assert "<httpx." not in text
    assert "\n" not in text


@contextlib.contextmanager
def takes_at_most(seconds: float) -> Iterator[None]:
    start = time.monotonic()
    yield
    elapsed = time.monotonic() - start
    assert elapsed < seconds, f"took {elapsed:.2f}s, expected < {seconds}s"
