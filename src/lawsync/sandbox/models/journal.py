"""JournalEntry: balanced debit and credit lines against accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..company import Company, Posting
from ..faults import (
    BusinessValidation,
    DebitsNotEqualCredits,
    InvalidEnumeration,
    MissingPostingType,
    NegativeAmount,
    RequiredParamMissing,
)
from ..wire import money, to_decimal
from .base import Ctx, EntityModel
from .rules import check_lengths, named_ref, resolve
from .txn import (
    assign_line_ids,
    class_ref,
    currency,
    doc_number,
    index_doc_number,
    line_account_currency,
    line_party_currency,
    txn_date,
)

ZERO = Decimal("0")
ENTITY_TYPES = ("Customer", "Vendor", "Employee")


class JournalEntry(EntityModel):
    name: ClassVar[str] = "JournalEntry"
    kind: ClassVar[str] = "txn"
    read_only: ClassVar[frozenset[str]] = frozenset({"TotalAmt", "HomeTotalAmt"})
    queryable: ClassVar[frozenset[str]] = frozenset(
        {"DocNumber", "TxnDate", "TotalAmt", "PrivateNote", "Adjustment"}
    )

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        c = ctx.company
        txn_date(ctx, data)
        check_lengths(data, {"PrivateNote": 4000})
        series = None if "allowautodocnum" in ctx.include else "journal"
        doc_number(
            ctx,
            self.name,
            data,
            old,
            check_duplicates=c.warn_duplicate_doc_numbers,
            series=series,
            start=1,
        )
        code = currency(ctx, data, None)
        raw = data.get("Line")
        if not isinstance(raw, list) or not raw:
            raise RequiredParamMissing.of("Line")
        if len(raw) < 2:
            raise BusinessValidation.of("A journal entry needs at least two lines.", "Line")
        lines = []
        debits = credits = ZERO
        for raw_line in raw:
            line = dict(raw_line)
            if line.get("Amount") is None:
                raise RequiredParamMissing.of("Amount", "Line.Amount")
            amount = money(to_decimal(line["Amount"], "Line.Amount"))
            if amount < 0:
                # The direction is the PostingType's; an amount is never signed (2290).
                raise NegativeAmount(
                    "NegativeAmount : a journal line's Amount can not be negative; post it on "
                    f"the other side (PostingType) instead. Supplied value:{amount}",
                    "Line.Amount",
                )
            line["Amount"] = amount
            line.setdefault("DetailType", "JournalEntryLineDetail")
            check_lengths(line, {"Description": 4000})
            detail = dict(line.get("JournalEntryLineDetail") or {})
            posting = detail.get("PostingType")
            if posting is None:
                raise MissingPostingType(
                    "PostingType is required on every journal line.",
                    "Line.JournalEntryLineDetail.PostingType",
                )
            if posting not in ("Debit", "Credit"):
                raise InvalidEnumeration.of(posting, "Line.JournalEntryLineDetail.PostingType")
            if detail.get("AccountRef") is None:
                raise RequiredParamMissing.of(
                    "AccountRef", "Line.JournalEntryLineDetail.AccountRef"
                )
            acct = resolve(
                c, "Account", detail["AccountRef"], "Line.JournalEntryLineDetail.AccountRef"
            )
            detail["AccountRef"] = named_ref(acct, "Name")
            line_account_currency(ctx, acct, code, "Line.JournalEntryLineDetail.AccountRef")
            entity = detail.get("Entity")
            entity_type = None
            if entity:
                entity_type = entity.get("Type")
                if entity_type in (None, ""):
                    raise RequiredParamMissing.of("Type", "Line.JournalEntryLineDetail.Entity.Type")
                if entity_type not in ENTITY_TYPES:
                    raise InvalidEnumeration.of(
                        entity_type, "Line.JournalEntryLineDetail.Entity.Type"
                    )
                party = resolve(
                    c, entity_type, entity.get("EntityRef"), "Line.JournalEntryLineDetail.Entity"
                )
                line_party_currency(party, code, "Line.JournalEntryLineDetail.Entity")
                detail["Entity"] = {"Type": entity_type, "EntityRef": named_ref(party)}
            if acct["AccountType"] == "Accounts Receivable" and entity_type != "Customer":
                raise BusinessValidation.of(
                    "A line on an Accounts Receivable account needs a customer as its name "
                    "(Entity).",
                    "Line.JournalEntryLineDetail.Entity",
                )
            if acct["AccountType"] == "Accounts Payable" and entity_type != "Vendor":
                raise BusinessValidation.of(
                    "A line on an Accounts Payable account needs a vendor as its name (Entity).",
                    "Line.JournalEntryLineDetail.Entity",
                )
            class_ref(ctx, detail, "Line.JournalEntryLineDetail.ClassRef")
            line["JournalEntryLineDetail"] = detail
            if posting == "Debit":
                debits += amount
            else:
                credits += amount
            lines.append(line)
        if debits != credits:
            raise DebitsNotEqualCredits(
                f"Debits ({debits}) and credits ({credits}) must be equal.",
                "Line",
            )
        assign_line_ids(lines, old)
        for line in lines:
            line.pop("LineNum", None)
        data["Line"] = lines
        data["TotalAmt"] = debits
        data.setdefault("Adjustment", False)
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        out = []
        for line in data.get("Line", []):
            detail = line["JournalEntryLineDetail"]
            amt = Decimal(str(line["Amount"]))
            signed = amt if detail["PostingType"] == "Debit" else -amt
            entity = detail.get("Entity")
            party = f"{entity['Type']}:{entity['EntityRef']['value']}" if entity else None
            out.append(
                Posting(
                    detail["AccountRef"]["value"],
                    signed,
                    data["TxnDate"],
                    party,
                    line.get("Description"),
                )
            )
        return out

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        index_doc_number(ctx, self.name, old, new)
