"""What the next pass would send, worked out by the same exporters without sending anything.

    found = await preview(ledger, firm_id, qb)

Only reads: the company's customers and accounts are looked up as a pass would, the practice
books are planned chunk by chunk in transactions that are never committed, and nothing is
written on either side. A record that waits for another (a bill for a client not yet a
customer) is listed with what it waits for: in a real pass it usually goes in the same pass,
once what it needs is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice import models as m
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import AsyncQuickBooks
from lawsync.sync import context
from lawsync.sync.context import NotStarted
from lawsync.sync.export.skeleton import Refusal
from lawsync.sync.kinds import Kind
from lawsync.sync.models import ClientFundsOpening
from lawsync.sync.registry import EXPORTERS

AMOUNT_OF: dict[Kind, tuple[Any, str]] = {
    Kind.BILL: (m.Bill, "total"),
    Kind.INTEREST_CHARGE: (m.InterestCharge, "amount"),
    Kind.CREDIT_NOTE: (m.CreditNote, "amount"),
    Kind.CREDIT_APPLICATION: (m.CreditNote, "amount"),
    Kind.PAYMENT: (m.Payment, "amount"),
    Kind.TRUST_ENTRY: (m.ClientFundsTransaction, "amount"),
    Kind.TRUST_CHEQUE: (m.ClientFundsTransaction, "amount"),
    Kind.TRUST_OPENING: (ClientFundsOpening, "amount"),
}
MOST = 2000  # records listed per kind; the counts go on past it


@dataclass(frozen=True)
class Planned:
    local_id: int
    op: str  # create, update, delete, void
    amount: Decimal | None


@dataclass
class KindPreview:
    kind: Kind
    planned: list[Planned] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    waiting: list[Refusal] = field(default_factory=list)
    more: bool = False  # past MOST records

    @property
    def ops(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.planned:
            counts[p.op] = counts.get(p.op, 0) + 1
        return counts


@dataclass
class Preview:
    kinds: list[KindPreview] = field(default_factory=list)
    not_started: NotStarted | None = None

    @property
    def empty(self) -> bool:
        return not any(k.planned or k.refused or k.waiting for k in self.kinds)


def _amounts(session: Session, kind: Kind, ids: list[int]) -> dict[int, Decimal]:
    if kind not in AMOUNT_OF or not ids:
        return {}
    model, column = AMOUNT_OF[kind]
    rows = session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids)))
    return {local_id: Decimal(amount) for local_id, amount in rows}


async def preview(ledger: Ledger, firm_id: int, qb: AsyncQuickBooks) -> Preview:
    ctx = context.load(ledger, firm_id, qb)
    if isinstance(ctx, NotStarted):
        return Preview(not_started=ctx)
    ctx.looking_only = True
    await context.prepare(ctx, adopt_tax_rates=False)
    out = Preview()
    for exporter in EXPORTERS:
        shown = KindPreview(exporter.kind)
        after = 0
        while len(shown.planned) + len(shown.refused) + len(shown.waiting) < MOST:
            with ledger.uow(firm_id) as uow:
                ids = exporter.candidates(ctx, uow.session, after)
            if not ids:
                break
            after = ids[-1]
            await exporter.prepare(ctx)
            with ledger.uow(firm_id) as uow:  # never committed: planning writes nothing
                plan = exporter.plan(ctx, uow.session, ids)
                amounts = _amounts(uow.session, exporter.kind, [j.local_id for j in plan.jobs])
            shown.planned += [Planned(j.local_id, j.op, amounts.get(j.local_id)) for j in plan.jobs]
            shown.planned += [Planned(j.local_id, "link", None) for j in plan.adopt]
            shown.refused += plan.problems
            shown.waiting += plan.waiting
        else:
            shown.more = True
        out.kinds.append(shown)
    return out
