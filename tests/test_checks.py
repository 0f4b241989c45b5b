"""Ledger-wide checks find every kind of corruption and nothing in healthy books."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text, update
from sqlalchemy.engine import Connection, Engine, make_url
from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.config import Settings
from lawsync.migrate import alembic_config, upgrade
from lawsync.practice import cheque_numbers
from lawsync.practice.checks import run_all
from lawsync.practice.models import Bill, BillLine, ClientFundsBalance
from lawsync.practice.services.context import Ledger
from lawsync.storage import make_engine, make_session_factory
from lawsync.web.app import create_app
from tests import builders
from tests.conftest import Firm, _fresh_postgres, make_firm
from tests.sandbox.sandbox_support import Server


def _books(firm: Firm) -> dict[str, int]:
    c, m, b = builders.billed_client(firm, hours="1.5", rate="210")
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "500.00", matter_id=m["id"])
    firm.post(
        "/payments",
        {
            "client_id": c["id"],
            "date": "2026-03-10",
            "amount": "100.00",
            "source": "client_funds",
            "client_funds_account_id": acct["id"],
            "matter_id": m["id"],
            "allocations": [{"bill_id": b["id"], "amount": "100.00"}],
        },
    )
    firm.post("/credit-notes", {"bill_id": b["id"], "amount": "15.00", "date": "2026-03-11"})
    return {"bill": b["id"], "account": acct["id"], "client": c["id"], "matter": m["id"]}


def _problems(firm: Firm) -> list[str]:
    with firm.ledger.uow(firm.actor) as uow:
        return [p.check for p in run_all(uow.session)]


def test_healthy_books_have_no_problems(firm: Firm) -> None:
    _books(firm)
    assert _problems(firm) == []


def test_a_tampered_trust_balance_is_found(firm: Firm) -> None:
    ids = _books(firm)
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.execute(
            update(ClientFundsBalance)
            .where(ClientFundsBalance.account_id == ids["account"])
            .values(balance=Decimal("999.00"))
        )
        uow.commit()
    assert "trust_balance" in _problems(firm)


def test_tampered_bill_figures_are_found(firm: Firm) -> None:
    ids = _books(firm)
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.execute(
            update(BillLine).where(BillLine.bill_id == ids["bill"]).values(amount=Decimal("1.00"))
        )
        uow.session.execute(
            update(Bill)
            .where(Bill.id == ids["bill"])
            .values(paid_total=Decimal("0"), revision=Bill.revision + 1)
        )
        uow.commit()
    found = set(_problems(firm))
    assert {"bill_line", "bill_total", "bill_payments"} <= found


def test_the_check_command_exits_non_zero_on_a_problem(firm: Firm, database_url: str) -> None:
    ids = _books(firm)
    runner = CliRunner()
    env = {"LAWSYNC_DATABASE_URL": database_url}
    ok = runner.invoke(app, ["check", "--firm", str(firm.id)], env=env)
    assert ok.exit_code == 0, ok.output
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.execute(
            update(ClientFundsBalance)
            .where(ClientFundsBalance.account_id == ids["account"])
            .values(balance=Decimal("0.01"))
        )
        uow.commit()
    bad = runner.invoke(app, ["check", "--firm", str(firm.id)], env=env)
    assert bad.exit_code == 1 and "trust_balance" in bad.output


def test_a_cheque_number_on_two_live_cheques_is_a_problem_reversed_ones_are_not() -> None:
    cheque = cheque_numbers.NumberedCheque
    found = cheque_numbers.clashes(
        [cheque(1, 7, "100"), cheque(2, 7, "101"), cheque(3, 8, "100"), cheque(4, 7, "100")]
    )
    assert found == {(7, "100"): [1, 4]}
    assert cheque_numbers.clashes([cheque(1, 7, "100"), cheque(3, 8, "100")]) == {}


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, for a test that changes the schema."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'old-books.db'}"
        return
    url, admin = _fresh_postgres("old_books")
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _has_cheque_index(url: str) -> bool:
    eng = make_engine(url)
    try:
        names = {ix["name"] for ix in inspect(eng).get_indexes("client_funds_transactions")}
    finally:
        eng.dispose()
    return cheque_numbers.INDEX_NAME in names


@contextmanager
def _books_with_a_deposit(url: str) -> Iterator[tuple[Engine, Ledger, Firm, Any, Any]]:
    """A migrated database served over HTTP, with a firm whose client has $100.00 in trust:
    (engine, ledger, firm, the client, the trust account)."""
    eng = make_engine(url)
    upgrade(eng)
    ledger = Ledger(make_session_factory(eng))
    server = Server(create_app(Settings(database_url=url), ledger=ledger, mount_sandbox=False))
    server.start()
    try:
        firm = make_firm(ledger, server.url)
        c = builders.client(firm)
        acct = builders.trust_account(firm)
        builders.deposit(firm, acct["id"], c["id"], "100.00")
        yield eng, ledger, firm, c, acct
        firm.api.close()
    finally:
        server.stop()
        eng.dispose()


def test_books_from_before_the_cheque_index_migrate_and_the_check_lists_duplicates(
    fresh_database_url: str,
) -> None:
    url = fresh_database_url
    with _books_with_a_deposit(url) as (eng, ledger, firm, c, acct):
        kept = builders.disburse(firm, acct["id"], c["id"], "10.00", cheque_number="777")
        twin = builders.disburse(firm, acct["id"], c["id"], "10.00")
        # Books kept before 0005: no index, and nothing stopped the same number twice.
        with eng.begin() as conn:
            command.downgrade(_config(url, conn), "0004")
            conn.execute(
                text("UPDATE client_funds_transactions SET cheque_number = '777' WHERE id = :id"),
                {"id": twin["id"]},
            )
        upgrade(eng)  # 0005 leaves the index out while the duplicate is there
        assert not _has_cheque_index(url)
        with ledger.uow(firm.actor) as uow:
            problems = [p for p in run_all(uow.session) if p.check == "cheque_number"]
        assert len(problems) == 1 and "777" in problems[0].record
        assert f"{kept['id']}, {twin['id']}" in problems[0].message
        bad = CliRunner().invoke(
            app, ["check", "--firm", str(firm.id)], env={"LAWSYNC_DATABASE_URL": url}
        )
        assert bad.exit_code == 1 and "cheque_number" in bad.output

        firm.post(f"/client-funds-transactions/{twin['id']}/reverse", {"reason": "misnumbered"})
        with ledger.uow(firm.actor) as uow:
            assert run_all(uow.session) == []
        upgrade(eng)  # with the duplicate reversed, migrate builds the index
        assert _has_cheque_index(url)


def _config(url: str, conn: Connection) -> Config:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = conn
    return cfg


def test_migrating_down_and_up_again_keeps_every_firms_records(fresh_database_url: str) -> None:
    """Down to before the firm's locale and back: no migration may copy a table whose rows
    other tables cascade from (on SQLite, dropping it would empty every firm's books)."""
    url = fresh_database_url
    with _books_with_a_deposit(url) as (eng, _, firm, c, acct):
        with eng.begin() as conn:
            command.downgrade(_config(url, conn), "0009")
        upgrade(eng)
        assert firm.get(f"/contacts/{c['id']}")["id"] == c["id"]
        assert firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "100.00"
