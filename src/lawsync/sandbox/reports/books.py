"""The books as reports read them: every posting with its transaction, on the accrual or the
cash basis, and balances and activity per account.

On the cash basis a sales or purchase document counts only when (and as far as) it is paid:
its income or expense legs move to the dates of the payments applied to it, in proportion,
and the receivable or payable legs of documents and of applied payments drop out. What a
payment leaves unapplied stays on A/R (A/P), so the cash books still balance.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..company import Company, Posting, Record
from ..ledger import DEBIT_NORMAL
from ..wire import money
from .frame import ZERO, fiscal_year_start

OPEN_ITEM_TYPES = ("Accounts Receivable", "Accounts Payable")
# Documents a payment can settle, and the sign of what settling them does to the payer.
SETTLED = {"Invoice": 1, "CreditMemo": -1, "Bill": 1, "VendorCredit": -1}


@dataclass(frozen=True)
class Entry:
    """One posting with the transaction it belongs to."""

    entity: str
    ident: str
    data: dict[str, Any]
    posting: Posting

    @property
    def day(self) -> str:
        return self.posting.txn_date


def account_type(c: Company, account_id: str) -> str:
    rec = c.get("Account", account_id)
    return str(rec.data.get("AccountType", "")) if rec else ""


def debit_normal(c: Company, account_id: str) -> bool:
    rec = c.get("Account", account_id)
    return rec is None or rec.data.get("Classification") in DEBIT_NORMAL


def payer_key(pid: str) -> tuple[str, str]:
    kind, _, ident = pid.rpartition(":")
    return (kind or "Payment", ident)


def entries(c: Company, basis: str = "Accrual") -> Iterator[Entry]:
    if basis != "Cash":
        for (entity, ident), postings in c.postings.items():
            rec = c.get(entity, ident)
            data = rec.data if rec else {}
            for p in postings:
                yield Entry(entity, ident, data, p)
        return
    yield from _cash_entries(c)


def _cash_entries(c: Company) -> Iterator[Entry]:
    net_applied: dict[tuple[str, str], Decimal] = {}
    for target, by_payer in c.applied.items():
        sign = SETTLED.get(target[0], 1)
        for pid, value in by_payer.items():
            key = payer_key(pid)
            net_applied[key] = net_applied.get(key, ZERO) + sign * value
    for (entity, ident), postings in c.postings.items():
        rec = c.get(entity, ident)
        data = rec.data if rec else {}
        if entity in SETTLED:
            yield from _settled_legs(c, entity, ident, data, postings)
            continue
        correction = net_applied.get((entity, ident), ZERO)
        for p in postings:
            if correction and account_type(c, p.account_id) in OPEN_ITEM_TYPES:
                direction = Decimal(1) if p.amount > 0 else Decimal(-1)
                p = replace(p, amount=p.amount - direction * correction)
                correction = ZERO
            if p.amount:
                yield Entry(entity, ident, data, p)


def _settled_legs(
    c: Company, entity: str, ident: str, data: dict[str, Any], postings: list[Posting]
) -> Iterator[Entry]:
    total = Decimal(str(data.get("TotalAmt", 0)))
    legs = [p for p in postings if account_type(c, p.account_id) not in OPEN_ITEM_TYPES]
    if total == 0 or not legs:
        return
    leg_sum = sum((p.amount for p in legs), ZERO)
    for pid, value in c.applied.get((entity, ident), {}).items():
        payer = c.get(*payer_key(pid))
        day = str(payer.data.get("TxnDate")) if payer else legs[0].txn_date
        share = [replace(p, amount=money(p.amount * value / total), txn_date=day) for p in legs]
        drift = money(leg_sum * value / total) - sum((p.amount for p in share), ZERO)
        if drift:
            share[0] = replace(share[0], amount=share[0].amount + drift)
        for p in share:
            yield Entry(entity, ident, data, p)


def balances(c: Company, end: str, basis: str = "Accrual") -> dict[str, Decimal]:
    """Debit-positive balances as of ``end``: income and expense accounts count from the start
    of the fiscal year, earlier years' net income sits in Retained Earnings."""
    fy_start = fiscal_year_start(c, end)
    retained = c.account_by_subtype("RetainedEarnings")
    totals: dict[str, Decimal] = {}
    for e in entries(c, basis):
        p = e.posting
        if p.txn_date > end:
            continue
        target = p.account_id
        if retained is not None and p.txn_date < fy_start and is_profit_and_loss(c, target):
            target = retained.data["Id"]
        totals[target] = totals.get(target, ZERO) + p.amount
    return totals


def activity(c: Company, start: str, end: str, basis: str = "Accrual") -> dict[str, Decimal]:
    """Debit-positive movement per account between two dates, both included."""
    totals: dict[str, Decimal] = {}
    for e in entries(c, basis):
        p = e.posting
        if start <= p.txn_date <= end:
            totals[p.account_id] = totals.get(p.account_id, ZERO) + p.amount
    return totals


def is_profit_and_loss(c: Company, account_id: str) -> bool:
    rec = c.get("Account", account_id)
    return rec is not None and rec.data.get("Classification") in ("Revenue", "Expense")


def sorted_accounts(c: Company) -> list[Record]:
    return sorted(
        c.table("Account").values(), key=lambda r: str(r.data["FullyQualifiedName"]).casefold()
    )


def party(e: Entry) -> str | None:
    """The posting's name: its own (journal Entity, expense line customer, payee), else the
    transaction's customer or vendor, as "Customer:12"."""
    if e.posting.party:
        return e.posting.party
    for field, kind in (("CustomerRef", "Customer"), ("VendorRef", "Vendor")):
        ref = e.data.get(field)
        if isinstance(ref, dict) and ref.get("value"):
            return f"{kind}:{ref['value']}"
    ref = e.data.get("EntityRef")
    if isinstance(ref, dict) and ref.get("value"):
        return f"{ref.get('type') or 'Vendor'}:{ref['value']}"
    return None


def display_name(c: Company, ref: str | None) -> tuple[str, str]:
    """(name, id) of a "Kind:id" party."""
    if not ref:
        return ("", "")
    kind, _, ident = ref.partition(":")
    rec = c.get(kind, ident)
    return (str(rec.data.get("DisplayName", "")) if rec else "", ident)


TXN_TYPES = {
    "JournalEntry": "Journal Entry",
    "CreditMemo": "Credit Memo",
    "SalesReceipt": "Sales Receipt",
    "RefundReceipt": "Refund",
    "VendorCredit": "Vendor Credit",
    "PurchaseOrder": "Purchase Order",
    "CreditCardPayment": "Credit Card Payment",
    "InventoryQtyAdjustment": "Inventory Qty Adjust",
    "TimeActivity": "Time Charge",
}


def txn_type(entity: str, data: dict[str, Any]) -> str:
    """The report's name for a transaction's type (a Purchase is a Check, an Expense or a
    credit card line, depending on how it was paid)."""
    if entity == "Purchase":
        kind = data.get("PaymentType")
        if kind == "Check":
            return "Check"
        if kind == "CreditCard":
            return "Credit Card Credit" if data.get("Credit") else "Credit Card Expense"
        return "Expense"
    if entity == "BillPayment":
        return f"Bill Payment ({'Check' if data.get('PayType') == 'Check' else 'Credit Card'})"
    return TXN_TYPES.get(entity, entity)
