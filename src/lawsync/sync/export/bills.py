"""Approved bills → invoices, with their lines' products, taxes and timekeepers' classes.

A bill is sent once approved (or paid) and again whenever it changes; voiding it voids the
invoice, deleting it deletes the invoice. What the invoice would be refused for is found before
sending (pre-flight checks, a category with no product, a line with no tax code).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from lawsync.practice.models import Bill, BillState, LineKind, Matter, bill_matters
from lawsync.quickbooks import Entity, Invoice, sql
from lawsync.sync import mapping, preflight
from lawsync.sync.context import PassContext
from lawsync.sync.export.candidates import LIVE_BILL_STATES, exportable_bill
from lawsync.sync.export.skeleton import (
    SKIP,
    Chunk,
    Decision,
    Exporter,
    Lookup,
    Remove,
    Send,
    Wait,
    still_ours,
)
from lawsync.sync.kinds import ItemFor, ItemKey, Kind, marker
from lawsync.sync.links import qbo_ids
from lawsync.sync.mapping import InvoiceRefs, TaxOption
from lawsync.sync.models import SyncLink
from lawsync.sync.problems import Problem, combined

NOT_MATCHED = "5020"  # a line whose category has no product or service
NO_TAX_CODE = "6000"
TOTAL_MISMATCH = "lawsync:total-mismatch"

# Which of the firm's two taxes a line carries → the tax code mapping for such lines.
TAX_CODE_FOR = {
    (True, True): ItemFor.TAXCODE_BOTH,
    (True, False): ItemFor.TAXCODE_PRIMARY,
    (False, True): ItemFor.TAXCODE_SECONDARY,
    (False, False): ItemFor.TAXCODE_NONE,
}
TAX_WORDS = {
    ItemFor.TAXCODE_BOTH: "both taxes",
    ItemFor.TAXCODE_PRIMARY: "the first tax only",
    ItemFor.TAXCODE_SECONDARY: "the second tax only",
    ItemFor.TAXCODE_NONE: "no tax",
}


@dataclass
class BillChunk(Chunk[Bill]):
    customers: dict[int, str]
    matter_numbers: dict[int, list[str]]
    classes: dict[int, str]  # timekeeper → class, when the firm tracks timekeepers


class Bills(Exporter[BillChunk]):
    kind = Kind.BILL
    entity = Invoice
    model = Bill
    live = Bill.state.in_(LIVE_BILL_STATES)

    def wanted(self, ctx: PassContext) -> ColumnElement[bool]:
        return and_(*exportable_bill(ctx))  # the rule clients and timekeepers follow too

    def load(self, ctx: PassContext, session: Session, ids: list[int]) -> BillChunk:
        bills = self.records(session, ids)
        numbers: dict[int, list[str]] = {}
        for bill_id, number in session.execute(
            select(bill_matters.c.bill_id, Matter.number)
            .join(Matter, Matter.id == bill_matters.c.matter_id)
            .where(bill_matters.c.bill_id.in_(ids))
            .order_by(Matter.number)
        ):
            numbers.setdefault(bill_id, []).append(number)
        classes: dict[int, str] = {}
        if ctx.settings.track_timekeepers:
            keepers = {ln.user_id for b in bills for ln in b.lines if ln.user_id}
            classes = qbo_ids(session, ctx.connection_id, Kind.USER, keepers)
        return BillChunk(bills, self.customers(ctx, session, bills), numbers, classes)

    def decide(
        self, ctx: PassContext, chunk: BillChunk, record: Any, copy: SyncLink | None
    ) -> Decision:
        bill: Bill = record
        if bill.state in (BillState.void, BillState.deleted):
            number = mapping.doc_number(ctx.settings.bill_prefix, bill.number)
            return Remove(
                "void" if bill.state == BillState.void else "delete",
                find=still_ours(self.kind, bill.id, number, chunk.customers.get(bill.client_id)),
            )
        if bill.state not in LIVE_BILL_STATES and copy is None:
            return SKIP  # back to draft before it ever synced
        customer = chunk.customers.get(bill.client_id)
        if customer is None:
            return Wait("the client")
        numbers = chunk.matter_numbers.get(bill.id, [])
        problems = preflight.check_bill(
            bill,
            prefix=ctx.settings.bill_prefix,
            matter_numbers=numbers,
            home_currency=ctx.home_currency,
            multicurrency=ctx.multicurrency,
        )
        if problems:
            return combined(problems)
        classes = None
        if ctx.settings.track_timekeepers:
            keepers = {ln.user_id for ln in bill.lines if ln.user_id}
            classes = {k: v for k, v in chunk.classes.items() if k in keepers}
            if len(classes) < len(keepers):
                return Wait("its timekeepers' classes")
        refs = _refs(ctx, customer, bill, classes)
        if isinstance(refs, Problem):
            return refs
        taxed = _taxes(ctx, bill, refs)
        if isinstance(taxed, Problem):
            return taxed
        option, refs = taxed
        payload = mapping.invoice(
            bill, refs, prefix=ctx.settings.bill_prefix, option=option, matter_numbers=numbers
        )
        find = Lookup(sql("DocNumber = ?", payload["DocNumber"]), marker(self.kind, bill.id))
        return Send(payload, find=find, check=_total_check(Decimal(bill.total)))


def _items_for(
    ctx: PassContext, item: ItemFor, categories: set[int | None], missing: list[str]
) -> dict[int | None, str]:
    """The product for each category (a category's own mapping, else the default)."""
    found: dict[int | None, str] = {}
    default = ctx.items.get(ItemKey(item))
    if default:
        found[None] = default
    for category in categories:
        chosen = ctx.items.get(ItemKey(item, category or 0)) or default
        if chosen is None:
            missing.append(f"{item} category {category or '(none)'}")
        else:
            found[category] = chosen
    return found


def _refs(
    ctx: PassContext, customer_id: str, bill: Bill, classes: dict[int, str] | None
) -> InvoiceRefs | Problem:
    """Items for each category on the bill; a missing mapping blocks the bill (code 5020)."""
    missing: list[str] = []
    activities = {ln.activity_category_id for ln in bill.lines if ln.kind == LineKind.time}
    expenses = {ln.expense_category_id for ln in bill.lines if ln.kind == LineKind.expense}
    for_activity = _items_for(ctx, ItemFor.ACTIVITY, activities, missing)
    for_expense = _items_for(ctx, ItemFor.EXPENSE, expenses, missing)
    tax_items = (ctx.items.get(ItemKey(ItemFor.TAX1)), ctx.items.get(ItemKey(ItemFor.TAX2)))
    if TaxOption(ctx.settings.tax_option.value) != TaxOption.tax_codes:
        taxed = (
            any(ln.primary_tax > 0 for ln in bill.lines),
            any(ln.secondary_tax > 0 for ln in bill.lines),
        )
        for i, name in enumerate((bill.primary_tax_name, bill.secondary_tax_name)):
            if taxed[i] and tax_items[i] is None:
                missing.append(f"tax {name or i + 1}")
    if missing:
        return Problem(
            NOT_MATCHED, f"Not matched to a product or service: {', '.join(missing)}.", "ItemRef"
        )
    return InvoiceRefs(
        customer_id=customer_id,
        item_for_activity=for_activity,
        item_for_expense=for_expense,
        tax_items=tax_items,
        currency=bill.currency if ctx.multicurrency else None,
        class_for_user=classes,
    )


def _tax_codes_for(ctx: PassContext, bill: Bill) -> dict[tuple[bool, bool], str] | Problem:
    """The company tax code for each kind of line on the bill, or which one is missing."""
    codes: dict[tuple[bool, bool], str] = {}
    for line in bill.lines:
        key = (line.primary_tax > 0, line.secondary_tax > 0)
        code = ctx.items.get(ItemKey(TAX_CODE_FOR[key]))
        if code is None:
            return Problem(
                NO_TAX_CODE,
                "Make sure all your transactions have a tax code: no company tax code is "
                f"chosen for lines with {TAX_WORDS[TAX_CODE_FOR[key]]}.",
                "TaxCodeRef",
            )
        codes[key] = code
    return codes


def _taxes(
    ctx: PassContext, bill: Bill, refs: InvoiceRefs
) -> tuple[TaxOption, InvoiceRefs] | Problem:
    """How the bill's taxes go on the invoice, with the tax codes that needs."""
    option = TaxOption(ctx.settings.tax_option.value)
    since = ctx.settings.tax_codes_since
    if option == TaxOption.tax_codes and (since is None or bill.created_at < since):
        option = TaxOption.separate_lines  # tax codes apply to bills created afterwards only
    if option == TaxOption.tax_codes:
        codes = _tax_codes_for(ctx, bill)
        if isinstance(codes, Problem):
            return codes
        return option, replace(refs, tax_code_for=codes)
    if ctx.country == "US":
        return option, refs
    exempt = ctx.items.get(ItemKey(ItemFor.TAXCODE_NONE))
    if exempt is None:
        return Problem(
            NO_TAX_CODE,
            "Make sure all your transactions have a tax code: companies outside the US need one "
            "on every line; choose the code for lines with no tax (taxcode:none).",
            "TaxCodeRef",
        )
    return option, replace(refs, exempt_code=exempt)


def _total_check(expected: Decimal):  # type: ignore[no-untyped-def]
    def check(entity: Entity) -> Problem | None:
        total = getattr(entity, "TotalAmt", None)
        if total is not None and Decimal(str(total)) != expected:
            return Problem(
                TOTAL_MISMATCH,
                f"The invoice total is {total} but the bill's is {expected}.",
                "TotalAmt",
            )
        return None

    return check
