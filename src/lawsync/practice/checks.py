"""Ledger-wide checks: pure functions that return every problem they find and never raise.

`lawsync check --firm ID` runs them all. Balances compare with exact Decimal equality: a
difference of one cent is a problem, never a rounding tolerance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawsync.money import line_amount, percent_of
from lawsync.practice import billing, cheque_numbers
from lawsync.practice.models import (
    Bill,
    BillState,
    ClientFundsBalance,
    ClientFundsTransaction,
    CreditNote,
    CreditNoteState,
    PaymentAllocation,
)


@dataclass(frozen=True)
class Problem:
    check: str
    record: str
    message: str


def trust_buckets_match_transactions(session: Session) -> list[Problem]:
    """Each stored (account, client, matter) balance equals the sum of its transactions."""
    t = ClientFundsTransaction
    sums: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for account, client, matter, total in session.execute(
        select(t.account_id, t.client_id, t.matter_id, func.sum(t.amount)).group_by(
            t.account_id, t.client_id, t.matter_id
        )
    ):
        sums[(account, client, matter or 0)] = Decimal(total)
    problems = []
    stored = {
        (b.account_id, b.client_id, b.matter_key): Decimal(b.balance)
        for b in session.execute(select(ClientFundsBalance)).scalars()
    }
    for key in sorted(set(sums) | set(stored)):
        if sums.get(key, Decimal(0)) != stored.get(key, Decimal(0)):
            problems.append(
                Problem(
                    "trust_balance",
                    f"account {key[0]} client {key[1]} matter {key[2] or '-'}",
                    f"stored balance {stored.get(key, 0)} but transactions add up to "
                    f"{sums.get(key, 0)}",
                )
            )
    return problems


def trust_never_negative(session: Session) -> list[Problem]:
    """Walk every bucket's transactions in order: the running balance never dips below zero."""
    t = ClientFundsTransaction
    running: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    problems = []
    for txn_id, account, client, matter, amount in session.execute(
        select(t.id, t.account_id, t.client_id, t.matter_id, t.amount).order_by(t.id)
    ):
        key = (account, client, matter or 0)
        running[key] += Decimal(amount)
        if running[key] < 0:
            problems.append(
                Problem(
                    "trust_negative",
                    f"transaction {txn_id}",
                    f"leaves the bucket at {running[key]}",
                )
            )
    return problems


def bills_add_up(session: Session) -> list[Problem]:
    """Lines are quantity × price rounded; totals, taxes, payments and credits agree."""
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for bill_id, amount in session.execute(
        select(PaymentAllocation.bill_id, func.sum(PaymentAllocation.amount)).group_by(
            PaymentAllocation.bill_id
        )
    ):
        paid[bill_id] = Decimal(amount)
    credited: dict[int, Decimal] = defaultdict(Decimal)
    for bill_id, amount in session.execute(
        select(CreditNote.bill_id, func.sum(CreditNote.amount))
        .where(CreditNote.state == CreditNoteState.active)
        .group_by(CreditNote.bill_id)
    ):
        credited[bill_id] = Decimal(amount)
    problems = []
    for bill in session.execute(select(Bill)).scalars():
        where = f"bill {bill.number}"
        for line in bill.lines:
            expected = line_amount(Decimal(line.quantity), Decimal(line.price))
            if Decimal(line.amount) != expected:
                problems.append(
                    Problem(
                        "bill_line",
                        where,
                        f"line {line.id} is {line.amount}, quantity × price is {expected}",
                    )
                )
            for rate, tax in (
                (line.primary_tax_rate, line.primary_tax),
                (line.secondary_tax_rate, line.secondary_tax),
            ):
                if Decimal(tax) != percent_of(Decimal(line.amount), Decimal(rate)):
                    problems.append(
                        Problem(
                            "bill_tax",
                            where,
                            f"line {line.id} tax {tax} is not {rate}% of {line.amount}",
                        )
                    )
        totals = billing.bill_totals(
            (billing.LineFigures(ln.amount, ln.primary_tax, ln.secondary_tax) for ln in bill.lines),
            bill.discount_kind,
            Decimal(bill.discount_value),
        )
        if Decimal(bill.total) != totals.total:
            problems.append(
                Problem(
                    "bill_total", where, f"total {bill.total} but its lines give {totals.total}"
                )
            )
        if bill.state in (BillState.void, BillState.deleted):
            continue
        if (
            Decimal(bill.paid_total) != paid[bill.id]
            or Decimal(bill.credited_total) != credited[bill.id]
        ):
            problems.append(
                Problem(
                    "bill_payments",
                    where,
                    f"records {bill.paid_total} paid / {bill.credited_total} "
                    f"credited; allocations say {paid[bill.id]} / {credited[bill.id]}",
                )
            )
        balance = Decimal(bill.total) - paid[bill.id] - credited[bill.id]
        if Decimal(bill.balance) != balance or balance < 0:
            problems.append(
                Problem(
                    "bill_balance",
                    where,
                    f"balance {bill.balance}, expected {balance} (never negative)",
                )
            )
        if bill.state == BillState.paid and balance != 0:
            problems.append(Problem("bill_state", where, "marked paid but still owes money"))
        if bill.state == BillState.approved and balance == 0 and bill.total > 0:
            problems.append(Problem("bill_state", where, "owes nothing but is not marked paid"))
    return problems


def cheque_numbers_unique(session: Session) -> list[Problem]:
    """A cheque number is on one live cheque per account (books kept before the index may not)."""
    t = ClientFundsTransaction
    rows = session.execute(
        select(t.id, t.account_id, t.cheque_number).where(
            t.cheque_number.is_not(None), t.reversed.is_(False)
        )
    )
    found = cheque_numbers.clashes(
        cheque_numbers.NumberedCheque(txn_id, account, str(number))
        for txn_id, account, number in rows
    )
    return [
        Problem(
            "cheque_number",
            f"account {account} cheque {number}",
            f"used by {len(ids)} cheques (transactions {', '.join(map(str, ids))}); reverse the "
            "wrong ones",
        )
        for (account, number), ids in found.items()
    ]


CHECKS: tuple[Callable[[Session], list[Problem]], ...] = (
    trust_buckets_match_transactions,
    trust_never_negative,
    cheque_numbers_unique,
    bills_add_up,
)


def run_all(session: Session) -> list[Problem]:
    return [p for check in CHECKS for p in check(session)]
