"""Estimate: a quote to a customer. It is a sales form that posts nothing and owes nothing.

Its lines, discount and tax are priced exactly as an invoice's; it has its own number series
and a status (Pending, Accepted, Closed, Rejected), set by the client. Linking an invoice to
it (converting it) is not emulated.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..company import Company, Posting
from .base import Ctx
from .rules import check_date, check_enum
from .sales import SalesForm
from .txn import index_doc_number

STATUSES = ("Pending", "Accepted", "Closed", "Rejected", "Converted")


class Estimate(SalesForm):
    name: ClassVar[str] = "Estimate"
    series: ClassVar[str] = "Estimate"
    queryable: ClassVar[frozenset[str]] = SalesForm.queryable | {"TxnStatus", "ExpirationDate"}

    def extra(self, ctx: Ctx, data: dict[str, Any]) -> None:
        check_enum(data, "TxnStatus", STATUSES)
        data.setdefault("TxnStatus", "Pending")
        for key in ("ExpirationDate", "AcceptedDate"):
            if data.get(key):
                data[key] = check_date(data[key], key)
        # An estimate is never owed: no balance, no open item.
        data.pop("Balance", None)

    def debit_account(self, c: Company, data: dict[str, Any]) -> str | None:
        return None

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        return []

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        index_doc_number(ctx, self.name, old, new)

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        """Nothing is applied to an estimate."""
