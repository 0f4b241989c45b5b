"""Where each practice record stands with the accounting side, for the badge on its page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from lawsync.practice.services.context import Actor, Ledger
from lawsync.sync import links
from lawsync.sync.kinds import Kind
from lawsync.sync.models import QuickBooksConnection, SyncEvent, SyncFailure
from lawsync.sync.settings import active_connection


@dataclass(frozen=True)
class RecordSync:
    """``state``: synced (its copy is current), pending (to be sent), failed (see ``failure``),
    removed (its copy was deleted or voided), or unconnected (no company)."""

    state: str
    qbo_id: str | None = None
    failure: SyncFailure | None = None


def of_records(
    ledger: Ledger, actor: Actor, kind: Kind, ids: Iterable[int]
) -> dict[int, RecordSync]:
    """The state of each of these records of one kind (a record absent from the answer has
    never been sent and is waiting, or is not exported at all)."""
    wanted = list(ids)
    with ledger.uow(actor) as uow:
        s = uow.session
        connection = active_connection(s)
        if connection is None:
            return {i: RecordSync("unconnected") for i in wanted}
        found = links.links_for(s, connection.id, kind, wanted)
        failed = {
            row.local_id: row
            for row in s.scalars(
                select(SyncFailure).where(
                    SyncFailure.connection_id == connection.id,
                    SyncFailure.kind == kind,
                    SyncFailure.local_id.in_(wanted),
                    SyncFailure.resolved_at.is_(None),
                )
            )
        }
        out: dict[int, RecordSync] = {}
        for local_id in wanted:
            link = found.get(local_id)
            copy = links.live_copy(link)
            if local_id in failed:
                out[local_id] = RecordSync("failed", copy, failed[local_id])
            elif link is not None and link.status == links.REMOVED:
                out[local_id] = RecordSync("removed", link.qbo_id)
            elif link is not None and copy and link.status == links.SYNCED:
                out[local_id] = RecordSync("synced", copy)
            else:
                out[local_id] = RecordSync("pending", copy)
        return out


def history(
    ledger: Ledger, actor: Actor, kind: Kind, local_id: int, limit: int = 50
) -> list[SyncEvent]:
    """The record's sync history, newest first: what was sent and what came back."""
    with ledger.uow(actor) as uow:
        return list(
            uow.session.scalars(
                select(SyncEvent)
                .where(
                    # every company the firm was connected to, so the index by record serves
                    SyncEvent.connection_id.in_(select(QuickBooksConnection.id)),
                    SyncEvent.kind == kind,
                    SyncEvent.local_id == local_id,
                )
                .order_by(SyncEvent.id.desc())
                .limit(limit)
            )
        )
