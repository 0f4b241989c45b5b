"""practice ledger

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:58:45.297639
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "firms",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("matter_number_pattern", sa.String(length=60), nullable=False),
        sa.Column("next_matter_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firms")),
    )
    op.create_table(
        "activity_categories",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("default_rate", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_activity_categories_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_categories")),
        sa.UniqueConstraint("firm_id", "name", name="uq_activity_categories_name"),
    )
    with op.batch_alter_table("activity_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_activity_categories_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "bill_settings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("primary_tax_name", sa.String(length=60), nullable=False),
        sa.Column("primary_tax_rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("primary_tax_on_time", sa.Boolean(), nullable=False),
        sa.Column("primary_tax_on_expenses", sa.Boolean(), nullable=False),
        sa.Column("secondary_tax_name", sa.String(length=60), nullable=False),
        sa.Column("secondary_tax_rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("secondary_tax_on_time", sa.Boolean(), nullable=False),
        sa.Column("secondary_tax_on_expenses", sa.Boolean(), nullable=False),
        sa.Column("hard_soft_costs_enabled", sa.Boolean(), nullable=False),
        sa.Column("next_bill_number", sa.Integer(), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_bill_settings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_settings")),
        sa.UniqueConstraint("firm_id", name="uq_bill_settings_firm"),
    )
    with op.batch_alter_table("bill_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_settings_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "client_funds_accounts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("account_number_last4", sa.String(length=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_client_funds_accounts_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_funds_accounts")),
        sa.UniqueConstraint("firm_id", "name", name="uq_client_funds_accounts_name"),
    )
    with op.batch_alter_table("client_funds_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_funds_accounts_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("person", "company", name="contactkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("web_address", sa.String(length=1000), nullable=False),
        sa.Column("street", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("postal_code", sa.String(length=30), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_contacts_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contacts_display_name"), ["display_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "expense_categories",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("default_unit_price", sa.Numeric(precision=14, scale=4), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_expense_categories_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_categories")),
        sa.UniqueConstraint("firm_id", "name", name="uq_expense_categories_name"),
    )
    with op.batch_alter_table("expense_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expense_categories_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "member", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("default_rate", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("is_primary_subscriber", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_users_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("firm_id", "email", name="uq_users_firm_email"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(
            "uq_users_primary_subscriber",
            ["firm_id"],
            unique=True,
            sqlite_where=sa.text("is_primary_subscriber"),
            postgresql_where=sa.text("is_primary_subscriber"),
        )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_api_tokens_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column(
            "entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_audit_events_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["firm_id", "entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "bills",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "approved",
                "paid",
                "void",
                "deleted",
                name="billstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "discount_kind",
            sa.Enum("none", "percent", "amount", name="discountkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("discount_value", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("primary_tax_name", sa.String(length=60), nullable=False),
        sa.Column("secondary_tax_name", sa.String(length=60), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("primary_tax_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("secondary_tax_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("discount_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("credited_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("balance", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_bills_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_bills_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("firm_id", "number", name="uq_bills_firm_number"),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bills_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bills_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bills_state"), ["state"], unique=False)

    op.create_table(
        "client_funds_balances",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "matter_key", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("balance", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_client_funds_balances_never_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_client_funds_balances_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_client_funds_balances_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_client_funds_balances_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_funds_balances")),
        sa.UniqueConstraint("account_id", "client_id", "matter_key", name="uq_cfb_bucket"),
    )
    with op.batch_alter_table("client_funds_balances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_funds_balances_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "contact_emails",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_emails_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_contact_emails_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_emails")),
    )
    with op.batch_alter_table("contact_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_emails_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_emails_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "contact_phones",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_phones_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_contact_phones_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_phones")),
    )
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_phones_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_phones_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "matters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "pending", "closed", name="matterstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_matters_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_matters_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
        sa.UniqueConstraint("firm_id", "number", name="uq_matters_firm_number"),
    )
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matters_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matters_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "bill_matters",
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["bills.id"],
            name=op.f("fk_bill_matters_bill_id_bills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_bill_matters_matter_id_matters")
        ),
        sa.PrimaryKeyConstraint("bill_id", "matter_id", name=op.f("pk_bill_matters")),
    )
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("active", "void", name="creditnotestate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_credit_notes_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_credit_notes_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_credit_notes_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_notes_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_notes_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "expense_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "cost_type",
            sa.Enum("hard", "soft", name="costtype", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_expense_entries_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["expense_categories.id"],
            name=op.f("fk_expense_entries_category_id_expense_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_expense_entries_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_expense_entries_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expense_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expense_entries")),
    )
    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expense_entries_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_expense_entries_matter_id"), ["matter_id"], unique=False
        )
        batch_op.create_index(
            "ix_expense_entries_unbilled", ["firm_id", "matter_id", "bill_id"], unique=False
        )

    op.create_table(
        "interest_charges",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("charged_on", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("basis", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "state",
            sa.Enum("active", "void", name="interestchargestate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_interest_charges_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_interest_charges_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_interest_charges_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_charges")),
    )
    with op.batch_alter_table("interest_charges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_charges_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interest_charges_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "cash",
                "cheque",
                "credit_card",
                "eft",
                "trust_transfer",
                "other",
                name="paymentmethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "operating", "client_funds", name="paymentsource", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "client_funds_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "state",
            sa.Enum("active", "deleted", name="paymentstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_funds_account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_payments_client_funds_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_payments_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_payments_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_payments_matter_id_matters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "time_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("rate", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_time_entries_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["activity_categories.id"],
            name=op.f("fk_time_entries_category_id_activity_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_time_entries_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_time_entries_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_time_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
    )
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_entries_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_time_entries_matter_id"), ["matter_id"], unique=False)
        batch_op.create_index(
            "ix_time_entries_unbilled", ["firm_id", "matter_id", "bill_id"], unique=False
        )

    op.create_table(
        "bill_lines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("time", "expense", name="linekind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "time_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "expense_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "activity_category_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "expense_category_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("primary_tax_rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("primary_tax", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("secondary_tax_rate", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("secondary_tax", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_lines_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["expense_entry_id"],
            ["expense_entries.id"],
            name=op.f("fk_bill_lines_expense_entry_id_expense_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_bill_lines_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_bill_lines_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["time_entry_id"],
            ["time_entries.id"],
            name=op.f("fk_bill_lines_time_entry_id_time_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bill_lines_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_lines")),
    )
    with op.batch_alter_table("bill_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bill_lines_expense_entry_id"), ["expense_entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bill_lines_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bill_lines_time_entry_id"), ["time_entry_id"], unique=False
        )

    op.create_table(
        "client_funds_transactions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("matter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "deposit",
                "disbursement",
                "payment_applied",
                "reversal",
                name="trusttxnkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("payee_name", sa.String(length=200), nullable=False),
        sa.Column(
            "method",
            sa.Enum("cheque", "eft", name="disbursementmethod", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("cheque_number", sa.String(length=20), nullable=True),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_client_funds_transactions_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_client_funds_transactions_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["contacts.id"],
            name=op.f("fk_client_funds_transactions_client_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_client_funds_transactions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_client_funds_transactions_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_client_funds_transactions_matter_id_matters"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_client_funds_transactions_payment_id_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["client_funds_transactions.id"],
            name=op.f("fk_client_funds_transactions_reverses_id_client_funds_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_funds_transactions")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_client_funds_transactions_reverses_id")),
    )
    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_cft_account_date", ["account_id", "date", "id"], unique=False)
        batch_op.create_index(
            "ix_cft_ledger", ["account_id", "client_id", "matter_id", "date", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_client_funds_transactions_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("bill_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_payment_allocations_bill_id_bills")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_payment_allocations_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_bill_id"), ["bill_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_firm_id"), ["firm_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_payment_id"), ["payment_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocations_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocations_firm_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocations_bill_id"))

    op.drop_table("payment_allocations")
    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_funds_transactions_firm_id"))
        batch_op.drop_index("ix_cft_ledger")
        batch_op.drop_index("ix_cft_account_date")

    op.drop_table("client_funds_transactions")
    with op.batch_alter_table("bill_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_lines_time_entry_id"))
        batch_op.drop_index(batch_op.f("ix_bill_lines_firm_id"))
        batch_op.drop_index(batch_op.f("ix_bill_lines_expense_entry_id"))

    op.drop_table("bill_lines")
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_unbilled")
        batch_op.drop_index(batch_op.f("ix_time_entries_matter_id"))
        batch_op.drop_index(batch_op.f("ix_time_entries_firm_id"))

    op.drop_table("time_entries")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_firm_id"))
        batch_op.drop_index(batch_op.f("ix_payments_client_id"))

    op.drop_table("payments")
    with op.batch_alter_table("interest_charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_charges_firm_id"))
        batch_op.drop_index(batch_op.f("ix_interest_charges_bill_id"))

    op.drop_table("interest_charges")
    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_expense_entries_unbilled")
        batch_op.drop_index(batch_op.f("ix_expense_entries_matter_id"))
        batch_op.drop_index(batch_op.f("ix_expense_entries_firm_id"))

    op.drop_table("expense_entries")
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_notes_firm_id"))
        batch_op.drop_index(batch_op.f("ix_credit_notes_bill_id"))

    op.drop_table("credit_notes")
    op.drop_table("bill_matters")
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matters_firm_id"))
        batch_op.drop_index(batch_op.f("ix_matters_client_id"))

    op.drop_table("matters")
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_phones_firm_id"))
        batch_op.drop_index(batch_op.f("ix_contact_phones_contact_id"))

    op.drop_table("contact_phones")
    with op.batch_alter_table("contact_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_emails_firm_id"))
        batch_op.drop_index(batch_op.f("ix_contact_emails_contact_id"))

    op.drop_table("contact_emails")
    with op.batch_alter_table("client_funds_balances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_funds_balances_firm_id"))

    op.drop_table("client_funds_balances")
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bills_state"))
        batch_op.drop_index(batch_op.f("ix_bills_firm_id"))
        batch_op.drop_index(batch_op.f("ix_bills_client_id"))

    op.drop_table("bills")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_firm_id"))
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_firm_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_users_primary_subscriber",
            sqlite_where=sa.text("is_primary_subscriber"),
            postgresql_where=sa.text("is_primary_subscriber"),
        )
        batch_op.drop_index(batch_op.f("ix_users_firm_id"))

    op.drop_table("users")
    with op.batch_alter_table("expense_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expense_categories_firm_id"))

    op.drop_table("expense_categories")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_firm_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_display_name"))

    op.drop_table("contacts")
    with op.batch_alter_table("client_funds_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_funds_accounts_firm_id"))

    op.drop_table("client_funds_accounts")
    with op.batch_alter_table("bill_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_settings_firm_id"))

    op.drop_table("bill_settings")
    with op.batch_alter_table("activity_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_categories_firm_id"))

    op.drop_table("activity_categories")
    op.drop_table("firms")
