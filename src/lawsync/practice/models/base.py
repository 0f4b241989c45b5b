"""Declarative base, column types and the mixins every practice table shares."""

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

Money = Numeric(14, 2, asdecimal=True)
Rate = Numeric(14, 4, asdecimal=True)
Quantity = Numeric(12, 4, asdecimal=True)
Percent = Numeric(7, 4, asdecimal=True)


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
    """A row that belongs to one firm; sessions opened for a firm only ever see its rows."""

    @declared_attr
    def firm_id(cls) -> Mapped[int]:
        return mapped_column(IdType, ForeignKey("firms.id", ondelete="CASCADE"), index=True)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Revisioned:
    """Records the sync exports carry a revision bumped by every UPDATE of their row.

    SQLAlchemy's version counter increments it in the same flush, and refuses a write made from a
    stale copy, so two concurrent edits cannot silently overwrite each other.
    """

    revision: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.revision}  # type: ignore[attr-defined]
