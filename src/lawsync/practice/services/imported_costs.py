"""Hard costs the firm paid through its accounting books, kept as expense entries.

The sync imports them, but the rules are the ledger's: an imported cost is an ordinary expense
entry (hard, when the firm bills hard and soft costs) on one open matter of the client, recorded
for the firm's primary subscriber, who can be changed afterwards like any entry's user. While it
is unbilled it follows its source; once on a bill it is the bill's, and is never changed here.
Each function works inside the caller's transaction, so the sync can record its link with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawsync.practice.billing import bounded_line_amount
from lawsync.practice.errors import RuleViolation
from lawsync.practice.models import (
    BillSettings,
    CostType,
    ExpenseEntry,
    Matter,
    MatterStatus,
    User,
)
from lawsync.practice.services.context import Actor, audit, diff, snapshot
from lawsync.practice.services.entries import EXPENSE_FIELDS, release_from_closed_bills

FIELDS = (*EXPENSE_FIELDS, "payee", "source", "external_ref")
SOURCE = "quickbooks"
DESCRIPTION_MAX = 4000
PAYEE_MAX = 200


@dataclass(frozen=True)
class Cost:
    """What the accounting side says one cost line is."""

    date: dt.date
    amount: Decimal
    description: str
    payee: str

    def differs_from(self, entry: ExpenseEntry) -> dict[str, tuple[str, str]]:
        """Each field where the entry no longer says what the source does: (entry, source)."""
        mine = {
            "date": entry.date.isoformat(),
            "amount": f"{Decimal(entry.amount):.2f}",
            "description": entry.description,
            "payee": entry.payee,
        }
        theirs = self.shown()
        return {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}

    def shown(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "amount": f"{self.amount:.2f}",
            "description": self.description[:DESCRIPTION_MAX],
            "payee": self.payee[:PAYEE_MAX],
        }


def open_matters(session: Session, client_id: int) -> list[Matter]:
    """The client's open matters, oldest first: where an imported cost may go."""
    return list(
        session.execute(
            select(Matter)
            .where(Matter.client_id == client_id, Matter.status == MatterStatus.open)
            .order_by(Matter.id)
        ).scalars()
    )


def primary_subscriber(session: Session) -> User | None:
    """The user an imported cost is recorded for: the primary subscriber, else the first
    active administrator."""
    found = session.execute(select(User).where(User.is_primary_subscriber.is_(True))).scalar()
    if found is not None and found.active:
        return found
    return session.execute(
        select(User).where(User.active.is_(True)).order_by(User.role, User.id).limit(1)
    ).scalar()


def record(session: Session, actor: Actor, matter: Matter, cost: Cost, ref: str) -> ExpenseEntry:
    """A new hard-cost entry on the matter for the cost; ``ref`` names its source line."""
    if matter.status == MatterStatus.closed:
        raise RuleViolation(
            f"Matter {matter.number} is closed; reopen it before recording work on it.",
            field="matter_id",
            code="matter_closed",
        )
    user = primary_subscriber(session)
    if user is None:
        raise RuleViolation("The firm has no active user to record the cost for.", code="no_user")
    hard = session.execute(select(BillSettings.hard_soft_costs_enabled)).scalar_one_or_none()
    shown = cost.shown()
    entry = ExpenseEntry(
        firm_id=actor.firm_id,
        user_id=user.id,
        matter_id=matter.id,
        date=cost.date,
        quantity=Decimal(1),
        unit_price=cost.amount,
        amount=bounded_line_amount(Decimal(1), cost.amount, field="amount"),
        description=shown["description"],
        payee=shown["payee"],
        cost_type=CostType.hard if hard else None,
        source=SOURCE,
        external_ref=ref,
    )
    session.add(entry)
    session.flush()
    audit(session, actor, "expense_entry", entry.id, "create", snapshot(entry, FIELDS))
    return entry


def revise(session: Session, actor: Actor, entry: ExpenseEntry, cost: Cost) -> bool:
    """Make an unbilled entry say what its source says now; whether anything changed."""
    if entry.bill_id is not None:
        raise RuleViolation(
            "This entry is on a bill; edit the bill's line or void the bill first.",
            code="entry_billed",
        )
    if not cost.differs_from(entry):
        return False
    before = snapshot(entry, FIELDS)
    shown = cost.shown()
    entry.date = cost.date
    entry.quantity = Decimal(1)
    entry.unit_price = cost.amount
    entry.amount = bounded_line_amount(Decimal(1), cost.amount, field="amount")
    entry.description = shown["description"]
    entry.payee = shown["payee"]
    session.flush()
    audit(
        session, actor, "expense_entry", entry.id, "update", diff(before, snapshot(entry, FIELDS))
    )
    return True


def remove(session: Session, actor: Actor, entry: ExpenseEntry, reason: str) -> None:
    """Delete an unbilled entry whose source is gone."""
    if entry.bill_id is not None:
        raise RuleViolation(
            "This entry is on a bill; edit the bill's line or void the bill first.",
            code="entry_billed",
        )
    released = release_from_closed_bills(session, ExpenseEntry, entry.id)
    record = {**snapshot(entry, FIELDS), "released_bill_lines": released}
    audit(session, actor, "expense_entry", entry.id, "delete", record, reason)
    session.delete(entry)
    session.flush()
