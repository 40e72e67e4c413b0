"""The built site in a real browser: headless Chromium (Debian's package, driven through
Playwright's Python package with ``executable_path``; Playwright's own browser download is not
used) opens the site from a loopback HTTP server, searches, follows the first hit and finds the
method's signature there; a screenshot of the ``dd.cases`` reference page is kept as a build
artifact (``build/artifacts/``, or ``$DDCASES_ARTIFACTS``), not committed.

Skipped, saying why, where no Chromium is installed (``apt-get install chromium``; ``make test``
installs it, scripts/services.sh) or Playwright's package is missing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import griffe
import pytest

from tests.docs import _site

docs_reference = _site.script("docs_reference")

ARTIFACTS = Path(os.environ.get("DDCASES_ARTIFACTS", _site.ROOT / "build" / "artifacts"))
# Debian's package installs /usr/bin/chromium; DDCASES_CHROMIUM names another binary.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def _chromium() -> str | None:
    given = os.environ.get("DDCASES_CHROMIUM")
    if given:
        return given
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


@functools.cache
def _packages() -> dict[str, griffe.Module]:
    logging.getLogger("griffe").setLevel(logging.ERROR)
    loaded: dict[str, griffe.Module] = docs_reference.load()
    return loaded


def _method(path: str) -> griffe.Function:
    obj = _packages()["ddcases"].modules_collection[path]
    target = obj.final_target if obj.is_alias else obj
    assert isinstance(target, griffe.Function), path
    return target


def _queries() -> list[tuple[str, str]]:
    """(what to type in the search box, the method whose signature the first hit must show)."""
    found = {ns.path: ns for ns in docs_reference.namespaces(_packages())}
    queries = [
        ("for_update", "ddcases.AsyncPaginator.for_update"),
        ("update_priority", "ddcases.resources.cases.Cases.update_priority"),
    ]
    # The namespace, once the operation branches bring it: its page shows its methods.
    if "maintenance_windows" in found:
        cls = found["maintenance_windows"].cls
        first = next(
            name
            for name, member in cls.all_members.items()
            if not name.startswith("_") and member.is_function
        )
        queries.append(("maintenance_windows", f"{cls.path}.{first}"))
    return queries


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
async def page(site: Path) -> AsyncIterator[Any]:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "no Chromium to drive: install Debian's package (apt-get install -y chromium), "
            "or set DDCASES_CHROMIUM; make test installs it (scripts/services.sh)"
        )
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - playwright is in the dev extra
        pytest.skip("Playwright's Python package is not installed (pip install playwright)")
    with _serve(site) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable)
            try:
                context = await browser.new_context(
                    base_url=base, viewport={"width": 1280, "height": 900}
                )
                tab = await context.new_page()
                tab.set_default_timeout(15_000)
                errors: list[str] = []
                tab.on("pageerror", lambda exc: errors.append(str(exc)))
                yield tab
                assert errors == [], errors  # no JavaScript error on any page visited
            finally:
                await browser.close()


async def _search_and_follow(page: Any, query: str) -> str:
    """Type ``query`` in the site's search box, click the first hit; the URL it led to."""
    await page.goto("index.html")
    box = page.locator("input.md-search__input")
    await box.click()  # at desktop width the box is in the header
    await box.press_sequentially(query)
    first = page.locator(".md-search-result__list li a").first
    await first.wait_for(state="visible", timeout=15_000)
    async with page.expect_navigation():
        await first.click()
    url: str = page.url
    return url


@pytest.mark.parametrize(("query", "method"), _queries())
async def test_search_finds_the_method_and_its_signature(
    page: Any, query: str, method: str
) -> None:
    url = await _search_and_follow(page, query)
    function = _method(method)
    assert "/reference/" in url, f"the first hit for {query!r} is not in the reference: {url}"
    # The page shows the method's signature: its name, then every parameter, then its return.
    signature = page.locator(f'[id="{method}"] + .doc-signature')
    await signature.wait_for(state="visible", timeout=10_000)
    text = " ".join((await signature.inner_text()).split())
    assert text.startswith(f"{function.name}("), text
    for parameter in function.parameters:
        if parameter.name not in ("self", "cls"):
            assert parameter.name in text, (parameter.name, text)
    if function.returns is not None:
        assert "->" in text, text


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


async def test_screenshot_of_the_dd_cases_reference(page: Any, artifacts: Path) -> None:
    await page.goto("reference/namespaces/cases/")
    heading = page.locator("h1")
    assert (await heading.inner_text()).strip(" \n¶") == "dd.cases"
    assert await page.locator(".doc-signature").count() >= 10
    shot = artifacts / "reference-dd.cases.png"
    image: bytes = await page.screenshot(path=str(shot), full_page=True)
    assert len(image) > 50_000
