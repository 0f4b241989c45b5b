"""Opening balances: what each client held in each mapped trust account before the client funds
start date, kept by each pass so that the company's per-client balances agree from that day.

Transactions dated before the start date are not sent one by one; their sum per client is, as
one journal entry dated the start date. A deposit recorded later with an earlier date, a start
date moved, or a new mapping changes a sum, and the entry follows (or goes, at zero).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from lawsync.practice.models import ClientFundsTransaction
from lawsync.sync.context import PassContext
from lawsync.sync.models import ClientFundsOpening

TXN = ClientFundsTransaction


def refresh(ctx: PassContext) -> int:
    """Bring the connection's opening balances up to date with the ledger; how many changed."""
    start = ctx.settings.client_funds_start_date
    mapped = list(ctx.trust_accounts)
    with ctx.ledger.uow(ctx.firm_id) as uow:
        s = uow.session
        wanted: dict[tuple[int, int], Decimal] = {}
        if start is not None and mapped:
            rows = s.execute(
                select(TXN.account_id, TXN.client_id, func.sum(TXN.amount))
                .where(TXN.account_id.in_(mapped), TXN.date < start)
                .group_by(TXN.account_id, TXN.client_id)
            )
            wanted = {(a, c): Decimal(total) for a, c, total in rows}
        kept = {
            (o.account_id, o.client_id): o
            for o in s.execute(
                select(ClientFundsOpening).where(
                    ClientFundsOpening.connection_id == ctx.connection_id
                )
            ).scalars()
        }
        changed = 0
        for key in wanted.keys() | kept.keys():
            amount = wanted.get(key, Decimal(0)).quantize(Decimal("0.01"))
            as_of = start or (kept[key].as_of if key in kept else None)
            row = kept.get(key)
            if row is None:
                if amount == 0 or as_of is None:
                    continue
                s.add(
                    ClientFundsOpening(
                        firm_id=ctx.firm_id,
                        connection_id=ctx.connection_id,
                        account_id=key[0],
                        client_id=key[1],
                        as_of=as_of,
                        amount=amount,
                    )
                )
                changed += 1
            elif Decimal(row.amount) != amount or row.as_of != as_of:
                row.amount, row.as_of = amount, as_of or row.as_of
                changed += 1
        if changed:
            uow.commit()
        return changed
