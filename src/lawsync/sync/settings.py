"""The firm's sync settings: what is exported, from when, how numbers and taxes look."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from pydantic import Field, StrictBool
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawsync.errors import InvalidInput
from lawsync.practice import fields
from lawsync.practice.commands import Command
from lawsync.practice.fields import Date
from lawsync.practice.models import ActivityCategory, Bill, BillSettings, ExpenseCategory
from lawsync.practice.services.context import Actor, Ledger, audit, diff, get, snapshot
from lawsync.sync import client_funds_settings, failures, hard_costs_settings
from lawsync.sync.client_funds_settings import ClientFundsAccountMap, CompanyAccount
from lawsync.sync.kinds import ItemFor, ItemKey
from lawsync.sync.models import (
    ItemMapping,
    NameClashPolicy,
    QuickBooksConnection,
    SyncSettings,
    TaxOptionSetting,
)
from lawsync.sync.preflight import check_prefix

FIELDS = (
    "export_bills",
    "export_start_date",
    "bill_prefix",
    "tax_option",
    "track_timekeepers",
    "name_clash",
    "reactivate_archived_customers",
    "fast_catch_up",
    "share_company",
    "export_client_funds",
    "client_funds_start_date",
    "cheque_printing",
    "journal_prefix",
    "trust_subledgers",
    "import_hard_costs",
    "hard_costs_start_date",
    "hard_costs_account",
)
HARD_COST_FIELDS = ("import_hard_costs", "hard_costs_start_date", "hard_costs_account")
# A QuickBooks name cannot hold a colon; keep prefixes to characters safe in any document number.
Prefix = Annotated[
    str,
    fields.name(
        20, pattern=r"^[A-Za-z0-9_./#-]*$", says="letters, digits and _ . / # - only, no spaces"
    ),
]

# A journal entry's number is the prefix and the transaction's number, within 21 characters.
JournalPrefix = Annotated[
    str,
    fields.name(
        10, pattern=r"^[A-Za-z0-9_./#-]*$", says="letters, digits and _ . / # - only, no spaces"
    ),
]


class SyncSettingsUpdate(Command):
    export_bills: StrictBool | None = None
    export_start_date: Date | None = None
    bill_prefix: Prefix | None = None
    tax_option: TaxOptionSetting | None = None
    track_timekeepers: StrictBool | None = None
    name_clash: NameClashPolicy | None = None
    reactivate_archived_customers: StrictBool | None = None
    fast_catch_up: StrictBool | None = None
    share_company: StrictBool | None = None
    # A key given an item id is mapped to it; a key given null is no longer mapped.
    item_mappings: (
        dict[
            Annotated[str, fields.name(60)],
            Annotated[str, fields.name(40, min_length=1)] | None,
        ]
        | None
    ) = None
    export_client_funds: StrictBool | None = None
    client_funds_start_date: Date | None = None
    cheque_printing: StrictBool | None = None
    journal_prefix: JournalPrefix | None = None
    trust_subledgers: StrictBool | None = None
    client_funds_accounts: list[ClientFundsAccountMap] | None = Field(default=None, max_length=200)
    import_hard_costs: StrictBool | None = None
    hard_costs_start_date: Date | None = None
    hard_costs_account: Annotated[str, fields.name(40, min_length=1)] | None = None


def load(session: Session, firm_id: int) -> SyncSettings:
    row = session.execute(select(SyncSettings)).scalar_one_or_none()
    if row is None:
        row = SyncSettings(firm_id=firm_id)
        session.add(row)
        session.flush()
    return row


def active_connection(session: Session) -> QuickBooksConnection | None:
    return session.execute(
        select(QuickBooksConnection).where(QuickBooksConnection.active.is_(True))
    ).scalar_one_or_none()


def _longest_bill_number(session: Session) -> int:
    longest = session.execute(select(func.max(func.length(Bill.number)))).scalar_one_or_none()
    upcoming = session.execute(select(BillSettings.next_bill_number)).scalar_one_or_none() or 1
    return max(longest or 0, len(str(upcoming)))


def longest_bill_number(ledger: Ledger, actor: Actor) -> int:
    """How many characters the firm's longest bill number has, or will have next."""
    with ledger.uow(actor) as uow:
        return _longest_bill_number(uow.session)


def get_settings(ledger: Ledger, actor: Actor) -> SyncSettings:
    with ledger.uow(actor) as uow:
        row = load(uow.session, actor.firm_id)
        uow.commit()
        return row


def update_settings(
    ledger: Ledger,
    actor: Actor,
    cmd: SyncSettingsUpdate,
    company_accounts: Sequence[CompanyAccount] | None = None,
    expense_accounts: Sequence[CompanyAccount] | None = None,
) -> SyncSettings:
    """``company_accounts``: the company's bank and liability accounts, read by the caller, to
    check client funds mappings against (see `client_funds_settings.save`);
    ``expense_accounts``: its expense accounts, to check the hard-costs account against."""
    actor.require_admin("change the sync settings")
    with ledger.uow(actor) as uow:
        s = uow.session
        row = load(s, actor.firm_id)
        before = snapshot(row, FIELDS)
        values = cmd.model_dump(
            exclude_none=True, exclude={"item_mappings", "client_funds_accounts"}
        )
        if "bill_prefix" in values:
            problem = check_prefix(values["bill_prefix"], _longest_bill_number(s))
            if problem:
                raise InvalidInput(problem.message, field="bill_prefix", code="prefix_too_long")
        if values.get("tax_option") == TaxOptionSetting.tax_codes:
            connection = active_connection(s)
            if connection is None or connection.country == "US":
                raise InvalidInput(
                    "A tax code on each line is only available for companies outside the US "
                    "(for example in Canada); choose separate or aggregated tax lines.",
                    field="tax_option",
                    code="tax_codes_unavailable",
                )
            if row.tax_option != TaxOptionSetting.tax_codes:
                row.tax_codes_since = dt.datetime.now(dt.UTC)
        if values.get("track_timekeepers"):
            connection = active_connection(s)
            if connection is not None and connection.edition in ("simple_start", "essentials"):
                raise InvalidInput(
                    "Tracking timekeepers as classes needs QuickBooks Online Plus or Advanced; "
                    f"this company is on {connection.edition.replace('_', ' ').title()}.",
                    field="track_timekeepers",
                    code="edition_lacks_classes",
                )
        for key, value in values.items():
            setattr(row, key, value)
        if "import_hard_costs" in values or "hard_costs_account" in values:
            hard_costs_settings.check(s, row, values, expense_accounts, active_connection(s))
        remapped = cmd.item_mappings is not None and _save_mappings(
            s, actor.firm_id, cmd.item_mappings
        )
        if cmd.client_funds_accounts is not None:
            client_funds_settings.save(
                s,
                actor.firm_id,
                active_connection(s),
                cmd.client_funds_accounts,
                company_accounts,
            )
        s.flush()
        changes = diff(before, snapshot(row, FIELDS))
        if row.import_hard_costs and set(changes) & set(HARD_COST_FIELDS):
            hard_costs_settings.compare_again(s, active_connection(s))
        if cmd.client_funds_accounts is not None:
            changes["client_funds_accounts"] = [m.model_dump() for m in cmd.client_funds_accounts]
        audit(s, actor, "sync_settings", row.id, "update", changes)
        failures.retry_resolved_by_settings(
            s, set(changes) | ({"item_mappings"} if remapped else set())
        )
        uow.commit()
        return row


def _parse_mapping_key(key: str) -> ItemKey:
    """`activity:12`, `activity:default`, `tax1`, `taxcode:primary`… as an `ItemKey`."""
    name, _, rest = key.partition(":")
    try:
        kind = ItemFor(key if name == "taxcode" else name)
    except ValueError:
        if name == "taxcode":
            raise InvalidInput(
                f"{key!r}: use taxcode:both, taxcode:primary, taxcode:secondary or taxcode:none.",
                field="item_mappings",
            ) from None
        raise InvalidInput(
            f"{key!r}: mappings are named activity:<id>, expense:<id>, "
            "activity:default, expense:default, tax1, tax2, interest, credit or "
            "taxcode:both|primary|secondary|none.",
            field="item_mappings",
        ) from None
    if not kind.has_categories or rest == "default":
        return ItemKey(kind)
    if not rest.isdigit():
        raise InvalidInput(f"{key!r} does not name a category id.", field="item_mappings")
    return ItemKey(kind, int(rest))


def _save_mappings(session: Session, firm_id: int, mappings: dict[str, str | None]) -> bool:
    """Map each key given an item id, unmap each given None; whether anything changed."""
    connection = active_connection(session)
    if connection is None:
        if not any(mappings.values()):
            return False  # nothing to map, and nothing is mapped without a connection
        raise InvalidInput(
            "Connect a QuickBooks Online company before mapping categories.",
            field="item_mappings",
            code="not_connected",
        )
    changed = False
    for key, item_id in mappings.items():
        kind, category_id = _parse_mapping_key(key)
        if category_id:
            model = ActivityCategory if kind == ItemFor.ACTIVITY else ExpenseCategory
            get(session, model, category_id, field="item_mappings")
        row = session.execute(
            select(ItemMapping).where(
                ItemMapping.connection_id == connection.id,
                ItemMapping.kind == kind,
                ItemMapping.category_id == category_id,
            )
        ).scalar_one_or_none()
        if item_id is None:
            if row is not None:
                session.delete(row)
                changed = True
        elif row is None:
            changed = True
            session.add(
                ItemMapping(
                    firm_id=firm_id,
                    connection_id=connection.id,
                    kind=kind,
                    category_id=category_id,
                    item_id=item_id,
                )
            )
        elif row.item_id != item_id:
            changed = True
            row.item_id = item_id
    return changed


def client_funds_accounts(ledger: Ledger, actor: Actor) -> list[dict[str, object]]:
    """The connection's trust account mappings, as the settings show them."""
    with ledger.uow(actor) as uow:
        connection = active_connection(uow.session)
        if connection is None:
            return []
        rows = client_funds_settings.mapped(uow.session, connection.id).values()
        return [
            {
                "account_id": r.account_id,
                "bank_account": r.bank_account,
                "liability_account": r.liability_account,
            }
            for r in sorted(rows, key=lambda r: r.account_id)
        ]


def item_mappings(ledger: Ledger, actor: Actor) -> dict[str, str]:
    with ledger.uow(actor) as uow:
        connection = active_connection(uow.session)
        if connection is None:
            return {}
        rows = uow.session.execute(
            select(ItemMapping).where(ItemMapping.connection_id == connection.id)
        ).scalars()
        return {str(ItemKey(ItemFor(r.kind), r.category_id)): r.item_id for r in rows}
