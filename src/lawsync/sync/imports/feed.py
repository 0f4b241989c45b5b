"""The change feed: what changed in the company since the connection's cursor, to the importers.

    report = await pull(ctx)                           # a pass starts with it
    report = await pull_firm(ledger, firm_id, settings) # alone, when a webhook asked
    firm_ids = request_pull(ledger, realm_id)           # a webhook: a pull is wanted

One pull asks QuickBooks' change data capture for the entities the enabled importers want,
changed since the cursor, takes out lawsync's own writes coming back (a change carrying the
SyncToken the link recorded when we wrote it: the ping-pong guard), and hands each importer the
changes of its entities. The cursor moves on only after the importers have applied them, so a
crash replays changes rather than losing them (importers are idempotent).

Change data capture keeps 30 days. With no cursor yet, one that old, or a set of entities the
cursor did not cover, the feed cannot tell what changed: each importer compares everything it
cares about instead (`compare_all`), and the cursor starts at the company's time read before.

An answer holds at most 1,000 changes, oldest first: a full one is read again from its last
change's time (a second earlier, as times have whole seconds; the overlap comes twice, which
importers take in their stride). When a full answer makes no progress (more than 1,000 changes
in one second), the feed compares instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Entity, QuickBooksError, ReconnectNeededError, TransientError
from lawsync.quickbooks._models import entity_class
from lawsync.storage import utcnow
from lawsync.sync import context, links
from lawsync.sync.connection import mark_reconnect_needed, open_client
from lawsync.sync.context import QUIET, NotStarted, PassContext
from lawsync.sync.imports.skeleton import Change, Importer
from lawsync.sync.lease import pass_lease
from lawsync.sync.models import ConnectionStatus, InboundCursor, QuickBooksConnection, SyncLink
from lawsync.sync.registry import EXPORTERS, IMPORTERS

log = logging.getLogger("lawsync.sync")

KEPT = dt.timedelta(days=30)  # how far back QuickBooks answers change data capture
OVERLAP = dt.timedelta(seconds=60)
"""Each pull asks again for the minute before its cursor: a change QuickBooks stamps a moment
before it shows in its feed is not skipped. What comes twice is known by its SyncToken and
dropped with our own writes."""
STALE = KEPT - dt.timedelta(hours=12)  # a cursor this old (by our clock) is compared instead
CAP = 1000  # changes in one answer at most
OUT_OF_RANGE = "2190"  # QuickBooks' refusal of a start more than 30 days back
IDS_PER_QUERY = 500


@dataclass
class PullReport:
    """What one pull did."""

    changes: int = 0  # changes handed to the importers
    own_writes: int = 0  # lawsync's own writes coming back, dropped
    applied: int = 0  # ledger records the importers changed
    compared: bool = False  # the importers compared everything instead
    requests: int = 0  # requests made for the company (pull_firm only)
    cursor_at: dt.datetime | None = None
    note: str = ""  # why the pull did not run, or stopped early


def enabled_importers(ctx: PassContext) -> list[Importer]:
    return [i for i in IMPORTERS if i.enabled(ctx)]


def _entities(importers: Iterable[Importer]) -> list[str]:
    names: list[str] = []
    for importer in importers:
        names.extend(e for e in importer.entities if e not in names)
    return names


# ---- the cursor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cursor:
    at: dt.datetime | None
    last_pull_at: dt.datetime | None
    entities: frozenset[str]


def _row(session: Session, ctx: PassContext) -> InboundCursor:
    row = session.execute(
        select(InboundCursor).where(InboundCursor.connection_id == ctx.connection_id)
    ).scalar_one_or_none()
    if row is None:
        row = InboundCursor(
            firm_id=ctx.firm_id,
            connection_id=ctx.connection_id,
            entities="",
            last_pull_changes=0,
            webhooks_received=0,
        )
        session.add(row)
    return row


def _read_cursor(ctx: PassContext) -> _Cursor:
    with ctx.ledger.uow(ctx.firm_id) as uow:
        row = uow.session.execute(
            select(InboundCursor).where(InboundCursor.connection_id == ctx.connection_id)
        ).scalar_one_or_none()
        if row is None:
            return _Cursor(None, None, frozenset())
        covered = frozenset(e for e in (row.entities or "").split(",") if e)
        return _Cursor(row.cursor_at, row.last_pull_at, covered)


def _write_cursor(
    ctx: PassContext,
    at: dt.datetime | None,
    entities: Sequence[str],
    *,
    started: dt.datetime | None = None,
    changes: int = 0,
    compared: bool = False,
) -> None:
    """Move the cursor (after the importers applied what came before it); with `started`,
    the pull is over: a wish for a pull made before it started is fulfilled."""
    for attempt in (1, 2):
        try:
            with ctx.ledger.uow(ctx.firm_id) as uow:
                uow.session.info[QUIET] = True
                row = _row(uow.session, ctx)
                row.cursor_at = at
                row.entities = ",".join(entities)
                now = utcnow()
                if compared:
                    row.last_compare_at = now
                if started is not None:
                    row.last_pull_at = now
                    row.last_pull_changes = changes
                    wanted = row.pull_wanted_since
                    if wanted is not None and wanted <= started:
                        row.pull_wanted_since = None
                uow.commit()
                return
        except IntegrityError:  # a webhook made the row at the same moment
            if attempt == 2:
                raise


def pulled_within(ledger: Ledger, firm_id: int, seconds: float) -> bool:
    """A pull finished for the firm's active connection less than `seconds` ago, and none is
    wanted since: a poll now would only ask again what was just asked."""
    with ledger.uow(firm_id) as uow:
        row = uow.session.execute(
            select(InboundCursor)
            .join(QuickBooksConnection, QuickBooksConnection.id == InboundCursor.connection_id)
            .where(QuickBooksConnection.active.is_(True))
        ).scalar_one_or_none()
        if row is None or row.last_pull_at is None or row.pull_wanted_since is not None:
            return False
        return utcnow() - row.last_pull_at < dt.timedelta(seconds=seconds)


def request_pull(ledger: Ledger, realm_id: str, events: int = 1) -> list[int]:
    """Mark a pull wanted for every firm connected to the company (a webhook told of
    `events` changes there); their firm ids, for the worker to wake. An unknown company
    gives none."""
    now = utcnow()
    with ledger.uow(None) as uow:
        found = uow.session.execute(
            select(QuickBooksConnection.id, QuickBooksConnection.firm_id).where(
                QuickBooksConnection.realm_id == realm_id,
                QuickBooksConnection.active.is_(True),
                QuickBooksConnection.status == ConnectionStatus.connected,
            )
        ).all()
        have = set(
            uow.session.execute(
                select(InboundCursor.connection_id).where(
                    InboundCursor.connection_id.in_([c for c, _ in found])
                )
            ).scalars()
        )
    for connection_id, firm_id in found:
        if connection_id not in have:
            _make_cursor(ledger, firm_id, connection_id)
    if not found:
        return []
    with ledger.uow(None) as uow:
        uow.session.execute(
            update(InboundCursor)
            .where(InboundCursor.connection_id.in_([c for c, _ in found]))
            .values(
                pull_wanted_since=func.coalesce(InboundCursor.pull_wanted_since, now),
                webhooks_received=InboundCursor.webhooks_received + events,
                last_webhook_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        uow.commit()
    return sorted({firm_id for _, firm_id in found})


def _make_cursor(ledger: Ledger, firm_id: int, connection_id: int) -> None:
    try:
        with ledger.uow(firm_id) as uow:
            uow.session.info[QUIET] = True
            uow.session.add(
                InboundCursor(
                    firm_id=firm_id,
                    connection_id=connection_id,
                    entities="",
                    last_pull_changes=0,
                    webhooks_received=0,
                )
            )
            uow.commit()
    except IntegrityError:
        pass  # made by another request at the same moment


def wanted_firms(ledger: Ledger) -> list[int]:
    """Firms with a pull wanted (a webhook asked) that has not run yet: after a restart the
    worker starts with them, so nothing a webhook announced waits for the next poll."""
    with ledger.uow(None) as uow:
        return sorted(
            set(
                uow.session.execute(
                    select(InboundCursor.firm_id)
                    .join(
                        QuickBooksConnection,
                        QuickBooksConnection.id == InboundCursor.connection_id,
                    )
                    .where(
                        InboundCursor.pull_wanted_since.is_not(None),
                        QuickBooksConnection.active.is_(True),
                    )
                ).scalars()
            )
        )


# ---- the changes --------------------------------------------------------------------------


def _changed_at(entity: Entity) -> dt.datetime | None:
    meta = entity.MetaData
    stamp = getattr(meta, "LastUpdatedTime", None) if meta is not None else None
    if isinstance(stamp, dt.datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    if isinstance(stamp, str):
        try:
            parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def change_of(entity: Entity) -> Change:
    """One row of a change data capture answer as a `Change` (a deleted object: no `found`)."""
    deleted = str((entity.model_extra or {}).get("status", "")).lower() == "deleted"
    return Change(
        entity=type(entity).entity_name,
        qbo_id=str(entity.Id),
        found=None if deleted else entity,
        sync_token=entity.SyncToken,
        changed_at=_changed_at(entity),
    )


def _kinds_by_entity() -> dict[str, set[str]]:
    """Which link kinds may hold an object of each entity (exporters' copies, importers')."""
    out: dict[str, set[str]] = {}
    for exporter in EXPORTERS:
        out.setdefault(exporter.entity.entity_name, set()).add(str(exporter.kind))
    for importer in IMPORTERS:
        for name in importer.entities:
            out.setdefault(name, set()).add(str(importer.kind))
    return out


def own_writes(ctx: PassContext, changes: Sequence[Change]) -> tuple[list[Change], int]:
    """The changes not made by lawsync, and how many were (the ping-pong guard): a change is
    ours when a link of its entity's kinds holds its id with the same SyncToken (we recorded
    the token our write was answered with), or, for a deletion, when we removed the copy."""
    kinds = _kinds_by_entity()
    ids = sorted({c.qbo_id for c in changes})
    held: dict[tuple[str, str], list[tuple[str | None, str]]] = {}
    with ctx.ledger.uow(ctx.firm_id) as uow:
        for start in range(0, len(ids), IDS_PER_QUERY):
            for kind, qbo_id, token, status in uow.session.execute(
                select(SyncLink.kind, SyncLink.qbo_id, SyncLink.sync_token, SyncLink.status).where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.qbo_id.in_(ids[start : start + IDS_PER_QUERY]),
                )
            ):
                held.setdefault((kind, str(qbo_id)), []).append((token, status))
    kept: list[Change] = []
    dropped = 0
    for change in changes:
        marks = [
            m for kind in kinds.get(change.entity, ()) for m in held.get((kind, change.qbo_id), ())
        ]
        if change.found is None:
            ours = any(status == links.REMOVED for _, status in marks)
        else:
            ours = change.sync_token is not None and any(t == change.sync_token for t, _ in marks)
        if ours:
            dropped += 1
        else:
            kept.append(change)
    return kept, dropped


async def _hand_out(ctx: PassContext, importers: Sequence[Importer], changes: list[Change]) -> int:
    applied = 0
    for importer in importers:
        # Also with no changes of its own: an importer may have a Retry to do (a contact's).
        mine = [c for c in changes if c.entity in importer.entities]
        applied += await importer.take(ctx, mine)
    return applied


def _classes(names: Sequence[str]) -> list[type[Entity]]:
    out = []
    for name in names:
        cls = entity_class(name)
        if cls is None:
            raise ValueError(f"an importer wants {name!r}, which the client does not know")
        out.append(cls)
    return out


# ---- one pull -----------------------------------------------------------------------------


async def _company_time(ctx: PassContext, entity: str) -> dt.datetime:
    """The company's clock now, from an answer's time (ours if it gives none)."""
    doc = await ctx.qb.request(
        ctx.realm, "GET", "query", params={"query": f"SELECT COUNT(*) FROM {entity}"}
    )
    stamp = doc.get("time")
    if isinstance(stamp, str):
        try:
            parsed = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return utcnow()


async def _compare(
    ctx: PassContext, importers: Sequence[Importer], names: Sequence[str], report: PullReport
) -> dt.datetime:
    """Every importer compares what it cares about; the cursor then starts at the company's
    time read before the first comparison (what changes during it comes again next pull)."""
    at = await _company_time(ctx, names[0])
    for importer in importers:
        report.applied += await importer.compare_all(ctx)
    report.compared = True
    return at


async def pull(ctx: PassContext) -> PullReport:
    """One pull for the pass's company: changes since the cursor, to the enabled importers.
    A preview (`looking_only`) pulls nothing."""
    report = PullReport()
    if ctx.looking_only:
        return report
    started = utcnow()
    importers = enabled_importers(ctx)
    names = _entities(importers)
    if not names:
        # Nothing wants changes: forget the cursor, so an importer turned on later compares.
        _write_cursor(ctx, None, (), started=started)
        return report
    cursor = _read_cursor(ctx)
    since = cursor.at
    stale = (
        since is None
        or not set(names) <= cursor.entities
        or cursor.last_pull_at is None
        or started - cursor.last_pull_at > STALE
    )
    if stale:
        since = await _compare(ctx, importers, names, report)
        _write_cursor(ctx, since, names, started=started, changes=report.changes, compared=True)
        report.cursor_at = since
        return report
    assert since is not None
    classes = _classes(names)
    asked_from = since - OVERLAP
    while True:
        try:
            found, company_now = await ctx.qb.cdc_at(ctx.realm, classes, asked_from)
        except QuickBooksError as error:
            if isinstance(error, TransientError | ReconnectNeededError):
                raise
            if getattr(error, "code", "") != OUT_OF_RANGE:
                raise
            since = await _compare(ctx, importers, names, report)
            break
        rows = [row for group in found.values() for row in group]
        changes = [change_of(row) for row in rows]
        kept, dropped = own_writes(ctx, changes)
        report.own_writes += dropped
        report.changes += len(kept)
        report.applied += await _hand_out(ctx, importers, kept)
        if len(rows) < CAP:
            latest = max((c.changed_at for c in changes if c.changed_at), default=since)
            since = company_now or max(latest, since)
            break
        last = max((c.changed_at for c in changes if c.changed_at), default=None)
        step = last - dt.timedelta(seconds=1) if last is not None else None
        if step is None or step <= asked_from:
            since = await _compare(ctx, importers, names, report)
            break
        since = asked_from = step
        _write_cursor(ctx, since, names)  # what came before is applied
    _write_cursor(
        ctx, since, names, started=started, changes=report.changes, compared=report.compared
    )
    report.cursor_at = since
    return report


async def pull_firm(
    ledger: Ledger, firm_id: int, settings: Settings, *, app_url: str | None = None
) -> PullReport:
    """One pull now for the firm's company, outside a pass (never beside one: it takes the
    firm's pass lease). A firm not connected is reported, not raised."""
    async with pass_lease(ledger, firm_id), open_client(ledger, firm_id, settings, app_url) as qb:
        ctx = context.load(ledger, firm_id, qb)
        if isinstance(ctx, NotStarted):
            return PullReport(note=ctx.message)
        report = PullReport()
        try:
            with ctx.counting():
                report = await pull(ctx)
        except ReconnectNeededError as error:
            report.note = f"Reconnect needed: {error.message}"
            mark_reconnect_needed(ledger, firm_id, report.note)
        except TransientError as error:
            report.note = f"Stopped early, will continue on the next pull: {error}"
        report.requests = ctx.requests
        return report


@dataclass(frozen=True)
class InboundStatus:
    """What the firm's page says about changes coming back from QuickBooks."""

    webhooks_received: int
    last_webhook_at: dt.datetime | None
    last_pull_at: dt.datetime | None
    last_pull_changes: int
    last_compare_at: dt.datetime | None
    cursor_at: dt.datetime | None
    pull_wanted_since: dt.datetime | None

    @property
    def pulls_waiting(self) -> int:
        return 0 if self.pull_wanted_since is None else 1


def inbound_status(ledger: Ledger, firm_id: int) -> InboundStatus | None:
    """The change feed of the firm's active connection (None when it has none)."""
    with ledger.uow(firm_id) as uow:
        connection = uow.session.execute(
            select(QuickBooksConnection.id).where(QuickBooksConnection.active.is_(True))
        ).scalar_one_or_none()
        if connection is None:
            return None
        row = uow.session.execute(
            select(InboundCursor).where(InboundCursor.connection_id == connection)
        ).scalar_one_or_none()
        if row is None:
            return InboundStatus(0, None, None, 0, None, None, None)
        return InboundStatus(
            row.webhooks_received,
            row.last_webhook_at,
            row.last_pull_at,
            row.last_pull_changes,
            row.last_compare_at,
            row.cursor_at,
            row.pull_wanted_since,
        )
