"""The declarative base, the column types and the mixins every lawsync table shares.

The practice ledger's tables and the sync engine's are declared on this one `Base`, so one
metadata (the one the migrations in `lawsync.migrations` compare against) holds them all.
Column types that only the ledger uses live with its models (`lawsync.practice.models.columns`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# An amount of money: the type every `Decimal` column gets unless it names another.
Money = Numeric(14, 2, asdecimal=True)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timestamps are stored and returned in UTC, with tzinfo, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        Decimal: Money,
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        str: String(255),
    }


class FirmOwned:
    """A row that belongs to one firm; sessions opened for a firm only ever see its rows.

    The `firms` table itself is the practice ledger's (`lawsync.practice.models.Firm`).
    """

    @declared_attr
    def firm_id(cls) -> Mapped[int]:
        return mapped_column(IdType, ForeignKey("firms.id", ondelete="CASCADE"), index=True)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Revisioned:
    """A revision bumped by every UPDATE of the row; the sync engine exports records that have one.

    A record is changed for the sync while its revision is above the one last pushed (the sync
    worker wakes on a commit that touched one).

    SQLAlchemy's version counter increments it in the same flush, and refuses a write made from a
    stale copy, so two concurrent edits cannot silently overwrite each other.
    """

    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.revision}  # type: ignore[attr-defined]
