"""Sync tests talk to a real sandbox server over HTTP (started once per worker)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lawsync.sandbox.app import create_app
from tests.conftest import Firm
from tests.quickbooks.conftest import Sandbox, start_sandbox
from tests.sandbox.sandbox_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT,
    Qbo,
    Server,
    make_company,
)
from tests.sync.engine_support import Connected, connect


@pytest.fixture(scope="session")
def qbo_server() -> Iterator[Server]:
    server = Server(create_app()).start()
    with httpx.Client(base_url=server.url) as http:
        http.post(
            "/_sandbox/apps",
            json={
                "name": "lawsync sync tests",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [REDIRECT],
            },
        ).raise_for_status()
    yield server
    server.stop()


@pytest.fixture
def qbo(qbo_server: Server) -> Iterator[Qbo]:
    with httpx.Client(base_url=qbo_server.url, timeout=10) as control:
        yield make_company(control)


@pytest.fixture(scope="session")
def client_sandbox() -> Iterator[Sandbox]:
    server, control = start_sandbox()
    yield Sandbox(server, control)
    control.close()
    server.stop()


@pytest.fixture
def connected(firm: Firm, client_sandbox: Sandbox) -> Connected:
    return connect(firm, client_sandbox.company())
