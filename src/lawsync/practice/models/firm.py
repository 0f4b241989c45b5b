"""Firms, their users (timekeepers), API tokens and the audit trail."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.localization import DEFAULT_LOCALE, DEFAULT_TIME_ZONE, LOCALE_MAX, TIME_ZONE_MAX
from lawsync.practice.models.columns import Rate
from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped, utcnow


class Firm(Timestamped, Base):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    matter_number_pattern: Mapped[str] = mapped_column(String(60), default="{n:05d}")
    next_matter_number: Mapped[int] = mapped_column(Integer, default=1)
    # How the web app writes the firm's money and dates (a CLDR locale such as en_CA) and the
    # IANA time zone its times are shown in; see `lawsync.localization` for the defaults' reasons.
    locale: Mapped[str] = mapped_column(
        String(LOCALE_MAX), default=DEFAULT_LOCALE, server_default=DEFAULT_LOCALE
    )
    time_zone: Mapped[str] = mapped_column(
        String(TIME_ZONE_MAX), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    # The trust records' report set (`lawsync.reports.jurisdictions`: "us-aba", "ca-on"), and
    # what the exception report calls a dormant balance and an uncleared deposit.
    trust_rules: Mapped[str] = mapped_column(String(10), default="us-aba", server_default="us-aba")
    dormant_months: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    deposit_hold_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # After how many months a cheque the bank has not paid is listed as stale.
    stale_cheque_months: Mapped[int] = mapped_column(Integer, default=6, server_default="6")


class Role(enum.StrEnum):
    admin = "admin"
    member = "member"


class User(FirmOwned, Timestamped, Revisioned, Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("firm_id", "email", name="uq_users_firm_email"),
        # At most one primary subscriber per firm, enforced by the database itself.
        Index(
            "uq_users_primary_subscriber",
            "firm_id",
            unique=True,
            sqlite_where=text("is_primary_subscriber"),
            postgresql_where=text("is_primary_subscriber"),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    default_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    is_primary_subscriber: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiToken(FirmOwned, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Every token ends: at its expiry, or earlier when revoked (by hand, or with its user).
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AuditEvent(FirmOwned, Base):
    """Who changed what and when. Written in the same transaction as the change; never updated."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "firm_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(IdType)
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(String(500), default="")


class Credential(FirmOwned, Base):
    """A user's password for signing in to the web app: only its argon2id hash is kept."""

    __tablename__ = "user_credentials"

    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BrowserSession(FirmOwned, Base):
    """One signed-in browser. The cookie holds a random token; only its hash is stored, with
    the session's CSRF token. A session ends at its expiry, when idle too long, or at sign-out."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
