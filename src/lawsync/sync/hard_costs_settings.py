"""The hard-costs import settings: what must hold before costs paid in QuickBooks come in.

QuickBooks Online Essentials does not offer what the import needs (it refuses such features
with fault 5030), and Simple Start is not a company lawsync syncs with at all, so the import is
refused there in the settings, with the reason, rather than failing line by line later. The
account must be one of the company's expense accounts, and the firm must bill hard and soft
costs, since every imported cost is a hard cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawsync.errors import InvalidInput, RuleViolation
from lawsync.practice.models import BillSettings
from lawsync.sync.client_funds_settings import CompanyAccount
from lawsync.sync.models import InboundCursor, QuickBooksConnection, SyncSettings

EDITIONS_WITHOUT = ("simple_start", "essentials")
EDITION_NAMES = {"simple_start": "Simple Start", "essentials": "Essentials"}


def refused_edition(connection: QuickBooksConnection | None) -> str | None:
    """Why this company cannot import hard costs, or None when it can."""
    if connection is None or connection.edition not in EDITIONS_WITHOUT:
        return None
    return (
        "Importing hard costs needs QuickBooks Online Plus or Advanced: this company is on "
        f"{EDITION_NAMES[connection.edition]}, whose plan does not include the feature "
        "(QuickBooks refuses it with error 5030). Upgrade the QuickBooks plan to use it."
    )


def check(
    session: Session,
    row: SyncSettings,
    values: dict[str, Any],
    expense_accounts: Sequence[CompanyAccount] | None,
    connection: QuickBooksConnection | None,
) -> None:
    """Refuse settings the import cannot run with (the caller's transaction is rolled back)."""
    account = values.get("hard_costs_account")
    if account is not None and expense_accounts is not None:
        found = {a.id: a for a in expense_accounts}.get(account)
        if found is None or not found.active:
            raise InvalidInput(
                f"Account {account} is not an active expense account of the connected company; "
                "choose one of its expense accounts (for example Reimbursable Expenses).",
                field="hard_costs_account",
                code="not_an_expense_account",
            )
    if not row.import_hard_costs:
        return
    if connection is None:
        raise RuleViolation(
            "Connect a QuickBooks Online company before importing hard costs.",
            field="import_hard_costs",
            code="not_connected",
        )
    reason = refused_edition(connection)
    if reason is not None:
        raise RuleViolation(reason, field="import_hard_costs", code="edition_lacks_hard_costs")
    if not row.hard_costs_account:
        raise InvalidInput(
            "Choose the QuickBooks account whose expense lines are the firm's hard costs.",
            field="hard_costs_account",
        )
    if row.hard_costs_start_date is None:
        raise InvalidInput(
            "Give the date from which hard costs are imported.", field="hard_costs_start_date"
        )
    costs_on = session.execute(select(BillSettings.hard_soft_costs_enabled)).scalar_one_or_none()
    if not costs_on:
        raise RuleViolation(
            "Imported costs are hard costs: turn on hard and soft costs in the bill settings "
            "first.",
            field="import_hard_costs",
            code="cost_types_disabled",
        )


def compare_again(session: Session, connection: QuickBooksConnection | None) -> None:
    """The import's scope changed (turned on, another start date or account): the next pull
    compares every expense again rather than only what changed since, so an earlier start
    date brings in the costs before it."""
    if connection is None:
        return
    session.execute(
        update(InboundCursor)
        .where(InboundCursor.connection_id == connection.id)
        .values(entities="")
        .execution_options(synchronize_session=False)
    )
