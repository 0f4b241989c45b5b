"""Ledger-wide checks find every kind of corruption and nothing in healthy books."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update
from typer.testing import CliRunner

from lawsync.cli import app
from lawsync.practice.checks import run_all
from lawsync.practice.models import Bill, BillLine, ClientFundsBalance
from tests import builders
from tests.conftest import Firm


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
