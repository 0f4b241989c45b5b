"""Invoice and CreditMemo: sales forms with item lines, discounts, tax and a subtotal line."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import (
    BusinessValidation,
    DiscountInfoMissing,
    EmailRequired,
    RequiredParamMissing,
    UnsupportedOperation,
)
from ..ledger import applied_total, refresh_open_balance, set_open_item
from ..wire import money, to_decimal
from .base import Ctx, EntityModel, voided_note, zero_lines
from .inventory import cost_of_sales
from .rules import check_email, check_enum, check_lengths, named_ref, resolve
from .txn import (
    assign_line_ids,
    check_qty_price,
    class_ref,
    currency,
    doc_number,
    index_doc_number,
    line_tax_rates,
    sales_customer,
    txn_date,
)

ZERO = Decimal("0")


def _default_item(c: Company) -> dict[str, Any]:
    rec = c.find_by("Item", "Name", "Services")
    if rec is None:
        raise RequiredParamMissing.of("ItemRef", "Line.SalesItemLineDetail.ItemRef")
    return rec.data


def price_sales_lines(ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Validate lines and compute subtotal, discount, tax and TotalAmt in place."""
    c = ctx.company
    raw = data.get("Line")
    if not isinstance(raw, list) or not raw:
        raise RequiredParamMissing.of("Line")
    lines = [dict(ln) for ln in raw if ln.get("DetailType") != "SubTotalLineDetail"]
    subtotal = ZERO
    taxable: list[tuple[Decimal, list[tuple[str, Decimal]]]] = []
    discounts: list[dict[str, Any]] = []
    for line in lines:
        kind = line.get("DetailType")
        if kind is None:
            raise RequiredParamMissing.of("DetailType", "Line.DetailType")
        if kind == "SalesItemLineDetail":
            if line.get("Amount") is None:
                raise RequiredParamMissing.of("Amount", "Line.Amount")
            amount = money(to_decimal(line["Amount"], "Line.Amount"))
            line["Amount"] = amount
            detail = dict(line.get("SalesItemLineDetail") or {})
            item = (
                resolve(c, "Item", detail["ItemRef"], "Line.SalesItemLineDetail.ItemRef")
                if detail.get("ItemRef")
                else _default_item(c)
            )
            detail["ItemRef"] = named_ref(item, "Name")
            if item.get("IncomeAccountRef"):
                detail["ItemAccountRef"] = item["IncomeAccountRef"]
            check_qty_price(detail, amount, "Line.Amount")
            class_ref(ctx, detail, "Line.SalesItemLineDetail.ClassRef")
            rates = line_tax_rates(ctx, detail)
            if c.country == "US" and detail["TaxCodeRef"]["value"] == "TAX":
                rates = [("us", ZERO)]
            line["SalesItemLineDetail"] = detail
            subtotal += amount
            taxable.append((amount, rates))
        elif kind == "DiscountLineDetail":
            detail = dict(line.get("DiscountLineDetail") or {})
            if detail.get("PercentBased") and detail.get("DiscountPercent") is not None:
                detail["DiscountPercent"] = to_decimal(detail["DiscountPercent"], "DiscountPercent")
            elif line.get("Amount") is None:
                raise DiscountInfoMissing(
                    "Discount line must have either a percent or an amount.",
                    "Line.DiscountLineDetail",
                )
            line["DiscountLineDetail"] = detail
            discounts.append(line)
        elif kind == "DescriptionOnly":
            line.setdefault("DescriptionLineDetail", {})
            line["Amount"] = money(to_decimal(line.get("Amount", 0), "Line.Amount"))
        elif kind == "GroupLineDetail":
            raise UnsupportedOperation("Group lines are not emulated by the sandbox.", "Line")
        else:
            from ..faults import InvalidEnumeration

            raise InvalidEnumeration.of(kind, "Line.DetailType")
        check_lengths(line, {"Description": 4000})
    discount_total = ZERO
    for line in discounts:
        detail = line["DiscountLineDetail"]
        if detail.get("PercentBased") and detail.get("DiscountPercent") is not None:
            line["Amount"] = money(subtotal * detail["DiscountPercent"] / 100)
        else:
            line["Amount"] = money(to_decimal(line["Amount"], "Line.Amount"))
        discount_total += line["Amount"]
    assign_line_ids(lines, old)
    tax_lines, total_tax = _tax(ctx, data, taxable, subtotal, discount_total)
    inclusive = data.get("GlobalTaxCalculation") == "TaxInclusive"
    total = subtotal - discount_total + (ZERO if inclusive else total_tax)
    sub_line = {
        "Amount": subtotal,
        "DetailType": "SubTotalLineDetail",
        "SubTotalLineDetail": {},
    }
    insert_at = next(
        (i for i, ln in enumerate(lines) if ln["DetailType"] == "DiscountLineDetail"), len(lines)
    )
    data["Line"] = [*lines[:insert_at], sub_line, *lines[insert_at:]]
    if tax_lines or "TxnTaxDetail" in data:
        txn_tax = dict(data.get("TxnTaxDetail") or {})
        txn_tax["TotalTax"] = total_tax
        if tax_lines:
            txn_tax["TaxLine"] = tax_lines
        data["TxnTaxDetail"] = txn_tax
    data["TotalAmt"] = money(total)


def _tax(
    ctx: Ctx,
    data: dict[str, Any],
    taxable: list[tuple[Decimal, list[tuple[str, Decimal]]]],
    subtotal: Decimal,
    discount: Decimal,
) -> tuple[list[dict[str, Any]], Decimal]:
    c = ctx.company
    per_rate: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    if c.country == "US":
        code_ref = (data.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef")
        if code_ref is None:
            return [], ZERO
        code = resolve(c, "TaxCode", code_ref, "TxnTaxDetail.TxnTaxCodeRef")
        rates = []
        for d in (code.get("SalesTaxRateList") or {}).get("TaxRateDetail", []):
            rate = c.get("TaxRate", d["TaxRateRef"]["value"])
            if rate is not None:
                rates.append((rate.data["Id"], Decimal(str(rate.data["RateValue"]))))
        taxable = [(amt, rates) for amt, r in taxable if r]
    check_enum(data, "GlobalTaxCalculation", ("TaxExcluded", "TaxInclusive", "NotApplicable"))
    if c.country != "US":
        data.setdefault("GlobalTaxCalculation", "TaxExcluded")
    inclusive = data.get("GlobalTaxCalculation") == "TaxInclusive"
    for amount, rates in taxable:
        total_rate = sum((r for _, r in rates), ZERO)
        net = money(amount * 100 / (100 + total_rate)) if inclusive and total_rate else amount
        for rate_id, pct in rates:
            tax = money(net * pct / 100)
            old_tax, old_base, _ = per_rate.get(rate_id, (ZERO, ZERO, pct))
            per_rate[rate_id] = (old_tax + tax, old_base + net, pct)
    lines = []
    total = ZERO
    for rate_id, (tax, base, pct) in per_rate.items():
        total += tax
        lines.append(
            {
                "Amount": tax,
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": rate_id},
                    "PercentBased": True,
                    "TaxPercent": pct,
                    "NetAmountTaxable": base,
                },
            }
        )
    return lines, total


class SalesForm(EntityModel):
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "RemainingCredit", "LinkedTxn"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "DocNumber",
            "TxnDate",
            "CustomerRef",
            "TotalAmt",
            "Balance",
            "DueDate",
            "PrivateNote",
            "EmailStatus",
            "PrintStatus",
        }
    )
    sign: ClassVar[int] = 1
    needs_customer: ClassVar[bool] = True
    # The automatic DocNumber series: invoices, credit memos and receipts share one.
    series: ClassVar[str] = "sales"

    def debit_account(self, c: Company, data: dict[str, Any]) -> str | None:
        """The account the total is debited to: Accounts Receivable for sales on credit."""
        ar = c.account_by_subtype("AccountsReceivable")
        return ar.data["Id"] if ar else None

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        cust = sales_customer(ctx, data) if self.needs_customer or data.get("CustomerRef") else None
        txn_date(ctx, data)
        check_lengths(data, {"CustomerMemo.value": 1000, "PrivateNote": 4000})
        doc_number(
            ctx, self.name, data, old, check_duplicates=c.custom_txn_numbers, series=self.series
        )
        check_enum(data, "PrintStatus", ("NotSet", "NeedToPrint", "PrintComplete"))
        check_enum(data, "EmailStatus", ("NotSet", "NeedToSend", "EmailSent"))
        check_email(data, "BillEmail")
        if data.get("EmailStatus") == "NeedToSend" and not (data.get("BillEmail") or {}).get(
            "Address"
        ):
            raise EmailRequired(
                "Email address is required when EmailStatus is NeedToSend.", "BillEmail"
            )
        currency(ctx, data, cust)
        class_ref(ctx, data, "ClassRef")
        price_sales_lines(ctx, data, old)
        if data["TotalAmt"] < 0:
            raise BusinessValidation.of(f"The {self.name} total can not be negative.", "TotalAmt")
        ident = (old or {}).get("Id")
        applied = applied_total(c, (self.name, ident)) if ident else ZERO
        if applied > data["TotalAmt"]:
            raise BusinessValidation.of(
                "The total can not be less than the payments already applied to it.", "TotalAmt"
            )
        data["Balance"] = data["TotalAmt"] - applied
        if old and old.get("LinkedTxn"):
            data["LinkedTxn"] = old["LinkedTxn"]
        data.setdefault("PrintStatus", "NotSet")
        data.setdefault("EmailStatus", "NotSet")
        self.extra(ctx, data)
        return data

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        pass

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(data.get("TotalAmt", 0)))
        if total == 0:
            return []
        ar = self.debit_account(c, data)
        out = []
        day = data["TxnDate"]
        s = Decimal(self.sign)
        if ar:
            out.append(Posting(ar, s * total, day))
        credited = ZERO
        for line in data.get("Line", []):
            if line.get("DetailType") == "SalesItemLineDetail":
                acct = (line["SalesItemLineDetail"].get("ItemAccountRef") or {}).get("value")
                if acct:
                    out.append(Posting(acct, -s * Decimal(str(line["Amount"])), day))
                    credited += Decimal(str(line["Amount"]))
            elif line.get("DetailType") == "DiscountLineDetail":
                disc = (line["DiscountLineDetail"].get("DiscountAccountRef") or {}).get("value")
                rec = (
                    c.get("Account", disc)
                    if disc
                    else c.account_by_subtype("DiscountsRefundsGiven")
                )
                if rec:
                    out.append(Posting(rec.data["Id"], s * Decimal(str(line["Amount"])), day))
                    credited -= Decimal(str(line["Amount"]))
        first_income = 1 if ar else 0
        if data.get("GlobalTaxCalculation") == "TaxInclusive" and len(out) > first_income:
            # Line amounts include tax: the income account gets them net of it.
            tax = Decimal(str((data.get("TxnTaxDetail") or {}).get("TotalTax", 0)))
            first = out[first_income]
            out[first_income] = Posting(first.account_id, first.amount + s * tax, first.txn_date)
            credited -= tax
        rest = total - credited
        if rest != 0:
            tax_acct = c.account_by_subtype("GlobalTaxPayable") or c.account_by_subtype(
                "SalesTaxPayable"
            )
            if tax_acct:
                out.append(Posting(tax_acct.data["Id"], -s * rest, day))
        return out + cost_of_sales(c, data, s)

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        index_doc_number(ctx, self.name, old, new)
        key = (self.name, (new or old or {}).get("Id", ""))
        if new is None:
            set_open_item(ctx.company, key, None, ZERO)
            ctx.company.applied.pop(key, None)
        else:
            refresh_open_balance(ctx.company, key, ctx.now)

    def _no_payments(self, ctx: Ctx, data: dict[str, Any], verb: str) -> None:
        if applied_total(ctx.company, (self.name, data["Id"])) != 0:
            raise BusinessValidation.of(
                f"This transaction has payments applied to it; remove them before you {verb} it.",
                "",
            )

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        self._no_payments(ctx, data, "delete")

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["Line"] = zero_lines(data.get("Line", []))
        data["TotalAmt"] = ZERO
        data["Balance"] = ZERO
        if "TxnTaxDetail" in data:
            data["TxnTaxDetail"] = {**data["TxnTaxDetail"], "TotalTax": ZERO, "TaxLine": []}
        data["PrivateNote"] = voided_note(data.get("PrivateNote"))
        return data


class Invoice(SalesForm):
    name: ClassVar[str] = "Invoice"
    voidable: ClassVar[bool] = True

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        if not data.get("DueDate"):
            days = 0
            term_ref = data.get("SalesTermRef")
            if term_ref:
                term = resolve(ctx.company, "Term", term_ref, "SalesTermRef")
                days = int(term.get("DueDays") or 0)
            data["DueDate"] = (
                date.fromisoformat(data["TxnDate"]) + timedelta(days=days)
            ).isoformat()

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        self._no_payments(ctx, {"Id": ident}, "void")
        return super().voided(ctx, ident, data)


class CreditMemo(SalesForm):
    name: ClassVar[str] = "CreditMemo"
    sign: ClassVar[int] = -1

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        data["RemainingCredit"] = data["Balance"]
