"""The entity model contract and the write operations every entity shares.

A model holds QBO's rules for one entity (``prepare`` validates a request and
computes read-only fields).  ``Operations`` applies what all entities share:
SyncToken concurrency, full versus sparse update, delete, void, numbering,
metadata, ledger postings and change events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, ClassVar

from ..company import Change, Company, Posting, Record
from ..faults import (
    DepositedTransaction,
    InvalidCompanyStatus,
    MatchedTransactionDelete,
    ObjectNotFound,
    RequiredParamMissing,
    StaleObject,
    UnsupportedOperation,
)
from ..ledger import replace_postings
from ..wire import dumps, money, qbo_time
from .inventory import record_moves
from .rules import check_closed_books

SYSTEM_FIELDS = frozenset({"Id", "SyncToken", "MetaData", "domain", "sparse", "status"})
COMMON_QUERYABLE = frozenset({"Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime"})


@dataclass
class Ctx:
    """Per-request context handed to models."""

    company: Company
    now: float
    include: frozenset[str] = frozenset()
    events: list[Change] = field(default_factory=list)
    # The sandbox's own root URL, for links it hands out (an attachable's download link); worked
    # out only when asked (``base_url``), since building it costs more than most requests do.
    # The default, ``str``, gives "" (no requests, no links).
    root_url: Callable[[], str] = str

    @property
    def base_url(self) -> str:
        return self.root_url()


class EntityModel:
    name: ClassVar[str] = ""
    kind: ClassVar[str] = "name"  # name | txn | singleton | readonly
    voidable: ClassVar[bool] = False
    read_only: ClassVar[frozenset[str]] = frozenset()
    queryable: ClassVar[frozenset[str]] = frozenset()
    scalar_fields: ClassVar[frozenset[str]] = frozenset()
    # The name the entity has in JSON bodies and query answers when it differs from the
    # endpoint's (CreditCardPayment is CreditCardPaymentTxn on the wire).
    json_name: ClassVar[str] = ""

    @property
    def wire_name(self) -> str:
        return self.json_name or self.name

    def prepare(self, ctx: Ctx, data: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        return data

    def postings(self, c: Company, data: dict[str, Any]) -> list[Posting]:
        return []

    def voided(self, ctx: Ctx, ident: str, data: dict[str, Any]) -> dict[str, Any]:
        raise UnsupportedOperation("Operation void is not supported.")

    def after_write(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """Refresh figures on other records that depend on this one."""

    def before_delete(self, ctx: Ctx, data: dict[str, Any]) -> None:
        """Raise when the record may not be removed."""

    def all_queryable(self) -> frozenset[str]:
        return self.queryable | COMMON_QUERYABLE

    def list_rank(self, data: dict[str, Any]) -> int:
        """Where a record comes in an unordered query: by this rank, then by Id."""
        return 0

    def wire(self, data: dict[str, Any]) -> dict[str, Any]:
        """The record as the API shows it (most entities: exactly as stored)."""
        return data

    def write(self, ops: Operations, body: dict[str, Any], operation: str) -> str | None:
        """Entities whose requests are not shaped like the rest handle them here; None means
        the usual create/update/delete/void path; else the answer's JSON text."""
        return None


class Operations:
    """Create, update, delete and void, with the rules QBO applies to every entity."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.c = ctx.company

    def _writable(self) -> None:
        if self.c.subscription_status != "active":
            raise InvalidCompanyStatus(
                "Invalid Company Status : the company's subscription has ended or was "
                "cancelled, so it accepts no new or changed data.",
                "",
            )

    def _existing(self, model: EntityModel, body: dict[str, Any]) -> Record:
        ident = body.get("Id")
        if ident in (None, ""):
            raise RequiredParamMissing.of("Id")
        rec = self.c.get(model.name, str(ident))
        if rec is None:
            raise ObjectNotFound(
                f"Object Not Found : no {model.name} with Id={ident} exists; it may have been "
                "deleted.",
                "",
            )
        return rec

    def _check_sync(self, model: EntityModel, rec: Record, body: dict[str, Any]) -> None:
        token = body.get("SyncToken")
        if token is None:
            raise RequiredParamMissing.of("SyncToken")
        if str(token) != rec.data["SyncToken"]:
            raise StaleObject(
                "Stale Object Error : the object changed after you read it (SyncToken "
                f"{rec.data['SyncToken']} is current, you sent {token}). Read it again and "
                "resend your change.",
                "SyncToken",
            )

    def _locked(self, model: EntityModel, rec: Record) -> None:
        if f"{model.name}:{rec.data['Id']}" in self.c.deposited:
            raise DepositedTransaction()
        if model.kind == "txn":
            check_closed_books(self.c, rec.data.get("TxnDate"))

    def _clean(self, model: EntityModel, body: dict[str, Any]) -> dict[str, Any]:
        skip = SYSTEM_FIELDS | model.read_only
        return {k: v for k, v in body.items() if k not in skip and v is not None and v != ""}

    def store(
        self, model: EntityModel, ident: str, data: dict[str, Any], old: Record | None, op: str
    ) -> Record:
        now = self.ctx.now
        created = old.created if old else now
        sync = int(old.data["SyncToken"]) + 1 if old else 0
        full = {
            **data,
            "domain": "QBO",
            "sparse": False,
            "Id": ident,
            "SyncToken": str(sync),
            "MetaData": {
                "CreateTime": qbo_time(created, self.c.tz),
                "LastUpdatedTime": qbo_time(now, self.c.tz),
            },
        }
        if "TotalAmt" in full and self.c.multicurrency and "ExchangeRate" in full:
            rate = Decimal(str(full["ExchangeRate"]))
            full["HomeTotalAmt"] = money(Decimal(str(full["TotalAmt"])) * rate)
            if "Balance" in full:
                full["HomeBalance"] = money(Decimal(str(full["Balance"])) * rate)
        self.c.table(model.name)[ident] = Record(full, dumps(model.wire(full)), created, now)
        postings = in_home_currency(model.postings(self.c, full), full.get("ExchangeRate"))
        replace_postings(self.c, (model.name, ident), postings)
        record_moves(self.c, model.name, ident, full, now)
        model.after_write(self.ctx, old.data if old else None, full)
        self.ctx.events.append(Change(model.name, ident, op))
        return self.c.table(model.name)[ident]

    def create(self, model: EntityModel, body: dict[str, Any]) -> Record:
        if model.kind in ("readonly", "singleton"):
            raise UnsupportedOperation(f"Operation create is not supported for {model.name}.")
        self._writable()
        data = model.prepare(self.ctx, self._clean(model, body), None)
        if model.kind == "txn":
            check_closed_books(self.c, data.get("TxnDate"))
        return self.store(model, self.c.next_id(model.name), data, None, "Create")

    def update(self, model: EntityModel, body: dict[str, Any], sparse: bool) -> Record:
        if model.kind == "readonly":
            raise UnsupportedOperation(f"Operation update is not supported for {model.name}.")
        self._writable()
        rec = self._existing(model, body)
        self._check_sync(model, rec, body)
        self._locked(model, rec)
        base = {k: v for k, v in rec.data.items() if k not in SYSTEM_FIELDS} if sparse else {}
        if sparse:
            for key, value in body.items():
                if (value is None or value == "") and key not in SYSTEM_FIELDS:
                    base.pop(key, None)
        else:
            base.update({k: rec.data[k] for k in model.read_only if k in rec.data})
        merged = {**base, **self._clean(model, body)}
        data = model.prepare(self.ctx, merged, rec.data)
        if model.kind == "txn":
            check_closed_books(self.c, data.get("TxnDate"))
        return self.store(model, rec.data["Id"], data, rec, "Update")

    def delete(self, model: EntityModel, body: dict[str, Any]) -> dict[str, Any]:
        if model.kind != "txn":
            raise UnsupportedOperation(
                f"Operation delete is not supported for {model.name}; make it inactive instead."
            )
        self._writable()
        rec = self._existing(model, body)
        self._check_sync(model, rec, body)
        self._locked(model, rec)
        line = self.c.bank_matches.get(f"{model.name}:{rec.data['Id']}")
        if line is not None:
            raise MatchedTransactionDelete(
                f"Matched Transaction : {model.name} {rec.data['Id']} is matched to bank-feed "
                f"line {line}. Undo that match in the bank feed before deleting it.",
                "",
            )
        model.before_delete(self.ctx, rec.data)
        ident = rec.data["Id"]
        del self.c.table(model.name)[ident]
        now = self.ctx.now
        stone = {
            "Id": ident,
            "status": "Deleted",
            "domain": "QBO",
            "MetaData": {"LastUpdatedTime": qbo_time(now, self.c.tz)},
        }
        self.c.tombstones.setdefault(model.name, {})[ident] = Record.of(stone, rec.created, now)
        replace_postings(self.c, (model.name, ident), [])
        record_moves(self.c, model.name, ident, None, now)
        model.after_write(self.ctx, rec.data, None)
        self.ctx.events.append(Change(model.name, ident, "Delete"))
        return {"status": "Deleted", "domain": "QBO", "Id": ident}

    def void(self, model: EntityModel, body: dict[str, Any], *, in_ui: bool = False) -> Record:
        """Void through the API (entities QBO offers it for), or ``in_ui`` as a user does in
        QuickBooks' own screens, which also void what the API can't (a cheque)."""
        if not model.voidable and not in_ui:
            raise UnsupportedOperation(f"Operation void is not supported for {model.name}.")
        self._writable()
        rec = self._existing(model, body)
        self._check_sync(model, rec, body)
        self._locked(model, rec)
        data = model.voided(
            self.ctx, rec.data["Id"], {k: v for k, v in rec.data.items() if k not in SYSTEM_FIELDS}
        )
        stored = self.store(model, rec.data["Id"], data, rec, "Void")
        return stored


def in_home_currency(postings: list[Posting], rate: object) -> list[Posting]:
    """Convert a foreign-currency transaction's postings, keeping them balanced to the cent."""
    if rate is None or Decimal(str(rate)) == 1 or not postings:
        return postings
    factor = Decimal(str(rate))
    out = [replace(p, amount=money(p.amount * factor)) for p in postings]
    residual = sum((p.amount for p in out), Decimal(0))
    if residual:
        out[0] = replace(out[0], amount=out[0].amount - residual)
    return out


def zero_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for line in lines:
        line = dict(line)
        if "Amount" in line:
            line["Amount"] = Decimal("0")
        detail_key = line.get("DetailType")
        if isinstance(detail_key, str) and isinstance(line.get(detail_key), dict):
            detail = dict(line[detail_key])
            if "Qty" in detail:
                detail["Qty"] = Decimal("0")
            line[detail_key] = detail
        out.append(line)
    return out


def voided_note(note: object) -> str:
    text = note if isinstance(note, str) else ""
    return f"Voided{' - ' + text if text else ''}"
