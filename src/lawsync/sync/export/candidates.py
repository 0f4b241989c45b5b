"""Which records of a kind need a push: no copy yet, a newer revision, or an unknown outcome;
and which records the firm's settings export at all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillState
from lawsync.sync.context import PassContext
from lawsync.sync.kinds import Kind
from lawsync.sync.links import CREATING
from lawsync.sync.models import SyncFailure, SyncLink

LIVE_BILL_STATES = (BillState.approved, BillState.paid)  # a bill that is exported
PAGE = 200
# Made once: an alias proxies every column of its table, a cost a statement per pass repeats.
_LINK = SyncLink.__table__.alias("l")
_FAILURE = SyncFailure.__table__.alias("f")


def since(ctx: PassContext, column: Any) -> list[Any]:
    """Records dated on or after the firm's export start date (all, without one)."""
    start = ctx.settings.export_start_date
    return [column >= start] if start is not None else []


def exportable_bill(ctx: PassContext) -> list[Any]:
    """The one rule for a bill that is exported: approved or paid, issued since the start date."""
    return [Bill.state.in_(LIVE_BILL_STATES), *since(ctx, Bill.issue_date)]


def bill_numbers(session: Session, bill_ids: Iterable[int]) -> dict[int, str]:
    """The numbers of these bills (what interest charges and credit notes are named after)."""
    rows = session.execute(select(Bill.id, Bill.number).where(Bill.id.in_(set(bill_ids))))
    return {bill_id: number for bill_id, number in rows}


def dirty(
    model: Any,
    kind: Kind,
    connection_id: int,
    *,
    wanted_new: Any,
    settle_failures: Any = None,
) -> Select[Any]:
    """The ids of `model` rows whose accounting copy is out of date, unordered.

    `wanted_new` says which rows without a copy should get one; rows that have one follow their
    changes. A record whose failure is open at its current revision waits for a change or a
    Retry, so a permanent refusal is not resent on every pass. `settle_failures` says which
    rows without a copy want none (voided, deleted, withdrawn): they are returned while a
    failure of theirs is open, so the planner can close it, and while the outcome of a create
    sent for them is unknown, so the planner can remove the copy that create may have made.
    """
    link, failure = _LINK, _FAILURE
    has_copy = and_(link.c.id.is_not(None), link.c.qbo_id.is_not(None), link.c.status != CREATING)
    no_copy = or_(link.c.id.is_(None), link.c.qbo_id.is_(None), link.c.status == CREATING)
    behind = and_(has_copy, link.c.synced_revision < model.revision)
    open_failure = (
        failure.c.connection_id == connection_id,
        failure.c.kind == kind,
        failure.c.local_id == model.id,
        failure.c.resolved_at.is_(None),
    )
    parked = exists().where(
        *open_failure,
        failure.c.revision == model.revision,
        failure.c.retry_requested_at.is_(None),
    )
    wanted = or_(and_(no_copy, wanted_new), behind)
    if settle_failures is not None:
        # Gone since it failed (its failure is closed), or since a create was sent for it
        # whose answer was lost (the copy that create may have made is looked for, removed).
        unsettled = or_(exists().where(*open_failure), link.c.status == CREATING)
        wanted = or_(wanted, and_(no_copy, settle_failures, unsettled))
    on_link = and_(
        link.c.connection_id == connection_id, link.c.kind == kind, link.c.local_id == model.id
    )
    return select(model.id).outerjoin(link, on_link).where(wanted, ~parked)


def page(session: Session, ids: Select[Any], id_column: Any, after_id: int) -> list[int]:
    """The next page of these ids, ascending, after `after_id`."""
    stmt = ids.where(id_column > after_id).order_by(id_column).limit(PAGE)
    return list(session.execute(stmt).scalars())


def count(session: Session, ids: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(ids.subquery())).scalar_one())
