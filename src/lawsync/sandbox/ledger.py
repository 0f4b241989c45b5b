"""Derived figures kept current on every write: account balances, open items, applications.

These are read-only fields on the wire (Account.CurrentBalance, Customer.Balance,
Invoice.Balance, CreditMemo.RemainingCredit); clients can never set them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .company import Company, Posting, Record

ZERO = Decimal("0")
DEBIT_NORMAL = ("Asset", "Expense")


def _rewrite(
    c: Company, entity: str, ident: str, changes: dict[str, Any], touch: float | None
) -> None:
    rec = c.get(entity, ident)
    if rec is None:
        return
    data = {**rec.data, **changes}
    if touch is not None:
        meta = dict(data.get("MetaData") or {})
        from .wire import qbo_time

        meta["LastUpdatedTime"] = qbo_time(touch, c.tz)
        data["MetaData"] = meta
    c.table(entity)[ident] = Record.of(
        data, rec.created, touch if touch is not None else rec.updated
    )


def replace_postings(c: Company, key: tuple[str, str], postings: list[Posting]) -> None:
    touched: set[str] = set()
    for p in c.postings.pop(key, []):
        c.balances[p.account_id] = c.balances.get(p.account_id, ZERO) - p.amount
        touched.add(p.account_id)
    if postings:
        c.postings[key] = postings
    for p in postings:
        c.balances[p.account_id] = c.balances.get(p.account_id, ZERO) + p.amount
        touched.add(p.account_id)
    for account_id in touched:
        refresh_account_balance(c, account_id)


def account_balance(c: Company, account_id: str) -> Decimal:
    rec = c.get("Account", account_id)
    raw = c.balances.get(account_id, ZERO)
    if rec is None:
        return raw
    return raw if rec.data.get("Classification") in DEBIT_NORMAL else -raw


def refresh_account_balance(c: Company, account_id: str) -> None:
    rec = c.get("Account", account_id)
    if rec is None:
        return
    own = account_balance(c, account_id)
    _rewrite(c, "Account", account_id, {"CurrentBalance": own}, None)
    total = own
    for other in c.table("Account").values():
        if (other.data.get("ParentRef") or {}).get("value") == account_id:
            total += Decimal(str(other.data.get("CurrentBalanceWithSubAccounts", 0)))
    _rewrite(c, "Account", account_id, {"CurrentBalanceWithSubAccounts": total}, None)
    parent = (rec.data.get("ParentRef") or {}).get("value")
    if parent:
        refresh_account_balance(c, parent)


def set_open_item(
    c: Company, key: tuple[str, str], customer_id: str | None, amount: Decimal
) -> None:
    """Record what a transaction contributes to its customer's open balance."""
    previous = c.open_items.pop(key, None)
    affected: set[str] = set()
    if previous is not None:
        c.customer_open[previous[0]] = c.customer_open.get(previous[0], ZERO) - previous[1]
        affected.add(previous[0])
    if customer_id is not None and amount != ZERO:
        c.open_items[key] = (customer_id, amount)
        c.customer_open[customer_id] = c.customer_open.get(customer_id, ZERO) + amount
        affected.add(customer_id)
    for cust in affected:
        total = c.customer_open.get(cust, ZERO)
        rec = c.get("Customer", cust)
        if rec is not None and rec.data.get("Balance") != total:
            _rewrite(c, "Customer", cust, {"Balance": total, "BalanceWithJobs": total}, None)


def set_vendor_item(
    c: Company, key: tuple[str, str], vendor_id: str | None, amount: Decimal
) -> None:
    """Record what a bill (or vendor credit) contributes to its vendor's open balance, which
    the vendor's read-only Balance shows."""
    previous = c.vendor_items.pop(key, None)
    affected: set[str] = set()
    if previous is not None:
        c.vendor_open[previous[0]] = c.vendor_open.get(previous[0], ZERO) - previous[1]
        affected.add(previous[0])
    if vendor_id is not None and amount != ZERO:
        c.vendor_items[key] = (vendor_id, amount)
        c.vendor_open[vendor_id] = c.vendor_open.get(vendor_id, ZERO) + amount
        affected.add(vendor_id)
    for vendor in affected:
        total = c.vendor_open.get(vendor, ZERO)
        rec = c.get("Vendor", vendor)
        if rec is not None and rec.data.get("Balance") != total:
            _rewrite(c, "Vendor", vendor, {"Balance": total}, None)


def set_applications(
    c: Company, payment_id: str, applications: dict[tuple[str, str], Decimal], now: float
) -> set[tuple[str, str]]:
    """Replace what a payment applies to invoices and credit memos; return the targets touched."""
    touched: set[tuple[str, str]] = set()
    for target, by_payment in c.applied.items():
        if payment_id in by_payment:
            del by_payment[payment_id]
            touched.add(target)
    for target, value in applications.items():
        c.applied.setdefault(target, {})[payment_id] = value
        touched.add(target)
    return touched


def _link(pid: str) -> dict[str, str]:
    """Applications are keyed by the paying transaction: "12" (a Payment) or "BillPayment:3"."""
    kind, _, ident = pid.rpartition(":")
    return {"TxnId": ident, "TxnType": kind or "Payment"}


def _link_order(pid: str) -> tuple[str, int]:
    kind, _, ident = pid.rpartition(":")
    return (kind, int(ident) if ident.isdigit() else 0)


def applied_total(c: Company, target: tuple[str, str], excluding: str | None = None) -> Decimal:
    return sum((v for pid, v in c.applied.get(target, {}).items() if pid != excluding), ZERO)


def refresh_open_balance(c: Company, target: tuple[str, str], now: float) -> None:
    entity, ident = target
    rec = c.get(entity, ident)
    if rec is None:
        return
    total = Decimal(str(rec.data.get("TotalAmt", 0)))
    balance = total - applied_total(c, target)
    links = [_link(pid) for pid in sorted(c.applied.get(target, {}), key=_link_order)]
    changes: dict[str, Any] = {"Balance": balance}
    if entity == "CreditMemo":
        changes["RemainingCredit"] = balance
    if links:
        changes["LinkedTxn"] = links
    elif "LinkedTxn" in rec.data:
        changes["LinkedTxn"] = []
    if balance != rec.data.get("Balance"):
        _rewrite(c, entity, ident, changes, now)
    else:
        _rewrite(c, entity, ident, changes, None)
    sign = Decimal(-1) if entity in ("CreditMemo", "VendorCredit") else Decimal(1)
    vendor = (rec.data.get("VendorRef") or {}).get("value")
    if entity in ("Bill", "VendorCredit"):
        set_vendor_item(c, target, vendor, sign * balance)
        return
    cust = (rec.data.get("CustomerRef") or {}).get("value")
    set_open_item(c, target, cust, sign * balance)
