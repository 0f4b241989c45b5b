"""A trust account's closed months: once a month's three-way reconciliation is approved, nothing
may be dated in it any more, whichever way it comes in (a form, the API, an import, a reversal).

The guard runs inside the transaction that posts: it takes a shared lock on the account's row
(PostgreSQL) that approval takes exclusively, so a posting and the closing of its month cannot
interleave; SQLite writers are serialised already.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.errors import RuleViolation
from lawsync.practice.models import ClientFundsAccount, ReconciliationState, TrustReconciliation


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def is_closed(session: Session, account_id: int, day: dt.date) -> bool:
    return (
        session.execute(
            select(TrustReconciliation.id).where(
                TrustReconciliation.account_id == account_id,
                TrustReconciliation.month == month_start(day),
                TrustReconciliation.state == ReconciliationState.closed,
            )
        ).first()
        is not None
    )


def lock_account(session: Session, account_id: int, *, exclusive: bool) -> None:
    """Hold the account's row: shared while posting, exclusive while closing or reopening."""
    session.execute(
        select(ClientFundsAccount.id)
        .where(ClientFundsAccount.id == account_id)
        .with_for_update(read=not exclusive)
    )


def refuse_closed(session: Session, account_id: int, day: dt.date, *, field: str = "date") -> None:
    """Refuse anything dated in a closed month of the account, saying where it may go instead."""
    lock_account(session, account_id, exclusive=False)
    if is_closed(session, account_id, day):
        raise RuleViolation(
            f"Refused: {month_start(day):%B %Y} is closed for this trust account (its "
            "reconciliation was approved), so nothing may be dated in it. Date the entry in an "
            "open month; a correction of a closed month goes in the open month.",
            field=field,
            code="month_closed",
        )
