"""Fixtures: one real sandbox server per test session (per xdist worker), reached over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lawsync.sandbox.app import create_app
from tests.sandbox.sandbox_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT,
    NewCompany,
    Qbo,
    Server,
    make_company,
)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Server]:
    server = Server(create_app()).start()
    with httpx.Client(base_url=server.url) as http:
        http.post(
            "/_sandbox/apps",
            json={
                "name": "lawsync tests",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [REDIRECT],
            },
        ).raise_for_status()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def control(sandbox: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=10) as http:
        yield http


@pytest.fixture
def qbo(control: httpx.Client) -> Qbo:
    return make_company(control)


@pytest.fixture
def new_company(control: httpx.Client) -> NewCompany:
    def factory(**spec: Any) -> Qbo:
        return make_company(control, **spec)

    return factory
