"""Link memory: which accounting-side object stands for which practice record."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.storage import utcnow
from lawsync.sync.models import SyncLink

CREATING = "creating"  # a create was sent; its outcome is not known yet
SYNCED = "synced"
FAILED = "failed"
PENDING = "pending"
REMOVED = "removed"  # the copy was deleted or voided on purpose


def links_for(
    session: Session, connection_id: int, kind: str, ids: Iterable[int]
) -> dict[int, SyncLink]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(SyncLink).where(
            SyncLink.connection_id == connection_id,
            SyncLink.kind == kind,
            SyncLink.local_id.in_(wanted),
        )
    ).scalars()
    return {row.local_id: row for row in rows}


def prefetch(session: Session, connection_id: int, keys: Iterable[tuple[str, int]]) -> None:
    """Load the links of many records at once, so `ensure` needs no query per record."""
    cache: dict[tuple[str, int], SyncLink | None] = session.info.setdefault("sync_links", {})
    by_kind: dict[str, list[int]] = {}
    for kind, local_id in keys:
        if (kind, local_id) not in cache:
            by_kind.setdefault(kind, []).append(local_id)
    for kind, ids in by_kind.items():
        found = links_for(session, connection_id, kind, ids)
        for local_id in ids:
            cache[(kind, local_id)] = found.get(local_id)


def ensure(
    session: Session, firm_id: int, connection_id: int, kind: str, local_id: int
) -> SyncLink:
    cache: dict[tuple[str, int], SyncLink | None] = session.info.setdefault("sync_links", {})
    key = (kind, local_id)
    if key in cache:
        row = cache[key]
    else:
        row = links_for(session, connection_id, kind, [local_id]).get(local_id)
    if row is None:
        row = SyncLink(firm_id=firm_id, connection_id=connection_id, kind=kind, local_id=local_id)
        row.status, row.synced_revision = PENDING, 0
        session.add(row)
    cache[key] = row
    return row


def live_copy(link: SyncLink | None) -> str | None:
    """The id of the record's copy on the other side, if it has one now: not while its create's
    outcome is unknown, nor once the copy was removed on purpose."""
    if link is None or not link.qbo_id or link.status in (CREATING, REMOVED):
        return None
    return link.qbo_id


def qbo_ids(session: Session, connection_id: int, kind: str, ids: Iterable[int]) -> dict[int, str]:
    """The accounting-side ids of the records that have a live copy (others are left out)."""
    found = links_for(session, connection_id, kind, ids).items()
    return {local_id: copy for local_id, link in found if (copy := live_copy(link))}


def mark_synced(
    link: SyncLink, qbo_id: str | None, sync_token: str | None, revision: int, status: str = SYNCED
) -> None:
    link.qbo_id = qbo_id
    link.sync_token = sync_token
    link.synced_revision = revision
    link.status = status
    link.synced_at = utcnow()
