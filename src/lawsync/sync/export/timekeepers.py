"""Timekeepers → classes, when the firm tracks who did the work on its invoices' lines."""

from __future__ import annotations

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillLine, User
from lawsync.quickbooks import Class, Entity, sql
from lawsync.sync.export.base import Job, PassContext, Plan
from lawsync.sync.export.base_queries import dirty_ids
from lawsync.sync.export.customers import exportable_bill
from lawsync.sync.links import CREATING, links_for
from lawsync.sync.mapping import clean_name

KIND = "user"


def candidates(ctx: PassContext, session: Session, after_id: int) -> list[int]:
    if not (ctx.settings.export_bills and ctx.settings.track_timekeepers):
        return []
    billed = exists().where(
        BillLine.user_id == User.id, BillLine.bill_id == Bill.id, and_(*exportable_bill(ctx))
    )
    return dirty_ids(session, User, KIND, ctx.connection_id, wanted_new=billed, after_id=after_id)


def _finder(name: str):  # type: ignore[no-untyped-def]
    async def find(ctx: PassContext) -> Entity | None:
        rows = await ctx.qb.query(ctx.realm, Class, sql("Name = ?", name))
        ctx.requests += 1
        return rows[0] if rows else None

    return find


async def plan(ctx: PassContext, session: Session, ids: list[int]) -> Plan:
    out = Plan()
    users = session.execute(select(User).where(User.id.in_(ids))).scalars().all()
    links = links_for(session, ctx.connection_id, KIND, ids)
    for user in users:
        name = clean_name(user.name)[:100]
        link = links.get(user.id)
        if link is not None and link.qbo_id and link.status != CREATING:
            out.jobs.append(
                Job(
                    KIND,
                    user.id,
                    user.revision,
                    "update",
                    Class.model_validate(
                        {
                            "Id": link.qbo_id,
                            "SyncToken": link.sync_token,
                            "Name": name,
                            "sparse": True,
                        }
                    ),
                )
            )
        else:
            out.jobs.append(
                Job(
                    KIND,
                    user.id,
                    user.revision,
                    "create",
                    Class.model_validate({"Name": name}),
                    find=_finder(name),
                )
            )
    return out
