"""Client funds (trust) accounts: the book of record for money held for clients.

Transactions are append-only. A mistake is corrected by a reversing transaction; the only field
that may be filled in later is a disbursement's cheque number, which moves no money, and the
mark that a transaction was reversed.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped, utcnow


class ClientFundsAccount(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "client_funds_accounts"
    __table_args__ = (UniqueConstraint("firm_id", "name", name="uq_client_funds_accounts_name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    account_number_last4: Mapped[str] = mapped_column(String(4), default="")
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TrustTxnKind(enum.StrEnum):
    deposit = "deposit"
    disbursement = "disbursement"
    payment_applied = "payment_applied"
    reversal = "reversal"
    # The two legs of a transfer (lawsync.practice.services.trust_transfers).
    transfer_out = "transfer_out"
    transfer_in = "transfer_in"


class DisbursementMethod(enum.StrEnum):
    cheque = "cheque"
    eft = "eft"


class ClientFundsTransaction(FirmOwned, Timestamped, Revisioned, Base):
    """One movement of a client's money; `amount` is signed (deposits positive)."""

    __tablename__ = "client_funds_transactions"
    __table_args__ = (
        Index("ix_cft_ledger", "account_id", "client_id", "matter_id", "date", "id"),
        Index("ix_cft_account_date", "account_id", "date", "id"),
        # Covers a month end's scans (the journal's sum, what is outstanding) within the firm.
        Index("ix_cft_reconcile", "account_id", "date", "firm_id", "amount", "kind", "reverses_id"),
        # One live cheque per number and account (lawsync.practice.cheque_numbers).
        Index(
            "uq_cft_cheque_number",
            "firm_id",
            "account_id",
            "cheque_number",
            unique=True,
            postgresql_where=text("cheque_number IS NOT NULL AND NOT reversed"),
            sqlite_where=text("cheque_number IS NOT NULL AND NOT reversed"),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    matter_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("matters.id"), default=None)
    kind: Mapped[TrustTxnKind] = mapped_column(Enum(TrustTxnKind, native_enum=False, length=20))
    date: Mapped[dt.date]
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    payee_name: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[DisbursementMethod | None] = mapped_column(
        Enum(DisbursementMethod, native_enum=False, length=10), default=None
    )
    cheque_number: Mapped[str | None] = mapped_column(String(20), default=None)
    payment_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("payments.id"), default=None, index=True
    )
    bill_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("bills.id"), default=None)
    reverses_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("client_funds_transactions.id"), default=None, unique=True
    )
    # Set once, by the reversal; a reversed cheque's number is free for the cheque that replaces it.
    reversed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)


class TransferScope(enum.StrEnum):
    """What a transfer moves between; the scope decides which rules apply (a reason between
    clients) and whether bank money moves (only between accounts)."""

    matters = "matters"  # one client, one account, from one matter (or none) to another
    clients = "clients"  # one account, from one client to another
    accounts = "accounts"  # from one trust account to another


class TrustTransfer(FirmOwned, Timestamped, Revisioned, Base):
    """A transfer between client ledgers or trust accounts: the journal's row, with its two legs
    posted as client funds transactions (`transfer_out` and `transfer_in`).

    Never changed after it is made, except for the mark that it was reversed (and why); its
    reversal posts a reversal of each leg.
    """

    __tablename__ = "trust_transfers"
    __table_args__ = (Index("ix_trust_transfers_date", "firm_id", "date", "id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    scope: Mapped[TransferScope] = mapped_column(Enum(TransferScope, native_enum=False, length=10))
    date: Mapped[dt.date]
    amount: Mapped[Decimal]
    from_account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    from_client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    from_matter_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("matters.id"), default=None
    )
    to_account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    to_client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    to_matter_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("matters.id"), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The legs: money out of the first ledger, into the second; their reversals, once reversed.
    out_txn_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("client_funds_transactions.id"), unique=True
    )
    in_txn_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("client_funds_transactions.id"), unique=True
    )
    reversed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reversal_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)


class ClientFundsBalance(FirmOwned, Base):
    """Running balance per (account, client, matter); matter 0 = money not held for a matter.

    Money moves with a balance-conditioned UPDATE (`... WHERE balance + delta >= 0`), so two
    concurrent withdrawals cannot both pass the check, on SQLite or PostgreSQL.
    """

    __tablename__ = "client_funds_balances"
    __table_args__ = (
        UniqueConstraint("account_id", "client_id", "matter_key", name="uq_cfb_bucket"),
        CheckConstraint("balance >= 0", name="never_negative"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    matter_key: Mapped[int] = mapped_column(IdType, default=0)
    balance: Mapped[Decimal] = mapped_column(default=Decimal("0"))


class TrustRefusal(FirmOwned, Base):
    """A movement the ledger refused because it would have taken a client's or a matter's
    trust balance below zero: kept for the exception report, which the rules want to show every
    attempted overdraft. Written in a transaction of its own, after the refused one rolled back;
    never updated."""

    __tablename__ = "trust_refusals"
    __table_args__ = (Index("ix_trust_refusals_account", "firm_id", "account_id", "date"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    matter_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("matters.id"), default=None)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date]
    amount: Mapped[Decimal]  # what was asked to leave the bucket (positive)
    held: Mapped[Decimal]  # what the bucket held at the time
    message: Mapped[str] = mapped_column(String(500), default="")
