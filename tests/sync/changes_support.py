"""The accounting side changes something, and the ledger takes it in: helpers for the hard cost,
payment and invoice importers' tests (a company's records made over real HTTP in the sandbox)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lawsync.quickbooks import Account, AsyncQuickBooks, Entity, Purchase, Vendor
from lawsync.sync import context
from lawsync.sync.context import PassContext
from lawsync.sync.imports.skeleton import Change, Importer
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncFailure, SyncLink
from tests import builders
from tests.sync.engine_support import Connected

DAY = builders.DAY


@dataclass
class CostBooks:
    """A connected firm set up to import hard costs from one company account."""

    c: Connected
    account: str  # the hard-costs account (Reimbursable Expenses)
    other_account: str  # an expense account that is not it
    bank: str
    card: str
    vendor: str  # a supplier, "Speedy Couriers"


def set_up_hard_costs(c: Connected, start: dt.date = DAY) -> CostBooks:
    async def make(qb: AsyncQuickBooks, realm: str) -> tuple[str, str, str, str, str]:
        acct = await qb.create(realm, Account(Name="Reimbursable Expenses", AccountType="Expense"))
        accounts = await qb.query(realm, Account)
        by_sub = {a.AccountSubType: str(a.Id) for a in accounts}
        vendor = await qb.create(realm, Vendor(DisplayName="Speedy Couriers"))
        return (
            str(acct.Id),
            by_sub["OfficeExpenses"],
            by_sub["Checking"],
            by_sub["CreditCard"],
            str(vendor.Id),
        )

    account, other, bank, card, vendor = c.call(make)
    c.firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    c.firm.put(
        "/quickbooks/settings",
        {
            "import_hard_costs": True,
            "hard_costs_start_date": start.isoformat(),
            "hard_costs_account": account,
        },
    )
    return CostBooks(c, account, other, bank, card, vendor)


def client_with_customer(c: Connected, matters: int = 1) -> tuple[dict[str, Any], list[int], str]:
    """A client with open matters, synced as a customer by a pass (hard-cost import on sends
    every contact with an open matter); the client, its matter ids and its customer's id."""
    client = builders.client(c.firm)
    ids = [builders.matter(c.firm, client["id"])["id"] for _ in range(matters)]
    report = c.run()
    assert report.failed == 0, report
    return client, ids, customer_of(c, client["id"])


def customer_of(c: Connected, contact_id: int) -> str:
    with c.firm.ledger.uow(c.firm.id) as uow:
        found = uow.session.execute(
            select(SyncLink.qbo_id).where(
                SyncLink.kind == Kind.CONTACT, SyncLink.local_id == contact_id
            )
        ).scalar()
    assert found, f"contact {contact_id} has no customer"
    return str(found)


def category(account: str, amount: str, customer: str | None, text: str = "") -> dict[str, Any]:
    detail: dict[str, Any] = {"AccountRef": {"value": account}}
    if customer:
        detail["CustomerRef"] = {"value": customer}
    return {
        "Amount": amount,
        "Description": text,
        "DetailType": "AccountBasedExpenseLineDetail",
        "AccountBasedExpenseLineDetail": detail,
    }


def item_line(item: str, amount: str, customer: str) -> dict[str, Any]:
    return {
        "Amount": amount,
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {
            "ItemRef": {"value": item},
            "Qty": 1,
            "UnitPrice": amount,
            "CustomerRef": {"value": customer},
        },
    }


def cheque(
    books: CostBooks,
    lines: Sequence[dict[str, Any]],
    *,
    date: dt.date = DAY,
    payment_type: str = "Check",
    memo: str = "",
) -> Purchase:
    """A cheque (or an expense paid by card or cash) written in the company."""
    paid_from = books.card if payment_type == "CreditCard" else books.bank
    body = Purchase(
        PaymentType=payment_type,  # type: ignore[arg-type]
        AccountRef={"value": paid_from},  # type: ignore[arg-type]
        EntityRef={"value": books.vendor, "type": "Vendor"},  # type: ignore[arg-type]
        TxnDate=date.isoformat(),
        PrivateNote=memo or None,
        Line=list(lines),  # type: ignore[arg-type]
    )
    return books.c.call(lambda qb, realm: qb.create(realm, body))  # type: ignore[no-any-return]


def edit(c: Connected, found: Entity, **changes: Any) -> Entity:
    async def go(qb: AsyncQuickBooks, realm: str) -> Entity:
        now = await qb.read(realm, type(found), str(found.Id))
        return await qb.update(realm, now.model_copy(update=changes))

    return c.call(go)  # type: ignore[no-any-return]


def remove(c: Connected, found: Entity) -> None:
    async def go(qb: AsyncQuickBooks, realm: str) -> None:
        now = await qb.read(realm, type(found), str(found.Id))
        await qb.delete(realm, now)

    c.call(go)


def take(c: Connected, importer: Importer, entity: type[Entity], *ids: str) -> int:
    """Hand the importer the changes of these records as the change feed would: each as the
    company holds it now, or deleted."""

    async def go(qb: AsyncQuickBooks, realm: str) -> int:
        ctx = context.load(c.firm.ledger, c.firm.id, qb)
        assert isinstance(ctx, PassContext)
        changes = []
        for ident in ids:
            rows = await qb.query(realm, entity, f"Id = '{ident}'")
            found = rows[0] if rows else None
            token = found.SyncToken if found is not None else None
            changes.append(Change(entity.entity_name, ident, found, token, None))
        return await importer.take(ctx, changes)

    return c.call(go)  # type: ignore[no-any-return]


def compare_all(c: Connected, importer: Importer) -> int:
    async def go(qb: AsyncQuickBooks, realm: str) -> int:
        ctx = context.load(c.firm.ledger, c.firm.id, qb)
        assert isinstance(ctx, PassContext)
        return await importer.compare_all(ctx)

    return c.call(go)  # type: ignore[no-any-return]


def open_failures(c: Connected, kind: str | None = None) -> list[SyncFailure]:
    with c.firm.ledger.uow(c.firm.id) as uow:
        stmt = select(SyncFailure).where(SyncFailure.resolved_at.is_(None))
        if kind:
            stmt = stmt.where(SyncFailure.kind == kind)
        return list(uow.session.execute(stmt.order_by(SyncFailure.id)).scalars())


def entries_of(c: Connected, matter_id: int) -> list[dict[str, Any]]:
    return list(c.firm.get("/expense-entries", matter_id=matter_id)["data"])


def amount(value: object) -> Decimal:
    return Decimal(str(value))


def run_async(fn: Any) -> Any:
    return asyncio.run(fn)
