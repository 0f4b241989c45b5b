"""A credit note's memo applied to its bill's invoice: a payment of nothing linking the two.

Made once the memo exists; removed first when the note is voided (the memo can only be deleted
once nothing applies it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import CreditNote, CreditNoteState
from lawsync.quickbooks import Payment
from lawsync.sync import mapping
from lawsync.sync.context import PassContext
from lawsync.sync.export.skeleton import SKIP, Chunk, Decision, Exporter, Remove, Send, Wait
from lawsync.sync.kinds import Kind
from lawsync.sync.links import CREATING, REMOVED, qbo_ids
from lawsync.sync.models import SyncLink


@dataclass
class ApplicationChunk(Chunk[CreditNote]):
    customers: dict[int, str]
    invoices: dict[int, str]  # bill → its invoice
    memos: dict[int, str]  # note → its credit memo


_MEMO = SyncLink.__table__.alias("m")  # made once (see `candidates`)
_APPLICATION = SyncLink.__table__.alias("a")


class CreditApplications(Exporter[ApplicationChunk]):
    kind = Kind.CREDIT_APPLICATION
    entity = Payment
    model = CreditNote

    def pending(self, ctx: PassContext) -> Select[Any] | None:
        """Credit memos synced but not applied yet, or voided notes whose application is still
        there."""
        if not self.enabled(ctx):
            return None
        memo, app = _MEMO, _APPLICATION
        unapplied = or_(app.c.id.is_(None), app.c.qbo_id.is_(None), app.c.status == CREATING)
        return (
            select(CreditNote.id)
            .join(memo, and_(_link(ctx, memo, Kind.CREDIT_NOTE), _live(memo)))
            .outerjoin(app, _link(ctx, app, self.kind))
            .where(
                or_(
                    and_(CreditNote.state == CreditNoteState.active, unapplied),
                    and_(CreditNote.state == CreditNoteState.void, _live(app)),
                ),
            )
        )

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> ApplicationChunk:
        notes = self.records(session, ids)
        return ApplicationChunk(
            notes,
            customers=self.customers(ctx, session, notes),
            invoices=self.invoices(ctx, session, {n.bill_id for n in notes}),
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


def _link(ctx: PassContext, link: Any, kind: Kind) -> ColumnElement[bool]:
    """The join of a note to its link of this kind."""
    return and_(
        link.c.connection_id == ctx.connection_id,
        link.c.kind == kind,
        link.c.local_id == CreditNote.id,
    )


def _live(link: Any) -> ColumnElement[bool]:
    """The link has a live copy (see `links.live_copy`)."""
    return and_(link.c.qbo_id.is_not(None), link.c.status.not_in((CREATING, REMOVED)))
