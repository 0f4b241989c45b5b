"""Month-end three-way reconciliations of a trust account, and the months they close.

A reconciliation is prepared by one user, saving the three balances as they stood, and approved
by a different administrator; approval closes the month, after which no trust transaction of the
account may be dated in it. An administrator may reopen it with a reason: the row keeps who and
why, and a fresh reconciliation is prepared for the month.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped, UtcDateTime


class ReconciliationState(enum.StrEnum):
    prepared = "prepared"
    closed = "closed"  # approved: the month is locked
    reopened = "reopened"  # superseded; kept as it was, with who reopened it and why
    withdrawn = "withdrawn"  # a prepared one replaced by a fresh preparation before approval


class TrustReconciliation(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "trust_reconciliations"
    __table_args__ = (Index("ix_trust_reconciliations_month", "account_id", "month", "state"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    month: Mapped[dt.date]  # the first day of the month reconciled
    state: Mapped[ReconciliationState] = mapped_column(
        Enum(ReconciliationState, native_enum=False, length=10)
    )
    statement_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("bank_statements.id"), default=None
    )
    statement_balance: Mapped[Decimal]
    outstanding_cheques: Mapped[Decimal]  # negative or zero
    deposits_in_transit: Mapped[Decimal]  # positive or zero
    adjusted_bank_balance: Mapped[Decimal]
    journal_balance: Mapped[Decimal]
    client_ledgers_total: Mapped[Decimal]
    explanation: Mapped[str] = mapped_column(Text, default="")
    prepared_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"))
    prepared_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    reopened_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), default=None)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
