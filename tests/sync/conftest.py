"""Sync tests talk to one real sandbox server over HTTP, started once per test worker.

`client_sandbox` is that server: it holds the engine's companies (`connected`,
`client_sandbox.company()`), the plain-HTTP ones (`qbo`) and the command line's (it is given
`client_sandbox.url`). Each test works in companies of its own and steers only them (limits,
outages, tokens, deposits); none moves the sandbox's clock or changes the tests' app, so none
sees another's data. Tests that move the clock belong with tests/quickbooks' `own_sandbox`.
The sandbox the web app mounts under /qbo is part of the app under test, not one of these.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Firm
from tests.quickbooks.conftest import Sandbox, start_sandbox
from tests.sandbox.sandbox_support import Qbo
from tests.sync.engine_support import Connected, connect


@pytest.fixture(scope="session")
def client_sandbox() -> Iterator[Sandbox]:
    server, control = start_sandbox()
    yield Sandbox(server, control)
    control.close()
    server.stop()


@pytest.fixture
def qbo(client_sandbox: Sandbox) -> Qbo:
    return client_sandbox.qbo()


@pytest.fixture
def connected(firm: Firm, client_sandbox: Sandbox) -> Connected:
    return connect(firm, client_sandbox.company())
