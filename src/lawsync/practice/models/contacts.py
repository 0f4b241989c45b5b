"""Contacts (people and companies) and the matters opened for them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped


class ContactKind(enum.StrEnum):
    person = "person"
    company = "company"


class Contact(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[ContactKind] = mapped_column(Enum(ContactKind, native_enum=False, length=20))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company_name: Mapped[str] = mapped_column(String(200), default="")
    display_name: Mapped[str] = mapped_column(String(300), index=True)
    web_address: Mapped[str] = mapped_column(String(1000), default="")
    street: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(30), default="")
    country: Mapped[str] = mapped_column(String(100), default="")

    emails: Mapped[list[ContactEmail]] = relationship(
        cascade="all, delete-orphan", order_by="ContactEmail.id", lazy="selectin"
    )
    phones: Mapped[list[ContactPhone]] = relationship(
        cascade="all, delete-orphan", order_by="ContactPhone.id", lazy="selectin"
    )

    @property
    def primary_email(self) -> str | None:
        return next((e.address for e in self.emails if e.is_primary), None)


class ContactEmail(FirmOwned, Base):
    __tablename__ = "contact_emails"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20), default="work")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class ContactPhone(FirmOwned, Base):
    __tablename__ = "contact_phones"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="work")


class MatterStatus(enum.StrEnum):
    open = "open"
    pending = "pending"
    closed = "closed"


class Matter(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("firm_id", "number", name="uq_matters_firm_number"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MatterStatus] = mapped_column(
        Enum(MatterStatus, native_enum=False, length=20), default=MatterStatus.open
    )
    open_date: Mapped[dt.date | None] = mapped_column(default=None)
    close_date: Mapped[dt.date | None] = mapped_column(default=None)
