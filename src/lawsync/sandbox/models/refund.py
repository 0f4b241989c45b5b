"""RefundReceipt: money paid back to a customer on the spot, out of a bank or asset account.

The mirror of a sales receipt: item lines priced as on any sales form, income debited and the
paying account credited, returned inventory put back in stock. QuickBooks requires the paying
account (DepositToAccountRef) and refuses Undeposited Funds for it: a refund leaves the
business from a real account.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..faults import InvalidAccountType, RequiredParamMissing
from .base import Ctx
from .receipt import SalesReceipt
from .rules import check_enum, check_lengths, named_ref, resolve

PAYING = ("Bank", "Other Current Asset", "Credit Card")


class RefundReceipt(SalesReceipt):
    name: ClassVar[str] = "RefundReceipt"
    sign: ClassVar[int] = -1
    voidable: ClassVar[bool] = False
    queryable: ClassVar[frozenset[str]] = SalesReceipt.queryable | {"PaymentType"}

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        c = ctx.company
        if not data.get("DepositToAccountRef"):
            raise RequiredParamMissing.of("DepositToAccountRef")
        acct = resolve(c, "Account", data["DepositToAccountRef"], "DepositToAccountRef")
        if acct.get("AccountType") not in PAYING or acct.get("AccountSubType") == (
            "UndepositedFunds"
        ):
            raise InvalidAccountType(
                f"Invalid account type used : a refund can not be paid from account "
                f"{acct['Id']} ({acct.get('Name', '')}).",
                "DepositToAccountRef",
            )
        data["DepositToAccountRef"] = named_ref(acct, "Name")
        if data.get("PaymentMethodRef"):
            data["PaymentMethodRef"] = named_ref(
                resolve(c, "PaymentMethod", data["PaymentMethodRef"], "PaymentMethodRef"), "Name"
            )
        check_enum(data, "PaymentType", ("Cash", "Check", "CreditCard", "Other"))
        check_lengths(data, {"CheckPayment.CheckNum": 21, "CheckPayment.NameOnAcct": 100})
        data["Balance"] = Decimal("0")
