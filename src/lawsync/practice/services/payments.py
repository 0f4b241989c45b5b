"""Payments received for bills, from operating funds or applied from a client funds account.

Editing a payment undoes its effect and applies the new one in the same transaction; money that
came from trust is put back by reversing entries, never by changing the posted ones. A deleted
payment stays as a tombstone so the sync can remove its copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.commands import AllocationIn, PaymentCreate, PaymentUpdate
from lawsync.practice.errors import InvalidInput, PaymentError
from lawsync.practice.models import (
    Bill,
    BillState,
    ClientFundsAccount,
    ClientFundsTransaction,
    Contact,
    Matter,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSource,
    PaymentState,
    TrustTxnKind,
)
from lawsync.practice.services import client_funds, trust_refusals
from lawsync.practice.services.bills import recompute
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    diff,
    fetch,
    get,
    list_page,
    matching,
    snapshot,
)
from lawsync.storage import utcnow

PAYMENT_FIELDS = ("date", "amount", "method", "reference", "source", "state")


def _allocate(
    session: Session, actor: Actor, payment: Payment, allocations: Sequence[AllocationIn]
) -> None:
    total = sum((a.amount for a in allocations), Decimal("0"))
    if total != payment.amount:
        raise InvalidInput(
            f"The allocations add up to {total:.2f} but the payment is "
            f"{Decimal(payment.amount):.2f}.",
            field="allocations",
        )
    if len({a.bill_id for a in allocations}) != len(allocations):
        raise InvalidInput("A bill appears twice in the allocations.", field="allocations")
    account = None
    if payment.source == PaymentSource.client_funds:
        account = get(
            session,
            ClientFundsAccount,
            payment.client_funds_account_id or 0,
            field="client_funds_account_id",
        )
    for alloc in allocations:
        bill = get(session, Bill, alloc.bill_id, field="allocations")
        if bill.client_id != payment.client_id:
            raise InvalidInput(f"Bill {bill.number} is for another client.", field="allocations")
        if bill.state != BillState.approved:
            raise PaymentError(
                f"Bill {bill.number} is {bill.state.value}; only an approved bill awaiting payment "
                "can be paid.",
                field="allocations",
                code="bill_not_payable",
            )
        if alloc.amount > bill.balance:
            raise PaymentError(
                f"Bill {bill.number} owes {Decimal(bill.balance):.2f}; a payment of "
                f"{alloc.amount:.2f} would be more than its balance.",
                field="allocations",
                code="overpayment",
            )
        if account is not None and account.currency != bill.currency:
            raise PaymentError(
                f"Bill {bill.number} is in {bill.currency} but the account holds "
                f"{account.currency}.",
                field="client_funds_account_id",
                code="currency_mismatch",
            )
        bill.paid_total = Decimal(bill.paid_total) + alloc.amount
        recompute(bill)
        payment.allocations.append(
            PaymentAllocation(firm_id=payment.firm_id, bill_id=bill.id, amount=alloc.amount)
        )
        if account is not None:
            client_funds.post(
                session,
                actor,
                ClientFundsTransaction(
                    firm_id=payment.firm_id,
                    account_id=account.id,
                    client_id=payment.client_id,
                    matter_id=payment.matter_id,
                    kind=TrustTxnKind.payment_applied,
                    date=payment.date,
                    amount=-alloc.amount,
                    payment_id=payment.id,
                    bill_id=bill.id,
                    description=f"Applied to bill {bill.number}",
                ),
            )


def _unallocate(session: Session, actor: Actor, payment: Payment, reason: str) -> None:
    for alloc in list(payment.allocations):
        bill = get(session, Bill, alloc.bill_id)
        bill.paid_total = Decimal(bill.paid_total) - Decimal(alloc.amount)
        recompute(bill)
    payment.allocations.clear()
    if payment.source == PaymentSource.client_funds:
        posted = session.execute(
            select(ClientFundsTransaction).where(
                ClientFundsTransaction.payment_id == payment.id,
                ClientFundsTransaction.kind == TrustTxnKind.payment_applied,
            )
        ).scalars()
        reversed_ids = set(
            session.execute(
                select(ClientFundsTransaction.reverses_id).where(
                    ClientFundsTransaction.payment_id == payment.id,
                    ClientFundsTransaction.kind == TrustTxnKind.reversal,
                )
            ).scalars()
        )
        for txn in posted:
            if txn.id not in reversed_ids:
                client_funds.reverse(session, actor, txn, reason or "payment changed")
    session.flush()


@trust_refusals.remembers_refusals
def create_payment(ledger: Ledger, actor: Actor, cmd: PaymentCreate) -> Payment:
    with ledger.uow(actor) as uow:
        s = uow.session
        get(s, Contact, cmd.client_id, field="client_id")
        if cmd.source == PaymentSource.client_funds and cmd.client_funds_account_id is None:
            raise InvalidInput(
                "Name the client funds account the money comes from.",
                field="client_funds_account_id",
            )
        if cmd.source == PaymentSource.operating and cmd.client_funds_account_id is not None:
            raise InvalidInput(
                "A payment from operating funds names no client funds account.",
                field="client_funds_account_id",
            )
        if cmd.matter_id is not None:
            matter = get(s, Matter, cmd.matter_id, field="matter_id")
            if matter.client_id != cmd.client_id:
                raise InvalidInput("That matter belongs to another client.", field="matter_id")
        method = cmd.method
        if cmd.source == PaymentSource.client_funds:
            method = PaymentMethod.trust_transfer
        payment = Payment(
            firm_id=actor.firm_id,
            client_id=cmd.client_id,
            date=cmd.date,
            amount=cmd.amount,
            method=method,
            reference=cmd.reference,
            source=cmd.source,
            client_funds_account_id=cmd.client_funds_account_id,
            matter_id=cmd.matter_id,
        )
        s.add(payment)
        s.flush()
        _allocate(s, actor, payment, cmd.allocations)
        s.flush()
        audit(
            s,
            actor,
            "payment",
            payment.id,
            "create",
            {
                **snapshot(payment, PAYMENT_FIELDS),
                "allocations": {str(a.bill_id): str(a.amount) for a in cmd.allocations},
            },
        )
        uow.commit()
        return payment


def _active(payment: Payment) -> None:
    if payment.state == PaymentState.deleted:
        raise PaymentError("This payment was deleted.", code="payment_deleted")


@trust_refusals.remembers_refusals
def update_payment(ledger: Ledger, actor: Actor, payment_id: int, cmd: PaymentUpdate) -> Payment:
    with ledger.uow(actor) as uow:
        s = uow.session
        payment = get(s, Payment, payment_id)
        _active(payment)
        before = snapshot(payment, PAYMENT_FIELDS)
        old_allocs = [
            AllocationIn(bill_id=a.bill_id, amount=Decimal(a.amount)) for a in payment.allocations
        ]
        _unallocate(s, actor, payment, cmd.reason or "payment edited")
        for key in ("date", "amount", "method", "reference"):
            value = getattr(cmd, key)
            if value is not None:
                setattr(payment, key, value)
        if payment.source == PaymentSource.client_funds:
            payment.method = PaymentMethod.trust_transfer
        # A change of allocations alone is still a new revision of the payment.
        payment.updated_at = utcnow()
        allocations = cmd.allocations
        if allocations is None:
            if cmd.amount is not None and len(old_allocs) != 1 and cmd.amount != before["amount"]:
                raise InvalidInput(
                    "Say how the new amount is split between the bills.", field="allocations"
                )
            allocations = (
                old_allocs
                if len(old_allocs) != 1
                else [AllocationIn(bill_id=old_allocs[0].bill_id, amount=Decimal(payment.amount))]
            )
        _allocate(s, actor, payment, allocations)
        s.flush()
        changes = diff(before, snapshot(payment, PAYMENT_FIELDS))
        changes["allocations"] = [
            {str(a.bill_id): str(a.amount) for a in old_allocs},
            {str(a.bill_id): str(a.amount) for a in allocations},
        ]
        audit(s, actor, "payment", payment.id, "update", changes, cmd.reason)
        uow.commit()
        return payment


def delete_payment(ledger: Ledger, actor: Actor, payment_id: int, reason: str = "") -> Payment:
    with ledger.uow(actor) as uow:
        s = uow.session
        payment = get(s, Payment, payment_id)
        _active(payment)
        _unallocate(s, actor, payment, reason or "payment deleted")
        payment.state = PaymentState.deleted
        s.flush()
        audit(s, actor, "payment", payment.id, "delete", snapshot(payment, PAYMENT_FIELDS), reason)
        uow.commit()
        return payment


def get_payment(ledger: Ledger, actor: Actor, payment_id: int) -> Payment:
    return fetch(ledger, actor, Payment, payment_id)


def list_payments(
    ledger: Ledger, actor: Actor, cursor: int | None, limit: int, client_id: int | None = None
) -> Page:
    return list_page(ledger, actor, Payment, cursor, limit, *matching(Payment, client_id=client_id))
