"""A real sandbox server per test session (per xdist worker), and clients pointed at it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import httpx
import pytest

from lawsync.quickbooks import (
    AsyncQuickBooks,
    Environment,
    MemoryTokenStore,
    Pacer,
    Pacing,
    QuickBooksConfig,
    RequestEvent,
    RetryPolicy,
    TokenSet,
)
from lawsync.sandbox.app import create_app
from tests.sandbox.sandbox_support import Qbo, Server, make_company

CLIENT_ID = "lawsync-client-tests"
CLIENT_SECRET = "client-tests-secret"
REDIRECT = "http://127.0.0.1:9/qbo/callback"
_names = itertools.count(1)
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def start_sandbox() -> tuple[Server, httpx.Client]:
    server = Server(create_app()).start()
    control = httpx.Client(base_url=server.url, timeout=10)
    control.post(
        "/_sandbox/apps",
        json={
            "name": "lawsync client tests",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [REDIRECT],
            "refresh_rotation": "every_use",
        },
    ).raise_for_status()
    return server, control


@dataclass
class Sandbox:
    server: Server
    control: httpx.Client

    @property
    def url(self) -> str:
        return self.server.url

    def company(self, **spec: Any) -> Company:
        spec.setdefault("name", f"Client test firm {next(_names)}")
        spec.setdefault("edition", "plus")
        r = self.control.post("/_sandbox/companies", json=spec)
        assert r.status_code == 201, r.text
        info = r.json()
        realm = info["realm_id"]
        t = self.control.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": CLIENT_ID})
        assert t.status_code == 200, t.text
        return Company(self, realm, TokenSet.from_response(realm, t.json()), info)

    def qbo(self, **spec: Any) -> Qbo:
        """A new company spoken to over plain HTTP (as in tests/sandbox), not by the client."""
        return make_company(self.control, client_id=CLIENT_ID, **spec)

    def clock(self, advance_seconds: float) -> None:
        r = self.control.post("/_sandbox/clock", json={"advance_seconds": advance_seconds})
        assert r.status_code == 200, r.text

    def config(self, **overrides: Any) -> QuickBooksConfig:
        values: dict[str, Any] = {
            "environment": Environment.LOCAL,
            "base_url": self.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": REDIRECT,
            "retry": RetryPolicy(
                base_seconds=0.05, cap_seconds=0.5, budget_seconds=20, throttle_seconds=0.2
            ),
        }
        values.update(overrides)
        return QuickBooksConfig(**values)


@dataclass
class Company:
    sandbox: Sandbox
    realm: str
    tokens: TokenSet
    info: dict[str, Any]
    store: MemoryTokenStore = field(init=False)
    events: list[RequestEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store = MemoryTokenStore(self.tokens)

    def client(
        self, store: MemoryTokenStore | None = None, pacer: Pacer | None = None, **overrides: Any
    ) -> AsyncQuickBooks:
        """A client for this company; build it inside the event loop that will use it."""
        return AsyncQuickBooks(
            self.sandbox.config(**overrides),
            store or self.store,
            on_event=self.events.append,
            pacer=pacer,
        )

    def patch(self, **changes: Any) -> dict[str, Any]:
        r = self.sandbox.control.patch(f"/_sandbox/companies/{self.realm}", json=changes)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def account(self, subtype: str) -> str:
        return str(self.info["accounts"][subtype])

    def statuses(self) -> list[int | None]:
        return [e.status for e in self.events]


@pytest.fixture(scope="session")
def client_sandbox() -> Iterator[Sandbox]:
    server, control = start_sandbox()
    yield Sandbox(server, control)
    control.close()
    server.stop()


@pytest.fixture
def company(client_sandbox: Sandbox) -> Company:
    return client_sandbox.company()


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox of the test's own, for tests that move its clock."""
    server, control = start_sandbox()
    yield Sandbox(server, control)
    control.close()
    server.stop()


def no_pacing() -> Pacing:
    return replace(Pacing(), enabled=False)
