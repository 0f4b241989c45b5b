"""Practice records as QuickBooks Online payloads: pure functions, no I/O.

Amounts are sent so that QuickBooks' own arithmetic agrees with the ledger to the cent: each line
carries Qty, UnitPrice and Amount where Amount is Qty × UnitPrice rounded half-up (the ledger's
rule and the rule QuickBooks checks), taxes are ordinary lines (or a tax code per line for
companies outside the US), and a discount line comes last, after tax, as in the ledger.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lawsync.money import format_money
from lawsync.practice.models import (
    Bill,
    BillLine,
    Contact,
    CreditNote,
    InterestCharge,
    LineKind,
    Payment,
)
from lawsync.sync.kinds import Kind, marker

NAME_LIMIT = 500
PHONE_LIMIT = 30
DOC_NUMBER_LIMIT = 21
MEMO_LIMIT = 1000


class TaxOption(enum.StrEnum):
    """How a bill's taxes appear on the invoice."""

    separate_lines = "separate_lines"  # a tax line after each taxed line
    aggregated = "aggregated"  # one line per tax, at the end
    tax_codes = "tax_codes"  # a tax code on each line; the company computes (non-US only)


@dataclass(frozen=True)
class InvoiceRefs:
    """The accounting-side ids an invoice needs, resolved by the exporter before mapping."""

    customer_id: str
    item_for_activity: Mapping[int | None, str]
    item_for_expense: Mapping[int | None, str]
    tax_items: tuple[str | None, str | None] = (None, None)
    tax_code_for: Mapping[tuple[bool, bool], str] | None = None  # (primary?, secondary?) → code
    class_for_user: Mapping[int, str] | None = None
    currency: str | None = None  # only for multicurrency companies
    discount_account_id: str | None = None
    # Outside the US every line needs a tax code; lines that carry no company tax get this one.
    exempt_code: str | None = None


def clean_name(name: str) -> str:
    """QuickBooks names cannot hold a colon (its hierarchy separator), tabs or newlines."""
    return " ".join(name.replace(":", "-").split())


def customer(contact: Contact, *, suffix: str = "") -> dict[str, Any]:
    payload: dict[str, Any] = {"DisplayName": clean_name(contact.display_name + suffix)}
    if contact.kind == "person":
        if contact.first_name:
            payload["GivenName"] = clean_name(contact.first_name)
        if contact.last_name:
            payload["FamilyName"] = clean_name(contact.last_name)
    else:
        payload["CompanyName"] = clean_name(contact.company_name)
    if contact.primary_email:
        payload["PrimaryEmailAddr"] = {"Address": contact.primary_email}
    if contact.phones:
        payload["PrimaryPhone"] = {"FreeFormNumber": contact.phones[0].number}
    if contact.web_address:
        payload["WebAddr"] = {"URI": contact.web_address}
    if any((contact.street, contact.city, contact.region, contact.postal_code, contact.country)):
        address = {
            "Line1": contact.street,
            "City": contact.city,
            "CountrySubDivisionCode": contact.region,
            "PostalCode": contact.postal_code,
            "Country": contact.country,
        }
        payload["BillAddr"] = {k: v for k, v in address.items() if v}
    payload["Notes"] = marker(Kind.CONTACT, contact.id)
    return payload


def doc_number(prefix: str, number: str) -> str:
    return f"{prefix}{number}"


def matter_memo(numbers: Sequence[str]) -> str:
    return "Matters: " + ", ".join(numbers) if numbers else ""


def _sales_line(
    item_id: str,
    description: str,
    quantity: Decimal,
    price: Decimal,
    amount: Decimal,
    *,
    class_id: str | None = None,
    tax_code: str | None = None,
    service_date: str | None = None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "ItemRef": {"value": item_id},
        "Qty": str(quantity.normalize()) if quantity == quantity.to_integral() else str(quantity),
        "UnitPrice": str(price),
    }
    if class_id:
        detail["ClassRef"] = {"value": class_id}
    if tax_code:
        detail["TaxCodeRef"] = {"value": tax_code}
    if service_date:
        detail["ServiceDate"] = service_date
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": format_money(amount),
        "Description": description[:4000],
        "SalesItemLineDetail": detail,
    }


def _item_for(line: BillLine, refs: InvoiceRefs) -> str:
    if line.kind == LineKind.time:
        return refs.item_for_activity.get(line.activity_category_id) or refs.item_for_activity[None]
    return refs.item_for_expense.get(line.expense_category_id) or refs.item_for_expense[None]


def invoice_lines(
    lines: Sequence[BillLine], refs: InvoiceRefs, option: TaxOption, tax_names: tuple[str, str]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        class_id = (refs.class_for_user or {}).get(line.user_id or 0)
        tax_code = refs.exempt_code
        if option == TaxOption.tax_codes and refs.tax_code_for is not None:
            tax_code = refs.tax_code_for.get((line.primary_tax > 0, line.secondary_tax > 0))
        out.append(
            _sales_line(
                _item_for(line, refs),
                line.description,
                Decimal(line.quantity),
                Decimal(line.price),
                Decimal(line.amount),
                class_id=class_id,
                tax_code=tax_code,
                service_date=line.date.isoformat(),
            )
        )
        if option == TaxOption.tax_codes:
            continue
        for index, tax in enumerate((Decimal(line.primary_tax), Decimal(line.secondary_tax))):
            if tax <= 0:
                continue
            if option == TaxOption.separate_lines:
                out.append(
                    _tax_line(refs, index, tax, f"{tax_names[index]} on: {line.description}")
                )
            else:
                totals[index] += tax
    for index in sorted(totals):
        out.append(_tax_line(refs, index, totals[index], tax_names[index]))
    return out


def _tax_line(refs: InvoiceRefs, index: int, amount: Decimal, description: str) -> dict[str, Any]:
    item = refs.tax_items[index]
    if item is None:
        raise KeyError(f"no product or service is mapped for tax {index + 1}")
    return _sales_line(item, description, Decimal(1), amount, amount, tax_code=refs.exempt_code)


def invoice(
    bill: Bill, refs: InvoiceRefs, *, prefix: str, option: TaxOption, matter_numbers: Sequence[str]
) -> dict[str, Any]:
    lines = invoice_lines(
        bill.lines, refs, option, (bill.primary_tax_name, bill.secondary_tax_name)
    )
    if bill.discount_total > 0:
        discount: dict[str, Any] = {"PercentBased": False}
        if refs.discount_account_id:
            discount["DiscountAccountRef"] = {"value": refs.discount_account_id}
        lines.append(
            {
                "DetailType": "DiscountLineDetail",
                "Amount": format_money(bill.discount_total),
                "DiscountLineDetail": discount,
            }
        )
    payload: dict[str, Any] = {
        "DocNumber": doc_number(prefix, bill.number),
        "TxnDate": bill.issue_date.isoformat(),
        "DueDate": bill.due_date.isoformat(),
        "CustomerRef": {"value": refs.customer_id},
        "Line": lines,
        "PrivateNote": marker(Kind.BILL, bill.id),
    }
    memo = matter_memo(matter_numbers)
    if memo:
        payload["CustomerMemo"] = {"value": memo}
    if option == TaxOption.tax_codes:
        payload["GlobalTaxCalculation"] = "TaxExcluded"
    if refs.currency:
        payload["CurrencyRef"] = {"value": bill.currency}
    return payload


def interest_invoice(
    charge: InterestCharge,
    bill_number: str,
    customer_id: str,
    item_id: str,
    *,
    prefix: str,
    due_date: str,
) -> dict[str, Any]:
    amount = Decimal(charge.amount)
    return {
        "DocNumber": doc_number(prefix, charge.number),
        "TxnDate": charge.charged_on.isoformat(),
        "DueDate": due_date,
        "CustomerRef": {"value": customer_id},
        "Line": [
            _sales_line(
                item_id,
                f"Interest at {Decimal(charge.rate).normalize()}% on bill {bill_number}",
                Decimal(1),
                amount,
                amount,
            )
        ],
        "PrivateNote": marker(Kind.INTEREST_CHARGE, charge.id),
    }


def credit_memo(
    note: CreditNote, customer_id: str, item_id: str, *, prefix: str, bill_number: str
) -> dict[str, Any]:
    amount = Decimal(note.amount)
    return {
        "DocNumber": doc_number(prefix, note.number),
        "TxnDate": note.date.isoformat(),
        "CustomerRef": {"value": customer_id},
        "Line": [
            _sales_line(
                item_id, note.reason or f"Credit on bill {bill_number}", Decimal(1), amount, amount
            )
        ],
        "PrivateNote": marker(Kind.CREDIT_NOTE, note.id),
    }


def payment(
    pay: Payment,
    customer_id: str,
    invoice_for_bill: Mapping[int, str],
    *,
    deposit_account_id: str | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "CustomerRef": {"value": customer_id},
        "TotalAmt": format_money(pay.amount),
        "TxnDate": pay.date.isoformat(),
        "PrivateNote": marker(Kind.PAYMENT, pay.id),
        "Line": [
            {
                "Amount": format_money(a.amount),
                "LinkedTxn": [{"TxnId": invoice_for_bill[a.bill_id], "TxnType": "Invoice"}],
            }
            for a in pay.allocations
        ],
    }
    if pay.reference:
        payload["PaymentRefNum"] = pay.reference[:21]
    if deposit_account_id:
        payload["DepositToAccountRef"] = {"value": deposit_account_id}
    return payload


def credit_application(
    note: CreditNote, customer_id: str, invoice_id: str, memo_id: str
) -> dict[str, Any]:
    """A payment of nothing that applies a credit memo to the bill's invoice."""
    amount = format_money(note.amount)
    return {
        "CustomerRef": {"value": customer_id},
        "TotalAmt": "0.00",
        "TxnDate": note.date.isoformat(),
        "PrivateNote": marker(Kind.CREDIT_APPLICATION, note.id),
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}]},
            {"Amount": amount, "LinkedTxn": [{"TxnId": memo_id, "TxnType": "CreditMemo"}]},
        ],
    }
