"""Recorded payments → payments applied to their invoices, received into Undeposited Funds.

An edited payment is deleted and created again on the accounting side (a deposited one cannot
be, and the refusal, code 6540, becomes a failure with its fix); a deleted payment is deleted.
"""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Payment as PaymentRecord
from lawsync.practice.models import PaymentState
from lawsync.quickbooks import Entity, Payment, sql
from lawsync.sync import mapping
from lawsync.sync.export.base import Job, PassContext, Plan, Problem, copy_of
from lawsync.sync.export.base_queries import dirty_ids
from lawsync.sync.links import CREATING, links_for, qbo_ids

KIND = "payment"


def candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not ctx.settings.export_bills:
        return []
    start = ctx.settings.export_start_date
    since = [PaymentRecord.date >= start] if start is not None else []
    return dirty_ids(
        session,
        PaymentRecord,
        KIND,
        ctx.connection_id,
        after_id=after_id,
        wanted_new=and_(PaymentRecord.state == PaymentState.active, *since),
        settle_failures=PaymentRecord.state != PaymentState.active,
    )


def _finder(customer_id: str, payment_id: int):  # type: ignore[no-untyped-def]
    async def find(ctx: PassContext) -> Entity | None:
        rows = await ctx.qb.query(ctx.realm, Payment, sql("CustomerRef = ?", customer_id))
        ctx.requests += 1
        marker = mapping.marker(KIND, payment_id)
        return next((r for r in rows if r.PrivateNote == marker), None)

    return find


async def plan(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    out = Plan()
    rows = session.execute(select(PaymentRecord).where(PaymentRecord.id.in_(ids))).scalars().all()
    links = links_for(session, ctx.connection_id, KIND, ids)
    customers = qbo_ids(session, ctx.connection_id, "contact", {p.client_id for p in rows})
    invoices = qbo_ids(
        session, ctx.connection_id, "bill", {a.bill_id for p in rows for a in p.allocations}
    )
    for pay in rows:
        rev, link = pay.revision, links.get(pay.id)
        copy = link.qbo_id if link is not None and link.status != CREATING else None
        if copy:
            # Deleted, or edited: either way the copy goes; an edit is created again afterwards.
            out.jobs.append(
                Job(
                    KIND,
                    pay.id,
                    rev,
                    "delete",
                    copy_of(Payment, link),
                    recreate=pay.state == PaymentState.active,
                )
            )
            continue
        if pay.state != PaymentState.active:
            out.skip(KIND, pay.id)
            continue
        customer = customers.get(pay.client_id)
        missing = [a.bill_id for a in pay.allocations if a.bill_id not in invoices]
        if customer is None or missing:
            out.problems.append(
                (
                    KIND,
                    pay.id,
                    rev,
                    Problem("lawsync:waiting", "Waiting for the bills it pays to sync first."),
                )
            )
            continue
        if ctx.undeposited_account_id is None:
            out.fail(
                KIND,
                pay.id,
                rev,
                Problem(
                    "2020",
                    "Required parameter DepositToAccountRef is missing: the company has no "
                    "Undeposited Funds account.",
                    "DepositToAccountRef",
                ),
            )
            continue
        payload = mapping.payment(
            pay, customer, invoices, deposit_account_id=ctx.undeposited_account_id
        )
        out.jobs.append(
            Job(
                KIND,
                pay.id,
                rev,
                "create",
                Payment.model_validate(payload),
                find=_finder(customer, pay.id),
            )
        )
    return out
