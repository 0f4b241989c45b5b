"""trust ledger: transfers between client ledgers and accounts, bank statements and their lines,
month-end three-way reconciliations that close a month

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:00:00.000000

New tables only: the legs of a transfer are ordinary client funds transactions (two new kinds in
a column that already takes any short string), so no existing table changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=14, scale=2)
WHEN = sa.DateTime(timezone=True)


def _id(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, ID, nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _owned(table: str, *columns: sa.Column[Any], timestamps: bool = True) -> list[Any]:
    """The columns every firm-owned table has, around its own."""
    common: list[Any] = [sa.Column("id", ID, nullable=False), *columns]
    if timestamps:
        common += [
            sa.Column("created_at", WHEN, nullable=False),
            sa.Column("updated_at", WHEN, nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
        ]
    common += [
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f(f"fk_{table}_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]
    return common


def _firm_index(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_firm_id"), table, ["firm_id"], unique=False)


def upgrade() -> None:
    t = "trust_transfers"
    op.create_table(
        t,
        *_owned(
            t,
            sa.Column(
                "scope",
                sa.Enum(
                    "matters",
                    "clients",
                    "accounts",
                    name="transferscope",
                    native_enum=False,
                    length=10,
                ),
                nullable=False,
            ),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("amount", MONEY, nullable=False),
            _id("from_account_id"),
            _id("from_client_id"),
            _id("from_matter_id", True),
            _id("to_account_id"),
            _id("to_client_id"),
            _id("to_matter_id", True),
            sa.Column("reason", sa.Text(), nullable=False),
            _id("out_txn_id"),
            _id("in_txn_id"),
            sa.Column("reversed", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("reversal_reason", sa.Text(), nullable=False),
            _id("created_by_id", True),
        ),
        _fk(t, "from_account_id", "client_funds_accounts"),
        _fk(t, "from_client_id", "contacts"),
        _fk(t, "from_matter_id", "matters"),
        _fk(t, "to_account_id", "client_funds_accounts"),
        _fk(t, "to_client_id", "contacts"),
        _fk(t, "to_matter_id", "matters"),
        _fk(t, "out_txn_id", "client_funds_transactions"),
        _fk(t, "in_txn_id", "client_funds_transactions"),
        _fk(t, "created_by_id", "users"),
        sa.UniqueConstraint("out_txn_id", name=op.f("uq_trust_transfers_out_txn_id")),
        sa.UniqueConstraint("in_txn_id", name=op.f("uq_trust_transfers_in_txn_id")),
    )
    _firm_index(t)
    op.create_index("ix_trust_transfers_date", t, ["firm_id", "date", "id"], unique=False)

    t = "bank_statements"
    op.create_table(
        t,
        *_owned(
            t,
            _id("account_id"),
            sa.Column("statement_date", sa.Date(), nullable=False),
            sa.Column("closing_balance", MONEY, nullable=False),
            sa.Column(
                "source",
                sa.Enum(
                    "entered", "csv", "ofx", name="statementsource", native_enum=False, length=10
                ),
                nullable=False,
            ),
            sa.Column("filename", sa.String(length=200), nullable=False),
            _id("created_by_id", True),
        ),
        _fk(t, "account_id", "client_funds_accounts"),
        _fk(t, "created_by_id", "users"),
    )
    _firm_index(t)
    op.create_index(
        "ix_bank_statements_account_date", t, ["account_id", "statement_date"], unique=False
    )

    t = "bank_statement_lines"
    op.create_table(
        t,
        *_owned(
            t,
            _id("statement_id"),
            _id("account_id"),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("amount", MONEY, nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("cheque_number", sa.String(length=20), nullable=True),
            sa.Column("bank_reference", sa.String(length=255), nullable=False),
            _id("matched_txn_id", True),
            timestamps=False,
        ),
        _fk(t, "statement_id", "bank_statements"),
        _fk(t, "account_id", "client_funds_accounts"),
        _fk(t, "matched_txn_id", "client_funds_transactions"),
        sa.UniqueConstraint("matched_txn_id", name=op.f("uq_bank_statement_lines_matched_txn_id")),
    )
    _firm_index(t)
    op.create_index(op.f("ix_bank_statement_lines_statement_id"), t, ["statement_id"], unique=False)
    op.create_index(
        "ix_bank_statement_lines_account_date",
        t,
        ["account_id", "date", "matched_txn_id", "firm_id"],
        unique=False,
    )
    op.create_index(
        "ix_bank_statement_lines_cleared", t, ["matched_txn_id", "date", "firm_id"], unique=False
    )

    t = "trust_reconciliations"
    op.create_table(
        t,
        *_owned(
            t,
            _id("account_id"),
            sa.Column("month", sa.Date(), nullable=False),
            sa.Column(
                "state",
                sa.Enum(
                    "prepared",
                    "closed",
                    "reopened",
                    "withdrawn",
                    name="reconciliationstate",
                    native_enum=False,
                    length=10,
                ),
                nullable=False,
            ),
            _id("statement_id", True),
            sa.Column("statement_balance", MONEY, nullable=False),
            sa.Column("outstanding_cheques", MONEY, nullable=False),
            sa.Column("deposits_in_transit", MONEY, nullable=False),
            sa.Column("adjusted_bank_balance", MONEY, nullable=False),
            sa.Column("journal_balance", MONEY, nullable=False),
            sa.Column("client_ledgers_total", MONEY, nullable=False),
            sa.Column("explanation", sa.Text(), nullable=False),
            _id("prepared_by_id", True),
            sa.Column("prepared_at", WHEN, nullable=False),
            _id("approved_by_id", True),
            sa.Column("approved_at", WHEN, nullable=True),
            _id("reopened_by_id", True),
            sa.Column("reopened_at", WHEN, nullable=True),
            sa.Column("reopen_reason", sa.Text(), nullable=False),
        ),
        _fk(t, "account_id", "client_funds_accounts"),
        _fk(t, "statement_id", "bank_statements"),
        _fk(t, "prepared_by_id", "users"),
        _fk(t, "approved_by_id", "users"),
        _fk(t, "reopened_by_id", "users"),
    )
    _firm_index(t)
    op.create_index(
        "ix_trust_reconciliations_month", t, ["account_id", "month", "state"], unique=False
    )

    op.create_index(
        "ix_cft_reconcile",
        "client_funds_transactions",
        ["account_id", "date", "firm_id", "amount", "kind", "reverses_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_cft_reconcile", table_name="client_funds_transactions")
    for table in (
        "trust_reconciliations",
        "bank_statement_lines",
        "bank_statements",
        "trust_transfers",
    ):
        op.drop_table(table)
