"""Payments recorded in QuickBooks against synced invoices → payments on their bills.

A payment received in QuickBooks and applied to invoices lawsync sent becomes a payment in the
ledger, applied to those bills for the same amounts, so each bill's balance agrees on both
sides. It is linked to the QuickBooks payment like one lawsync sent, so the Payments exporter
leaves it alone, and its later changes and its deletion in QuickBooks follow it. Only the part
applied to invoices is taken (money left unapplied in QuickBooks is a credit there, not a
payment of a bill).

A payment of one of lawsync's clients that names an invoice lawsync does not know, or that would
pay a bill more than it owes, is not taken: it becomes a failure saying what to do (payments of
customers lawsync does not sync are none of the ledger's business and are left alone).
lawsync's own payments coming back (the change feed already drops them when their SyncToken is
the one the link recorded) change nothing here either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.errors import LawsyncError
from lawsync.practice.commands import AllocationIn, PaymentCreate, PaymentUpdate
from lawsync.practice.models import Bill, BillState, PaymentMethod, PaymentState
from lawsync.practice.models import Payment as PaymentRecord
from lawsync.practice.services import payments
from lawsync.practice.services.context import Actor
from lawsync.quickbooks import Entity, Payment, sql
from lawsync.sync import links
from lawsync.sync.context import QUIET, PassContext
from lawsync.sync.imports import reasons
from lawsync.sync.imports.skeleton import Change
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncEvent, SyncLink

UNKNOWN_INVOICE = "lawsync:payment-unknown-invoice"
OVERPAYS = "lawsync:payment-overpays"
REFUSED = "lawsync:payment-refused"
IMPORTED = "import"  # the op of the history row of a payment taken in
PAGE = 500
METHODS = {
    "cash": PaymentMethod.cash,
    "check": PaymentMethod.cheque,
    "cheque": PaymentMethod.cheque,
}


def _method(found: Payment) -> PaymentMethod:
    name = str(found.PaymentMethodRef.name if found.PaymentMethodRef else "").lower()
    if "credit" in name or "card" in name:
        return PaymentMethod.credit_card
    return METHODS.get(name, PaymentMethod.other)


def applied(found: Payment) -> list[tuple[str, Decimal]]:
    """(invoice id, amount) for each line of the payment applied to an invoice."""
    out: list[tuple[str, Decimal]] = []
    for line in found.Line or []:
        amount = Decimal(str(line.Amount or 0))
        for txn in line.LinkedTxn or []:
            if txn.TxnType == "Invoice" and amount > 0:
                out.append((txn.TxnId, amount))
    return out


class ReceivedPayments:
    """The importer of payments recorded in QuickBooks (see the module's docstring)."""

    kind = Kind.PAYMENT
    entities: tuple[str, ...] = ("Payment",)

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_bills)

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        changed, seen = 0, set()
        for change in changes:
            if change.entity in self.entities:
                seen.add(change.qbo_id)
                changed += self.apply(ctx, change.qbo_id, change.found)
        wanted = [q for _, _, q in reasons.retried(ctx, (Kind.RECEIVED_PAYMENT,)) if q not in seen]
        for qbo_id, found in (await _read_many(ctx, wanted)).items():
            changed += self.apply(ctx, qbo_id, found)
        return changed

    async def compare_all(self, ctx: PassContext) -> int:
        """Every payment of the company applied to an invoice lawsync sent, since the export
        start date, and every payment taken in before (to see deletions)."""
        start = ctx.settings.export_start_date
        where = sql("TxnDate >= ?", start.isoformat()) if start else ""
        found: dict[str, Entity | None] = {
            str(p.Id): p for p in await ctx.qb.query(ctx.realm, Payment, where)
        }
        with ctx.ledger.uow(ctx.firm_id) as uow:
            taken = _taken_ids(uow.session, ctx)
        found.update(await _read_many(ctx, sorted(set(taken) - set(found))))
        return sum(self.apply(ctx, qbo_id, row) for qbo_id, row in found.items())

    def apply(self, ctx: PassContext, qbo_id: str, found: Entity | None) -> int:
        if found is not None and str(getattr(found, "PrivateNote", "") or "").startswith(
            f"lawsync:{Kind.PAYMENT}:"
        ):
            # A copy a pass made whose answer was lost (its link does not know it yet): the
            # Payments exporter finds it by this note and keeps it or takes it away.
            return 0
        with ctx.ledger.uow(ctx.firm_id) as uow:
            s = uow.session
            s.info[QUIET] = True
            link = s.execute(
                select(SyncLink).where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.kind == Kind.PAYMENT,
                    SyncLink.qbo_id == qbo_id,
                    SyncLink.status != links.REMOVED,
                )
            ).scalar()
            if link is not None and not _was_taken_in(s, ctx, link.local_id):
                return 0  # lawsync's own payment: the ledger is its book of record
            try:
                changed = _apply(s, ctx, qbo_id, found, link)
            except LawsyncError as refused:
                s.rollback()
                reasons.fail(
                    s,
                    ctx,
                    Kind.RECEIVED_PAYMENT,
                    int(qbo_id) if qbo_id.isdigit() else 0,
                    REFUSED,
                    f"Payment {qbo_id} recorded in QuickBooks was not taken in: {refused}",
                    {"qbo_id": qbo_id},
                )
                changed = 0
            uow.commit()
            return changed


def _apply(
    s: Session, ctx: PassContext, qbo_id: str, found: Entity | None, link: SyncLink | None
) -> int:
    actor = Actor(ctx.firm_id, None)
    number = int(qbo_id) if qbo_id.isdigit() else 0
    record = _record(s, link)
    if found is None or not isinstance(found, Payment):
        reasons.resolve(s, ctx.connection_id, Kind.RECEIVED_PAYMENT, number)
        if record is None or record.state == PaymentState.deleted or link is None:
            return 0
        payments.remove_payment(s, actor, record, "deleted in QuickBooks")
        links.mark_synced(link, qbo_id, None, record.revision, links.REMOVED)
        return 1
    pays = applied(found)
    bills = _bills_of(s, ctx, [invoice for invoice, _ in pays])
    unknown = [invoice for invoice, _ in pays if invoice not in bills]
    if unknown and not _a_clients(s, ctx, found):
        return 0  # a customer lawsync does not sync for: none of the ledger's business
    if unknown:
        reasons.fail(
            s,
            ctx,
            Kind.RECEIVED_PAYMENT,
            number,
            UNKNOWN_INVOICE,
            f"Payment {qbo_id} recorded in QuickBooks ({found.TotalAmt or 0:.2f}) is applied to "
            f"invoice(s) {', '.join(sorted(unknown))}, which lawsync did not send, so it has no "
            "bill to pay.",
            _context(found, pays),
        )
        return 0
    if not pays:
        return 0
    allocations = [AllocationIn(bill_id=bills[i].id, amount=a) for i, a in _merged(pays).items()]
    already = {a.bill_id: Decimal(a.amount) for a in record.allocations} if record else {}
    over = [
        (bill, alloc.amount)
        for alloc in allocations
        if alloc.amount
        > Decimal((bill := _bill(bills, alloc.bill_id)).balance) + already.get(bill.id, Decimal(0))
    ]
    if over or any(bills[i].state not in (BillState.approved, BillState.paid) for i, _ in pays):
        bill, amount = over[0] if over else (_bill(bills, allocations[0].bill_id), Decimal(0))
        reasons.fail(
            s,
            ctx,
            Kind.RECEIVED_PAYMENT,
            number,
            OVERPAYS,
            f"Payment {qbo_id} recorded in QuickBooks would pay {amount:.2f} on bill "
            f"{bill.number}, which owes {Decimal(bill.balance):.2f} in lawsync "
            f"({bill.state.value}).",
            _context(found, pays),
        )
        return 0
    total = sum((a.amount for a in allocations), Decimal(0))
    day = dt.date.fromisoformat(str(found.TxnDate)[:10])
    reference = str(found.PaymentRefNum or "")[:100]
    if record is None:
        client_id = bills[pays[0][0]].client_id
        made = payments.record_payment(
            s,
            actor,
            PaymentCreate(
                client_id=client_id,
                date=day,
                amount=total,
                method=_method(found),
                reference=reference,
                allocations=allocations,
            ),
        )
        link = links.ensure(s, ctx.firm_id, ctx.connection_id, Kind.PAYMENT, made.id)
        links.mark_synced(link, qbo_id, found.SyncToken, made.revision)
        _history(s, ctx, made, qbo_id)
    else:
        assert link is not None
        unchanged = (
            record.date == day
            and Decimal(record.amount) == total
            and record.reference == reference
            and already == {a.bill_id: a.amount for a in allocations}
        )
        if unchanged:
            links.mark_synced(link, qbo_id, found.SyncToken, record.revision)
            reasons.resolve(s, ctx.connection_id, Kind.RECEIVED_PAYMENT, number)
            return 0
        cmd = PaymentUpdate(
            date=day, amount=total, reference=reference, reason="changed in QuickBooks"
        )
        payments.revise_payment(s, actor, record, cmd, allocations)
        links.mark_synced(link, qbo_id, found.SyncToken, record.revision)
    reasons.resolve(s, ctx.connection_id, Kind.RECEIVED_PAYMENT, number)
    return 1


def _a_clients(s: Session, ctx: PassContext, found: Payment) -> bool:
    """The payment's customer is one of lawsync's clients (linked to a contact)."""
    customer = found.CustomerRef.value if found.CustomerRef else None
    if not customer:
        return False
    return (
        s.execute(
            select(SyncLink.id).where(
                SyncLink.connection_id == ctx.connection_id,
                SyncLink.kind == Kind.CONTACT,
                SyncLink.qbo_id == customer,
            )
        ).first()
        is not None
    )


def _bill(bills: dict[str, Bill], bill_id: int) -> Bill:
    return next(b for b in bills.values() if b.id == bill_id)


def _merged(pays: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for invoice, amount in pays:
        out[invoice] = out.get(invoice, Decimal(0)) + amount
    return out


def _context(found: Payment, pays: list[tuple[str, Decimal]]) -> dict[str, object]:
    return {
        "qbo_id": str(found.Id),
        "date": str(found.TxnDate or ""),
        "total": reasons.money(found.TotalAmt),
        "customer": found.CustomerRef.name if found.CustomerRef else "",
        "invoices": {invoice: f"{amount:.2f}" for invoice, amount in pays},
    }


def _record(s: Session, link: SyncLink | None) -> PaymentRecord | None:
    if link is None:
        return None
    return s.execute(
        select(PaymentRecord).where(PaymentRecord.id == link.local_id)
    ).scalar_one_or_none()


def _bills_of(s: Session, ctx: PassContext, invoices: list[str]) -> dict[str, Bill]:
    """Invoice id → the bill it is the copy of, for the invoices lawsync sent."""
    if not invoices:
        return {}
    rows = s.execute(
        select(SyncLink.qbo_id, Bill)
        .join(Bill, Bill.id == SyncLink.local_id)
        .where(
            SyncLink.connection_id == ctx.connection_id,
            SyncLink.kind == Kind.BILL,
            SyncLink.qbo_id.in_(invoices),
            SyncLink.status != links.REMOVED,
        )
    ).all()
    return {str(q): bill for q, bill in rows}


def _history(s: Session, ctx: PassContext, payment: PaymentRecord, qbo_id: str) -> None:
    """The record's sync history says it came from the accounting side."""
    s.add(
        SyncEvent(
            firm_id=ctx.firm_id,
            connection_id=ctx.connection_id,
            kind=Kind.PAYMENT,
            local_id=payment.id,
            revision=payment.revision,
            op=IMPORTED,
            outcome="done",
            qbo_id=qbo_id,
        )
    )


def _was_taken_in(s: Session, ctx: PassContext, payment_id: int) -> bool:
    return (
        s.execute(
            select(SyncEvent.id).where(
                SyncEvent.connection_id == ctx.connection_id,
                SyncEvent.kind == Kind.PAYMENT,
                SyncEvent.local_id == payment_id,
                SyncEvent.op == IMPORTED,
            )
        ).first()
        is not None
    )


def _taken_ids(s: Session, ctx: PassContext) -> list[str]:
    rows = s.execute(
        select(SyncEvent.qbo_id).where(
            SyncEvent.connection_id == ctx.connection_id,
            SyncEvent.kind == Kind.PAYMENT,
            SyncEvent.op == IMPORTED,
        )
    ).scalars()
    return [str(q) for q in rows if q]


async def _read_many(ctx: PassContext, ids: Sequence[str]) -> dict[str, Entity | None]:
    out: dict[str, Entity | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        wanted = ", ".join(sql("?", i) for i in chunk)
        for row in await ctx.qb.query(ctx.realm, Payment, f"Id IN ({wanted})"):
            out[str(row.Id)] = row
    return out
