"""The data of two trust records, as plain rows and totals for whatever renders them (a page,
CSV, PDF): the transfer journal and the three-way reconciliation. Nothing here formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lawsync.practice.models import (
    ClientFundsAccount,
    Contact,
    Matter,
    TrustReconciliation,
    TrustTransfer,
    User,
)
from lawsync.practice.services import trust_month_end
from lawsync.practice.services.context import Actor, Ledger, get
from lawsync.practice.services.trust_month_end import ThreeWay

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TransferRow:
    id: int
    date: dt.date
    scope: str
    amount: Decimal
    from_account: str
    from_client: str
    from_matter: str | None
    to_account: str
    to_client: str
    to_matter: str | None
    reason: str
    reversed: bool
    reversal_reason: str
    out_txn_id: int
    in_txn_id: int
    entered_by: str


@dataclass(frozen=True)
class TransferJournal:
    account_id: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    rows: list[TransferRow]

    @property
    def total(self) -> Decimal:
        """What the transfers listed moved, reversed ones left out."""
        return sum((r.amount for r in self.rows if not r.reversed), Decimal("0.00"))


def transfer_journal(
    ledger: Ledger,
    actor: Actor,
    account_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> TransferJournal:
    """Every transfer touching the account (or any account), by date, reversed ones marked."""
    t = TrustTransfer
    fa, ta = aliased(ClientFundsAccount), aliased(ClientFundsAccount)
    fc, tc = aliased(Contact), aliased(Contact)
    fm, tm = aliased(Matter), aliased(Matter)
    stmt = (
        select(
            t, fa.name, fc.display_name, fm.number, ta.name, tc.display_name, tm.number, User.name
        )
        .join(fa, fa.id == t.from_account_id)
        .join(ta, ta.id == t.to_account_id)
        .join(fc, fc.id == t.from_client_id)
        .join(tc, tc.id == t.to_client_id)
        .outerjoin(fm, fm.id == t.from_matter_id)
        .outerjoin(tm, tm.id == t.to_matter_id)
        .outerjoin(User, User.id == t.created_by_id)
        .order_by(t.date, t.id)
    )
    if account_id is not None:
        stmt = stmt.where((t.from_account_id == account_id) | (t.to_account_id == account_id))
    if date_from is not None:
        stmt = stmt.where(t.date >= date_from)
    if date_to is not None:
        stmt = stmt.where(t.date <= date_to)
    with ledger.uow(actor) as uow:
        if account_id is not None:
            get(uow.session, ClientFundsAccount, account_id, field="account_id")
        rows = [
            TransferRow(
                id=row.id,
                date=row.date,
                scope=row.scope.value,
                amount=Decimal(row.amount).quantize(CENT),
                from_account=f_acc,
                from_client=f_cl,
                from_matter=f_m,
                to_account=t_acc,
                to_client=t_cl,
                to_matter=t_m,
                reason=row.reason,
                reversed=row.reversed,
                reversal_reason=row.reversal_reason,
                out_txn_id=row.out_txn_id,
                in_txn_id=row.in_txn_id,
                entered_by=who or "",
            )
            for row, f_acc, f_cl, f_m, t_acc, t_cl, t_m, who in uow.session.execute(stmt)
        ]
    return TransferJournal(account_id, date_from, date_to, rows)


@dataclass(frozen=True)
class Signed:
    """Who prepared and who approved a saved reconciliation, and when."""

    reconciliation_id: int
    state: str
    prepared_by: str
    prepared_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    explanation: str


@dataclass(frozen=True)
class ThreeWayRecord:
    figures: ThreeWay
    signed: Signed | None  # the month's current reconciliation, if one was prepared


def three_way(
    ledger: Ledger, actor: Actor, account_id: int, month: str | dt.date
) -> ThreeWayRecord:
    """The month's three-way reconciliation. Once the month is closed, its figures are the ones
    approved (the books can no longer change in it), recomputed from the same statement."""
    first = trust_month_end.parse_month(month) if isinstance(month, str) else month.replace(day=1)
    prepared, approved = aliased(User), aliased(User)
    with ledger.uow(actor) as uow:
        s = uow.session
        found = s.execute(
            select(TrustReconciliation, prepared.name, approved.name)
            .outerjoin(prepared, prepared.id == TrustReconciliation.prepared_by_id)
            .outerjoin(approved, approved.id == TrustReconciliation.approved_by_id)
            .where(
                TrustReconciliation.account_id == account_id,
                TrustReconciliation.month == first,
                TrustReconciliation.state.in_(["prepared", "closed"]),
            )
            .order_by(TrustReconciliation.id.desc())
            .limit(1)
        ).first()
        rec = found[0] if found else None
        figures = trust_month_end.compute(s, account_id, first, rec.statement_id if rec else None)
        signed = (
            Signed(
                rec.id,
                rec.state.value,
                found[1] or "",
                rec.prepared_at,
                found[2],
                rec.approved_at,
                rec.explanation,
            )
            if rec is not None and found is not None
            else None
        )
        return ThreeWayRecord(figures, signed)
