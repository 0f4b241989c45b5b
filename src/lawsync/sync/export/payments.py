"""Recorded payments → payments applied to their invoices, received into Undeposited Funds.

An edited payment is deleted and created again on the accounting side (a deposited one cannot
be, and the refusal, code 6540, becomes a failure with its fix); a deleted payment is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Payment as PaymentRecord
from lawsync.practice.models import PaymentState
from lawsync.quickbooks import Payment, sql
from lawsync.sync import mapping
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import dirty_ids, since
from lawsync.sync.export.skeleton import SKIP, Chunk, Decision, Exporter, Lookup, Remove, Send, Wait
from lawsync.sync.kinds import Kind, marker
from lawsync.sync.links import qbo_ids
from lawsync.sync.models import SyncLink
from lawsync.sync.problems import Problem

NO_UNDEPOSITED_FUNDS = Problem(
    "2020",
    "Required parameter DepositToAccountRef is missing: the company has no Undeposited Funds "
    "account.",
    "DepositToAccountRef",
)


@dataclass
class PaymentChunk(Chunk[PaymentRecord]):
    customers: dict[int, str]
    invoices: dict[int, str]


class Payments(Exporter[PaymentChunk]):
    kind = Kind.PAYMENT
    entity = Payment

    def candidates(self, ctx: PassContext, session: Session, after_id: int) -> list[int]:
        if not ctx.settings.export_bills:
            return []
        active = PaymentRecord.state == PaymentState.active
        return dirty_ids(
            session,
            PaymentRecord,
            self.kind,
            ctx.connection_id,
            after_id=after_id,
            wanted_new=and_(active, *since(ctx, PaymentRecord.date)),
            settle_failures=~active,
        )

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> PaymentChunk:
        rows = session.execute(select(PaymentRecord).where(PaymentRecord.id.in_(ids))).scalars()
        records = rows.all()
        paid = {a.bill_id for p in records for a in p.allocations}
        return PaymentChunk(
            records,
            customers=qbo_ids(
                session, ctx.connection_id, Kind.CONTACT, {p.client_id for p in records}
            ),
            invoices=qbo_ids(session, ctx.connection_id, Kind.BILL, paid),
        )

    def decide(
        self, ctx: PassContext, chunk: PaymentChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        active = record.state == PaymentState.active
        if copy is not None:
            # Deleted, or edited: either way the copy goes; an edit is created again afterwards.
            return Remove("delete", recreate=active)
        if not active:
            return SKIP
        customer = chunk.customers.get(record.client_id)
        if customer is None or any(a.bill_id not in chunk.invoices for a in record.allocations):
            return Wait("the bills it pays")
        if ctx.undeposited_account_id is None:
            return NO_UNDEPOSITED_FUNDS
        payload = mapping.payment(
            record, customer, chunk.invoices, deposit_account_id=ctx.undeposited_account_id
        )
        return Send(
            payload, find=Lookup(sql("CustomerRef = ?", customer), marker(self.kind, record.id))
        )
