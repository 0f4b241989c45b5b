"""Recorded payments → payments applied to their invoices, received into Undeposited Funds.

An edited payment is deleted and created again on the accounting side (a deposited one cannot
be, and the refusal, code 6540, becomes a failure with its fix); a deleted payment is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lawsync.practice.models import Payment as PaymentRecord
from lawsync.practice.models import PaymentState
from lawsync.quickbooks import Payment, sql
from lawsync.sync import mapping
from lawsync.sync.context import PassContext
from lawsync.sync.export.skeleton import SKIP, Chunk, Decision, Exporter, Lookup, Remove, Send, Wait
from lawsync.sync.kinds import Kind, marker
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
    model = PaymentRecord
    live = PaymentRecord.state == PaymentState.active
    dated = PaymentRecord.date

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> PaymentChunk:
        records = self.records(session, ids)
        paid = {a.bill_id for p in records for a in p.allocations}
        return PaymentChunk(
            records,
            customers=self.customers(ctx, session, records),
            invoices=self.invoices(ctx, session, paid),
        )

    def decide(
        self, ctx: PassContext, chunk: PaymentChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        active = record.state == PaymentState.active
        if copy is not None:
            # Deleted, or edited: either way the copy goes; an edit is created again afterwards.
            return Remove("delete", recreate=active)
        customer = chunk.customers.get(record.client_id)
        if not active:
            if customer is None:
                return SKIP  # no customer, so no copy was ever made
            return Remove("delete", find=_find(self.kind, record.id, customer))
        if customer is None or any(a.bill_id not in chunk.invoices for a in record.allocations):
            return Wait("the bills it pays")
        if ctx.undeposited_account_id is None:
            return NO_UNDEPOSITED_FUNDS
        payload = mapping.payment(
            record, customer, chunk.invoices, deposit_account_id=ctx.undeposited_account_id
        )
        return Send(payload, find=_find(self.kind, record.id, customer))


def _find(kind: Kind, payment_id: int, customer: str) -> Lookup:
    """The payment's copy, should a create's answer have been lost."""
    return Lookup(sql("CustomerRef = ?", customer), marker(kind, payment_id))
