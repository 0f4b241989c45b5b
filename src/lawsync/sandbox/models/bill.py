"""Bill (a supplier's invoice, owed through Accounts Payable) and BillPayment (paying it)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import (
    BusinessValidation,
    FeatureNotSupported,
    InvalidAccountType,
    InvalidEnumeration,
    RequiredParamMissing,
    TxnCannotBeLinked,
)
from ..ledger import applied_total, refresh_open_balance, set_applications, set_vendor_item
from ..wire import money, to_decimal
from .base import Ctx, EntityModel, voided_note
from .lists import require_plus
from .purchase import Purchase
from .rules import check_lengths, named_ref, require, resolve
from .txn import assign_line_ids, currency, doc_number, index_doc_number, txn_date

ZERO = Decimal("0")


def _needs_bills(c: Company) -> None:
    if c.edition == "simple_start":
        require_plus("simple_start", "Bills")


def _vendor(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    require(data, "VendorRef")
    vendor = resolve(ctx.company, "Vendor", data["VendorRef"], "VendorRef")
    data["VendorRef"] = named_ref(vendor)
    return vendor


class Bill(EntityModel):
    name: ClassVar[str] = "Bill"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset(
        {"TotalAmt", "Balance", "HomeTotalAmt", "LinkedTxn"}
    )
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"DocNumber", "TxnDate", "DueDate", "VendorRef", "TotalAmt", "Balance", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        _needs_bills(c)
        vendor = _vendor(ctx, data)
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        doc_number(
            ctx,
            f"Bill:{vendor['Id']}",
            data,
            old,
            check_duplicates=c.warn_duplicate_doc_numbers,
            series=None,
        )
        if data.get("APAccountRef"):
            ap = resolve(c, "Account", data["APAccountRef"], "APAccountRef")
            if ap["AccountType"] != "Accounts Payable":
                raise InvalidAccountType(
                    f"Invalid account type used : APAccountRef {ap['Id']} is not an Accounts "
                    "Payable account.",
                    "APAccountRef",
                )
        else:
            rec = c.account_by_subtype("AccountsPayable")
            if rec is None:
                raise RequiredParamMissing.of("APAccountRef")
            ap = rec.data
        data["APAccountRef"] = named_ref(ap, "Name")
        code = currency(ctx, data, vendor if vendor.get("CurrencyRef") else None)
        raw = data.get("Line")
        if not isinstance(raw, list) or not raw:
            raise RequiredParamMissing.of("Line")
        lines = []
        for raw_line in raw:
            line = dict(raw_line)
            if line.get("DetailType") == "ItemBasedExpenseLineDetail" and c.edition == "essentials":
                raise FeatureNotSupported(
                    "Feature Not Supported : item lines on bills need QuickBooks "
                    "Online Plus or Advanced.",
                    "Line.ItemBasedExpenseLineDetail",
                )
            lines.append(Purchase()._line(ctx, line, code))
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        data["TotalAmt"] = sum((ln["Amount"] for ln in lines), ZERO)
        ident = (old or {}).get("Id")
        paid = applied_total(c, ("Bill", ident)) if ident else ZERO
        if paid > data["TotalAmt"]:
            raise BusinessValidation.of(
                "The total can not be less than the payments already applied to it.", "TotalAmt"
            )
        data["Balance"] = data["TotalAmt"] - paid
        if not data.get("DueDate"):
            days = 0
            if data.get("SalesTermRef"):
                days = int(
                    resolve(c, "Term", data["SalesTermRef"], "SalesTermRef").get("DueDays") or 0
                )
            data["DueDate"] = (
                date.fromisoformat(data["TxnDate"]) + timedelta(days=days)
            ).isoformat()
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(data.get("TotalAmt", 0)))
        if total == 0:
            return []
        fake = {**data, "AccountRef": data["APAccountRef"]}
        return Purchase().postings(c, fake)

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        vendor = ((new or old or {}).get("VendorRef") or {}).get("value", "")
        index_doc_number(ctx, f"Bill:{vendor}", old, new)
        if new is not None:
            refresh_open_balance(ctx.company, ("Bill", new["Id"]), ctx.now)
        else:
            ctx.company.applied.pop(("Bill", (old or {}).get("Id", "")), None)
            set_vendor_item(ctx.company, ("Bill", (old or {}).get("Id", "")), None, ZERO)

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        if applied_total(ctx.company, ("Bill", data["Id"])) != 0:
            raise BusinessValidation.of(
                "This bill has payments applied to it; remove them before you delete it.", ""
            )


class BillPayment(EntityModel):
    name: ClassVar[str] = "BillPayment"
    kind: ClassVar[str] = "txn"
    voidable: ClassVar[bool] = True
    read_only: ClassVar[frozenset[str]] = frozenset({"HomeTotalAmt"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"DocNumber", "TxnDate", "VendorRef", "TotalAmt", "PayType", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        _needs_bills(c)
        vendor = _vendor(ctx, data)
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        doc_number(ctx, self.name, data, old, check_duplicates=False, series=None)
        pay_type = require(data, "PayType")
        if pay_type not in ("Check", "CreditCard"):
            raise InvalidEnumeration.of(pay_type, "PayType")
        block, key, wanted = (
            ("CheckPayment", "BankAccountRef", "Bank")
            if pay_type == "Check"
            else ("CreditCardPayment", "CCAccountRef", "Credit Card")
        )
        detail = dict(data.get(block) or {})
        if detail.get(key) is None:
            raise RequiredParamMissing.of(key, f"{block}.{key}")
        acct = resolve(c, "Account", detail[key], f"{block}.{key}")
        if acct["AccountType"] != wanted:
            raise InvalidAccountType(
                f"Invalid account type used : {key} must be a {wanted} account.", f"{block}.{key}"
            )
        detail[key] = named_ref(acct, "Name")
        data[block] = detail
        if data.get("TotalAmt") is None:
            raise BusinessValidation.of("A bill payment needs an amount (TotalAmt).", "TotalAmt")
        total = money(to_decimal(data["TotalAmt"], "TotalAmt"))
        data["TotalAmt"] = total
        currency(ctx, data, vendor if vendor.get("CurrencyRef") else None)
        own = f"BillPayment:{(old or {}).get('Id', '')}"
        applied = ZERO
        lines = [dict(ln) for ln in data.get("Line") or []]
        for line in lines:
            amount = money(to_decimal(line.get("Amount", 0), "Line.Amount"))
            line["Amount"] = amount
            for link in line.get("LinkedTxn") or []:
                bill = (
                    c.get("Bill", str(link.get("TxnId", "")))
                    if link.get("TxnType") == "Bill"
                    else None
                )
                if bill is None or bill.data["VendorRef"]["value"] != vendor["Id"]:
                    raise TxnCannotBeLinked(
                        f"Txn ID {link.get('TxnId')} can not be linked.",
                        "Line.LinkedTxn",
                    )
                open_amount = Decimal(str(bill.data["TotalAmt"])) - applied_total(
                    c, ("Bill", bill.data["Id"]), own
                )
                if amount > open_amount:
                    raise BusinessValidation.of(
                        f"The payment applied to Bill {bill.data['Id']} ({amount}) is more "
                        f"than its open balance ({open_amount}).",
                        "Line.Amount",
                    )
                applied += amount
        if applied > total:
            raise BusinessValidation.of(
                "The amount applied to bills is more than the payment amount.", "TotalAmt"
            )
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        return data

    def _paid_from(self, data: dict[str, Any]) -> str:
        if data.get("PayType") == "Check":
            return str(data["CheckPayment"]["BankAccountRef"]["value"])
        return str(data["CreditCardPayment"]["CCAccountRef"]["value"])

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(data.get("TotalAmt", 0)))
        ap = c.account_by_subtype("AccountsPayable")
        if total == 0 or ap is None:
            return []
        day = data["TxnDate"]
        return [Posting(ap.data["Id"], total, day), Posting(self._paid_from(data), -total, day)]

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        c = ctx.company
        key = f"BillPayment:{(new or old or {}).get('Id', '')}"
        apps: dict[tuple[str, str], Decimal] = {}
        for line in (new or {}).get("Line", []):
            for link in line.get("LinkedTxn") or []:
                if Decimal(str(line["Amount"])) != 0:
                    apps[("Bill", str(link["TxnId"]))] = Decimal(str(line["Amount"]))
        for target in set_applications(c, key, apps, ctx.now):
            refresh_open_balance(c, target, ctx.now)

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["TotalAmt"] = ZERO
        data["Line"] = []
        data["PrivateNote"] = voided_note(data.get("PrivateNote"))
        return data
