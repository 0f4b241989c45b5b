"""SalesReceipt (a sale paid on the spot) and Transfer (money moved between two accounts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import BusinessValidation, RequiredParamMissing
from ..wire import money, to_decimal
from .base import Ctx, EntityModel
from .payment import deposit_account
from .rules import check_lengths, named_ref, require, resolve
from .sales import SalesForm
from .txn import index_doc_number, txn_date

ZERO = Decimal("0")


class SalesReceipt(SalesForm):
    name: ClassVar[str] = "SalesReceipt"
    voidable: ClassVar[bool] = True
    needs_customer: ClassVar[bool] = False

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        c = ctx.company
        if data.get("DepositToAccountRef"):
            data["DepositToAccountRef"] = named_ref(deposit_account(ctx, data), "Name")
        else:
            undeposited = c.account_by_subtype("UndepositedFunds")
            if undeposited is None:
                raise RequiredParamMissing.of("DepositToAccountRef")
            data["DepositToAccountRef"] = named_ref(undeposited.data, "Name")
        if data.get("PaymentMethodRef"):
            resolve(c, "PaymentMethod", data["PaymentMethodRef"], "PaymentMethodRef")
        data["Balance"] = ZERO

    def debit_account(self, c: Company, data: dict[str, Any]) -> str | None:
        return str((data.get("DepositToAccountRef") or {}).get("value") or "") or None

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        index_doc_number(ctx, self.name, old, new)

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        """A sales receipt has no payments applied to it."""


class Transfer(EntityModel):
    name: ClassVar[str] = "Transfer"
    kind: ClassVar[str] = "txn"
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"TxnDate", "Amount", "FromAccountRef", "ToAccountRef", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        require(data, "FromAccountRef")
        require(data, "ToAccountRef")
        source = resolve(c, "Account", data["FromAccountRef"], "FromAccountRef")
        target = resolve(c, "Account", data["ToAccountRef"], "ToAccountRef")
        if source["Id"] == target["Id"]:
            raise BusinessValidation.of("Transfer accounts must be different.", "ToAccountRef")
        if data.get("Amount") is None:
            raise RequiredParamMissing.of("Amount")
        amount = money(to_decimal(data["Amount"], "Amount"))
        if amount <= 0:
            raise BusinessValidation.of("A transfer needs an amount above zero.", "Amount")
        data["Amount"] = amount
        data["FromAccountRef"] = named_ref(source, "Name")
        data["ToAccountRef"] = named_ref(target, "Name")
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        data.setdefault("CurrencyRef", {"value": c.home_currency, "name": c.home_currency})
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        amount = Decimal(str(data["Amount"]))
        day = data["TxnDate"]
        return [
            Posting(data["ToAccountRef"]["value"], amount, day),
            Posting(data["FromAccountRef"]["value"], -amount, day),
        ]
