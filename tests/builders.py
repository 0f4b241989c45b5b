"""Small builders for test scenarios, going through the JSON API; those that make hundreds of
records at once (`many_clients`) call the service layer in this process, which is faster."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from lawsync.practice.commands import ContactCreate
from lawsync.practice.services import contacts
from tests.conftest import Firm

_n = itertools.count(1)
DAY = dt.date(2026, 3, 2)


def client(firm: Firm, **extra: Any) -> dict[str, Any]:
    n = next(_n)
    body = {
        "kind": "person",
        "first_name": "Client",
        "last_name": f"Number{n}",
        "emails": [{"address": f"client{n}@example.com", "primary": True}],
        **extra,
    }
    return firm.post("/contacts", body)


def many_clients(firm: Firm, count: int, name: str = "Bulk") -> list[int]:
    """``count`` person clients of the firm, "<name> 0001" to "<name> <count>"; their ids."""
    made = []
    for i in range(1, count + 1):
        cmd = ContactCreate(kind="person", first_name=name, last_name=f"{i:04d}")
        made.append(contacts.create_contact(firm.ledger, firm.actor, cmd).id)
    return made


def matter(firm: Firm, client_id: int, **extra: Any) -> dict[str, Any]:
    return firm.post("/matters", {"client_id": client_id, "description": "A matter", **extra})


def time_entry(
    firm: Firm,
    matter_id: int,
    hours: str = "1.5",
    rate: str = "200",
    date: dt.date = DAY,
    **extra: Any,
) -> dict[str, Any]:
    return firm.post(
        "/time-entries",
        {
            "matter_id": matter_id,
            "hours": hours,
            "rate": rate,
            "date": date.isoformat(),
            "description": "Work",
            **extra,
        },
    )


def expense(
    firm: Firm,
    matter_id: int,
    quantity: str = "1",
    unit_price: str = "50",
    date: dt.date = DAY,
    **extra: Any,
) -> dict[str, Any]:
    return firm.post(
        "/expense-entries",
        {
            "matter_id": matter_id,
            "quantity": quantity,
            "unit_price": unit_price,
            "date": date.isoformat(),
            "description": "Cost",
            **extra,
        },
    )


def bill(firm: Firm, client_id: int, approve: bool = True, **extra: Any) -> dict[str, Any]:
    body = {"client_id": client_id, "issue_date": DAY.isoformat(), **extra}
    created = firm.post("/bills", body)
    if approve:
        return firm.post(f"/bills/{created['id']}/approve", None, 200)
    return created


def billed_client(
    firm: Firm, hours: str = "2", rate: str = "150"
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A client with one matter, one time entry, and an approved bill for it."""
    c = client(firm)
    m = matter(firm, c["id"])
    time_entry(firm, m["id"], hours=hours, rate=rate)
    return c, m, bill(firm, c["id"])


def trust_account(firm: Firm, name: str = "Trust") -> dict[str, Any]:
    return firm.post("/client-funds-accounts", {"name": name, "bank_name": "First Bank"})


def deposit(
    firm: Firm,
    account_id: int,
    client_id: int,
    amount: str,
    matter_id: int | None = None,
    date: dt.date = DAY,
    status: int = 201,
) -> dict[str, Any]:
    return firm.post(
        "/client-funds-transactions",
        {
            "kind": "deposit",
            "account_id": account_id,
            "client_id": client_id,
            "matter_id": matter_id,
            "amount": amount,
            "date": date.isoformat(),
            "source": "Retainer",
        },
        status,
    )


def disburse(
    firm: Firm,
    account_id: int,
    client_id: int,
    amount: str,
    matter_id: int | None = None,
    date: dt.date = DAY,
    status: int = 201,
    **extra: Any,
) -> dict[str, Any]:
    return firm.post(
        "/client-funds-transactions",
        {
            "kind": "disbursement",
            "account_id": account_id,
            "client_id": client_id,
            "matter_id": matter_id,
            "amount": amount,
            "date": date.isoformat(),
            "payee_name": "Land Registry",
            **extra,
        },
        status,
    )


def two_taxes(firm: Firm) -> None:
    """GST 5 % on time and expenses, PST 9.975 % on time: rates that round differently by line."""
    firm.put(
        "/bill-settings",
        {
            "primary_tax_name": "GST",
            "primary_tax_rate": "5",
            "primary_tax_on_time": True,
            "primary_tax_on_expenses": True,
            "secondary_tax_name": "PST",
            "secondary_tax_rate": "9.975",
            "secondary_tax_on_time": True,
        },
    )
