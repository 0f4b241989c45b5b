"""Purchase: an expense paid by cash, cheque or credit card, with account or item lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import (
    InvalidAccountType,
    InvalidEnumeration,
    MissingBillableCustomer,
    MissingLineDetail,
    RequiredParamMissing,
)
from ..wire import money, to_decimal
from .base import Ctx, EntityModel, voided_note, zero_lines
from .lists import require_plus_feature
from .rules import check_enum, check_lengths, named_ref, ref_id, require, resolve
from .txn import (
    assign_line_ids,
    check_qty_price,
    class_ref,
    currency,
    doc_number,
    index_doc_number,
    line_account_currency,
    line_tax_rates,
    txn_date,
)

ZERO = Decimal("0")
PAYING_TYPES = {
    "Check": ("Bank",),
    "CreditCard": ("Credit Card",),
    "Cash": ("Bank", "Other Current Asset", "Credit Card"),
}
BILLABLE = ("Billable", "NotBillable", "HasBeenBilled")


class Purchase(EntityModel):
    name: ClassVar[str] = "Purchase"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset({"TotalAmt", "HomeTotalAmt", "RemitToAddr"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "DocNumber",
            "TxnDate",
            "TotalAmt",
            "PaymentType",
            "AccountRef",
            "EntityRef",
            "PrintStatus",
            "PrivateNote",
            "Credit",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        pay_type = require(data, "PaymentType")
        if pay_type not in PAYING_TYPES:
            raise InvalidEnumeration.of(pay_type, "PaymentType")
        require(data, "AccountRef")
        acct = resolve(c, "Account", data["AccountRef"], "AccountRef")
        if acct["AccountType"] not in PAYING_TYPES[pay_type]:
            raise InvalidAccountType(
                f"Invalid account type used : a {pay_type} purchase can not be paid from account "
                f"{acct['Id']} of type {acct['AccountType']}.",
                "AccountRef",
            )
        data["AccountRef"] = named_ref(acct, "Name")
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        is_check = pay_type == "Check"
        doc_number(
            ctx,
            cheque_numbers(acct["Id"]),
            data,
            old,
            check_duplicates=is_check and c.warn_duplicate_doc_numbers,
            series=None,
        )
        if is_check:
            check_enum(data, "PrintStatus", ("NotSet", "NeedToPrint", "PrintComplete"))
            data.setdefault("PrintStatus", "NotSet")
        else:
            data.pop("PrintStatus", None)
        if pay_type != "CreditCard":
            data.pop("Credit", None)
        party = None
        if data.get("EntityRef"):
            etype = data["EntityRef"].get("type") or "Vendor"
            if etype not in ("Vendor", "Customer", "Employee"):
                raise InvalidEnumeration.of(etype, "EntityRef.type")
            party = resolve(c, etype, data["EntityRef"], "EntityRef")
            data["EntityRef"] = {**named_ref(party), "type": etype}
        code = currency(
            ctx, data, party if party and party.get("CurrencyRef") else None, account=acct
        )
        raw = data.get("Line")
        if not isinstance(raw, list) or not raw:
            raise RequiredParamMissing.of("Line")
        lines = [self._line(ctx, dict(ln), code) for ln in raw]
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        data["TotalAmt"] = sum((ln["Amount"] for ln in lines), ZERO)
        return data

    def _line(self, ctx: Ctx, line: dict[str, Any], code: str | None = None) -> dict[str, Any]:
        c = ctx.company
        if line.get("Amount") is None:
            raise RequiredParamMissing.of("Amount", "Line.Amount")
        amount = money(to_decimal(line["Amount"], "Line.Amount"))
        line["Amount"] = amount
        kind = line.get("DetailType")
        if kind not in ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"):
            if kind is None:
                raise MissingLineDetail(
                    "Transaction Detail Information Required : every line needs a product/"
                    "service or an account.",
                    "Line.DetailType",
                )
            raise InvalidEnumeration.of(kind, "Line.DetailType")
        detail = dict(line.get(kind) or {})
        if kind == "AccountBasedExpenseLineDetail":
            if detail.get("AccountRef") is None:
                raise MissingLineDetail(
                    "Transaction Detail Information Required : the line needs an account.",
                    f"Line.{kind}.AccountRef",
                )
            acct = resolve(c, "Account", detail["AccountRef"], f"Line.{kind}.AccountRef")
            if code is not None:
                line_account_currency(ctx, acct, code, f"Line.{kind}.AccountRef")
            detail["AccountRef"] = named_ref(acct, "Name")
        else:
            if detail.get("ItemRef") is None:
                raise MissingLineDetail(
                    "Transaction Detail Information Required : the line needs a product/service.",
                    f"Line.{kind}.ItemRef",
                )
            item = resolve(c, "Item", detail["ItemRef"], f"Line.{kind}.ItemRef")
            detail["ItemRef"] = named_ref(item, "Name")
            check_qty_price(detail, amount, "Line.Amount")
        status = detail.get("BillableStatus")
        if status is not None and (status not in BILLABLE or status == "HasBeenBilled"):
            raise InvalidEnumeration.of(status, f"Line.{kind}.BillableStatus")
        if status == "Billable":
            require_plus_feature(
                c.edition, "Billable expense tracking", f"Line.{kind}.BillableStatus"
            )
            if detail.get("CustomerRef") is None:
                raise MissingBillableCustomer(
                    "A billable expense line needs a customer.", f"Line.{kind}.CustomerRef"
                )
        if detail.get("CustomerRef") is not None:
            cust = resolve(c, "Customer", detail["CustomerRef"], f"Line.{kind}.CustomerRef")
            detail["CustomerRef"] = named_ref(cust)
            detail.setdefault("BillableStatus", "NotBillable")
        class_ref(ctx, detail, f"Line.{kind}.ClassRef")
        if detail.get("TaxCodeRef") is not None:
            line_tax_rates(ctx, detail, purchase=True)
        line[kind] = detail
        return line

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(data.get("TotalAmt", 0)))
        if total == 0:
            return []
        sign = Decimal(-1) if data.get("Credit") else Decimal(1)
        day = data["TxnDate"]
        payee = data.get("EntityRef")
        payee_name = f"{payee.get('type') or 'Vendor'}:{payee['value']}" if payee else None
        out = [
            Posting(
                data["AccountRef"]["value"], -sign * total, day, payee_name, data.get("PrivateNote")
            )
        ]
        for line in data.get("Line", []):
            kind = line["DetailType"]
            detail = line[kind]
            if kind == "AccountBasedExpenseLineDetail":
                acct = detail["AccountRef"]["value"]
            else:
                item = c.get("Item", ref_id(detail["ItemRef"], "ItemRef"))
                ref = (
                    (
                        item.data.get("AssetAccountRef")
                        or item.data.get("ExpenseAccountRef")
                        or item.data.get("IncomeAccountRef")
                    )
                    if item
                    else None
                )
                acct = ref["value"] if ref else data["AccountRef"]["value"]
            customer = detail.get("CustomerRef")
            out.append(
                Posting(
                    acct,
                    sign * Decimal(str(line["Amount"])),
                    day,
                    f"Customer:{customer['value']}" if customer else payee_name,
                    line.get("Description"),
                )
            )
        return out

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        """A cheque voided in QuickBooks' screens (the API has no void for Purchase): kept,
        with its number and payee, every amount zero, "Voided" in its memo."""
        data = dict(data)
        data["Line"] = zero_lines(data.get("Line", []))
        data["TotalAmt"] = ZERO
        data["PrivateNote"] = voided_note(data.get("PrivateNote"))
        return data

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        # Cheque numbers are a bank account's own: index each under its account.
        old_group = _cheque_group(old)
        new_group = _cheque_group(new)
        if old_group is not None and old_group != new_group:
            index_doc_number(ctx, old_group, old, None)
        if new_group is not None:
            index_doc_number(ctx, new_group, old if old_group == new_group else None, new)


def cheque_numbers(account_id: str) -> str:
    """The number space of one bank account's cheques (6140 names its holder TxnType=Check)."""
    return f"Purchase:{account_id}"


def _cheque_group(data: dict[str, Any] | None) -> str | None:
    if not data or data.get("PaymentType") != "Check":
        return None
    return cheque_numbers(str((data.get("AccountRef") or {}).get("value", "")))
