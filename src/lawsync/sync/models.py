"""What the engine remembers: the connection, its settings and mappings, links and failures.

A link per (connection, kind, local id) holds the accounting-side id and SyncToken and the
revision last pushed; a record is dirty while its revision is above `synced_revision`. Links
belong to one connection, so reconnecting to the same company resumes with them, while a
different company starts a fresh set and the old one stays, inactive, for reference.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from lawsync.storage import Base, FirmOwned, IdType, Revisioned, Timestamped, utcnow


class ConnectionStatus(enum.StrEnum):
    connected = "connected"
    reconnect_needed = "reconnect_needed"
    disconnected = "disconnected"


class QuickBooksConnection(FirmOwned, Timestamped, Base):
    __tablename__ = "qbo_connections"
    __table_args__ = (Index("ix_qbo_connections_realm", "firm_id", "realm_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    realm_id: Mapped[str] = mapped_column(String(40))
    company_name: Mapped[str] = mapped_column(String(200), default="")
    edition: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="US")
    home_currency: Mapped[str] = mapped_column(String(3), default="USD")
    multicurrency: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ConnectionStatus] = mapped_column(
        Enum(ConnectionStatus, native_enum=False, length=20), default=ConnectionStatus.connected
    )
    # The one connection the firm syncs with; earlier ones keep their links, inactive.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    tokens: Mapped[str] = mapped_column(Text, default="")  # encrypted token set
    status_note: Mapped[str] = mapped_column(Text, default="")
    connected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disconnected_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AuthorizationAttempt(FirmOwned, Base):
    """A pending connect: the `state` sent to the authorize page and checked on return."""

    __tablename__ = "qbo_authorization_attempts"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    state: Mapped[str] = mapped_column(String(80), unique=True)
    user_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("users.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The connecting administrator agrees to share the company if another firm has it.
    share_company: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TaxOptionSetting(enum.StrEnum):
    separate_lines = "separate_lines"
    aggregated = "aggregated"
    tax_codes = "tax_codes"


class NameClashPolicy(enum.StrEnum):
    """What to do when a customer's name is taken on the accounting side."""

    fail = "fail"  # record a failure and let the firm decide
    link = "link"  # link to the existing customer of that name
    suffix = "suffix"  # create the customer with a distinguishing suffix


class SyncSettings(FirmOwned, Timestamped, Base):
    __tablename__ = "sync_settings"
    __table_args__ = (UniqueConstraint("firm_id", name="uq_sync_settings_firm"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    export_bills: Mapped[bool] = mapped_column(Boolean, default=False)
    export_start_date: Mapped[dt.date | None] = mapped_column(default=None)
    bill_prefix: Mapped[str] = mapped_column(String(20), default="")
    tax_option: Mapped[TaxOptionSetting] = mapped_column(
        Enum(TaxOptionSetting, native_enum=False, length=20),
        default=TaxOptionSetting.separate_lines,
    )
    tax_codes_since: Mapped[dt.datetime | None] = mapped_column(default=None)
    track_timekeepers: Mapped[bool] = mapped_column(Boolean, default=False)
    name_clash: Mapped[NameClashPolicy] = mapped_column(
        Enum(NameClashPolicy, native_enum=False, length=10), default=NameClashPolicy.fail
    )
    reactivate_archived_customers: Mapped[bool] = mapped_column(Boolean, default=False)
    # Also send single requests with the part of the company's limits batches leave unused:
    # a catch-up about a third faster, at ~0.3 requests per record instead of ~0.04.
    fast_catch_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # An administrator lets other lawsync firms connect to this firm's QuickBooks company too.
    share_company: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Client funds: journal entries (and cheques to print) for trust transactions since a date.
    export_client_funds: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    client_funds_start_date: Mapped[dt.date | None] = mapped_column(default=None)
    cheque_printing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    journal_prefix: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # One sub-account of the trust liability account per client, so QuickBooks shows each
    # client's balance on its own.
    trust_subledgers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ClientFundsMapping(FirmOwned, Base):
    """Which bank account and which liability account of the company a trust account posts to."""

    __tablename__ = "sync_client_funds_accounts"
    __table_args__ = (
        UniqueConstraint("connection_id", "account_id", name="uq_sync_client_funds_account"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    bank_account: Mapped[str] = mapped_column(String(40))
    liability_account: Mapped[str] = mapped_column(String(40))


class ClientFundsOpening(FirmOwned, Revisioned, Base):
    """What a client held in a trust account before the client funds start date: posted once as
    an opening journal entry dated the start date, kept current by each pass."""

    __tablename__ = "sync_client_funds_openings"
    __table_args__ = (
        UniqueConstraint(
            "connection_id", "account_id", "client_id", name="uq_sync_client_funds_opening"
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("client_funds_accounts.id"))
    client_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id"))
    as_of: Mapped[dt.date]
    amount: Mapped[Decimal]


class ItemMapping(FirmOwned, Base):
    """Which product or service a category (or a tax, interest, credits) is sent as."""

    __tablename__ = "sync_item_mappings"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "category_id", name="uq_sync_item_mapping"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    kind: Mapped[str] = mapped_column(String(30))  # activity, expense, tax1, tax2, interest, credit
    category_id: Mapped[int] = mapped_column(IdType, default=0)  # 0 for the non-category kinds
    item_id: Mapped[str] = mapped_column(String(40))


class SyncLink(FirmOwned, Base):
    __tablename__ = "sync_links"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "local_id", name="uq_sync_link"),
        Index("ix_sync_links_qbo", "connection_id", "kind", "qbo_id"),
        # A record's link under the session's firm scoping: without it SQLite reads every link
        # of the firm through the firm_id index for each look-up (migration 0013).
        Index("ix_sync_links_record", "firm_id", "connection_id", "kind", "local_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    kind: Mapped[str] = mapped_column(String(40))
    local_id: Mapped[int] = mapped_column(IdType)
    qbo_id: Mapped[str | None] = mapped_column(String(40), default=None)
    sync_token: Mapped[str | None] = mapped_column(String(20), default=None)
    synced_revision: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    synced_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class SyncFailure(FirmOwned, Base):
    """A record that could not be synced, with the accounting side's code and message."""

    __tablename__ = "sync_failures"
    __table_args__ = (
        Index("ix_sync_failures_open", "firm_id", "resolved_at"),
        Index("ix_sync_failures_record", "connection_id", "kind", "local_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    kind: Mapped[str] = mapped_column(String(40))
    local_id: Mapped[int] = mapped_column(IdType)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40))
    element: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    intuit_tid: Mapped[str] = mapped_column(String(100), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    retry_requested_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PassLease(FirmOwned, Base):
    """Who runs the firm's sync pass now, until when: one pass per firm across processes."""

    __tablename__ = "sync_pass_leases"
    __table_args__ = (UniqueConstraint("firm_id", name="uq_sync_pass_lease_firm"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SyncEvent(FirmOwned, Base):
    """One answer the accounting side gave about one record: what was sent, and what came back
    (the copy's id, or the refusal with its code and QuickBooks' request id). Never updated."""

    __tablename__ = "sync_events"
    __table_args__ = (Index("ix_sync_events_record", "connection_id", "kind", "local_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(IdType, ForeignKey("qbo_connections.id"))
    kind: Mapped[str] = mapped_column(String(40))
    local_id: Mapped[int] = mapped_column(IdType)
    revision: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(20))  # create, update, delete, void, link
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))  # done, refused, left (transient)
    qbo_id: Mapped[str | None] = mapped_column(String(40), default=None)
    code: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    intuit_tid: Mapped[str] = mapped_column(String(100), default="")
    sent: Mapped[dict[str, Any]] = mapped_column(default=dict)


class QuickBooksComparison(FirmOwned, Base):
    """The last comparison of one subject (a trust account, or the invoices) between the ledger
    and the company, made after every pass; the dashboard shows it. `figures` holds the sums
    compared and how many clients or bills differ (`lawsync.sync.trust_drift`)."""

    __tablename__ = "sync_quickbooks_comparisons"
    __table_args__ = (
        UniqueConstraint("connection_id", "subject", name="uq_sync_quickbooks_comparison"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("qbo_connections.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    agrees: Mapped[bool] = mapped_column(Boolean, default=True)
    differences: Mapped[int] = mapped_column(Integer, default=0)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
