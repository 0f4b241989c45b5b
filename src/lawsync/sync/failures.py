"""The failure table: one open row per record that could not be synced, until it syncs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawsync.errors import RuleViolation
from lawsync.practice.services.context import Actor, Ledger, Page, get, paginate
from lawsync.storage import utcnow
from lawsync.sync.catalogue import Guide, guide_for
from lawsync.sync.models import SyncFailure


def record(
    session: Session,
    *,
    firm_id: int,
    connection_id: int,
    kind: str,
    local_id: int,
    revision: int,
    code: str,
    message: str,
    detail: str = "",
    element: str = "",
    intuit_tid: str = "",
    context: dict[str, Any] | None = None,
) -> SyncFailure:
    """Open a failure, or refresh the open one for the same record (never two rows for one)."""
    row = session.execute(
        select(SyncFailure).where(
            SyncFailure.connection_id == connection_id,
            SyncFailure.kind == kind,
            SyncFailure.local_id == local_id,
            SyncFailure.resolved_at.is_(None),
        )
    ).scalar_one_or_none()
    now = utcnow()
    if row is None:
        record = {"connection_id": connection_id, "kind": kind, "local_id": local_id}
        row = SyncFailure(firm_id=firm_id, **record, first_seen_at=now, attempts=0)
        session.add(row)
    row.revision, row.code, row.message, row.detail = revision, code, message[:2000], detail[:4000]
    row.element, row.intuit_tid, row.context = element[:200], intuit_tid[:100], context or {}
    row.attempts += 1
    row.last_seen_at = now
    row.retry_requested_at = None
    session.flush()
    return row


def attempts(session: Session, connection_id: int, kind: str, ids: list[int]) -> dict[int, int]:
    """How many times each of these records was refused, for those with an open failure."""
    if not ids:
        return {}
    return {
        local_id: n
        for local_id, n in session.execute(
            select(SyncFailure.local_id, SyncFailure.attempts).where(
                SyncFailure.connection_id == connection_id,
                SyncFailure.kind == kind,
                SyncFailure.local_id.in_(ids),
                SyncFailure.resolved_at.is_(None),
            )
        )
    }


def prefetch_open(session: Session, connection_id: int, keys: Sequence[tuple[str, int]]) -> None:
    """Note which of these records have an open failure, so `clear` skips the others quickly."""
    known: set[tuple[str, int]] = session.info.setdefault("open_failures_known", set())
    open_: set[tuple[str, int]] = session.info.setdefault("open_failures", set())
    by_kind: dict[str, list[int]] = {}
    for kind, local_id in keys:
        by_kind.setdefault(kind, []).append(local_id)
        known.add((kind, local_id))
    for kind, ids in by_kind.items():
        open_.update(
            (kind, i)
            for i in session.execute(
                select(SyncFailure.local_id).where(
                    SyncFailure.connection_id == connection_id,
                    SyncFailure.kind == kind,
                    SyncFailure.local_id.in_(ids),
                    SyncFailure.resolved_at.is_(None),
                )
            ).scalars()
        )


def clear(session: Session, connection_id: int, kind: str, local_id: int) -> None:
    """The record synced: its open failure, if any, is resolved."""
    key = (kind, local_id)
    if key in session.info.get("open_failures_known", ()) and key not in session.info.get(
        "open_failures", ()
    ):
        return
    for row in session.execute(
        select(SyncFailure).where(
            SyncFailure.connection_id == connection_id,
            SyncFailure.kind == kind,
            SyncFailure.local_id == local_id,
            SyncFailure.resolved_at.is_(None),
        )
    ).scalars():
        row.resolved_at = utcnow()


def guide(row: SyncFailure) -> Guide:
    return guide_for(
        row.code, element=row.element or None, detail=row.detail or row.message, kind=row.kind
    )


def list_failures(
    ledger: Ledger,
    actor: Actor,
    cursor: int | None,
    limit: int,
    include_resolved: bool = False,
    *,
    kind: str | None = None,
    code: str | None = None,
) -> Page:
    """Open failures (and cleared ones with ``include_resolved``), of one kind or code if asked."""
    stmt = select(SyncFailure)
    if not include_resolved:
        stmt = stmt.where(SyncFailure.resolved_at.is_(None))
    if kind:
        stmt = stmt.where(SyncFailure.kind == kind)
    if code:
        stmt = stmt.where(SyncFailure.code == code)
    with ledger.uow(actor) as uow:
        return paginate(uow.session, stmt, SyncFailure, cursor, limit)


def open_codes(ledger: Ledger, actor: Actor) -> list[tuple[str, int]]:
    """Each code with open failures, and how many."""
    with ledger.uow(actor) as uow:
        rows = uow.session.execute(
            select(SyncFailure.code, func.count())
            .where(SyncFailure.resolved_at.is_(None))
            .group_by(SyncFailure.code)
            .order_by(SyncFailure.code)
        )
        return [(code, n) for code, n in rows]


def request_retry_of_code(ledger: Ledger, actor: Actor, code: str) -> int:
    """Mark every open failure with this code for another attempt; how many were marked."""
    with ledger.uow(actor) as uow:
        rows = uow.session.scalars(
            select(SyncFailure).where(SyncFailure.resolved_at.is_(None), SyncFailure.code == code)
        ).all()
        now = utcnow()
        for row in rows:
            row.retry_requested_at = now
        uow.commit()
        return len(rows)


def retry_resolved_by_settings(session: Session, changed: set[str]) -> int:
    """Ask for another attempt at every open failure whose guide names a changed setting.

    A record parked by a failure is not sent again until it changes or is retried; a settings
    change that may fix it (a bill prefix for a taken number, a name-clash policy) retries it, as
    its guide says. Returns how many were marked.
    """
    if not changed:
        return 0
    now = utcnow()
    marked = 0
    for row in session.scalars(select(SyncFailure).where(SyncFailure.resolved_at.is_(None))):
        if changed & set(guide(row).settings):
            row.retry_requested_at = now
            marked += 1
    return marked


def get_failure(ledger: Ledger, actor: Actor, failure_id: int) -> SyncFailure:
    with ledger.uow(actor) as uow:
        return get(uow.session, SyncFailure, failure_id)


def request_retry(ledger: Ledger, actor: Actor, failure_id: int) -> SyncFailure:
    """Mark a failure for another attempt on the next pass (which a retry also triggers)."""
    with ledger.uow(actor) as uow:
        row = get(uow.session, SyncFailure, failure_id)
        if row.resolved_at is not None:
            raise RuleViolation("This failure is already resolved.", code="failure_resolved")
        row.retry_requested_at = utcnow()
        uow.flush()
        uow.commit()
        return row
