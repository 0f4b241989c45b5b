"""Shared fixtures: a real database per backend, a real HTTP server, and a fresh firm per test.

Every database test runs on SQLite and, when LAWSYNC_TEST_POSTGRES_URL is set, again on
PostgreSQL in a database created for this run and dropped afterwards. Tests are isolated by
tenancy: each one works in a firm of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from lawsync.config import Settings
from lawsync.migrate import upgrade
from lawsync.practice.commands import FirmCreate
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.sandbox.guard import CONTROL_SECRET_HEADER
from lawsync.storage import make_engine, make_session_factory
from lawsync.web.app import create_app
from tests.sandbox.sandbox_support import Server, free_port

POSTGRES_URL = os.environ.get("LAWSYNC_TEST_POSTGRES_URL")
# The test server's sandbox control API wants this secret, as `lawsync serve` wants its own.
SANDBOX_CONTROL_SECRET = "tests-sandbox-control-secret"
SANDBOX_CONTROL = {CONTROL_SECRET_HEADER: SANDBOX_CONTROL_SECRET}
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# Sign-in as in production (argon2id, salted, verified and rehashed the same way), but with the
# least time and memory argon2 allows: the recommended parameters cost ~0.2 s of CPU per hash.
CHEAP_PASSWORDS = PasswordHasher(
    time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=16, type=Type.ID
)


def _fresh_postgres(worker: str) -> tuple[str, Engine]:
    assert POSTGRES_URL
    admin_url = make_url(POSTGRES_URL)
    name = f"lawsync_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin_url.set(database=name).render_as_string(hide_password=False), admin


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "lawsync.db"
        yield f"sqlite:///{path}"
        return
    url, admin = _fresh_postgres(worker)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(
        database_url, **({} if database_url.startswith("sqlite") else {"pool_size": 10})
    )
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def ledger(engine: Engine) -> Ledger:
    return Ledger(make_session_factory(engine), password_hasher=CHEAP_PASSWORDS)


@pytest.fixture(scope="session")
def server_url(ledger: Ledger, database_url: str) -> Iterator[str]:
    """The web app served by uvicorn on a free loopback port, for real HTTP.

    Its settings name that port: the callback and the embedded sandbox are found from them.
    """
    port = free_port()
    settings = Settings(
        database_url=database_url, port=port, sandbox_control_secret=SANDBOX_CONTROL_SECRET
    )
    server = Server(create_app(settings, ledger=ledger), port=port).start()
    yield server.url
    server.stop()


@dataclass
class Firm:
    """A fresh firm for one test, with an API client signed in as its administrator."""

    id: int
    admin_id: int
    token: str
    api: httpx.Client
    actor: Actor
    ledger: Ledger

    def post(self, path: str, body: Any = None, status: int = 201) -> Any:
        return _expect(self.api.post(path, json=body), status)

    def patch(self, path: str, body: Any, status: int = 200) -> Any:
        return _expect(self.api.patch(path, json=body), status)

    def put(self, path: str, body: Any, status: int = 200) -> Any:
        return _expect(self.api.put(path, json=body), status)

    def get(self, path: str, status: int = 200, **params: Any) -> Any:
        return _expect(self.api.get(path, params=params), status)

    def delete(self, path: str, status: int = 200, **params: Any) -> Any:
        return _expect(self.api.delete(path, params=params), status)


def _expect(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:2000])
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def make_firm(ledger: Ledger, server_url: str, name: str = "Test Firm LLP") -> Firm:
    tag = uuid.uuid4().hex[:8]
    created = create_firm(
        ledger,
        FirmCreate(name=name, admin_email=f"admin-{tag}@example.com", admin_name="Ada Admin"),
    )
    api = httpx.Client(
        base_url=f"{server_url}/api/v1",
        headers={"Authorization": f"Bearer {created.token}"},
        timeout=30,
    )
    return Firm(
        created.firm.id,
        created.admin.id,
        created.token,
        api,
        Actor(created.firm.id, created.admin.id),
        ledger,
    )


@pytest.fixture
def firm(ledger: Ledger, server_url: str) -> Iterator[Firm]:
    f = make_firm(ledger, server_url)
    yield f
    f.api.close()


@pytest.fixture
def other_firm(ledger: Ledger, server_url: str) -> Iterator[Firm]:
    f = make_firm(ledger, server_url, "Other Firm LLP")
    yield f
    f.api.close()


@pytest.fixture
def control(server_url: str) -> Iterator[httpx.Client]:
    """The control API of the sandbox the web app mounts under /qbo, as `lawsync serve` does."""
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as http:
        yield http
