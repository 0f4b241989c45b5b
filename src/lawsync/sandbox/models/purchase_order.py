"""PurchaseOrder: an order placed with a vendor. Non-posting: it moves no money and no stock.

Lines are expense lines checked as on a purchase (items, accounts, customers, billable status,
tax codes). It needs QuickBooks Online Plus or Advanced (5020 below). Receiving it on a bill
(a LinkedTxn closing it) is not emulated; the client sets POStatus.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..faults import RequiredParamMissing
from .base import Ctx, EntityModel
from .lists import require_plus
from .purchase import Purchase
from .rules import check_email, check_enum, check_lengths, named_ref, require, resolve
from .txn import assign_line_ids, currency, doc_number, index_doc_number, txn_date

ZERO = Decimal("0")


class PurchaseOrder(EntityModel):
    name: ClassVar[str] = "PurchaseOrder"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset({"TotalAmt", "HomeTotalAmt", "LinkedTxn"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"DocNumber", "TxnDate", "VendorRef", "TotalAmt", "POStatus", "DueDate", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        require_plus(c.edition, "Purchase orders")
        require(data, "VendorRef")
        vendor = resolve(c, "Vendor", data["VendorRef"], "VendorRef")
        data["VendorRef"] = named_ref(vendor)
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000, "Memo": 4000})
        doc_number(
            ctx,
            self.name,
            data,
            old,
            check_duplicates=c.custom_txn_numbers,
            series=None if c.custom_txn_numbers else self.name,
        )
        check_enum(data, "POStatus", ("Open", "Closed"))
        data.setdefault("POStatus", "Open")
        check_email(data, "POEmail")
        if data.get("APAccountRef"):
            data["APAccountRef"] = named_ref(
                resolve(c, "Account", data["APAccountRef"], "APAccountRef"), "Name"
            )
        else:
            ap = c.account_by_subtype("AccountsPayable")
            if ap is None:
                raise RequiredParamMissing.of("APAccountRef")
            data["APAccountRef"] = named_ref(ap.data, "Name")
        code = currency(ctx, data, vendor if vendor.get("CurrencyRef") else None)
        raw = data.get("Line")
        if not isinstance(raw, list) or not raw:
            raise RequiredParamMissing.of("Line")
        lines = [Purchase()._line(ctx, dict(line), code) for line in raw]
        assign_line_ids(lines, old)
        data["Line"] = lines
        data["TotalAmt"] = sum((ln["Amount"] for ln in lines), ZERO)
        if old and old.get("LinkedTxn"):
            data["LinkedTxn"] = old["LinkedTxn"]
        return data

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        index_doc_number(ctx, self.name, old, new)
