"""Deposit: moves undeposited payments (and other receipts) into a bank account."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import BusinessValidation, RequiredParamMissing, TxnCannotBeLinked
from ..wire import money, to_decimal
from .base import Ctx, EntityModel
from .payment import deposit_account
from .rules import check_lengths, named_ref, require, resolve
from .txn import assign_line_ids, currency, txn_date

ZERO = Decimal("0")


DEPOSITABLE = ("Payment", "SalesReceipt")


def deposit_key(entity: str, ident: str) -> str:
    return f"{entity}:{ident}"


def linked_payments(data: dict[str, Any] | None) -> set[str]:
    """Keys ("Payment:12", "SalesReceipt:3") of the receipts a deposit contains."""
    out = set()
    for line in (data or {}).get("Line", []):
        for link in line.get("LinkedTxn") or []:
            if link.get("TxnType") in DEPOSITABLE:
                out.add(deposit_key(str(link["TxnType"]), str(link["TxnId"])))
    return out


class Deposit(EntityModel):
    name: ClassVar[str] = "Deposit"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset({"TotalAmt", "HomeTotalAmt"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"TxnDate", "TotalAmt", "DepositToAccountRef", "PrivateNote"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        require(data, "DepositToAccountRef")
        data["DepositToAccountRef"] = named_ref(deposit_account(ctx, data), "Name")
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        currency(ctx, data, None)
        raw = data.get("Line")
        if not isinstance(raw, list) or not raw:
            raise RequiredParamMissing.of("Line")
        own = (old or {}).get("Id")
        lines = []
        for raw_line in raw:
            line = dict(raw_line)
            links = line.get("LinkedTxn") or []
            if links:
                total = ZERO
                for link in links:
                    pid = str(link.get("TxnId", ""))
                    kind = str(link.get("TxnType"))
                    pay = c.get(kind, pid) if kind in DEPOSITABLE else None
                    if pay is None:
                        raise TxnCannotBeLinked(
                            f"Txn ID {pid} can not be linked.",
                            "Line.LinkedTxn",
                        )
                    if c.deposited.get(deposit_key(kind, pid)) not in (None, own):
                        raise BusinessValidation.of(
                            f"{kind} {pid} has already been deposited.", "Line.LinkedTxn"
                        )
                    undeposited = c.account_by_subtype("UndepositedFunds")
                    dep_to = (pay.data.get("DepositToAccountRef") or {}).get("value")
                    if undeposited is None or dep_to != undeposited.data["Id"]:
                        raise TxnCannotBeLinked(
                            f"Txn ID {pid} can not be linked: it is not in Undeposited Funds.",
                            "Line.LinkedTxn",
                        )
                    total += Decimal(str(pay.data["TotalAmt"]))
                line["Amount"] = money(to_decimal(line.get("Amount", total), "Line.Amount"))
            else:
                if line.get("Amount") is None:
                    raise RequiredParamMissing.of("Amount", "Line.Amount")
                line["Amount"] = money(to_decimal(line["Amount"], "Line.Amount"))
                line.setdefault("DetailType", "DepositLineDetail")
                detail = dict(line.get("DepositLineDetail") or {})
                if detail.get("AccountRef") is None:
                    raise RequiredParamMissing.of("AccountRef", "Line.DepositLineDetail.AccountRef")
                acct = resolve(
                    c, "Account", detail["AccountRef"], "Line.DepositLineDetail.AccountRef"
                )
                detail["AccountRef"] = named_ref(acct, "Name")
                line["DepositLineDetail"] = detail
            lines.append(line)
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        data["TotalAmt"] = sum((ln["Amount"] for ln in lines), ZERO)
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        day = data["TxnDate"]
        out = [Posting(data["DepositToAccountRef"]["value"], Decimal(str(data["TotalAmt"])), day)]
        undeposited = c.account_by_subtype("UndepositedFunds")
        for line in data.get("Line", []):
            amt = Decimal(str(line["Amount"]))
            if line.get("LinkedTxn") and undeposited is not None:
                out.append(Posting(undeposited.data["Id"], -amt, day))
            elif line.get("DepositLineDetail"):
                out.append(Posting(line["DepositLineDetail"]["AccountRef"]["value"], -amt, day))
        return out

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        c = ctx.company
        ident = (new or old or {}).get("Id", "")
        for pid in linked_payments(old):
            if c.deposited.get(pid) == ident:
                del c.deposited[pid]
        for pid in linked_payments(new):
            c.deposited[pid] = ident
