"""Is the company ready for the first sync? The checks a bookkeeper would otherwise find out by
failures: each says what it found, and the fix with where to make it.

    checks = await readiness(ledger, firm_id, qb, items)

Only reads, on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lawsync.practice.models import BillSettings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Account, AsyncQuickBooks, Invoice
from lawsync.sync import context
from lawsync.sync.catalogue import QBO_ADVANCED
from lawsync.sync.company_lists import CompanyItem
from lawsync.sync.context import NotStarted
from lawsync.sync.mapping import doc_number

QBO_SALES_SETTINGS = (
    "In QuickBooks: Settings (gear) → Account and settings → Sales → Sales form content"
)
SETTINGS_PAGE = "/settings/quickbooks"
WARN_KEYS = ("WarnDuplicateCheckNumber", "WarnDuplicateJournalNumber")


@dataclass(frozen=True)
class Check:
    title: str
    ok: bool | None  # None: for information, nothing to fix
    found: str
    fix: str = ""


def _other(prefs: Any) -> dict[str, str]:
    pairs = ((prefs.OtherPrefs or {}).get("NameValue")) or []
    return {str(p.get("Name")): str(p.get("Value")) for p in pairs if isinstance(p, dict)}


def _numbers_check(prefs: Any) -> Check:
    on = bool((prefs.SalesFormsPrefs or {}).get("CustomTxnNumbers"))
    if on:
        return Check(
            "Invoice numbers",
            True,
            "Custom transaction numbers are on: invoices keep the bill's number.",
        )
    return Check(
        "Invoice numbers",
        False,
        "Custom transaction numbers are off: QuickBooks gives invoices numbers of its own, so "
        "they will not match the bills.",
        f"{QBO_SALES_SETTINGS}: turn on Custom transaction numbers.",
    )


def _warning_check(prefs: Any) -> Check:
    other = _other(prefs)
    on = [k for k in WARN_KEYS if other.get(k) == "true"]
    found = (
        "QuickBooks warns about duplicate cheque and journal numbers, so a number used twice "
        "is refused (6140)."
        if on
        else "QuickBooks does not warn about duplicate cheque or journal numbers."
    )
    return Check(
        "Duplicate-number warning",
        None,
        found,
        f'{QBO_ADVANCED} ("Warn if duplicate … number is used"), if the firm wants it otherwise.',
    )


async def _undeposited_check(ctx: context.PassContext) -> Check:
    rows = await ctx.qb.query(ctx.realm, Account, "AccountSubType = 'UndepositedFunds'")
    if any(getattr(r, "Active", True) is not False for r in rows):
        return Check(
            "Undeposited Funds", True, "The company has an Undeposited Funds account for payments."
        )
    return Check(
        "Undeposited Funds",
        False,
        "The company has no active Undeposited Funds account, so payments cannot be sent (2020).",
        "In QuickBooks: Chart of accounts → New → Other current assets → Undeposited Funds.",
    )


def _highest(numbers: Sequence[str], prefix: str) -> int | None:
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    found = [int(m.group(1)) for n in numbers if (m := pattern.match(n))]
    return max(found, default=None)


async def _numbering_check(ctx: context.PassContext, next_number: int) -> Check:
    rows = await ctx.qb.query(ctx.realm, Invoice)
    numbers = [str(r.DocNumber) for r in rows if getattr(r, "DocNumber", None)]
    prefix = ctx.settings.bill_prefix
    highest = _highest(numbers, prefix)
    upcoming = doc_number(prefix, str(next_number))
    if highest is None or highest < next_number:
        return Check(
            "Numbering",
            True,
            f"The next bill becomes invoice {upcoming}; no invoice in QuickBooks has that "
            "number or a higher one like it.",
        )
    return Check(
        "Numbering",
        False,
        f"QuickBooks already has invoice {doc_number(prefix, str(highest))}, and the next bill "
        f"would become {upcoming}: numbers would clash (6140).",
        f"Choose an invoice number prefix in {SETTINGS_PAGE}, or start the firm's bill numbers "
        f"above {highest} in the bill settings.",
    )


def _mappings_check(ctx: context.PassContext, items: Sequence[CompanyItem]) -> Check:
    by_id = {i.id: i for i in items}
    bad = [
        f"{key} → {item_id} ({'inactive' if item_id in by_id else 'not found'})"
        for key, item_id in ctx.items.items()
        if not str(key.kind).startswith("taxcode")
        and not (item_id in by_id and by_id[item_id].active)
    ]
    if not ctx.items:
        return Check(
            "Products and services",
            False,
            "No product or service is chosen yet.",
            f"Choose them in {SETTINGS_PAGE}.",
        )
    if bad:
        return Check(
            "Products and services",
            False,
            "These mappings point at a product that is inactive or gone: "
            + "; ".join(str(b) for b in bad),
            f"Choose active ones in {SETTINGS_PAGE}, or make them active again in QuickBooks.",
        )
    return Check(
        "Products and services", True, "Every mapping points at an active product or service."
    )


async def readiness(
    ledger: Ledger, firm_id: int, qb: AsyncQuickBooks, items: Sequence[CompanyItem]
) -> list[Check] | NotStarted:
    ctx = context.load(ledger, firm_id, qb)
    if isinstance(ctx, NotStarted):
        return ctx
    prefs = await qb.preferences(ctx.realm)
    with ledger.uow(firm_id) as uow:
        next_number = (
            uow.session.execute(select(BillSettings.next_bill_number)).scalar_one_or_none() or 1
        )
    return [
        _numbers_check(prefs),
        _warning_check(prefs),
        await _undeposited_check(ctx),
        await _numbering_check(ctx, next_number),
        _mappings_check(ctx, items),
    ]
