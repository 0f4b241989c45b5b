"""Interest charges → invoices of their own, numbered after the bill they are charged on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lawsync.practice.models import InterestCharge, InterestChargeState
from lawsync.quickbooks import Invoice, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import bill_numbers
from lawsync.sync.export.skeleton import (
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
from lawsync.sync.models import SyncLink
from lawsync.sync.problems import Problem

NOT_MATCHED = Problem(
    "5020", "Interest charges are not matched to a product or service.", "ItemRef"
)


@dataclass
class InterestChunk(Chunk[InterestCharge]):
    customers: dict[int, str]
    bill_numbers: dict[int, str]


class InterestCharges(Exporter[InterestChunk]):
    kind = Kind.INTEREST_CHARGE
    entity = Invoice
    model = InterestCharge
    live = InterestCharge.state == InterestChargeState.active
    dated = InterestCharge.charged_on

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> InterestChunk:
        charges = self.records(session, ids)
        return InterestChunk(
            charges,
            customers=self.customers(ctx, session, charges),
            bill_numbers=bill_numbers(session, {c.bill_id for c in charges}),
        )

    def decide(
        self, ctx: PassContext, chunk: InterestChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if record.state == InterestChargeState.void:
            number = mapping.doc_number(ctx.settings.bill_prefix, record.number)
            customer = chunk.customers.get(record.client_id)
            return Remove("void", find=still_ours(self.kind, record.id, number, customer))
        customer = chunk.customers.get(record.client_id)
        if customer is None:
            return Wait("the client")
        item = ctx.item_for(ItemFor.INTEREST)
        if item is None:
            return NOT_MATCHED
        payload = mapping.interest_invoice(
            record,
            chunk.bill_numbers[record.bill_id],
            customer,
            item,
            prefix=ctx.settings.bill_prefix,
            due_date=record.charged_on.isoformat(),
        )
        number = str(payload["DocNumber"])
        problem = preflight.too_long("DocNumber", number, mapping.DOC_NUMBER_LIMIT)
        if problem:
            return problem
        return Send(
            payload, find=Lookup(sql("DocNumber = ?", number), marker(self.kind, record.id))
        )
