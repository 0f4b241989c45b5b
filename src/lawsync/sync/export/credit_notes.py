"""Credit notes → credit memos; voiding a note deletes its memo once the memo is unapplied.

Applying the memo to the bill's invoice is a record of its own (`credit_applications`), made
after the memo and removed before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lawsync.practice.models import CreditNote, CreditNoteState
from lawsync.quickbooks import CreditMemo, sql
from lawsync.sync import mapping
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import bill_numbers
from lawsync.sync.export.skeleton import (
    SKIP,
    Chunk,
    Decision,
    Exporter,
    Lookup,
    Remove,
    Send,
    Wait,
    still_ours,
)
from lawsync.sync.kinds import ItemFor, Kind, marker
from lawsync.sync.links import qbo_ids
from lawsync.sync.models import SyncLink
from lawsync.sync.problems import Problem

NOT_MATCHED = Problem("5020", "Credit notes are not matched to a product or service.", "ItemRef")


@dataclass
class CreditChunk(Chunk[CreditNote]):
    customers: dict[int, str]
    invoices: dict[int, str]  # bill → its invoice
    bill_numbers: dict[int, str]
    applied: dict[int, str]  # note → its application, while there is one


class CreditNotes(Exporter[CreditChunk]):
    kind = Kind.CREDIT_NOTE
    entity = CreditMemo
    model = CreditNote
    live = CreditNote.state == CreditNoteState.active
    dated = CreditNote.date

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> CreditChunk:
        notes = self.records(session, ids)
        bill_ids = {n.bill_id for n in notes}
        return CreditChunk(
            notes,
            customers=self.customers(ctx, session, notes),
            invoices=self.invoices(ctx, session, bill_ids),
            bill_numbers=bill_numbers(session, bill_ids),
            applied=qbo_ids(session, ctx.connection_id, Kind.CREDIT_APPLICATION, ids),
        )

    def decide(
        self, ctx: PassContext, chunk: CreditChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if record.state == CreditNoteState.void:
            if record.id in chunk.applied:
                return Wait("its application to be removed")
            number = mapping.doc_number(ctx.settings.bill_prefix, record.number)
            customer = chunk.customers.get(record.client_id)
            return Remove("delete", find=still_ours(self.kind, record.id, number, customer))
        if copy is not None:
            return SKIP  # a credit note does not change once made, only its application
        customer = chunk.customers.get(record.client_id)
        if customer is None or record.bill_id not in chunk.invoices:
            return Wait("the bill")
        item = ctx.item_for(ItemFor.CREDIT)
        if item is None:
            return NOT_MATCHED
        payload = mapping.credit_memo(
            record,
            customer,
            item,
            prefix=ctx.settings.bill_prefix,
            bill_number=chunk.bill_numbers[record.bill_id],
        )
        find = Lookup(sql("DocNumber = ?", payload["DocNumber"]), marker(self.kind, record.id))
        return Send(payload, find=find)
