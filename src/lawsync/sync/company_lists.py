"""The company's own lists the settings pick from (its products and services), read through the
client and kept for a few minutes so a settings page does not ask QuickBooks every time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Account, Entity, Item, QuickBooksError
from lawsync.sync.client_funds_settings import BANK, LIABILITY_TYPES, CompanyAccount
from lawsync.sync.connection import connected_realm, open_client

KEEP_SECONDS = 600.0
SELLABLE = ("Service", "NonInventory", "Inventory")


@dataclass(frozen=True)
class CompanyItem:
    id: str
    name: str
    active: bool


T = TypeVar("T")
E = TypeVar("E", bound=Entity)
# (firm, realm, entity) → when read, and what was read
_kept: dict[tuple[int, str, str], tuple[float, list[Any]]] = {}


async def _read(
    ledger: Ledger,
    firm_id: int,
    settings: Settings,
    entity: type[E],
    shown: Callable[[E], T | None],
    refresh: bool,
    list_name: str = "",
) -> list[T]:
    """One list of the company's (active and inactive rows), each row as ``shown`` makes it
    (None: left out), by name; read again after a while or when asked; [] unconnected."""
    realm = connected_realm(ledger, firm_id)
    if realm is None:
        return []
    key = (firm_id, realm, list_name or entity.entity_name)
    kept = _kept.get(key)
    if kept is not None and not refresh and time.monotonic() - kept[0] < KEEP_SECONDS:
        return kept[1]
    async with open_client(ledger, firm_id, settings) as qb:
        rows = await qb.query(realm, entity, "Active IN (true, false)")
    found = [f for f in map(shown, rows) if f is not None]
    found.sort(key=lambda f: str(getattr(f, "name", "")).lower())
    _kept[key] = (time.monotonic(), found)
    return found


def _item(r: Item) -> CompanyItem | None:
    if _type(r) not in SELLABLE:
        return None
    return CompanyItem(
        str(r.Id), str(getattr(r, "Name", "") or r.Id), getattr(r, "Active", True) is not False
    )


def _account(r: Account) -> CompanyAccount | None:
    if r.AccountType != BANK and r.AccountType not in LIABILITY_TYPES:
        return None
    return CompanyAccount(
        str(r.Id),
        str(r.FullyQualifiedName or r.Name or r.Id),
        str(r.AccountType or ""),
        str((r.CurrencyRef.value if r.CurrencyRef else "") or ""),
        r.Active is not False,
    )


async def items(
    ledger: Ledger, firm_id: int, settings: Settings, *, refresh: bool = False
) -> list[CompanyItem]:
    """The company's products and services that can go on an invoice line, inactive ones too
    (a mapping may point at one), by name; [] when the firm is not connected."""
    return await _read(ledger, firm_id, settings, Item, _item, refresh)


def _type(row: Item) -> str:
    value = getattr(row, "Type", None) or (row.model_extra or {}).get("Type")
    return str(value or "")


async def accounts(
    ledger: Ledger, firm_id: int, settings: Settings, *, refresh: bool = False
) -> list[CompanyAccount]:
    """The company's bank and liability accounts (where client funds post), inactive ones too,
    by name; [] when the firm is not connected."""
    return await _read(ledger, firm_id, settings, Account, _account, refresh)


EXPENSE_TYPES = ("Expense", "Other Expense", "Cost of Goods Sold")


def _expense_account(r: Account) -> CompanyAccount | None:
    if r.AccountType not in EXPENSE_TYPES:
        return None
    return CompanyAccount(
        str(r.Id),
        str(r.FullyQualifiedName or r.Name or r.Id),
        str(r.AccountType or ""),
        str((r.CurrencyRef.value if r.CurrencyRef else "") or ""),
        r.Active is not False,
    )


async def expense_accounts(
    ledger: Ledger, firm_id: int, settings: Settings, *, refresh: bool = False
) -> list[CompanyAccount]:
    """The company's expense-type accounts (where hard costs may be recorded), inactive ones
    too, by name; [] when the firm is not connected."""
    return await _read(
        ledger, firm_id, settings, Account, _expense_account, refresh, "expense_accounts"
    )


async def checkable_expense_accounts(
    ledger: Ledger, firm_id: int, settings: Settings
) -> list[CompanyAccount] | None:
    """The expense accounts fresh from the company, or None when it cannot be asked now."""
    try:
        return await expense_accounts(ledger, firm_id, settings, refresh=True)
    except QuickBooksError:
        return None


async def checkable_accounts(
    ledger: Ledger, firm_id: int, settings: Settings
) -> list[CompanyAccount] | None:
    """The accounts fresh from the company, to check mappings against; None when it cannot be
    asked now (the pass checks again before it posts anything)."""
    try:
        return await accounts(ledger, firm_id, settings, refresh=True)
    except QuickBooksError:
        return None
