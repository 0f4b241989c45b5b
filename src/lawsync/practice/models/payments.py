"""Payments received against bills, their allocations, and credit notes."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped


class PaymentMethod(enum.StrEnum):
    cash = "cash"
    cheque = "cheque"
    credit_card = "credit_card"
    eft = "eft"
    trust_transfer = "trust_transfer"
    other = "other"


class PaymentSource(enum.StrEnum):
    operating = "operating"
    client_funds = "client_funds"


class PaymentState(enum.StrEnum):
    active = "active"
    deleted = "deleted"


class Payment(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"), index=True)
    date: Mapped[dt.date]
    amount: Mapped[Decimal]
    method: Mapped[PaymentMethod] = mapped_column(Enum(PaymentMethod, native_enum=False, length=20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[PaymentSource] = mapped_column(
        Enum(PaymentSource, native_enum=False, length=20), default=PaymentSource.operating
    )
    client_funds_account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("client_funds_accounts.id"), default=None
    )
    matter_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("matters.id"), default=None)
    state: Mapped[PaymentState] = mapped_column(
        Enum(PaymentState, native_enum=False, length=10), default=PaymentState.active
    )

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        cascade="all, delete-orphan", order_by="PaymentAllocation.id", lazy="selectin"
    )


class PaymentAllocation(FirmOwned, Base):
    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    bill_id: Mapped[int] = mapped_column(IdType, ForeignKey("bills.id"), index=True)
    amount: Mapped[Decimal]


class CreditNoteState(enum.StrEnum):
    active = "active"
    void = "void"


class CreditNote(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "credit_notes"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    bill_id: Mapped[int] = mapped_column(IdType, ForeignKey("bills.id"), index=True)
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    number: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date]
    amount: Mapped[Decimal]
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CreditNoteState] = mapped_column(
        Enum(CreditNoteState, native_enum=False, length=10), default=CreditNoteState.active
    )
