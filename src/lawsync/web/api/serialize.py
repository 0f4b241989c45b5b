"""Wire shapes of practice records: money as strings with two decimals, dates as ISO 8601."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from lawsync.money import format_money
from lawsync.practice import models as m
from lawsync.practice.services.context import Page
from lawsync.practice.services.reports import LedgerReport
from lawsync.practice.services.trust_month_end import ThreeWay


def _v(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _pick(row: Any, *names: str) -> dict[str, Any]:
    return {n: _v(getattr(row, n)) for n in names}


def _exact(value: Decimal) -> str:
    """Quantities, rates and percentages keep their own precision (no trailing zeros)."""
    text = format(Decimal(value).normalize(), "f")
    return text


def firm(f: m.Firm) -> dict[str, Any]:
    return _pick(
        f,
        "id",
        "name",
        "currency",
        "locale",
        "time_zone",
        "matter_number_pattern",
        "next_matter_number",
        "trust_rules",
        "dormant_months",
        "deposit_hold_days",
        "stale_cheque_months",
    )


def user(u: m.User) -> dict[str, Any]:
    return {
        **_pick(u, "id", "name", "email", "role", "is_primary_subscriber", "active", "revision"),
        "default_rate": _exact(u.default_rate),
    }


def contact(c: m.Contact) -> dict[str, Any]:
    return {
        **_pick(c, "id", "kind", "first_name", "last_name", "company_name", "display_name"),
        "web_address": c.web_address,
        "primary_email": c.primary_email,
        "emails": [
            {"address": e.address, "kind": e.kind, "primary": e.is_primary} for e in c.emails
        ],
        "phones": [{"number": p.number, "kind": p.kind} for p in c.phones],
        "address": _pick(c, "street", "city", "region", "postal_code", "country"),
        **_pick(c, "revision", "created_at", "updated_at"),
    }


def matter(x: m.Matter) -> dict[str, Any]:
    return _pick(x, "id", "client_id", "number", "description", "status", "open_date", "revision")


def activity_category(c: m.ActivityCategory) -> dict[str, Any]:
    return {
        **_pick(c, "id", "name", "active", "revision"),
        "default_price": None if c.default_rate is None else _exact(c.default_rate),
    }


def expense_category(c: m.ExpenseCategory) -> dict[str, Any]:
    return {
        **_pick(c, "id", "name", "active", "revision"),
        "default_price": None if c.default_unit_price is None else _exact(c.default_unit_price),
    }


def time_entry(e: m.TimeEntry) -> dict[str, Any]:
    return {
        **_pick(e, "id", "user_id", "matter_id", "category_id", "date", "description", "bill_id"),
        "hours": _exact(e.hours),
        "rate": _exact(e.rate),
        "amount": format_money(e.amount),
        "revision": e.revision,
    }


def expense_entry(e: m.ExpenseEntry) -> dict[str, Any]:
    return {
        **_pick(e, "id", "user_id", "matter_id", "category_id", "date", "description", "bill_id"),
        **_pick(e, "cost_type", "source", "payee"),
        "from_quickbooks": e.source == "quickbooks",
        "quantity": _exact(e.quantity),
        "unit_price": _exact(e.unit_price),
        "amount": format_money(e.amount),
        "revision": e.revision,
    }


def bill_settings(s: m.BillSettings) -> dict[str, Any]:
    return {
        "primary_tax": {
            "name": s.primary_tax_name,
            "rate": _exact(s.primary_tax_rate),
            "on_time": s.primary_tax_on_time,
            "on_expenses": s.primary_tax_on_expenses,
        },
        "secondary_tax": {
            "name": s.secondary_tax_name,
            "rate": _exact(s.secondary_tax_rate),
            "on_time": s.secondary_tax_on_time,
            "on_expenses": s.secondary_tax_on_expenses,
        },
        **_pick(s, "hard_soft_costs_enabled", "next_bill_number", "payment_terms_days", "revision"),
    }


def bill_line(ln: m.BillLine) -> dict[str, Any]:
    return {
        **_pick(ln, "id", "position", "kind", "matter_id", "time_entry_id", "expense_entry_id"),
        **_pick(ln, "user_id", "date", "description"),
        "category_id": ln.activity_category_id or ln.expense_category_id,
        "quantity": _exact(ln.quantity),
        "price": _exact(ln.price),
        "amount": format_money(ln.amount),
        "primary_tax": format_money(ln.primary_tax),
        "secondary_tax": format_money(ln.secondary_tax),
    }


def bill(b: m.Bill) -> dict[str, Any]:
    return {
        **_pick(b, "id", "client_id", "number", "state", "issue_date", "due_date", "currency"),
        "matter_ids": [x.id for x in b.matters],
        "discount": {"kind": _v(b.discount_kind), "value": _exact(b.discount_value)},
        **_pick(b, "subtotal", "primary_tax_total", "secondary_tax_total", "discount_total"),
        **_pick(b, "total", "paid_total", "credited_total", "balance", "memo"),
        **_pick(b, "period_from", "period_to", "approved_at", "voided_at", "revision"),
        "lines": [bill_line(ln) for ln in b.lines],
    }


def payment(p: m.Payment) -> dict[str, Any]:
    return {
        **_pick(p, "id", "client_id", "date", "amount", "method", "reference", "source"),
        **_pick(p, "client_funds_account_id", "matter_id", "state", "revision"),
        "allocations": [
            {"bill_id": a.bill_id, "amount": format_money(a.amount)} for a in p.allocations
        ],
    }


def credit_note(c: m.CreditNote) -> dict[str, Any]:
    return _pick(
        c, "id", "bill_id", "client_id", "number", "date", "amount", "reason", "state", "revision"
    )


def interest_charge(c: m.InterestCharge) -> dict[str, Any]:
    return {
        **_pick(c, "id", "bill_id", "client_id", "number", "charged_on", "basis", "amount"),
        **_pick(c, "state", "note", "revision"),
        "rate": _exact(c.rate),
    }


def client_funds_account(a: m.ClientFundsAccount, balance: Decimal | None = None) -> dict[str, Any]:
    out = _pick(
        a, "id", "name", "bank_name", "account_number_last4", "currency", "active", "revision"
    )
    if balance is not None:
        out["balance"] = format_money(balance)
    return out


def client_funds_transaction(t: m.ClientFundsTransaction) -> dict[str, Any]:
    return _pick(
        t,
        "id",
        "account_id",
        "client_id",
        "matter_id",
        "kind",
        "date",
        "amount",
        "description",
        "source",
        "payee_name",
        "method",
        "cheque_number",
        "payment_id",
        "bill_id",
        "reverses_id",
        "revision",
        "created_at",
    )


def ledger_report(r: LedgerReport) -> dict[str, Any]:
    return {
        "account": {"id": r.account_id, "name": r.account_name, "currency": r.currency},
        "from": _v(r.date_from),
        "to": _v(r.date_to),
        "opening_balance": format_money(r.opening),
        "closing_balance": format_money(r.closing),
        "account_balance": format_money(r.account_balance),
        "transaction_count": r.transaction_count,
        "clients": [
            {
                "client_id": c.client_id,
                "client_name": c.client_name,
                "opening_balance": format_money(c.opening),
                "closing_balance": format_money(c.closing),
                "matters": [
                    {
                        "matter_id": ml.matter_id,
                        "matter_number": ml.matter_number,
                        "opening_balance": format_money(ml.opening),
                        "closing_balance": format_money(ml.closing),
                        "transactions": [
                            {
                                "id": row.id,
                                "date": row.date.isoformat(),
                                "kind": row.kind,
                                "description": row.description,
                                "party": row.party,
                                "cheque_number": row.cheque_number,
                                "amount": format_money(row.amount),
                                "balance": format_money(row.balance),
                            }
                            for row in ml.rows
                        ],
                    }
                    for ml in c.matters
                ],
            }
            for c in r.clients
        ],
    }


def audit_event(e: m.AuditEvent) -> dict[str, Any]:
    return _pick(e, "id", "at", "user_id", "entity", "entity_id", "action", "changes", "reason")


def page(p: Page, render: Any) -> dict[str, Any]:
    return {"data": [render(x) for x in p.items], "next_cursor": p.next_cursor}


def trust_transfer(t: m.TrustTransfer) -> dict[str, Any]:
    return _pick(
        t,
        "id",
        "scope",
        "date",
        "amount",
        "from_account_id",
        "from_client_id",
        "from_matter_id",
        "to_account_id",
        "to_client_id",
        "to_matter_id",
        "reason",
        "out_txn_id",
        "in_txn_id",
        "reversed",
        "reversal_reason",
        "revision",
        "created_at",
    )


def bank_statement(s: m.BankStatement) -> dict[str, Any]:
    return _pick(
        s,
        "id",
        "account_id",
        "statement_date",
        "closing_balance",
        "source",
        "filename",
        "created_at",
    )


def bank_statement_line(line: m.BankStatementLine) -> dict[str, Any]:
    return _pick(
        line,
        "id",
        "statement_id",
        "account_id",
        "date",
        "amount",
        "description",
        "cheque_number",
        "bank_reference",
        "matched_txn_id",
    )


def trust_reconciliation(r: m.TrustReconciliation) -> dict[str, Any]:
    return _pick(
        r,
        "id",
        "account_id",
        "month",
        "state",
        "statement_id",
        "statement_balance",
        "outstanding_cheques",
        "deposits_in_transit",
        "adjusted_bank_balance",
        "journal_balance",
        "client_ledgers_total",
        "explanation",
        "prepared_by_id",
        "prepared_at",
        "approved_by_id",
        "approved_at",
        "reopened_by_id",
        "reopened_at",
        "reopen_reason",
    )


def three_way(t: ThreeWay) -> dict[str, Any]:
    return {
        "account_id": t.account_id,
        "month": t.month.isoformat()[:7],
        "month_end": t.month_end.isoformat(),
        "statement_id": t.statement_id,
        "statement_date": _v(t.statement_date),
        "statement_balance": format_money(t.statement_balance),
        "deposits_in_transit": format_money(t.deposits_in_transit),
        "outstanding_cheques": format_money(t.outstanding_cheques),
        "adjusted_bank_balance": format_money(t.adjusted_bank_balance),
        "journal_balance": format_money(t.journal_balance),
        "client_ledgers_total": format_money(t.client_ledgers_total),
        "balanced": t.balanced,
        "outstanding": [
            {
                "txn_id": o.txn_id,
                "date": o.date.isoformat(),
                "kind": o.kind,
                "amount": format_money(o.amount),
                "cheque_number": o.cheque_number,
                "client": o.client_name,
                "description": o.description,
            }
            for o in t.outstanding
        ],
        "bank_only": [
            {
                "line_id": b.line_id,
                "date": b.date.isoformat(),
                "amount": format_money(b.amount),
                "description": b.description,
            }
            for b in t.bank_only
        ],
        "clients": [
            {
                "client_id": c.client_id,
                "client": c.client_name,
                "matter_id": c.matter_id,
                "matter": c.matter_number,
                "balance": format_money(c.balance),
            }
            for c in t.clients
        ],
    }
