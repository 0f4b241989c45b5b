"""Failures of the inbound direction: a change from the accounting side a person must look at.

An importer's failure names what it concerns the way an exporter's does (a kind and a local id:
the bill, the expense entry, or, for something not in the ledger yet, the accounting-side
record's own number) and keeps in its ``context`` what the page shows and what a choice needs:
the accounting-side id (``qbo_id``) it re-reads on Retry, and both versions where they differ.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.storage import utcnow
from lawsync.sync import failures
from lawsync.sync.context import PassContext
from lawsync.sync.models import SyncFailure

LINES_PER_RECORD = 1000  # a line's local id: the record's id times this, plus the line's


def line_number(record_id: str, line_id: str) -> int:
    """A stable local id for one line of an accounting-side record that is not in the ledger:
    QuickBooks' ids are decimal numbers, so the record's id and the line's together."""
    if record_id.isdigit() and line_id.isdigit() and int(line_id) < LINES_PER_RECORD:
        return int(record_id) * LINES_PER_RECORD + int(line_id)
    return zlib.crc32(f"{record_id}/{line_id}".encode())  # pragma: no cover - not QuickBooks'


def lines_of(record_id: str) -> tuple[int, int] | None:
    """The range of local ids `line_number` gives the lines of one record."""
    if not record_id.isdigit():
        return None
    first = int(record_id) * LINES_PER_RECORD
    return first, first + LINES_PER_RECORD - 1


def fail(
    session: Session,
    ctx: PassContext,
    kind: str,
    local_id: int,
    code: str,
    message: str,
    context: dict[str, Any],
    *,
    revision: int = 0,
) -> SyncFailure:
    """Open (or refresh) the failure; its attempt count only grows when the message changes
    or a retry was asked, so the same change arriving twice is one attempt."""
    row = open_failure(session, ctx.connection_id, kind, local_id)
    same = row is not None and row.code == code and row.message == message[:2000]
    if row is not None and same and row.retry_requested_at is None:
        row.context = context
        row.last_seen_at = utcnow()
        return row
    return failures.record(
        session,
        firm_id=ctx.firm_id,
        connection_id=ctx.connection_id,
        kind=kind,
        local_id=local_id,
        revision=revision,
        code=code,
        message=message,
        context=context,
    )


def open_failure(
    session: Session, connection_id: int, kind: str, local_id: int
) -> SyncFailure | None:
    return session.execute(
        select(SyncFailure).where(
            SyncFailure.connection_id == connection_id,
            SyncFailure.kind == kind,
            SyncFailure.local_id == local_id,
            SyncFailure.resolved_at.is_(None),
        )
    ).scalar_one_or_none()


def resolve(session: Session, connection_id: int, kind: str, local_id: int) -> None:
    failures.clear(session, connection_id, kind, local_id)


def retried(
    ctx: PassContext, kinds: Sequence[str], *, every_open: bool = False
) -> list[tuple[str, int, str]]:
    """Open failures of these kinds a person asked to retry (or all open ones): (kind, local
    id, qbo id)."""
    with ctx.ledger.uow(ctx.firm_id) as uow:
        stmt = select(SyncFailure).where(
            SyncFailure.connection_id == ctx.connection_id,
            SyncFailure.kind.in_(list(kinds)),
            SyncFailure.resolved_at.is_(None),
        )
        if not every_open:
            stmt = stmt.where(SyncFailure.retry_requested_at.is_not(None))
        rows = uow.session.execute(stmt).scalars()
        return [
            (r.kind, r.local_id, str(r.context.get("qbo_id", "")))
            for r in rows
            if r.context.get("qbo_id")
        ]


def money(value: object) -> str:
    return f"{value:.2f}" if value is not None else ""
