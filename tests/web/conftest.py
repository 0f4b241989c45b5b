from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import Browser
from tests.web.playwright_support import CHROMIUM, require_chromium


@pytest.fixture
def browser(server_url: str) -> Iterator[Browser]:
    b = Browser(server_url)
    yield b
    b.close()


@pytest.fixture
def other_browser(server_url: str) -> Iterator[Browser]:
    b = Browser(server_url)
    yield b
    b.close()


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Per test: Playwright's sync API runs an event loop in this thread while it is open, and
    the other tests of this worker need the thread without one."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
