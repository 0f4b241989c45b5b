"""What a firm bills for: activity and expense categories, time entries and expense entries."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.practice.models.columns import Quantity, Rate
from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped


class ActivityCategory(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "activity_categories"
    __table_args__ = (UniqueConstraint("firm_id", "name", name="uq_activity_categories_name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    default_rate: Mapped[Decimal | None] = mapped_column(Rate, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ExpenseCategory(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "expense_categories"
    __table_args__ = (UniqueConstraint("firm_id", "name", name="uq_expense_categories_name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    default_unit_price: Mapped[Decimal | None] = mapped_column(Rate, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CostType(enum.StrEnum):
    hard = "hard"
    soft = "soft"


class TimeEntry(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "time_entries"
    __table_args__ = (Index("ix_time_entries_unbilled", "firm_id", "matter_id", "bill_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id"))
    matter_id: Mapped[int] = mapped_column(IdType, ForeignKey("matters.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activity_categories.id"), default=None
    )
    date: Mapped[dt.date]
    hours: Mapped[Decimal] = mapped_column(Quantity)
    rate: Mapped[Decimal] = mapped_column(Rate)
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text, default="")
    bill_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("bills.id"), default=None, index=True
    )


class ExpenseEntry(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "expense_entries"
    __table_args__ = (Index("ix_expense_entries_unbilled", "firm_id", "matter_id", "bill_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id"))
    matter_id: Mapped[int] = mapped_column(IdType, ForeignKey("matters.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("expense_categories.id"), default=None
    )
    date: Mapped[dt.date]
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Rate)
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text, default="")
    cost_type: Mapped[CostType | None] = mapped_column(
        Enum(CostType, native_enum=False, length=10), default=None
    )
    # Where the entry came from: typed in here, or imported from an accounting system.
    source: Mapped[str] = mapped_column(String(30), default="manual")
    external_ref: Mapped[str | None] = mapped_column(String(100), default=None)
    # Who was paid for the cost (the vendor of an imported one); empty for one typed in here.
    payee: Mapped[str] = mapped_column(String(200), default="", server_default="")
    bill_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("bills.id"), default=None, index=True
    )
