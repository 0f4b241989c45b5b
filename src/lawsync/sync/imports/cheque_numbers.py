"""Cheques printed in QuickBooks: the number each was printed with, back to its disbursement.

An importer fed by the change feed's Purchase changes: a cheque lawsync sent to print that comes
back printed (PrintComplete, with a number) numbers the ledger's disbursement through the same
service a person uses. Numbering is idempotent (a cheque already numbered is no longer waiting),
so a change that arrives twice does nothing the second time. When the feed cannot tell what
changed (`compare_all`), the cheques still waiting are read back by id, in pages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import and_, select

from lawsync.errors import LawsyncError
from lawsync.practice.commands import ChequeNumberIn
from lawsync.practice.models import ClientFundsTransaction
from lawsync.practice.services import client_funds
from lawsync.practice.services.context import Actor
from lawsync.quickbooks import Entity, Purchase, sql
from lawsync.sync.context import QUIET, PassContext
from lawsync.sync.imports.skeleton import Change
from lawsync.sync.kinds import Kind
from lawsync.sync.links import links_for
from lawsync.sync.models import SyncLink

log = logging.getLogger(__name__)
TXN = ClientFundsTransaction
PAGE = 500  # ids per query; the query language has no limit this close


class ChequeNumbers:
    kind: Kind = Kind.TRUST_CHEQUE
    entities: tuple[str, ...] = ("Purchase",)

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_client_funds)

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        """Number the disbursements whose cheques these changes show printed; how many were."""
        printed = {c.qbo_id: c.found for c in changes if c.found is not None}
        if not printed:
            return 0
        waiting = self._waiting(ctx)
        taken = 0
        for qbo_id, found in printed.items():
            if qbo_id in waiting:
                taken += _number_if_printed(ctx, waiting[qbo_id], found)
        return taken

    async def compare_all(self, ctx: PassContext) -> int:
        """Read back every cheque still waiting for a number; number those printed since."""
        waiting = self._waiting(ctx)
        ids = list(waiting)
        taken = 0
        for start in range(0, len(ids), PAGE):
            wanted = ", ".join(sql("?", i) for i in ids[start : start + PAGE])
            for found in await ctx.qb.query(ctx.realm, Purchase, f"Id IN ({wanted})"):
                taken += _number_if_printed(ctx, waiting[str(found.Id)], found)
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


def _number_if_printed(ctx: PassContext, txn_id: int, found: Entity) -> int:
    status = getattr(found, "PrintStatus", None)
    number = getattr(found, "DocNumber", None)
    if status != "PrintComplete" or not number:
        return 0
    return _number(ctx, txn_id, found, str(number))


def _number(ctx: PassContext, txn_id: int, found: Entity, number: str) -> int:
    before = _revision(ctx, txn_id)
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
    _taken_from_quickbooks(ctx, txn_id, before, found)
    return 1


def _revision(ctx: PassContext, txn_id: int) -> int:
    with ctx.ledger.uow(ctx.firm_id) as uow:
        return int(uow.session.execute(select(TXN.revision).where(TXN.id == txn_id)).scalar_one())


def _taken_from_quickbooks(ctx: PassContext, txn_id: int, before: int, found: Entity) -> None:
    """The number came from QuickBooks' own cheque: its copy is current at the new revision, so
    the exporter does not send the number back (the ping-pong guard's other half). Only when
    the copy was current before; a change still waiting to go keeps its place."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        uow.session.info[QUIET] = True
        link = links_for(uow.session, ctx.connection_id, Kind.TRUST_CHEQUE, [txn_id]).get(txn_id)
        revision = uow.session.execute(select(TXN.revision).where(TXN.id == txn_id)).scalar_one()
        if link is None or link.synced_revision != before or revision != before + 1:
            return
        link.synced_revision = int(revision)
        link.sync_token = found.SyncToken
        uow.commit()
