"""A credit note's memo applied to its bill's invoice: a payment of nothing linking the two.

Made once the memo exists; removed first when the note is voided (the memo can only be deleted
once nothing applies it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import CreditNote, CreditNoteState
from lawsync.quickbooks import Payment
from lawsync.sync import mapping
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import PAGE
from lawsync.sync.export.skeleton import SKIP, Chunk, Decision, Exporter, Remove, Send, Wait
from lawsync.sync.kinds import Kind
from lawsync.sync.links import CREATING, REMOVED, qbo_ids
from lawsync.sync.models import SyncLink


@dataclass
class ApplicationChunk(Chunk[CreditNote]):
    customers: dict[int, str]
    invoices: dict[int, str]  # bill → its invoice
    memos: dict[int, str]  # note → its credit memo


class CreditApplications(Exporter[ApplicationChunk]):
    kind = Kind.CREDIT_APPLICATION
    entity = Payment

    def candidates(self, ctx: PassContext, session: Session, after_id: int) -> list[int]:
        """Credit memos synced but not applied yet, or voided notes whose application is still
        there."""
        if not ctx.settings.export_bills:
            return []
        memo = SyncLink.__table__.alias("m")
        app = SyncLink.__table__.alias("a")
        unapplied = or_(app.c.id.is_(None), app.c.qbo_id.is_(None), app.c.status == CREATING)
        applied = and_(app.c.qbo_id.is_not(None), app.c.status.not_in((CREATING, REMOVED)))
        stmt = (
            select(CreditNote.id)
            .join(
                memo,
                and_(
                    memo.c.connection_id == ctx.connection_id,
                    memo.c.kind == Kind.CREDIT_NOTE,
                    memo.c.local_id == CreditNote.id,
                    memo.c.qbo_id.is_not(None),
                    memo.c.status.not_in((CREATING, REMOVED)),
                ),
            )
            .outerjoin(
                app,
                and_(
                    app.c.connection_id == ctx.connection_id,
                    app.c.kind == self.kind,
                    app.c.local_id == CreditNote.id,
                ),
            )
            .where(
                CreditNote.id > after_id,
                or_(
                    and_(CreditNote.state == CreditNoteState.active, unapplied),
                    and_(CreditNote.state == CreditNoteState.void, applied),
                ),
            )
            .order_by(CreditNote.id)
            .limit(PAGE)
        )
        return list(session.execute(stmt).scalars())

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> ApplicationChunk:
        notes = session.execute(select(CreditNote).where(CreditNote.id.in_(ids))).scalars().all()
        clients, bills = {n.client_id for n in notes}, {n.bill_id for n in notes}
        return ApplicationChunk(
            notes,
            customers=qbo_ids(session, ctx.connection_id, Kind.CONTACT, clients),
            invoices=qbo_ids(session, ctx.connection_id, Kind.BILL, bills),
            memos=qbo_ids(session, ctx.connection_id, Kind.CREDIT_NOTE, ids),
        )

    def decide(
        self, ctx: PassContext, chunk: ApplicationChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if record.state == CreditNoteState.void:
            return Remove("delete")
        if copy is not None:
            return SKIP
        customer, invoice = (
            chunk.customers.get(record.client_id),
            chunk.invoices.get(record.bill_id),
        )
        memo = chunk.memos.get(record.id)
        if customer is None or invoice is None or memo is None:
            return Wait("the credit memo")
        return Send(mapping.credit_application(record, customer, invoice, memo))
