"""Payment: money received from a customer, applied to invoices and credit memos."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import (
    BusinessValidation,
    InvalidAccountType,
    ObjectNotFound,
    RequiredParamMissing,
    TxnCannotBeLinked,
)
from ..ledger import applied_total, refresh_open_balance, set_applications, set_open_item
from ..wire import money, to_decimal
from .base import Ctx, EntityModel, voided_note
from .rules import check_lengths, named_ref, resolve
from .txn import assign_line_ids, currency, sales_customer, txn_date

ZERO = Decimal("0")
LINKABLE = ("Invoice", "CreditMemo")


def deposit_account(
    ctx: Ctx, data: dict[str, Any], key: str = "DepositToAccountRef"
) -> dict[str, Any]:
    acct = resolve(ctx.company, "Account", data[key], key)
    if acct["AccountType"] not in ("Bank", "Other Current Asset"):
        raise InvalidAccountType(
            f"Invalid account type used : {key} must be a Bank or Other Current Asset account. "
            f"Account {acct['Id']} is of type {acct['AccountType']}.",
            key,
        )
    return acct


class Payment(EntityModel):
    name: ClassVar[str] = "Payment"
    kind: ClassVar[str] = "txn"
    voidable: ClassVar[bool] = True
    read_only: ClassVar[frozenset[str]] = frozenset({"UnappliedAmt", "HomeTotalAmt"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {
            "TxnDate",
            "CustomerRef",
            "TotalAmt",
            "PaymentRefNum",
            "DepositToAccountRef",
            "PrivateNote",
        }
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        cust = sales_customer(ctx, data, sales_form=False)
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000, "PaymentRefNum": 21})
        if data.get("TotalAmt") is None:
            raise BusinessValidation.of("A payment needs an amount (TotalAmt).", "TotalAmt")
        total = money(to_decimal(data["TotalAmt"], "TotalAmt"))
        if total < 0:
            raise BusinessValidation.of("The payment amount can not be negative.", "TotalAmt")
        data["TotalAmt"] = total
        currency(ctx, data, cust)
        if data.get("DepositToAccountRef"):
            data["DepositToAccountRef"] = named_ref(deposit_account(ctx, data), "Name")
        else:
            undeposited = c.account_by_subtype("UndepositedFunds")
            if undeposited is None:
                raise RequiredParamMissing.of("DepositToAccountRef")
            data["DepositToAccountRef"] = named_ref(undeposited.data, "Name")
        if data.get("PaymentMethodRef"):
            resolve(c, "PaymentMethod", data["PaymentMethodRef"], "PaymentMethodRef")
        lines = [dict(ln) for ln in data.get("Line") or []]
        own_id = (old or {}).get("Id")
        applied = ZERO
        seen: set[tuple[str, str]] = set()
        for line in lines:
            amount = money(to_decimal(line.get("Amount", 0), "Line.Amount"))
            line["Amount"] = amount
            links = line.get("LinkedTxn") or []
            if not links:
                raise TxnCannotBeLinked(
                    "A payment line must link to a transaction.", "Line.LinkedTxn"
                )
            for link in links:
                target = self._target(c, link, data["CustomerRef"]["value"])
                if target in seen:
                    raise TxnCannotBeLinked(
                        f"Txn ID {target[1]} can not be linked twice.",
                        "Line.LinkedTxn",
                    )
                seen.add(target)
                rec = c.get(*target)
                assert rec is not None
                open_amount = Decimal(str(rec.data["TotalAmt"])) - applied_total(c, target, own_id)
                if amount > open_amount:
                    raise BusinessValidation.of(
                        f"The payment amount applied to {target[0]} {target[1]} ({amount}) is more "
                        f"than its open balance ({open_amount}).",
                        "Line.Amount",
                    )
                applied += amount if target[0] == "Invoice" else -amount
        if applied > total:
            raise BusinessValidation.of(
                "The amount applied to transactions is more than the payment amount.", "TotalAmt"
            )
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        data["UnappliedAmt"] = total - applied
        data.setdefault("ProcessPayment", False)
        return data

    @staticmethod
    def _target(c: Company, link: dict[str, Any], customer_id: str) -> tuple[str, str]:
        txn_type = link.get("TxnType")
        txn_id = str(link.get("TxnId", ""))
        if txn_type not in LINKABLE:
            raise TxnCannotBeLinked(
                f"Txn ID {txn_id} can not be linked. TxnType={txn_type}",
                "Line.LinkedTxn",
            )
        rec = c.get(txn_type, txn_id)
        if rec is None:
            # A deleted (or never existing) invoice is not found rather than "cannot be linked".
            raise ObjectNotFound(
                f"Object Not Found : Something you're trying to use has been deleted: no "
                f"{txn_type} has the Id {txn_id}.",
                "Line.LinkedTxn",
            )
        owner = (rec.data.get("CustomerRef") or {}).get("value")
        if owner != customer_id:
            raise TxnCannotBeLinked(
                f"Txn ID {txn_id} can not be linked: the {txn_type} belongs to another customer "
                f"({owner}), not to the payment's ({customer_id}).",
                "Line.LinkedTxn",
            )
        return (txn_type, txn_id)

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(data.get("TotalAmt", 0)))
        ar = c.account_by_subtype("AccountsReceivable")
        dep = (data.get("DepositToAccountRef") or {}).get("value")
        if total == 0 or ar is None or dep is None:
            return []
        return [
            Posting(dep, total, data["TxnDate"]),
            Posting(ar.data["Id"], -total, data["TxnDate"]),
        ]

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        c = ctx.company
        ident = (new or old or {}).get("Id", "")
        apps: dict[tuple[str, str], Decimal] = {}
        for line in (new or {}).get("Line", []):
            for link in line.get("LinkedTxn") or []:
                if Decimal(str(line["Amount"])) != 0:
                    apps[(link["TxnType"], str(link["TxnId"]))] = Decimal(str(line["Amount"]))
        for target in set_applications(c, ident, apps, ctx.now):
            refresh_open_balance(c, target, ctx.now)
        cust = ((new or {}).get("CustomerRef") or {}).get("value")
        unapplied = Decimal(str((new or {}).get("UnappliedAmt", 0)))
        set_open_item(c, ("Payment", ident), cust, -unapplied)

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        data["TotalAmt"] = ZERO
        data["UnappliedAmt"] = ZERO
        data["Line"] = []
        data["PrivateNote"] = voided_note(data.get("PrivateNote"))
        return data
