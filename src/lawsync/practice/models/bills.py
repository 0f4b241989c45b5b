"""Bill settings, bills, their lines and matters, and interest charges on overdue bills."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawsync.practice.errors import BillStateError
from lawsync.practice.models.columns import Percent, Quantity, Rate
from lawsync.practice.models.contacts import Matter
from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped


class BillSettings(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "bill_settings"
    __table_args__ = (UniqueConstraint("firm_id", name="uq_bill_settings_firm"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    primary_tax_name: Mapped[str] = mapped_column(String(60), default="")
    primary_tax_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    primary_tax_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    primary_tax_on_expenses: Mapped[bool] = mapped_column(Boolean, default=False)
    secondary_tax_name: Mapped[str] = mapped_column(String(60), default="")
    secondary_tax_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    secondary_tax_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    secondary_tax_on_expenses: Mapped[bool] = mapped_column(Boolean, default=False)
    hard_soft_costs_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    next_bill_number: Mapped[int] = mapped_column(Integer, default=1)
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)


class BillState(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    paid = "paid"
    void = "void"
    # An approved bill removed by the firm; kept as a tombstone so the sync can delete its copy.
    deleted = "deleted"


class DiscountKind(enum.StrEnum):
    none = "none"
    percent = "percent"
    amount = "amount"


bill_matters = Table(
    "bill_matters",
    Base.metadata,
    Column("bill_id", IdType, ForeignKey("bills.id", ondelete="CASCADE"), primary_key=True),
    Column("matter_id", IdType, ForeignKey("matters.id"), primary_key=True),
)


class Bill(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("firm_id", "number", name="uq_bills_firm_number"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    state: Mapped[BillState] = mapped_column(
        Enum(BillState, native_enum=False, length=20), default=BillState.draft, index=True
    )
    issue_date: Mapped[dt.date]
    due_date: Mapped[dt.date]
    period_from: Mapped[dt.date | None] = mapped_column(default=None)
    period_to: Mapped[dt.date | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3))
    discount_kind: Mapped[DiscountKind] = mapped_column(
        Enum(DiscountKind, native_enum=False, length=10), default=DiscountKind.none
    )
    discount_value: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    primary_tax_name: Mapped[str] = mapped_column(String(60), default="")
    secondary_tax_name: Mapped[str] = mapped_column(String(60), default="")
    subtotal: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    primary_tax_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    secondary_tax_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    discount_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    paid_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    credited_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    balance: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    memo: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    voided_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    lines: Mapped[list[BillLine]] = relationship(
        cascade="all, delete-orphan", order_by="BillLine.position", lazy="selectin"
    )
    matters: Mapped[list[Matter]] = relationship(
        secondary=bill_matters, order_by="Matter.number", lazy="selectin"
    )

    # ---- the bill's life: each move is `can_x()` (the refusal, or None) and `x()` ----------
    #
    #   draft --approve--> approved <--settle--> paid
    #     |                   |  \
    #   delete (gone)       void  delete (a `deleted` tombstone the sync removes)

    def _already_gone(self) -> BillStateError | None:
        if self.state in (BillState.void, BillState.deleted):
            return BillStateError(f"Bill {self.number} is already {self.state.value}.")
        return None

    def _has_money_applied(self) -> bool:
        return self.paid_total > 0 or self.credited_total > 0

    def can_approve(self, *, has_lines: bool | None = None) -> BillStateError | None:
        """`has_lines` spares loading the lines when the caller has asked the database."""
        if self.state != BillState.draft:
            return BillStateError(
                f"Bill {self.number} is {self.state.value}; only a draft can be approved."
            )
        if not (bool(self.lines) if has_lines is None else has_lines):
            return BillStateError(
                f"Bill {self.number} has no lines; add work to it before approving.",
                code="bill_empty",
            )
        if self.total < 0:
            return BillStateError(f"Bill {self.number} has a negative total.")
        return None

    def approve(self, at: dt.datetime, *, has_lines: bool | None = None) -> None:
        refusal = self.can_approve(has_lines=has_lines)
        if refusal:
            raise refusal
        self.state = BillState.approved if self.balance > 0 else BillState.paid
        self.approved_at = at

    def can_edit(self) -> BillStateError | None:
        if self.state in (BillState.void, BillState.deleted):
            return BillStateError(
                f"Bill {self.number} is {self.state.value} and can no longer be changed.",
                code="bill_not_editable",
            )
        return None

    def can_void(self) -> BillStateError | None:
        if gone := self._already_gone():
            return gone
        if self.state == BillState.draft:
            return BillStateError(
                f"Bill {self.number} is a draft; delete it instead of voiding it."
            )
        if self._has_money_applied():
            return BillStateError(
                f"Bill {self.number} has payments or credit notes applied; delete or move them "
                "before voiding the bill."
            )
        return None

    def void(self, at: dt.datetime) -> None:
        refusal = self.can_void()
        if refusal:
            raise refusal
        self.state = BillState.void
        self.voided_at = at
        self.balance = Decimal("0.00")

    def can_delete(self) -> BillStateError | None:
        if gone := self._already_gone():
            return gone
        if self._has_money_applied():
            return BillStateError(
                f"Bill {self.number} has payments or credit notes applied; remove them first."
            )
        return None

    def delete(self) -> bool:
        """True for a draft, which is removed outright; any other bill becomes a tombstone."""
        refusal = self.can_delete()
        if refusal:
            raise refusal
        if self.state == BillState.draft:
            return True
        self.state = BillState.deleted
        self.balance = Decimal("0.00")
        return False

    def settle(self) -> None:
        """After its balance changed: an approved bill with nothing owing is paid, and back."""
        if self.state in (BillState.approved, BillState.paid):
            self.state = BillState.paid if self.balance == 0 else BillState.approved


class LineKind(enum.StrEnum):
    time = "time"
    expense = "expense"


class BillLine(FirmOwned, Base):
    """A frozen copy of one entry as billed, with its taxes computed and rounded at the line."""

    __tablename__ = "bill_lines"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    bill_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("bills.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(Enum(LineKind, native_enum=False, length=10))
    matter_id: Mapped[int] = mapped_column(IdType, ForeignKey("matters.id"))
    time_entry_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("time_entries.id"), default=None, index=True
    )
    expense_entry_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("expense_entries.id"), default=None, index=True
    )
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    activity_category_id: Mapped[int | None] = mapped_column(IdType, default=None)
    expense_category_id: Mapped[int | None] = mapped_column(IdType, default=None)
    date: Mapped[dt.date]
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    price: Mapped[Decimal] = mapped_column(Rate)
    amount: Mapped[Decimal]
    primary_tax_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    primary_tax: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    secondary_tax_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    secondary_tax: Mapped[Decimal] = mapped_column(default=Decimal("0"))


class InterestChargeState(enum.StrEnum):
    active = "active"
    void = "void"


class InterestCharge(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "interest_charges"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    bill_id: Mapped[int] = mapped_column(IdType, ForeignKey("bills.id"), index=True)
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    number: Mapped[str] = mapped_column(String(40))
    charged_on: Mapped[dt.date]
    rate: Mapped[Decimal] = mapped_column(Percent)
    basis: Mapped[Decimal]
    amount: Mapped[Decimal]
    state: Mapped[InterestChargeState] = mapped_column(
        Enum(InterestChargeState, native_enum=False, length=10),
        default=InterestChargeState.active,
    )
    note: Mapped[str] = mapped_column(Text, default="")
