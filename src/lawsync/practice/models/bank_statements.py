"""Trust bank statements: what the bank says an account held, and the lines that moved it.

A statement is entered by hand (its closing balance and date only) or imported from a CSV or OFX
file with its lines. A line is matched to the trust transaction it is the bank's side of; what is
left unmatched in the books at a month's end is outstanding (cheques not yet cashed, deposits in
transit). Matching moves no money, so it may be undone; statements themselves are kept as
received.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped


class StatementSource(enum.StrEnum):
    entered = "entered"
    csv = "csv"
    ofx = "ofx"


class BankStatement(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "bank_statements"
    __table_args__ = (Index("ix_bank_statements_account_date", "account_id", "statement_date"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    statement_date: Mapped[dt.date]
    closing_balance: Mapped[Decimal]
    source: Mapped[StatementSource] = mapped_column(
        Enum(StatementSource, native_enum=False, length=10)
    )
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)


class BankStatementLine(FirmOwned, Base):
    """One movement on a statement; `amount` is signed (money into the account positive)."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        Index(
            "ix_bank_statement_lines_account_date",
            "account_id",
            "date",
            "matched_txn_id",
            "firm_id",
        ),
        # Whether a transaction had cleared by a date, answered from the index alone.
        Index("ix_bank_statement_lines_cleared", "matched_txn_id", "date", "firm_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    statement_id: Mapped[int] = mapped_column(IdType, ForeignKey("bank_statements.id"), index=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    date: Mapped[dt.date]
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text, default="")
    cheque_number: Mapped[str | None] = mapped_column(String(20), default=None)
    bank_reference: Mapped[str] = mapped_column(String(255), default="")
    # The trust transaction this line is the bank's side of; one line per transaction.
    matched_txn_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("client_funds_transactions.id"), default=None, unique=True
    )
