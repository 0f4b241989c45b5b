from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.browser import Browser


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
