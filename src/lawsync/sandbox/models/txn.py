"""Helpers every transaction shares: dates, document numbers, classes, line ids, tax codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ..company import claim_name, name_owner
from ..faults import (
    AmountCalculationIncorrect,
    BusinessValidation,
    DuplicateDocNumber,
    FeatureNotSupported,
    InvalidCurrency,
    InvalidLineTaxCode,
    InvalidReferenceId,
    InvalidSalesCustomer,
    TaxRateError,
)
from ..wire import money, to_decimal
from .base import Ctx
from .currency import rate_on
from .lists import require_plus_feature
from .names import KNOWN_CURRENCIES
from .rules import check_date, check_lengths, ref_id, resolve

TXN_TYPE_LABEL = {
    "Invoice": "Invoice",
    "CreditMemo": "Credit Memo",
    "JournalEntry": "Journal Entry",
    "Purchase": "Check",
    "Payment": "Payment",
    "Deposit": "Deposit",
    "SalesReceipt": "Sales Receipt",
    "Transfer": "Transfer",
    "Bill": "Bill",
    "RefundReceipt": "Refund",
    "Estimate": "Estimate",
    "PurchaseOrder": "Purchase Order",
}


def doc_group(entity: str) -> str:
    """Sales forms share one number space: an invoice can't reuse a credit memo's number."""
    sales = ("Invoice", "CreditMemo", "SalesReceipt", "RefundReceipt")
    return "doc:sales" if entity in sales else f"doc:{entity}"


def txn_date(ctx: Ctx, data: dict[str, Any]) -> str:
    if data.get("TxnDate"):
        data["TxnDate"] = check_date(data["TxnDate"], "TxnDate")
    else:
        data["TxnDate"] = datetime.fromtimestamp(ctx.now, ctx.company.tz).date().isoformat()
    return str(data["TxnDate"])


def doc_number(
    ctx: Ctx,
    entity: str,
    data: dict[str, Any],
    old: dict[str, Any] | None,
    *,
    check_duplicates: bool,
    series: str | None,
    start: int = 1001,
) -> None:
    check_lengths(data, {"DocNumber": 21})
    number = data.get("DocNumber")
    c = ctx.company
    if number in (None, ""):
        if old is not None and old.get("DocNumber"):
            data["DocNumber"] = old["DocNumber"]
        elif series is not None and not c.custom_txn_numbers:
            data["DocNumber"] = c.next_doc_number(series, start)
        return
    if not check_duplicates or "allowduplicatedocnum" in ctx.include:
        return
    owner = name_owner(c, doc_group(entity), str(number))
    if owner is not None and (old is None or owner[1] != old["Id"]):
        raise DuplicateDocNumber(
            "Duplicate Document Number Error : choose another number. "
            f"DocNumber={number} is assigned to "
            f"TxnType={TXN_TYPE_LABEL.get(owner[0].split(':')[0], owner[0])} with TxnId={owner[1]}",
            "DocNumber",
        )


def index_doc_number(
    ctx: Ctx, entity: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
    ident = (new or old or {}).get("Id", "")
    old_no = old.get("DocNumber") if old else None
    new_no = new.get("DocNumber") if new else None
    if old_no == new_no and new is not None:
        return
    claim_name(
        ctx.company,
        doc_group(entity),
        entity,
        ident,
        str(old_no) if old_no else None,
        str(new_no) if new_no else None,
    )


def class_ref(ctx: Ctx, holder: dict[str, Any], element: str) -> None:
    """Validate a ClassRef: below Plus or tracking switched off (5030), a missing or inactive
    (deleted) class (2500)."""
    ref = holder.get("ClassRef")
    if ref is None:
        return
    c = ctx.company
    require_plus_feature(c.edition, "Class tracking", element)
    if not c.class_tracking:
        raise FeatureNotSupported(
            "Feature Not Supported : class tracking is turned off for this company.",
            element,
        )
    ident = ref_id(ref, element)
    found = c.get("Class", ident)
    if found is not None and found.data.get("Active") is False:
        # QuickBooks "deletes" a class by making it inactive; a reference to one is then
        # refused as if it did not exist (2500, Klasses), not with 610 as for other lists.
        raise InvalidReferenceId.of("Klasses", ident)
    cls = resolve(c, "Class", ref, element)
    holder["ClassRef"] = {"value": cls["Id"], "name": cls["FullyQualifiedName"]}


def sales_customer(ctx: Ctx, data: dict[str, Any], sales_form: bool = True) -> dict[str, Any]:
    """Resolve CustomerRef: 6250 on sales forms; on payments 2500 (missing) or 6000 (inactive)."""
    from .rules import require

    ref = require(data, "CustomerRef")
    ident = ref_id(ref, "CustomerRef")
    cust = ctx.company.get("Customer", ident)
    if not sales_form and cust is None:
        raise InvalidReferenceId.of("Names", ident)
    if not sales_form and cust is not None and cust.data.get("Active") is False:
        raise BusinessValidation.of(
            f"The customer {cust.data['DisplayName']} ({ident}) is inactive.", "CustomerRef"
        )
    if cust is None or cust.data.get("Active") is False:
        raise InvalidSalesCustomer(
            f"Invalid Customer : customer {ident} does not exist or is inactive.",
            "CustomerRef",
        )
    data["CustomerRef"] = {"value": ident, "name": cust.data["DisplayName"]}
    return cust.data


def currency_of(record: dict[str, Any] | None) -> str | None:
    """The currency a customer, vendor or account is kept in (None for employees)."""
    return ((record or {}).get("CurrencyRef") or {}).get("value")


def currency(
    ctx: Ctx,
    data: dict[str, Any],
    party: dict[str, Any] | None,
    account: dict[str, Any] | None = None,
    account_element: str = "AccountRef",
) -> str:
    """Settle the transaction's currency: the one it names, else its party's, else the paying
    ``account``'s, else the home currency. The party and the paying account (a cheque's bank)
    must be kept in that very currency (6000)."""
    c = ctx.company
    ref = data.get("CurrencyRef")
    code = ref.get("value") if isinstance(ref, dict) else None
    if code is None:
        code = currency_of(party) or currency_of(account) or c.home_currency
    elif code not in KNOWN_CURRENCIES or (not c.multicurrency and code != c.home_currency):
        raise InvalidCurrency(f"Invalid Currency Type : {code}", "CurrencyRef")
    party_code = currency_of(party)
    if party_code and party_code != code:
        raise BusinessValidation.of(
            "The transaction's currency differs from the currency of its customer or vendor.",
            "CurrencyRef",
        )
    account_code = currency_of(account)
    if account_code and account_code != code:
        raise BusinessValidation.of(
            f"The transaction is in {code} but account {account['Id'] if account else ''} "
            f"is kept in {account_code}; pay from an account in the transaction's currency.",
            account_element,
        )
    data["CurrencyRef"] = {"value": code, "name": code}
    if code == c.home_currency:
        data.pop("ExchangeRate", None)
        if c.multicurrency:
            data["ExchangeRate"] = Decimal(1)
        return str(code)
    given = data.get("ExchangeRate")
    if not given:  # the company's rate of the transaction's day, as QuickBooks fills it in
        found = rate_on(c, str(code), str(data.get("TxnDate") or ""))
        given = found.data["Rate"] if found is not None else 1
    rate = to_decimal(given, "ExchangeRate")
    if rate <= 0:
        raise BusinessValidation.of("The exchange rate must be more than zero.", "ExchangeRate")
    data["ExchangeRate"] = rate
    return str(code)


def line_account_currency(ctx: Ctx, account: dict[str, Any], code: str, element: str) -> None:
    """A line may post to an account kept in the transaction's currency or in the home
    currency (income and expense accounts always are); any other currency gives 6000."""
    home = ctx.company.home_currency
    kept = currency_of(account) or home
    if kept not in (code, home):
        raise BusinessValidation.of(
            f"Account {account['Id']} ({account.get('Name', '')}) is kept in {kept}; a {code} "
            f"transaction can only post to accounts in {code} or in {home}.",
            element,
        )


def line_party_currency(party: dict[str, Any], code: str, element: str) -> None:
    """A name on a line (a journal line's Entity) must be kept in the transaction's currency."""
    kept = currency_of(party)
    if kept and kept != code:
        raise BusinessValidation.of(
            f"The transaction is in {code} but {party.get('DisplayName', '')} "
            f"({party['Id']}) is kept in {kept}.",
            element,
        )


def assign_line_ids(lines: list[dict[str, Any]], old: dict[str, Any] | None) -> None:
    used = {str(ln.get("Id")) for ln in (old or {}).get("Line", []) if ln.get("Id")}
    taken = {str(ln["Id"]) for ln in lines if ln.get("Id") and str(ln["Id"]) in used}
    counter = max([int(i) for i in used | taken if i.isdigit()], default=0)
    for number, line in enumerate(lines, start=1):
        if not line.get("Id") or str(line["Id"]) not in used:
            counter += 1
            line["Id"] = str(counter)
        else:
            line["Id"] = str(line["Id"])
        line["LineNum"] = number


def check_qty_price(detail: dict[str, Any], amount: Decimal, element: str) -> None:
    qty = detail.get("Qty")
    price = detail.get("UnitPrice")
    if qty is not None:
        detail["Qty"] = to_decimal(qty, "Qty")
    if price is not None:
        detail["UnitPrice"] = to_decimal(price, "UnitPrice")
    # Zero stands for "not given": python-quickbooks sends Qty 0 and UnitPrice 0 by default.
    if qty is not None and price is not None and detail["Qty"] != 0 and detail["UnitPrice"] != 0:
        product = money(detail["Qty"] * detail["UnitPrice"])
        if abs(product - amount) >= Decimal("0.005"):
            raise AmountCalculationIncorrect(
                f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}", element
            )


def line_tax_rates(
    ctx: Ctx, detail: dict[str, Any], purchase: bool = False
) -> list[tuple[str, Decimal]]:
    """Return [(TaxRate id, percent)] for a line's TaxCodeRef, enforcing the regional rules."""
    c = ctx.company
    ref = detail.get("TaxCodeRef")
    if c.country == "US":
        code = ref_id(ref, "TaxCodeRef") if ref is not None else "NON"
        if code not in ("TAX", "NON"):
            raise InvalidLineTaxCode(
                "Invalid Line TaxCode : a US line takes TAX or NON as its tax code. "
                f"Supplied value: {code}.",
                "TaxCodeRef",
            )
        detail["TaxCodeRef"] = {"value": code}
        return []
    if ref is None:
        raise BusinessValidation.of(
            "Every sales line needs a tax code (GST/HST or exempt) in this company.",
            "TaxCodeRef",
        )
    code_id = ref_id(ref, "TaxCodeRef")
    rec = c.get("TaxCode", code_id)
    if rec is None:
        raise InvalidReferenceId.of("TaxCodes", code_id)
    key = "PurchaseTaxRateList" if purchase else "SalesTaxRateList"
    details = (rec.data.get(key) or {}).get("TaxRateDetail") or []
    if not details:
        side = "purchase" if purchase else "sales"
        raise TaxRateError(
            f"Tax Rate Error : tax code {code_id} ({rec.data.get('Name', '')}) has no {side} "
            f"rate, so it can not be used on a {side} line.",
            "TaxCodeRef",
        )
    detail["TaxCodeRef"] = {"value": code_id}
    out = []
    for d in details:
        rate_id = d["TaxRateRef"]["value"]
        rate = c.get("TaxRate", rate_id)
        out.append((rate_id, Decimal(str(rate.data["RateValue"])) if rate else Decimal(0)))
    return out
