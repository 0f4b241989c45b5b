"""Debian's Chromium driven by Playwright, axe-core's accessibility check, and screenshots.

`.ci/run` installs Chromium and sets LAWSYNC_BROWSER_TESTS=required, so there a missing browser
fails the tests; elsewhere they are skipped, saying why. Screenshots go to the folder named by
LAWSYNC_SCREENSHOTS (the committed ones in docs/screenshots are made with
`LAWSYNC_SCREENSHOTS=docs/screenshots`), or to a temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from lawsync.config import Settings
from lawsync.quickbooks import Entity
from lawsync.sync import connection
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")
E = TypeVar("E", bound=Entity)
R = TypeVar("R")


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("LAWSYNC_BROWSER_TESTS") == "required":
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    pytest.skip("Chromium is not installed (apt-get install -y chromium); .ci/run installs it")


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("LAWSYNC_SCREENSHOTS") or tempfile.gettempdir() + "/lawsync-shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def look(page: Any, name: str) -> None:
    """Screenshot the page, and hold it to axe-core: no serious or critical violation."""
    page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)
    accessible(page, name)


def accessible(page: Any, name: str) -> None:
    """Hold the page to axe-core (no serious or critical violation), without a screenshot: for
    a page whose picture would show other tests' data (the sandbox's list of companies)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert bad == [], (name, bad)


def with_company(firm: Firm, server_url: str, fn: Callable[[Any, str], Awaitable[R]]) -> R:
    """``fn(client, realm)`` against the firm's connected company, outside Playwright's loop."""
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)

    async def call() -> R:
        realm = connection.connected_realm(firm.ledger, firm.id)
        assert realm is not None
        async with connection.open_client(firm.ledger, firm.id, settings, server_url) as qb:
            return await fn(qb, realm)

    # Playwright's sync API keeps an event loop running in this thread: call from another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, call()).result()


def in_quickbooks(firm: Firm, server_url: str, entity: type[E], where: str = "") -> list[E]:
    """What the firm's connected company holds of one entity, read through the client."""

    async def read(qb: Any, realm: str) -> list[E]:
        return list(await qb.query(realm, entity, where))

    return with_company(firm, server_url, read)
