"""CreditCardPayment: paying a credit card's balance from a bank account.

Money leaves the bank account and reduces what is owed on the card: the card account is
debited, the bank credited. The card must be a Credit Card account and the paying account a
Bank account (6430 otherwise); the amount must be above zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import BusinessValidation, InvalidAccountType, RequiredParamMissing
from ..wire import money, to_decimal
from .base import Ctx, EntityModel
from .rules import check_lengths, named_ref, require, resolve
from .txn import txn_date


def _account(ctx: Ctx, data: dict[str, Any], key: str, wanted: str) -> dict[str, Any]:
    require(data, key)
    acct = resolve(ctx.company, "Account", data[key], key)
    if acct.get("AccountType") != wanted:
        raise InvalidAccountType(
            f"Invalid account type used : {key} {acct['Id']} is a {acct.get('AccountType')} "
            f"account; a {wanted} account is needed.",
            key,
        )
    data[key] = named_ref(acct, "Name")
    return acct


class CreditCardPayment(EntityModel):
    name: ClassVar[str] = "CreditCardPayment"
    json_name: ClassVar[str] = "CreditCardPaymentTxn"
    kind: ClassVar[str] = "txn"
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"TxnDate", "Amount", "BankAccountRef", "CreditCardAccountRef", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        _account(ctx, data, "CreditCardAccountRef", "Credit Card")
        _account(ctx, data, "BankAccountRef", "Bank")
        if data.get("Amount") is None:
            raise RequiredParamMissing.of("Amount")
        amount = money(to_decimal(data["Amount"], "Amount"))
        if amount <= 0:
            raise BusinessValidation.of(
                "A credit card payment needs an amount above zero.", "Amount"
            )
        data["Amount"] = amount
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000, "Memo": 4000})
        c = ctx.company
        data.setdefault("CurrencyRef", {"value": c.home_currency, "name": c.home_currency})
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        amount = Decimal(str(data["Amount"]))
        day = data["TxnDate"]
        return [
            Posting(data["CreditCardAccountRef"]["value"], amount, day, memo=data.get("Memo")),
            Posting(data["BankAccountRef"]["value"], -amount, day, memo=data.get("Memo")),
        ]
