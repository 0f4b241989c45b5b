"""Cheques printed in QuickBooks: the number each was printed with, back to its disbursement.

Until the inbound direction reads every change the company makes, each pass reads back its own
cheques still waiting for a number, in pages of ids; one printed since (PrintComplete, with a
number) numbers the ledger's disbursement through the same service a person uses.
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, select

from lawsync.errors import LawsyncError
from lawsync.practice.commands import ChequeNumberIn
from lawsync.practice.models import ClientFundsTransaction
from lawsync.practice.services import client_funds
from lawsync.practice.services.context import Actor
from lawsync.quickbooks import Purchase, sql
from lawsync.sync.context import PassContext
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncLink

log = logging.getLogger(__name__)
TXN = ClientFundsTransaction
PAGE = 500  # ids per query; the query language has no limit this close


class ChequeNumbers:
    kind = Kind.TRUST_CHEQUE

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_client_funds)

    async def pull(self, ctx: PassContext) -> int:
        """Number the disbursements whose cheques were printed; how many were."""
        waiting = self._waiting(ctx)
        ids = list(waiting)
        taken = 0
        for start in range(0, len(ids), PAGE):
            wanted = ", ".join(sql("?", i) for i in ids[start : start + PAGE])
            for found in await ctx.qb.query(ctx.realm, Purchase, f"Id IN ({wanted})"):
                if found.PrintStatus == "PrintComplete" and found.DocNumber:
                    taken += _number(ctx, waiting[str(found.Id)], str(found.DocNumber))
        return taken

    def _waiting(self, ctx: PassContext) -> dict[str, int]:
        """Cheque copy id → disbursement, for cheques sent without a number and not reversed."""
        with ctx.ledger.uow(ctx.firm_id) as uow:
            rows = uow.session.execute(
                select(TXN.id, SyncLink.qbo_id)
                .join(
                    SyncLink,
                    and_(
                        SyncLink.connection_id == ctx.connection_id,
                        SyncLink.kind == self.kind,
                        SyncLink.local_id == TXN.id,
                    ),
                )
                .where(
                    TXN.cheque_number.is_(None),
                    TXN.reversed.is_(False),
                    SyncLink.qbo_id.is_not(None),
                )
            ).all()
        return {str(qbo_id): txn_id for txn_id, qbo_id in rows}


def _number(ctx: PassContext, txn_id: int, number: str) -> int:
    try:
        client_funds.set_cheque_number(
            ctx.ledger, Actor(ctx.firm_id, None), txn_id, ChequeNumberIn(cheque_number=number)
        )
    except (LawsyncError, ValueError) as refused:
        # e.g. the number is already a live cheque's in this account: a person decides.
        log.warning(
            "cheque of transaction %s printed as %s, not recorded: %s", txn_id, number, refused
        )
        return 0
    return 1
