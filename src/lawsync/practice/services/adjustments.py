"""Credit notes taken off a bill, and interest charged on an overdue one."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from lawsync.money import percent_of
from lawsync.practice.commands import CreditNoteCreate, InterestChargeCreate
from lawsync.practice.errors import BillStateError, PaymentError, RuleViolation
from lawsync.practice.models import (
    Bill,
    BillState,
    CreditNote,
    CreditNoteState,
    InterestCharge,
    InterestChargeState,
)
from lawsync.practice.services.bills import recompute
from lawsync.practice.services.context import (
    Actor,
    Ledger,
    Page,
    audit,
    fetch,
    get,
    list_page,
    matching,
)


def create_credit_note(ledger: Ledger, actor: Actor, cmd: CreditNoteCreate) -> CreditNote:
    with ledger.uow(actor) as uow:
        s = uow.session
        bill = get(s, Bill, cmd.bill_id, field="bill_id")
        if bill.state != BillState.approved:
            raise BillStateError(
                f"Bill {bill.number} is {bill.state.value}; credit notes apply to approved bills "
                "with a balance.",
                field="bill_id",
            )
        if cmd.amount > bill.balance:
            raise PaymentError(
                f"Bill {bill.number} owes {Decimal(bill.balance):.2f}; a credit of "
                f"{cmd.amount:.2f} is more than that.",
                field="amount",
                code="overcredit",
            )
        count = s.execute(
            select(func.count()).select_from(CreditNote).where(CreditNote.bill_id == bill.id)
        ).scalar_one()
        note = CreditNote(
            firm_id=actor.firm_id,
            bill_id=bill.id,
            client_id=bill.client_id,
            number=f"{bill.number}-CR{count + 1}",
            date=cmd.date,
            amount=cmd.amount,
            reason=cmd.reason,
        )
        s.add(note)
        bill.credited_total = Decimal(bill.credited_total) + cmd.amount
        recompute(bill)
        s.flush()
        audit(
            s,
            actor,
            "credit_note",
            note.id,
            "create",
            {"bill_id": bill.id, "amount": cmd.amount, "reason": cmd.reason},
        )
        uow.commit()
        return note


def void_credit_note(ledger: Ledger, actor: Actor, note_id: int, reason: str = "") -> CreditNote:
    with ledger.uow(actor) as uow:
        s = uow.session
        note = get(s, CreditNote, note_id)
        if note.state == CreditNoteState.void:
            raise RuleViolation("This credit note is already void.", code="already_void")
        bill = get(s, Bill, note.bill_id)
        note.state = CreditNoteState.void
        bill.credited_total = Decimal(bill.credited_total) - Decimal(note.amount)
        recompute(bill)
        s.flush()
        audit(s, actor, "credit_note", note.id, "void", {"amount": note.amount}, reason)
        uow.commit()
        return note


def get_credit_note(ledger: Ledger, actor: Actor, note_id: int) -> CreditNote:
    return fetch(ledger, actor, CreditNote, note_id)


def list_credit_notes(
    ledger: Ledger, actor: Actor, cursor: int | None, limit: int, bill_id: int | None = None
) -> Page:
    return list_page(
        ledger, actor, CreditNote, cursor, limit, *matching(CreditNote, bill_id=bill_id)
    )


def create_interest_charge(
    ledger: Ledger, actor: Actor, cmd: InterestChargeCreate
) -> InterestCharge:
    """Interest of `rate` percent on what the bill still owes, once it is past due."""
    with ledger.uow(actor) as uow:
        s = uow.session
        bill = get(s, Bill, cmd.bill_id, field="bill_id")
        if bill.state != BillState.approved or bill.balance <= 0:
            raise BillStateError(
                f"Bill {bill.number} is {bill.state.value} with nothing owing; interest applies "
                "only to approved bills with a balance.",
                field="bill_id",
            )
        if cmd.charged_on <= bill.due_date:
            raise RuleViolation(
                f"Bill {bill.number} is due {bill.due_date.isoformat()}; interest can be charged "
                "only after that date.",
                field="charged_on",
                code="not_overdue",
            )
        count = s.execute(
            select(func.count())
            .select_from(InterestCharge)
            .where(InterestCharge.bill_id == bill.id)
        ).scalar_one()
        charge = InterestCharge(
            firm_id=actor.firm_id,
            bill_id=bill.id,
            client_id=bill.client_id,
            number=f"{bill.number}-INT{count + 1}",
            charged_on=cmd.charged_on,
            rate=cmd.rate,
            basis=bill.balance,
            amount=percent_of(Decimal(bill.balance), cmd.rate),
            note=cmd.note,
        )
        if charge.amount <= 0:
            raise RuleViolation(
                "That rate gives no interest on this balance.", field="rate", code="zero_interest"
            )
        s.add(charge)
        s.flush()
        audit(
            s,
            actor,
            "interest_charge",
            charge.id,
            "create",
            {"bill_id": bill.id, "rate": cmd.rate, "amount": charge.amount},
        )
        uow.commit()
        return charge


def void_interest_charge(
    ledger: Ledger, actor: Actor, charge_id: int, reason: str = ""
) -> InterestCharge:
    with ledger.uow(actor) as uow:
        charge = get(uow.session, InterestCharge, charge_id)
        if charge.state == InterestChargeState.void:
            raise RuleViolation("This interest charge is already void.", code="already_void")
        charge.state = InterestChargeState.void
        uow.flush()
        audit(uow.session, actor, "interest_charge", charge.id, "void", {}, reason)
        uow.commit()
        return charge


def get_interest_charge(ledger: Ledger, actor: Actor, charge_id: int) -> InterestCharge:
    return fetch(ledger, actor, InterestCharge, charge_id)


def list_interest_charges(
    ledger: Ledger, actor: Actor, cursor: int | None, limit: int, bill_id: int | None = None
) -> Page:
    criteria = matching(InterestCharge, bill_id=bill_id)
    return list_page(ledger, actor, InterestCharge, cursor, limit, *criteria)
