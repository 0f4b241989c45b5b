"""The company's own lists the settings pick from (its products and services), read through the
client and kept for a few minutes so a settings page does not ask QuickBooks every time."""

from __future__ import annotations

import time
from dataclasses import dataclass

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Account, Item, QuickBooksError
from lawsync.sync.client_funds_settings import BANK, LIABILITY_TYPES, CompanyAccount
from lawsync.sync.connection import connected_realm, open_client

KEEP_SECONDS = 600.0
SELLABLE = ("Service", "NonInventory", "Inventory")


@dataclass(frozen=True)
class CompanyItem:
    id: str
    name: str
    active: bool


_cache: dict[tuple[int, str], tuple[float, list[CompanyItem]]] = {}


async def items(
    ledger: Ledger, firm_id: int, settings: Settings, *, refresh: bool = False
) -> list[CompanyItem]:
    """The company's products and services that can go on an invoice line, inactive ones too
    (a mapping may point at one), by name; [] when the firm is not connected."""
    realm = connected_realm(ledger, firm_id)
    if realm is None:
        return []
    key = (firm_id, realm)
    kept = _cache.get(key)
    if kept is not None and not refresh and time.monotonic() - kept[0] < KEEP_SECONDS:
        return kept[1]
    async with open_client(ledger, firm_id, settings) as qb:
        rows = await qb.query(realm, Item, "Active IN (true, false)")
    found = sorted(
        (
            CompanyItem(
                str(r.Id),
                str(getattr(r, "Name", "") or r.Id),
                getattr(r, "Active", True) is not False,
            )
            for r in rows
            if _type(r) in SELLABLE
        ),
        key=lambda i: i.name.lower(),
    )
    _cache[key] = (time.monotonic(), found)
    return found


def _type(row: Item) -> str:
    value = getattr(row, "Type", None) or (row.model_extra or {}).get("Type")
    return str(value or "")


_accounts: dict[tuple[int, str], tuple[float, list[CompanyAccount]]] = {}


async def accounts(
    ledger: Ledger, firm_id: int, settings: Settings, *, refresh: bool = False
) -> list[CompanyAccount]:
    """The company's bank and liability accounts (where client funds post), inactive ones too,
    by name; [] when the firm is not connected."""
    realm = connected_realm(ledger, firm_id)
    if realm is None:
        return []
    key = (firm_id, realm)
    kept = _accounts.get(key)
    if kept is not None and not refresh and time.monotonic() - kept[0] < KEEP_SECONDS:
        return kept[1]
    async with open_client(ledger, firm_id, settings) as qb:
        rows = await qb.query(realm, Account, "Active IN (true, false)")
    found = sorted(
        (
            CompanyAccount(
                str(r.Id),
                str(getattr(r, "FullyQualifiedName", None) or r.Name or r.Id),
                str(r.AccountType or ""),
                str((r.CurrencyRef.value if r.CurrencyRef else "") or ""),
                r.Active is not False,
            )
            for r in rows
            if r.AccountType == BANK or r.AccountType in LIABILITY_TYPES
        ),
        key=lambda a: a.name.lower(),
    )
    _accounts[key] = (time.monotonic(), found)
    return found


async def checkable_accounts(
    ledger: Ledger, firm_id: int, settings: Settings
) -> list[CompanyAccount] | None:
    """The accounts fresh from the company, to check mappings against; None when it cannot be
    asked now (the pass checks again before it posts anything)."""
    try:
        return await accounts(ledger, firm_id, settings, refresh=True)
    except QuickBooksError:
        return None
