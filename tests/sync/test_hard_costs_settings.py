"""The hard-costs import settings: refused where the company's plan lacks it, and checked against
the company's own expense accounts (connected through the OAuth flow of the app's sandbox)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from lawsync.config import Settings
from lawsync.quickbooks import Account
from lawsync.sync import connection
from lawsync.sync.models import QuickBooksConnection
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm
from tests.sync.connect_support import connect, new_realm

ON = {"import_hard_costs": True, "hard_costs_start_date": "2026-03-01"}


def _company(
    firm: Firm, control: httpx.Client, server_url: str, edition: str = "plus"
) -> tuple[str, str]:
    """Connect the firm to a new company of that edition; the ids of an expense account made in
    it ("Reimbursable Expenses") and of its bank account."""
    realm = new_realm(control, edition=edition)
    connect(firm, control, realm)
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)

    async def go() -> Any:
        async with connection.open_client(firm.ledger, firm.id, settings, server_url) as qb:
            made = await qb.create(
                realm, Account(Name="Reimbursable Expenses", AccountType="Expense")
            )
            accounts = await qb.query(realm, Account, "AccountType = 'Bank'")
            return str(made.Id), str(accounts[0].Id)

    expense, bank = asyncio.run(go())
    return str(expense), str(bank)


def _connected(firm: Firm, control: httpx.Client, server_url: str, edition: str = "plus") -> str:
    return _company(firm, control, server_url, edition)[0]


def test_the_settings_are_off_until_turned_on(firm: Firm) -> None:
    got = firm.get("/quickbooks/settings")
    assert (got["import_hard_costs"], got["hard_costs_start_date"], got["hard_costs_account"]) == (
        False,
        None,
        None,
    )


def test_turned_on_with_an_expense_account_and_a_start_date(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    account = _connected(firm, control, server_url)
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    got = firm.put("/quickbooks/settings", {**ON, "hard_costs_account": account})
    assert got["import_hard_costs"] is True
    assert got["hard_costs_account"] == account
    assert got["hard_costs_start_date"] == "2026-03-01"


def test_refused_on_essentials_with_the_reason(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    account = _connected(firm, control, server_url, edition="essentials")
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    refused = firm.put("/quickbooks/settings", {**ON, "hard_costs_account": account}, status=409)
    error = refused["error"]
    assert error["code"] == "edition_lacks_hard_costs" and error["field"] == "import_hard_costs"
    assert "Essentials" in error["message"] and "5030" in error["message"]
    assert firm.get("/quickbooks/settings")["import_hard_costs"] is False


@pytest.mark.parametrize("edition", ["simple_start", "essentials"])
def test_a_company_moved_below_plus_is_refused(
    firm: Firm, control: httpx.Client, server_url: str, edition: str
) -> None:
    account = _connected(firm, control, server_url)
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    with firm.ledger.uow(firm.id) as uow:
        uow.session.query(QuickBooksConnection).one().edition = edition
        uow.commit()
    refused = firm.put("/quickbooks/settings", {**ON, "hard_costs_account": account}, status=409)
    assert refused["error"]["code"] == "edition_lacks_hard_costs"


def test_an_account_that_is_not_an_expense_account_is_refused(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    _, bank = _company(firm, control, server_url)
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    refused = firm.put("/quickbooks/settings", {**ON, "hard_costs_account": bank}, status=422)
    assert refused["error"]["code"] == "not_an_expense_account"
    assert refused["error"]["field"] == "hard_costs_account"
    assert firm.get("/quickbooks/settings")["hard_costs_account"] is None


def test_turning_on_needs_an_account_a_date_and_hard_costs_billed(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    account = _connected(firm, control, server_url)
    body = {**ON, "hard_costs_account": account}
    refused = firm.put("/quickbooks/settings", body, status=409)
    assert refused["error"]["code"] == "cost_types_disabled"
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    no_account = firm.put("/quickbooks/settings", ON, status=422)
    assert no_account["error"]["field"] == "hard_costs_account"
    no_date = {"import_hard_costs": True, "hard_costs_account": account}
    assert firm.put("/quickbooks/settings", no_date, status=422)["error"]["field"] == (
        "hard_costs_start_date"
    )


def test_refused_without_a_connection(firm: Firm) -> None:
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    refused = firm.put("/quickbooks/settings", ON, status=409)
    assert refused["error"]["code"] == "not_connected"
