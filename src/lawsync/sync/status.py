"""How far the sync is, per kind: records waiting, records whose copy is current, failures."""

from __future__ import annotations

from sqlalchemy import func, select

from lawsync.practice.services.context import Ledger
from lawsync.sync import context, links
from lawsync.sync.models import SyncFailure, SyncLink
from lawsync.sync.registry import EXPORTERS, KINDS
from lawsync.sync.settings import active_connection

Counts = dict[str, dict[str, int]]  # kind → pending, synced, failed


def status_counts(ledger: Ledger, firm_id: int) -> Counts:
    """Per kind: records waiting to sync, records whose copy is current, open failures."""
    counts: Counts = {k: {"pending": 0, "synced": 0, "failed": 0} for k in KINDS}
    with ledger.uow(firm_id) as uow:
        s = uow.session
        connection = active_connection(s)
        if connection is None:
            return counts
        ctx = context.of_connection(ledger, s, connection, qb=None)  # type: ignore[arg-type]
        for exporter in EXPORTERS:
            counts[exporter.kind]["pending"] = exporter.pending_count(ctx, s)
        for kind, status, n in s.execute(
            select(SyncLink.kind, SyncLink.status, func.count())
            .where(SyncLink.connection_id == connection.id)
            .group_by(SyncLink.kind, SyncLink.status)
        ):
            if kind in counts and status in (links.SYNCED, links.REMOVED):
                counts[kind]["synced"] += n
        for kind, n in s.execute(
            select(SyncFailure.kind, func.count())
            .where(SyncFailure.connection_id == connection.id, SyncFailure.resolved_at.is_(None))
            .group_by(SyncFailure.kind)
        ):
            if kind in counts:
                counts[kind]["failed"] += n
    return counts
