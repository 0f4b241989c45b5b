"""Interest charges → invoices of their own, numbered after the bill they are charged on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, InterestCharge, InterestChargeState
from lawsync.quickbooks import Invoice, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import dirty_ids, since
from lawsync.sync.export.skeleton import Chunk, Decision, Exporter, Lookup, Remove, Send, Wait
from lawsync.sync.kinds import ItemFor, ItemKey, Kind, marker
from lawsync.sync.links import qbo_ids
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

    def candidates(self, ctx: PassContext, session: Session, after_id: int) -> list[int]:
        if not ctx.settings.export_bills:
            return []
        active = InterestCharge.state == InterestChargeState.active
        return dirty_ids(
            session,
            InterestCharge,
            self.kind,
            ctx.connection_id,
            after_id=after_id,
            wanted_new=and_(active, *since(ctx, InterestCharge.charged_on)),
            settle_failures=~active,
        )

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> InterestChunk:
        rows = session.execute(select(InterestCharge).where(InterestCharge.id.in_(ids)))
        charges = rows.scalars().all()
        bills = session.execute(
            select(Bill.id, Bill.number).where(Bill.id.in_({c.bill_id for c in charges}))
        )
        clients = {c.client_id for c in charges}
        return InterestChunk(
            charges,
            customers=qbo_ids(session, ctx.connection_id, Kind.CONTACT, clients),
            bill_numbers={bill_id: number for bill_id, number in bills},
        )

    def decide(
        self, ctx: PassContext, chunk: InterestChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        if record.state == InterestChargeState.void:
            return Remove("void")
        customer = chunk.customers.get(record.client_id)
        if customer is None:
            return Wait("the client")
        item = ctx.items.get(ItemKey(ItemFor.INTEREST)) or ctx.items.get(ItemKey(ItemFor.ACTIVITY))
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
