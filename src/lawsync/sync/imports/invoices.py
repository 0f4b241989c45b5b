"""Invoices changed in QuickBooks: lawsync keeps its bills, and says so when the amounts differ.

lawsync is the book of record for bills. When someone changes the lines or the total of an
invoice lawsync sent (a price, a quantity, a line added or removed), nothing in the ledger moves:
the change becomes a failure showing both versions, line by line with their totals, and offering
to push the ledger's version again (`push_again`: the bill is sent once more and replaces the
invoice's lines). Other changes (a payment applied, the invoice emailed, a memo) are not about
amounts and change nothing.

The invoice is compared with what lawsync last sent for the bill (its sync history) and with the
bill's total, so lawsync's own updates coming back never differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.errors import RuleViolation
from lawsync.practice.models import Bill, BillLine
from lawsync.practice.services.context import Actor, Ledger, audit, get
from lawsync.quickbooks import Entity, Invoice, sql
from lawsync.storage import utcnow
from lawsync.sync import links
from lawsync.sync.context import QUIET, PassContext
from lawsync.sync.export.candidates import LIVE_BILL_STATES
from lawsync.sync.imports import reasons
from lawsync.sync.imports.skeleton import Change
from lawsync.sync.kinds import Kind
from lawsync.sync.models import SyncEvent, SyncFailure, SyncLink
from lawsync.sync.settings import active_connection

CHANGED = "lawsync:invoice-amounts-changed"
SKIPPED_DETAILS = ("SubTotalLineDetail",)
PAGE = 500


def _amounts(lines: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(detail type, amount) of each line that carries money, in a stable order."""
    return sorted(
        (str(ln.get("DetailType") or ""), f"{Decimal(str(ln.get('Amount') or 0)):.2f}")
        for ln in lines
        if ln.get("DetailType") not in SKIPPED_DETAILS
    )


def _shown_lines(lines: Sequence[Any]) -> list[dict[str, str]]:
    out = []
    for line in lines:
        if getattr(line, "DetailType", "") in SKIPPED_DETAILS:
            continue
        out.append(
            {
                "description": str(getattr(line, "Description", "") or ""),
                "amount": f"{Decimal(str(getattr(line, 'Amount', 0) or 0)):.2f}",
            }
        )
    return out


class InvoiceChanges:
    """The importer of changes to invoices lawsync sent (see the module's docstring)."""

    kind = Kind.BILL
    entities: tuple[str, ...] = ("Invoice",)

    def enabled(self, ctx: PassContext) -> bool:
        return bool(ctx.settings.export_bills)

    async def take(self, ctx: PassContext, changes: Sequence[Change]) -> int:
        seen: set[str] = set()
        for change in changes:
            if change.entity in self.entities:
                seen.add(change.qbo_id)
                self.apply(ctx, change.qbo_id, change.found)
        # Every open one is looked at again: a bill edited or pushed again since may match now.
        wanted = [
            q
            for _, _, q in reasons.retried(ctx, (Kind.INVOICE_CHANGE,), every_open=True)
            if q not in seen
        ]
        for start in range(0, len(wanted), PAGE):
            chunk = wanted[start : start + PAGE]
            rows = await ctx.qb.query(
                ctx.realm, Invoice, f"Id IN ({', '.join(sql('?', i) for i in chunk)})"
            )
            found = {str(r.Id): r for r in rows}
            for qbo_id in chunk:
                self.apply(ctx, qbo_id, found.get(qbo_id))
        return 0  # the ledger never changes here

    async def compare_all(self, ctx: PassContext) -> int:
        with ctx.ledger.uow(ctx.firm_id) as uow:
            ids = [
                str(q)
                for q in uow.session.execute(
                    select(SyncLink.qbo_id).where(
                        SyncLink.connection_id == ctx.connection_id,
                        SyncLink.kind == Kind.BILL,
                        SyncLink.qbo_id.is_not(None),
                        SyncLink.status == links.SYNCED,
                    )
                ).scalars()
            ]
        changes = []
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            rows = await ctx.qb.query(
                ctx.realm, Invoice, f"Id IN ({', '.join(sql('?', i) for i in chunk)})"
            )
            found = {str(r.Id): r for r in rows}
            changes += [Change("Invoice", q, found.get(q), None, None) for q in chunk]
        return await self.take(ctx, changes)

    def apply(self, ctx: PassContext, qbo_id: str, found: Entity | None) -> None:
        with ctx.ledger.uow(ctx.firm_id) as uow:
            s = uow.session
            s.info[QUIET] = True
            link = s.execute(
                select(SyncLink).where(
                    SyncLink.connection_id == ctx.connection_id,
                    SyncLink.kind == Kind.BILL,
                    SyncLink.qbo_id == qbo_id,
                    SyncLink.status == links.SYNCED,
                )
            ).scalar()
            if link is None:
                return  # not a bill lawsync sent (or one it removed on purpose)
            bill = s.execute(select(Bill).where(Bill.id == link.local_id)).scalar_one_or_none()
            if bill is None:
                return
            _compare(s, ctx, bill, link, found)
            uow.commit()


def _last_sent(s: Session, ctx: PassContext, bill_id: int) -> list[Any] | None:
    """The lines lawsync last sent for the bill, as its sync history keeps them."""
    row = s.execute(
        select(SyncEvent.sent)
        .where(
            SyncEvent.connection_id == ctx.connection_id,
            SyncEvent.kind == Kind.BILL,
            SyncEvent.local_id == bill_id,
            SyncEvent.op.in_(("create", "update")),
            SyncEvent.outcome == "done",
        )
        .order_by(SyncEvent.id.desc())
        .limit(1)
    ).scalar()
    if not row or "Line" not in row:
        return None
    return list(row["Line"])


def _ledger_version(s: Session, bill: Bill) -> dict[str, Any]:
    lines = s.execute(
        select(BillLine).where(BillLine.bill_id == bill.id).order_by(BillLine.position)
    ).scalars()
    taxes = Decimal(bill.primary_tax_total) + Decimal(bill.secondary_tax_total)
    return {
        "lines": [{"description": ln.description, "amount": f"{ln.amount:.2f}"} for ln in lines],
        "taxes": f"{taxes:.2f}",
        "total": f"{Decimal(bill.total):.2f}",
    }


def _compare(
    s: Session, ctx: PassContext, bill: Bill, link: SyncLink, found: Entity | None
) -> None:
    if found is None or bill.state not in LIVE_BILL_STATES:
        # Deleted there (the Bills exporter meets it, 610, when the bill next changes), or a
        # bill no longer sent (void, deleted): nothing to compare.
        reasons.resolve(s, ctx.connection_id, Kind.INVOICE_CHANGE, bill.id)
        return
    sent = _last_sent(s, ctx, bill.id)
    lines = list(getattr(found, "Line", None) or [])
    total = Decimal(str(getattr(found, "TotalAmt", None) or 0))
    differs = total != Decimal(bill.total) or (
        sent is not None and _amounts(sent) != _amounts([ln.model_dump() for ln in lines])
    )
    if not differs:
        reasons.resolve(s, ctx.connection_id, Kind.INVOICE_CHANGE, bill.id)
        return
    reasons.fail(
        s,
        ctx,
        Kind.INVOICE_CHANGE,
        bill.id,
        CHANGED,
        f"The amounts of bill {bill.number}'s invoice were changed in QuickBooks: it totals "
        f"{total:.2f} there and {Decimal(bill.total):.2f} in lawsync, which keeps the bill.",
        {
            "qbo_id": link.qbo_id,
            "sync_token": found.SyncToken,
            "bill_number": bill.number,
            "ledger": _ledger_version(s, bill),
            "quickbooks": {"lines": _shown_lines(lines), "total": f"{total:.2f}"},
        },
        revision=bill.revision,
    )


def push_again(ledger: Ledger, actor: Actor, failure_id: int) -> SyncFailure:
    """Send the bill as the ledger has it over the changed invoice: the next pass updates it,
    and the failure closes."""
    actor.require_admin("push a bill to QuickBooks again")
    with ledger.uow(actor) as uow:
        s = uow.session
        row = get(s, SyncFailure, failure_id)
        if row.resolved_at is not None or row.code != CHANGED:
            raise RuleViolation(
                "This failure is not about an invoice changed in QuickBooks (or is resolved).",
                code="nothing_to_push",
            )
        connection = active_connection(s)
        if connection is None or connection.id != row.connection_id:
            raise RuleViolation(
                "This failure belongs to a QuickBooks company that is no longer connected.",
                code="not_connected",
            )
        link = links.ensure(s, actor.firm_id, row.connection_id, Kind.BILL, row.local_id)
        link.sync_token = str(row.context.get("sync_token") or link.sync_token or "")
        # A new revision of the bill: the next pass sends it, under a request id of its own
        # (QuickBooks answers a repeated one with its first answer).
        bill = get(s, Bill, row.local_id)
        bill.updated_at = utcnow()
        now = utcnow()
        row.retry_requested_at = now  # wakes the worker
        row.resolved_at = now
        audit(s, actor, "bill", row.local_id, "push_again", {"failure": row.id})
        uow.commit()
        return row
