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

import httpx
import pytest

from lawsync.config import Settings
from lawsync.quickbooks import Entity, Item
from lawsync.sync import connection
from tests.conftest import SANDBOX_CONTROL, SANDBOX_CONTROL_SECRET, Firm
from tests.sync.connect_support import connect, new_realm
from tests.web.browser import PASSWORD

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


# The screenshots this process has taken: the run on the second database would write the
# same picture to the same file again.
_taken: set[str] = set()


def look(page: Any, name: str) -> None:
    """Screenshot the page (once a run per name), and hold it to axe-core: no serious or
    critical violation."""
    if name not in _taken:
        page.screenshot(path=str(screenshot_dir() / f"{name}.png"), full_page=True)
        _taken.add(name)
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


def into_quickbooks(firm: Firm, server_url: str, entity: E) -> E:
    """Make a record in the firm's connected company, as someone working in QuickBooks would."""

    async def make(qb: Any, realm: str) -> E:
        made: E = await qb.create(realm, entity)
        return made

    return with_company(firm, server_url, make)


def sign_in(page: Any, server_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in on the login page, and wait for the dashboard."""
    page.goto(server_url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(server_url + "/")


def new_company(server_url: str) -> str:
    """A sandbox company of its own ("plus US LLP"), offered on the consent page; its realm id."""
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        return new_realm(control)


def choose_company(page: Any, realm: str) -> None:
    """On the sandbox's consent page: choose the company, press Connect, wait to be back."""
    page.wait_for_selector("text=wants to connect to your company")
    page.check(f"input[value='{realm}']")
    page.click("button[value=connect]")
    page.wait_for_url("**/quickbooks/callback?**")
    body = page.inner_text("body")
    assert f"(company {realm})" in body and "connected to" in body, body


def ready_to_sync(firm: Firm, server_url: str) -> str:
    """The firm connected (the consent step played over HTTP) to a company of its own, bills
    exported, every default product chosen; the company's realm id."""
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        realm = new_realm(control)
        connect(firm, control, realm)
    items = {i.Name: i.Id for i in in_quickbooks(firm, server_url, Item)}
    firm.put(
        "/quickbooks/settings",
        {
            "export_bills": True,
            "item_mappings": {
                "activity:default": items["Legal Services"],
                "expense:default": items["Disbursements"],
                "interest": items["Services"],
                "credit": items["Services"],
            },
        },
    )
    return realm


def sync_now(page: Any, server_url: str) -> str:
    """Press Sync now on the dashboard and wait for this run to finish; what it says."""
    page.goto(server_url + "/")
    # The dashboard shows the firm's last run until the new one replaces it: mark it as old.
    page.eval_on_selector("#sync-run", "e => { e.dataset.old = 'yes'; }")
    page.click("button:has-text('Sync now')")
    done = page.wait_for_selector(
        "#sync-run:not([data-old]) p:has-text('Sync finished')", timeout=60_000
    )
    return str(done.inner_text())
